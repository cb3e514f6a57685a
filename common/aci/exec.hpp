#pragma once
// app.exec and eventHandlers[].exec (appc spec/aci.md): the executable and its
// arguments, never evaluated or split. Must be non-empty, and exec[0] an
// absolute path. (The reference code accepts an empty list; the spec text says
// "must be non-empty": we follow the text.)
#include "util/result.hpp"

#include <string>
#include <vector>

namespace acikit::aci {

class Exec {
public:
  static Result<Exec> parse(std::vector<std::string> argv);
  const std::vector<std::string>& argv() const { return m_argv; }

private:
  Exec() = default;
  std::vector<std::string> m_argv;
};

} // namespace acikit::aci
