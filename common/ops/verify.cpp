#include "ops/verify.hpp"

#include "aci/aci_reader.hpp"
#include "aci/image_id.hpp"
#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <string_view>

namespace acikit::ops {

namespace {

// A regular file whose first non-blank byte is '{' is a manifest (an ACI starts
// with a compression magic or a tar header, never with '{'). pread: the offset
// of `fd` stays at 0 for the ACI reader.
bool looks_like_manifest(int fd)
{
  char buf[4096];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  // A UTF-8 BOM before the '{' still makes a manifest, for the manifest reader
  // to refuse by name (RFC 8259 §8.1) rather than "not an archive".
  ssize_t start = n >= 3 && std::string_view(buf, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  for (ssize_t i = start; i < n; ++i) {
    char c = buf[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return c == '{';
    }
  }
  return false;
}

// The detached signature for an .aci input: its bytes, or an error line.
struct SignatureFile {
  std::string path;
  std::optional<std::string> bytes;
};

SignatureFile signature_for(const std::string& input, const VerifyOptions& o)
{
  SignatureFile f;
  f.path = o.signature ? *o.signature : input + ".asc";
  struct stat st {};
  if (::stat(f.path.c_str(), &st) == 0) {
    f.bytes = util::read_file(f.path);
  }
  return f;
}

// One input, opened once: the kind is decided from the open file, and an .aci
// is validated and signature-checked from that one descriptor (verify_aci_fd).
AciCheck check_input(const std::string& input, const VerifyOptions& o, const aci::VerifyLimits& limits,
                     signature::Verifier* verifier)
{
  util::Fd owned;
  int fd = STDIN_FILENO;
  if (input != "-") {
    owned.reset(::open(input.c_str(), O_RDONLY | O_CLOEXEC));
    if (owned.get() < 0) {
      throw_errno(input, "open");
    }
    fd = owned.get();
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      throw_errno(input, "fstat");
    }
    AciCheck c;
    if (S_ISDIR(st.st_mode)) {
      c.report = aci::verify_layout(input, limits);
    } else if (S_ISREG(st.st_mode) && looks_like_manifest(fd)) {
      c.report = aci::verify_manifest_file(input);
    }
    if (S_ISDIR(st.st_mode) || c.report.kind == aci::InputKind::manifest) {
      if (verifier) {
        c.signature_error = "signature: only .aci files are signed (--keyring given)";
      }
      return c;
    }
  }
  if (!verifier) {
    return verify_aci_fd(fd, input, limits);
  }
  // The signature is read first: the image itself is read once, below.
  SignatureFile sig = signature_for(input, o);
  if (!sig.bytes) {
    AciCheck c = verify_aci_fd(fd, input, limits);
    c.signature_error = "signature: " + sig.path + ": missing";
    return c;
  }
  return verify_aci_fd(fd, input, limits, verifier, *sig.bytes, sig.path);
}

} // namespace

int verify(const VerifyOptions& o)
{
  if (o.inputs.empty()) {
    throw_usage("expected at least one INPUT (.aci file, layout directory, manifest or -)");
  }
  if (o.signature && o.inputs.size() != 1) {
    throw_usage("--signature needs exactly one INPUT");
  }
  if (o.signature && !o.keyring) {
    throw_usage("--signature needs --keyring");
  }
  // "-" is stdin, which only an .aci input may be (one reader, one stream):
  // refused here rather than taken for a file named "-".
  if (o.signature && *o.signature == "-") {
    throw_usage("--signature -: the signature cannot be read from stdin (give its file)");
  }
  if (o.keyring && *o.keyring == "-") {
    throw_usage("--keyring -: the keyring cannot be read from stdin (give its file)");
  }
  if (o.keyring && !o.signature && std::find(o.inputs.begin(), o.inputs.end(), "-") != o.inputs.end()) {
    throw_usage("--keyring with - (stdin) needs --signature FILE");
  }
  std::set<aci::FindingKind> fatal;
  if (o.strict) {
    fatal.insert(std::begin(aci::k_finding_kinds), std::end(aci::k_finding_kinds));
  }
  for (const auto& k : o.fail_on) {
    auto kind = aci::parse_finding_kind(k);
    if (!kind) {
      std::string kinds;
      for (auto kind_k : aci::k_finding_kinds) {
        kinds += (kinds.empty() ? "" : " ") + std::string(aci::finding_kind_name(kind_k));
      }
      throw_usage("--fail-on: unknown kind '" + k + "' (one of: " + kinds + ")");
    }
    fatal.insert(*kind);
  }
  if (o.expect_id) {
    if (auto id = aci::ImageId::parse(*o.expect_id); !id) {
      throw_usage("--expect-id: " + id.error());
    }
  }
  aci::VerifyLimits limits;
  if (o.max_size) limits.max_size = *o.max_size;
  if (o.max_ratio) limits.max_ratio = *o.max_ratio;
  if (o.max_entries) limits.max_entries = *o.max_entries;

  std::unique_ptr<signature::Verifier> verifier;
  if (o.keyring) {
    auto keyring = signature::Keyring::from_file(*o.keyring);
    verifier = std::make_unique<signature::Verifier>(keyring);
  }

  bool any_invalid = false, any_unreadable = false;
  nlohmann::json results = nlohmann::json::array();
  for (const auto& input : o.inputs) {
    aci::AciReport r;
    r.file = input;
    std::string signer, signature_error;
    bool readable = true;
    try {
      AciCheck c = check_input(input, o, limits, verifier.get());
      r = std::move(c.report);
      signer = std::move(c.signer);
      signature_error = std::move(c.signature_error);
    } catch (const Error& e) {
      if (e.code() == ExitCode::bad_input) {
        r.errors.push_back(e.message());
      } else {
        any_unreadable = true;
        readable = false;
        std::cerr << "aci-verify: error: " << e.what() << '\n';
        r.errors.push_back(e.what());
      }
    }
    std::vector<bool> finding_fatal;
    for (const auto& f : r.findings) {
      bool is_fatal = fatal.count(f.kind) > 0;
      finding_fatal.push_back(is_fatal);
      if (is_fatal) {
        r.errors.push_back(std::string(aci::finding_kind_name(f.kind)) + ": " + f.message);
      }
    }
    if (readable) {
      // Identity first, then trust (issue 5): both are reported.
      if (o.expect_id && r.image_id != *o.expect_id) {
        r.errors.push_back("image ID " + (r.image_id.empty() ? std::string("(none)") : r.image_id) +
                           " is not the expected " + *o.expect_id);
      }
      if (o.expect_name) {
        std::string name = r.manifest ? r.manifest->name().str() : "";
        if (name != *o.expect_name) {
          r.errors.push_back("image name '" + name + "' is not the expected '" + *o.expect_name + "'");
        }
      }
      if (!signature_error.empty()) {
        r.errors.push_back(signature_error);
      }
    }
    r.valid = r.errors.empty();
    any_invalid = any_invalid || !r.valid;
    // The verdict word matches the exit status: "unreadable" (3) is an input
    // that could not be read at all, not one found invalid (1).
    const char* verdict = r.valid ? "valid" : readable ? "invalid" : "unreadable";
    if (o.json) {
      nlohmann::json findings = nlohmann::json::array();
      for (std::size_t i = 0; i < r.findings.size(); ++i) {
        const auto& f = r.findings[i];
        findings.push_back({{"kind", std::string(aci::finding_kind_name(f.kind))},
                            {"entry", f.entry},
                            {"message", f.message},
                            {"fatal", bool(finding_fatal[i])}});
      }
      auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
      bool is_aci = r.kind == aci::InputKind::aci;
      results.push_back({{"file", r.file},
                         {"kind", std::string(aci::input_kind_name(r.kind))},
                         {"valid", r.valid},
                         {"verdict", verdict},
                         {"image_id", or_null(r.image_id)},
                         {"compression", is_aci && readable ? nlohmann::json(std::string(compress::format_name(
                                                                  r.compression)))
                                                            : nlohmann::json(nullptr)},
                         {"name", r.manifest ? nlohmann::json(r.manifest->name().str()) : nlohmann::json(nullptr)},
                         {"uncompressed_size", r.uncompressed_size},
                         {"entries", r.entries},
                         {"errors", r.errors},
                         {"warnings", r.warnings},
                         {"findings", findings},
                         {"signer", or_null(signer)}});
      continue;
    }
    if (r.valid) {
      std::cout << r.file << ": valid "
                << (r.kind == aci::InputKind::aci ? r.image_id : std::string(aci::input_kind_name(r.kind))) << '\n';
      if (!signer.empty()) {
        std::cout << r.file << ": signed by " << signer << '\n';
      }
    }
    for (const auto& e : r.errors) {
      std::cout << r.file << ": " << verdict << ": " << e << '\n';
    }
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
      if (!finding_fatal[i]) {
        const auto& f = r.findings[i];
        std::cout << r.file << ": warning: " << aci::finding_kind_name(f.kind) << ": " << f.message << '\n';
      }
    }
    for (const auto& w : r.warnings) {
      std::cout << r.file << ": warning: " << w << '\n';
    }
  }
  if (o.json) {
    std::cout << nlohmann::json{{"results", results}}.dump(2) << '\n';
  }
  if (any_unreadable) {
    return static_cast<int>(ExitCode::environment);
  }
  return any_invalid ? static_cast<int>(ExitCode::bad_input) : 0;
}

