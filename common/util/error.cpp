#include "util/error.hpp"

#include <cerrno>
#include <cstring>

namespace acikit {

namespace {
std::string join(const std::string& where, const std::string& what)
{
  return where.empty() ? what : where + ": " + what;
}
} // namespace

Error::Error(ExitCode code, std::string where, std::string what)
  : std::runtime_error(join(where, what)),
    m_code(code),
    m_where(std::move(where)),
    m_message(std::move(what))
{
}

void throw_bad_input(const std::string& where, const std::string& what)
{
  throw Error(ExitCode::bad_input, where, what);
}

void throw_usage(const std::string& what)
{
  throw Error(ExitCode::usage, "", what);
}

void throw_environment(const std::string& where, const std::string& what)
{
  throw Error(ExitCode::environment, where, what);
}

void throw_errno(const std::string& where, const std::string& what)
{
  throw_errno(where, what, errno);
}

void throw_errno(const std::string& where, const std::string& what, int err)
{
  throw Error(ExitCode::environment, where, what + ": " + std::strerror(err));
}

} // namespace acikit
