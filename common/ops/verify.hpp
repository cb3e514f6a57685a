#pragma once
// aci-verify: check ACIs against the appc spec (aci/aci_reader.hpp) and report.
#include <string>
#include <vector>

namespace acikit::ops {

struct VerifyOptions {
  std::vector<std::string> inputs;  // .aci files
  bool json = false;                // --json: machine report on stdout
};

// Text report: "FILE: valid sha512-..." or one "FILE: invalid: REASON" line per
// error, then "FILE: warning: ..." lines. --json: an array of
// {"file", "valid", "image_id", "compression", "errors", "warnings"}.
// Exit status: 0 all valid, 1 any invalid, 3 any input unreadable (an
// unreadable input is reported as invalid with its error too).
int verify(const VerifyOptions& options);

} // namespace acikit::ops