AciCheck verify_aci_fd(int fd, const std::string& name, const aci::VerifyLimits& limits,
                       signature::Verifier* verifier, std::string_view signature, const std::string& signature_file)
{
  std::unique_ptr<signature::DetachedStream> stream;
  if (verifier) {
    stream = std::make_unique<signature::DetachedStream>(*verifier, std::string(signature), signature_file);
  }
  bool at_end = false;
  std::uint64_t raw = 0;
  const compress::Input base = aci::fd_input(fd, name);
  // Every byte read goes to the validator and, in the same order, to gpg.
  const compress::Input tee = [&](void* buf, std::size_t n) {
    std::size_t got = base(buf, n);
    if (got == 0) {
      at_end = true;
    } else {
      raw += got;
      if (stream) {
        stream->write(buf, got);
      }
    }
    return got;
  };
  AciCheck c;
  c.report = aci::verify_aci_stream(tee, name, limits);
  if (!stream) {
    return c;
  }
  // The signature is over the whole file, also what a bad image left unread.
  std::vector<char> buf(64 * 1024);
  while (!at_end && raw <= limits.max_size) {
    tee(buf.data(), buf.size());
  }
  if (!at_end) {
    c.signature_error = "signature: not checked: the input is larger than " + std::to_string(limits.max_size) +
                        " bytes (--max-size)";
    return c;  // ~DetachedStream abandons the check
  }
  try {
    c.signer = stream->finish().signer().fingerprint;
  } catch (const Error& e) {
    if (e.code() != ExitCode::bad_input) {
      throw;
    }
    c.signature_error = "signature: " + std::string(e.what());
  }
  return c;
}

} // namespace acikit::ops
