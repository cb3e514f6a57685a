#pragma once
// aci-verify: check ACIs, image layouts and bare manifests against the appc spec
// (aci/aci_reader.hpp), report hostile content, and check signatures.
#include "aci/aci_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acikit::signature {
class Verifier;
}

namespace acikit::ops {

struct VerifyOptions {
  // .aci files, layout directories (DIR/manifest + DIR/rootfs/), manifest files
  // (first non-blank byte '{'), or "-" (an .aci stream on stdin).
  std::vector<std::string> inputs;
  bool json = false;                  // --json: one JSON document on stdout
  bool strict = false;                // --strict: every finding is a failure
  std::vector<std::string> fail_on;   // --fail-on KIND: this kind is a failure
  std::optional<std::string> keyring;    // --keyring: signatures required
  std::optional<std::string> signature;  // --signature (one input only); default INPUT.asc;
                                         // required for "-" with --keyring
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

struct AciCheck {
  aci::AciReport report;
  std::string signer;           // fingerprint of the good signature; "" if none was checked
  std::string signature_error;  // "signature: ..." when the signature check failed
};

// One .aci read once from `fd` (from its current offset to its end): the same
// bytes are validated, hashed for the image ID and, with a `verifier`, fed to
// the check of the detached `signature` (named `signature_file` in messages).
// There is no second read, so no file swapped in meanwhile can be
// signature-checked in place of the validated bytes. What the validation leaves
// unread (it stops early on a bad image) is read to the end for the signature,
// at most limits.max_size bytes in all. Read errors throw (environment).
AciCheck verify_aci_fd(int fd, const std::string& name, const aci::VerifyLimits& limits,
                       signature::Verifier* verifier = nullptr, std::string_view signature = {},
                       const std::string& signature_file = {});

} // namespace acikit::ops
