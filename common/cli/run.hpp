#pragma once
// The one place exceptions become exit statuses and `aci-TOOL: error: ...` lines.
#include <functional>
#include <string>

namespace acikit::cli {

// Runs body(); returns its exit status, or maps an acikit::Error (or any other
// exception) to the exit codes of DESIGN.md and prints it on stderr.
int run(const std::string& tool, const std::function<int()>& body);

// Print "aci-TOOL: warning: MSG" / "aci-TOOL: MSG" on stderr.
void warn(const std::string& tool, const std::string& message);
void info(const std::string& tool, const std::string& message);

// The last line of every tool's --help (the codes of util/error.hpp's ExitCode).
inline constexpr const char* k_exit_status_help =
    "Exit status: 0 success, 1 bad input, 2 usage error, 3 environment or transient failure.";

} // namespace acikit::cli
