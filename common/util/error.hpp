#pragma once
// acikit::Error: the one exception type. It carries the exit status class of
// DESIGN.md ("Conventions") and the place (file, file:line, file: field, tar entry)
// so that the front end prints `aci-TOOL: error: WHERE: WHAT`.
#include <stdexcept>
#include <string>

namespace acikit {

enum class ExitCode : int {
  ok = 0,
  bad_input = 1,    // invalid, unverifiable, hash mismatch, conflict
  usage = 2,        // bad command line
  environment = 3,  // network, I/O, disk full: a retry may help
};

class Error : public std::runtime_error {
public:
  Error(ExitCode code, std::string where, std::string what);

  ExitCode code() const { return m_code; }
  const std::string& where() const { return m_where; }
  const std::string& message() const { return m_message; }

private:
  ExitCode m_code;
  std::string m_where;
  std::string m_message;
};

[[noreturn]] void throw_bad_input(const std::string& where, const std::string& what);
[[noreturn]] void throw_usage(const std::string& what);
[[noreturn]] void throw_environment(const std::string& where, const std::string& what);
// errno-based environment error: "WHERE: WHAT: strerror(errno)".
[[noreturn]] void throw_errno(const std::string& where, const std::string& what);
[[noreturn]] void throw_errno(const std::string& where, const std::string& what, int err);

} // namespace acikit
