#include "aci/exec.hpp"

namespace acikit::aci {

Result<Exec> Exec::parse(std::vector<std::string> argv)
{
  if (argv.empty()) {
    return fail("exec must not be empty");
  }
  if (argv[0].empty() || argv[0][0] != '/') {
    return fail("exec[0] '" + argv[0] + "' must be an absolute path");
  }
  for (const auto& a : argv) {
    if (a.find('\0') != std::string::npos) {
      return fail("exec argument holds a NUL byte");
    }
  }
  Exec e;
  e.m_argv = std::move(argv);
  return e;
}

} // namespace acikit::aci
