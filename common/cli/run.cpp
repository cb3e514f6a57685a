#include "cli/run.hpp"

#include "util/error.hpp"

#include <clocale>
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>

namespace acikit::cli {

int run(const std::string& tool, const std::function<int()>& body)
{
  // libarchive writes pax hdrcharset records for non-ASCII names in the C locale;
  // C.UTF-8 keeps output identical whatever the user's locale.
  std::setlocale(LC_ALL, "C.UTF-8");
  try {
    int rc = body();
    std::cout.flush();
    if (!std::cout) {
      std::cerr << tool << ": error: stdout: write failed\n";
      return static_cast<int>(ExitCode::environment);
    }
    return rc;
  } catch (const Error& e) {
    std::cerr << tool << ": error: " << e.what() << '\n';
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    std::cerr << tool << ": error: out of memory\n";
    return static_cast<int>(ExitCode::environment);
  } catch (const std::exception& e) {
    std::cerr << tool << ": error: " << e.what() << '\n';
    return static_cast<int>(ExitCode::environment);
  }
}

void warn(const std::string& tool, const std::string& message)
{
  std::cerr << tool << ": warning: " << message << '\n';
}

void info(const std::string& tool, const std::string& message)
{
  std::cerr << tool << ": " << message << '\n';
}

} // namespace acikit::cli
