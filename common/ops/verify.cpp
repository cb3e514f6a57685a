#include "ops/verify.hpp"

#include "aci/aci_reader.hpp"
#include "aci/image_id.hpp"
#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <set>

namespace acikit::ops {

namespace {

// A regular file whose first non-blank byte is '{' is a manifest (an ACI starts
// with a compression magic or a tar header, never with '{').
bool looks_like_manifest(const std::string& path)
{
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  for (ssize_t i = 0; i < n; ++i) {
    char c = buf[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return c == '{';
    }
  }
  return false;
}

aci::AciReport check_input(const std::string& input, const aci::VerifyLimits& limits)
{
  if (input == "-") {
    return aci::verify_aci_stream(aci::fd_input(STDIN_FILENO, "-"), "-", limits);
  }
  struct stat st {};
  if (::stat(input.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return aci::verify_layout(input, limits);
    }
    if (S_ISREG(st.st_mode) && looks_like_manifest(input)) {
      return aci::verify_manifest_file(input);
    }
  }
  return aci::verify_aci(input, limits);
}

void check_signature(aci::AciReport& r, const std::string& input, const VerifyOptions& o,
                     signature::Verifier& verifier, std::string& signer)
{
  if (r.kind != aci::InputKind::aci || input == "-") {
    r.errors.push_back("signature: only .aci files are signed (--keyring given)");
    return;
  }
  std::string sig_path = o.signature ? *o.signature : input + ".asc";
  struct stat st {};
  if (::stat(sig_path.c_str(), &st) != 0) {
    r.errors.push_back("signature: " + sig_path + ": missing");
    return;
  }
  std::string sig = util::read_file(sig_path);
  try {
    auto signed_text = verifier.verify_detached_file(input, sig, sig_path);
    signer = signed_text.signer().fingerprint;
  } catch (const Error& e) {
    if (e.code() != ExitCode::bad_input) {
      throw;
    }
    r.errors.push_back("signature: " + std::string(e.what()));
  }
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
  std::set<aci::FindingKind> fatal;
  if (o.strict) {
    fatal.insert(std::begin(aci::k_finding_kinds), std::end(aci::k_finding_kinds));
  }
  for (const auto& k : o.fail_on) {
    auto kind = aci::parse_finding_kind(k);
    if (!kind) {
      throw_usage("--fail-on: unknown kind '" + k +
                  "' (one of: symlink-escape hardlink-escape setuid device world-writable exec-missing)");
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
    std::string signer;
    bool readable = true;
    try {
      r = check_input(input, limits);
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
      if (verifier) {
        check_signature(r, input, o, *verifier, signer);
      }
    }
    r.valid = r.errors.empty();
    any_invalid = any_invalid || !r.valid;
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
      std::cout << r.file << ": invalid: " << e << '\n';
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

} // namespace acikit::ops
