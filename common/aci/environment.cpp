#include "aci/environment.hpp"

#include "aci/chars.hpp"

#include <set>

namespace acikit::aci {

Result<std::string> check_env_name(std::string_view name)
{
  const std::string q = "environment variable name '" + std::string(name) + "'";
  if (name.empty()) {
    return fail("environment variable name cannot be empty");
  }
  if (is_digit(name[0])) {
    return fail(q + " must not start with a digit");
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = is_alpha(c) || is_digit(c) || c == '_' || (i > 0 && (c == '.' || c == '-'));
    if (!ok) {
      return fail(q + " may hold only letters, digits and '_'");
    }
  }
  return std::string(name);
}

bool env_name_portable(std::string_view name)
{
  if (!check_env_name(name)) {
    return false;
  }
  for (char c : name) {
    if (c == '.' || c == '-') {
      return false;
    }
  }
  return true;
}

Result<Environment> Environment::parse(std::vector<EnvironmentVariable> vars)
{
  std::set<std::string> seen;
  for (const auto& v : vars) {
    if (auto r = check_env_name(v.name); !r) {
      return fail(r.error());
    }
    if (!seen.insert(v.name).second) {
      return fail("duplicate environment variable '" + v.name + "'");
    }
  }
  Environment out;
  out.m_items = std::move(vars);
  return out;
}

} // namespace acikit::aci
