#pragma once
// aci-verify: check ACIs, image layouts and bare manifests against the appc spec
// (aci/aci_reader.hpp), report hostile content, and check signatures.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace acikit::ops {

struct VerifyOptions {
  // .aci files, layout directories (DIR/manifest + DIR/rootfs/), manifest files
  // (first non-blank byte '{'), or "-" (an .aci stream on stdin).
  std::vector<std::string> inputs;
  bool json = false;                  // --json: one JSON document on stdout
  bool strict = false;                // --strict: every finding is a failure
  std::vector<std::string> fail_on;   // --fail-on KIND: this kind is a failure
  std::optional<std::string> keyring;    // --keyring: signatures required
  std::optional<std::string> signature;  // --signature (one input only); default INPUT.asc
  std::optional<std::string> expect_id;    // --expect-id sha512-...
  std::optional<std::string> expect_name;  // --expect-name NAME
  std::optional<std::uint64_t> max_size;     // --max-size BYTES (uncompressed)
  std::optional<std::uint64_t> max_ratio;    // --max-ratio N (N:1)
  std::optional<std::uint64_t> max_entries;  // --max-entries N
};

// Text report, per input: "FILE: valid sha512-..." (a layout: "FILE: valid
// layout", a manifest: "FILE: valid manifest"), "FILE: signed by FINGERPRINT",
// or one "FILE: invalid: REASON" line per error; then "FILE: warning: ..." lines
// (findings as "FILE: warning: KIND: MESSAGE"; failing ones are errors,
// "FILE: invalid: KIND: MESSAGE").
// --json: {"results": [{"file", "kind", "valid", "image_id", "compression",
// "name", "uncompressed_size", "errors", "warnings", "findings": [{"kind",
// "entry", "message", "fatal"}], "signer"}]}.
// --expect-id / --expect-name are compared before the signature is judged, and
// both are reported. Exit status: 0 all valid, 1 any invalid, 3 any input
// unreadable (also reported as invalid with its error).
int verify(const VerifyOptions& options);

} // namespace acikit::ops
