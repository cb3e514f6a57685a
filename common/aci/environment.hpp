#pragma once
// app.environment (appc spec/aci.md): unique names made of letters, digits and
// '_' (IEEE Std 1003.1-2001 ch. 8), not starting with a digit.
//
// The reference code also accepts '.' and '-' after the first character
// (schema/types/environment_test.go: "DEBUG.0", "DEBUG-0"). Reading accepts
// either; aci-manifest writes only portable names (env_name_portable).
#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace acikit::aci {

struct EnvironmentVariable {
  std::string name;
  std::string value;
};

class Environment {
public:
  Environment() = default;
  static Result<Environment> parse(std::vector<EnvironmentVariable> vars);
  const std::vector<EnvironmentVariable>& items() const { return m_items; }
  bool empty() const { return m_items.empty(); }

private:
  std::vector<EnvironmentVariable> m_items;
};

// [A-Za-z_][A-Za-z0-9_.-]* (what reading accepts).
Result<std::string> check_env_name(std::string_view name);
// [A-Za-z_][A-Za-z0-9_]* (what the spec text allows).
bool env_name_portable(std::string_view name);

} // namespace acikit::aci
