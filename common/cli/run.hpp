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

} // namespace acikit::cli
