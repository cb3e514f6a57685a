#include "ops/fetch.hpp"

#include "cli/run.hpp"
#include "hash/hash.hpp"
#include "repo/decompress.hpp"
#include "repo/packages.hpp"
#include "repo/release.hpp"
#include "repo/sources.hpp"
#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/temp_dir.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <system_error>

namespace acikit::ops {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t k_max_release_size = 64ull << 20;

bool is_inline_key(const std::string& signed_by)
{
  return signed_by.find("-----BEGIN PGP PUBLIC KEY BLOCK-----") != std::string::npos;
}

// The keys a source is checked with: --keyring, else its Signed-By (a block or
// key files), else apt's trusted.gpg.d (sources.list(5), "Signed-By").
struct KeySpec {
  std::string id;  // cache key
  std::string signed_by;
  std::vector<fs::path> files;
};

KeySpec key_spec(const FetchOptions& options, const repo::Source& s)
{
  KeySpec k;
  if (options.keyring) {
    k.id = "file:" + options.keyring->string();
    k.files = {*options.keyring};
    return k;
  }
  if (is_inline_key(s.signed_by)) {
    k.id = "inline:" + s.signed_by;
    k.signed_by = s.signed_by;
    return k;
  }
  if (!s.signed_by.empty()) {
    for (auto part : util::split_ws(s.signed_by)) {
      for (auto p : util::split(part, ',')) {
        if (!p.empty()) {
          if (p.front() != '/') {
            // apt also accepts fingerprints of trusted keys here; acikit wants a file.
            throw_bad_input(s.origin, "Signed-By '" + std::string(p) + "': expected an absolute keyring path or "
                                      "an inline key block");
          }
          k.files.emplace_back(std::string(p));
        }
      }
    }
    k.id = "file:" + s.signed_by;
    return k;
  }
  std::error_code ec;
  if (fs::is_regular_file(options.etc_apt / "trusted.gpg", ec)) {
    k.files.push_back(options.etc_apt / "trusted.gpg");
  }
  std::vector<fs::path> parts;
  for (const auto& e : fs::directory_iterator(options.etc_apt / "trusted.gpg.d", ec)) {
    auto ext = e.path().extension();
    if ((ext == ".gpg" || ext == ".asc") && e.is_regular_file()) {
      parts.push_back(e.path());
    }
  }
  std::sort(parts.begin(), parts.end());
  k.files.insert(k.files.end(), parts.begin(), parts.end());
  if (k.files.empty()) {
    throw_bad_input(s.origin, "no Signed-By for " + s.uri + " " + s.suite + " and no keys in " +
                                  (options.etc_apt / "trusted.gpg.d").string() + " (give --keyring FILE)");
  }
  k.id = "trusted";
  return k;
}

signature::Keyring load_keyring(const KeySpec& k, const repo::Source& s)
{
  if (!k.signed_by.empty()) {
    return signature::Keyring::from_armored(k.signed_by, s.origin + ": Signed-By");
  }
  if (k.files.size() == 1) {
    return signature::Keyring::from_file(k.files[0]);
  }
  return signature::Keyring::from_files(k.files);
}

std::string dirname_of(const std::string& path)
{
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string basename_of(const std::string& path)
{
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A pool path from a verified index still becomes a local file name: refuse
// anything that could climb out (.., absolute) or that is not a file name.
void check_pool_path(const repo::Package& p)
{
  bool bad = p.filename.empty() || p.filename.front() == '/';
  for (auto part : util::split(p.filename, '/')) {
    bad = bad || part == ".." || part == "." || part.empty();
  }
  if (bad) {
    throw_bad_input(p.origin, "field 'Filename': unsafe path '" + p.filename + "'");
  }
}

struct IndexFetch {
  std::size_t source = 0;
  std::string canonical_url;  // names the index in messages (and its compression)
  transport::Request request;
};

bool file_matches(const fs::path& p, std::uint64_t size, const std::string& sha256)
{
  std::error_code ec;
  if (!fs::is_regular_file(p, ec) || fs::file_size(p, ec) != size || ec) {
    return false;
  }
  return hash::file_sha256_hex(p) == sha256;
}

} // namespace

FetchReport fetch(const FetchOptions& options, transport::Transport& transport)
{
  if (options.packages.empty()) {
    throw_usage("no PACKAGE given");
  }
  // Parse every request first: a typo is a usage error before any download.
  std::vector<repo::Request> requests;
  for (const auto& p : options.packages) {
    requests.push_back(repo::Request::parse(p));
  }

  std::vector<repo::Source> all;
  if (options.sources.empty()) {
    all = repo::load_system_sources(options.etc_apt);
  } else {
    for (const auto& f : options.sources) {
      auto more = repo::parse_sources(util::read_file(f), f.string());
      all.insert(all.end(), more.begin(), more.end());
    }
  }
  std::vector<repo::Source> sources;
  for (auto& s : all) {
    if (s.architectures.empty() ||
        std::find(s.architectures.begin(), s.architectures.end(), options.arch) != s.architectures.end()) {
      sources.push_back(std::move(s));
    }
  }
  if (sources.empty()) {
    throw_bad_input(options.sources.empty() ? options.etc_apt.string() : options.sources.front().string(),
                    "no apt source for architecture '" + options.arch + "'");
  }

  FetchReport report;
  util::TempDir work("aci-fetch");
  std::map<std::string, std::unique_ptr<signature::Verifier>> verifiers;
  std::vector<IndexFetch> indexes;

  // 1. Each source's release, verified; only the verified plaintext is parsed.
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& s = sources[i];
    if (!s.suite.empty() && s.suite.back() == '/') {
      throw_bad_input(s.origin, "flat repositories (suite '" + s.suite + "') are not supported");
    }
    KeySpec spec = key_spec(options, s);
    auto& verifier = verifiers[spec.id];
    if (!verifier) {
      verifier = std::make_unique<signature::Verifier>(load_keyring(spec, s));
    }
    const std::string dist = s.uri + "/dists/" + s.suite + "/";
    FetchedSource fetched{s.uri, s.suite, dist + "InRelease", "", ""};
    std::optional<signature::SignedText> text;
    if (auto inrelease = transport.get(dist + "InRelease", k_max_release_size)) {
      fetched.release_sha256 = hash::sha256_hex(*inrelease);
      text = verifier->verify_clearsigned(*inrelease, dist + "InRelease");
    } else {
      // Release + Release.gpg only when InRelease is absent (DESIGN.md, Trust 1).
      auto release = transport.get(dist + "Release", k_max_release_size);
      if (!release) {
        throw_bad_input(dist + "InRelease", "not found (nor Release)");
      }
      auto sig = transport.get(dist + "Release.gpg", 1 << 20);
      if (!sig) {
        throw_bad_input(dist + "Release.gpg", "not found (InRelease is missing too)");
      }
      fetched.release_url = dist + "Release";
      fetched.release_sha256 = hash::sha256_hex(*release);
      text = verifier->verify_detached(*release, *sig, dist + "Release.gpg");
    }
    fetched.signer = text->signer().fingerprint;
    const repo::Release release = repo::Release::parse(*text, fetched.release_url);
    if (!release.matches(s.suite)) {
      throw_bad_input(fetched.release_url, "is for Suite '" + release.suite() + "', Codename '" +
                                               release.codename() + "', not '" + s.suite + "' (" + s.origin + ")");
    }
    if (release.valid_until() && *release.valid_until() < std::time(nullptr)) {
      throw_bad_input(fetched.release_url, "expired (Valid-Until is in the past)");
    }
    for (const auto& comp : s.components) {
      const std::string stem = comp + "/binary-" + options.arch + "/Packages";
      const repo::IndexFile* f = nullptr;
      for (const char* ext : {".xz", ".gz", ""}) {
        if ((f = release.find(stem + ext)) != nullptr) {
          break;
        }
      }
      if (!f) {
        throw_bad_input(fetched.release_url, "no " + stem + ".xz, .gz or uncompressed index listed in SHA256");
      }
      IndexFetch ix;
      ix.source = i;
      ix.canonical_url = dist + f->path;
      ix.request.url = release.acquire_by_hash() ? dist + dirname_of(f->path) + "by-hash/SHA256/" + f->sha256
                                                 : ix.canonical_url;
      ix.request.destination = work.path() / ("index-" + std::to_string(indexes.size()) + "-" + basename_of(f->path));
      ix.request.expect = transport::Expect{f->size, f->sha256};
      indexes.push_back(std::move(ix));
    }
    report.sources.push_back(std::move(fetched));
  }

  // 2. The indexes, all at once, each checked by size and SHA256 from its release.
  {
    std::vector<transport::Request> reqs;
    for (const auto& ix : indexes) {
      reqs.push_back(ix.request);
    }
    try {
      transport.fetch(reqs);
    } catch (const Error& e) {
      // Name the index by its path in the release, not only by its hash.
      for (const auto& ix : indexes) {
        if (ix.request.url == e.where() && ix.request.url != ix.canonical_url) {
          throw Error(e.code(), ix.canonical_url, e.message() + " (fetched as " + ix.request.url + ")");
        }
      }
      throw;
    }
  }
  repo::PackageIndex index;
  for (const auto& ix : indexes) {
    std::string data = util::read_file(ix.request.destination);
    std::error_code ec;
    fs::remove(ix.request.destination, ec);
    index.add(repo::decompress_index(data, ix.canonical_url), ix.canonical_url, ix.source);
  }

  // 3. Selection, in the order of the requests.
  std::map<std::string, const repo::Package*> by_basename;
  for (const auto& r : requests) {
    const repo::Package& p = repo::select(index, r, options.arch);
    check_pool_path(p);
    const std::string base = basename_of(p.filename);
    auto [it, fresh] = by_basename.emplace(base, &p);
    if (!fresh && (it->second->sha256 != p.sha256 || it->second->size != p.size)) {
      throw_bad_input(p.origin, "file name '" + base + "' is also used by a different package at " +
                                    it->second->origin);
    }
    FetchedPackage f;
    f.name = p.name;
    f.version = p.version;
    f.architecture = p.architecture;
    f.filename = p.filename;
    f.size = p.size;
    f.sha256 = p.sha256;
    f.source = p.source_index;
    f.path = options.dest / base;
    report.packages.push_back(std::move(f));
  }

  // 4. The .debs, into a staging directory inside DEST (same file system), moved
  // into place only when every one is verified.
  std::error_code ec;
  fs::create_directories(options.dest, ec);
  if (ec) {
    throw_environment(options.dest.string(), "cannot create directory: " + ec.message());
  }
  util::TempDir staging(".aci-fetch", options.dest);
  std::vector<transport::Request> reqs;
  std::vector<std::string> to_move;
  std::uint64_t bytes = 0;
  for (const auto& [base, p] : by_basename) {
    if (file_matches(options.dest / base, p->size, p->sha256)) {
      continue;
    }
    const std::string uri = sources[p->source_index].uri;
    reqs.push_back(transport::Request{uri + "/" + transport::url_path_encode(p->filename), staging.path() / base,
                                      transport::Expect{p->size, p->sha256}});
    to_move.push_back(base);
    bytes += p->size;
  }
  if (!options.quiet && isatty(STDERR_FILENO) && !reqs.empty()) {
    cli::info("aci-fetch", "fetching " + std::to_string(reqs.size()) + " package(s), " + std::to_string(bytes) +
                               " bytes");
  }
  transport.fetch(reqs);
  for (const auto& base : to_move) {
    fs::rename(staging.path() / base, options.dest / base, ec);
    if (ec) {
      throw_environment((options.dest / base).string(), "cannot move into place: " + ec.message());
    }
  }
  return report;
}

int fetch_main(const FetchOptions& options)
{
  if (options.jobs < 1) {
    throw_usage("--jobs must be at least 1");
  }
  transport::Options topt;
  topt.jobs = options.jobs;
  auto transport = transport::make_transport(topt);
  FetchReport report = fetch(options, *transport);
  for (const auto& p : report.packages) {
    std::cout << p.path.string() << '\n';
  }
  return 0;
}

} // namespace acikit::ops
