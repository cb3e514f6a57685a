#include "ops/fetch.hpp"

#include "cache/cache.hpp"
#include "cli/run.hpp"
#include "hash/hash.hpp"
#include "repo/decompress.hpp"
#include "repo/lock.hpp"
#include "repo/packages.hpp"
#include "repo/release.hpp"
#include "repo/resolver.hpp"
#include "repo/sources.hpp"
#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/temp_dir.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <nlohmann/json.hpp>
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

// ---- releases ---------------------------------------------------------------

// A source as this run fetches it, and for a lock build the release it must be.
struct Plan {
  repo::Source source;
  std::optional<cache::ReleaseRecord> recorded;  // lock: the recorded hashes
  std::string recorded_signer;                   // lock: the recorded fingerprint
  std::string where;                             // lock: "LOCK: sources[i]"
};

struct ReleaseBytes {
  std::string release, signature;  // signature: Release.gpg, "" for InRelease
  std::string url;                 // names the release in messages
  bool from_cache = false;
};

// Never opens a connection: --offline (issue 3: "no network connection at all").
class OfflineTransport : public transport::Transport {
public:
  explicit OfflineTransport(fs::path cache) : m_cache(std::move(cache)) {}
  std::optional<std::string> get(const std::string& url, std::uint64_t) override { fail(url); }
  void fetch(const std::vector<transport::Request>& requests) override
  {
    if (!requests.empty()) {
      fail(requests.front().url);
    }
  }

private:
  [[noreturn]] void fail(const std::string& url) const
  {
    throw_environment(url, "offline, and not in the cache " + m_cache.string());
  }
  fs::path m_cache;
};

ReleaseBytes release_bytes(const Plan& plan, const cache::Cache& cache, transport::Transport& net, bool offline)
{
  const repo::Source& s = plan.source;
  const std::string dist = s.uri + "/dists/" + s.suite + "/";
  std::optional<cache::ReleaseRecord> want = plan.recorded;
  if (!want && offline) {
    want = cache.latest_release(s.uri, s.suite);
    if (!want) {
      throw_environment(dist + "InRelease", "offline, and no verified release of " + s.uri + " " + s.suite +
                                                " in the cache " + cache.dir().string());
    }
  }
  if (want) {
    const bool detached = !want->signature_sha256.empty();
    ReleaseBytes b;
    b.url = dist + (detached ? "Release" : "InRelease");
    auto rel = cache.read(want->release_sha256);
    auto sig = detached ? cache.read(want->signature_sha256) : std::optional<std::string>("");
    if (rel && sig) {
      b.release = std::move(*rel);
      b.signature = std::move(*sig);
      b.from_cache = true;
      return b;
    }
    const std::string what = "the recorded " + std::string(detached ? "Release" : "InRelease") + " (SHA256 " +
                             want->release_sha256 + (plan.where.empty() ? "" : ", " + plan.where) + ")";
    if (offline) {
      throw_environment(b.url, "offline, and " + what + " is not in the cache " + cache.dir().string());
    }
    // Not cached: the source may still serve those very bytes (a partial mirror).
    auto got = net.get(b.url, k_max_release_size);
    if (!got) {
      throw_bad_input(b.url, "not found, and " + what + " is not in the cache " + cache.dir().string());
    }
    std::string sha = hash::sha256_hex(*got);
    if (sha != want->release_sha256) {
      throw_bad_input(b.url, "SHA256 is " + sha + ", not " + what + ", which is not in the cache " +
                                 cache.dir().string());
    }
    b.release = std::move(*got);
    if (detached) {
      auto g = net.get(dist + "Release.gpg", 1 << 20);
      if (!g || hash::sha256_hex(*g) != want->signature_sha256) {
        throw_bad_input(dist + "Release.gpg", "not the recorded signature (SHA256 " + want->signature_sha256 + ")");
      }
      b.signature = std::move(*g);
    }
    return b;
  }
  ReleaseBytes b;
  b.url = dist + "InRelease";
  if (auto inrelease = net.get(b.url, k_max_release_size)) {
    b.release = std::move(*inrelease);
    return b;
  }
  // Release + Release.gpg only when InRelease is absent (DESIGN.md, Trust 1).
  auto release = net.get(dist + "Release", k_max_release_size);
  if (!release) {
    throw_bad_input(dist + "InRelease", "not found (nor Release)");
  }
  auto sig = net.get(dist + "Release.gpg", 1 << 20);
  if (!sig) {
    throw_bad_input(dist + "Release.gpg", "not found (InRelease is missing too)");
  }
  b.url = dist + "Release";
  b.release = std::move(*release);
  b.signature = std::move(*sig);
  return b;
}

// ---- the lock's sources -----------------------------------------------------

std::vector<Plan> plans_from_lock(const repo::Lock& lock, const std::string& lock_file,
                                  const std::vector<repo::Source>& given)
{
  std::vector<Plan> plans;
  for (std::size_t i = 0; i < lock.sources.size(); ++i) {
    const auto& ls = lock.sources[i];
    Plan p;
    p.where = lock_file + ": sources[" + std::to_string(i) + "]";
    p.source.uri = ls.uri;
    p.source.suite = ls.suite;
    p.source.components = ls.components;
    p.source.origin = p.where;
    // --sources with a lock: where to fetch from (same suite) and its Signed-By.
    for (const auto& g : given) {
      if (g.suite == ls.suite) {
        p.source.uri = g.uri;
        p.source.signed_by = g.signed_by;
        p.source.origin = g.origin;
        break;
      }
    }
    p.recorded = cache::ReleaseRecord{ls.inrelease_sha256, ls.release_gpg_sha256};
    p.recorded_signer = ls.signer_fingerprint;
    plans.push_back(std::move(p));
  }
  return plans;
}

std::vector<repo::Source> load_sources(const FetchOptions& options)
{
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
  return sources;
}

std::string format_time(std::time_t t)
{
  return repo::format_rfc3339(t);
}

void make_parent(const fs::path& p)
{
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec && !fs::is_directory(p.parent_path())) {
    throw_environment(p.parent_path().string(), "cannot create directory: " + ec.message());
  }
}

struct UsedIndex {
  std::size_t source = 0;
  repo::IndexFile file;
};

} // namespace

FetchReport fetch(const FetchOptions& options, transport::Transport& given_transport)
{
  if (options.lock && !options.packages.empty()) {
    throw_usage("--lock fetches exactly the lockfile's packages: give no PACKAGE");
  }
  if (options.lock && (options.exact || !options.excludes.empty() || options.with_recommends ||
                       !options.pins.empty())) {
    throw_usage("--lock does no resolution: --exact, --exclude, --with-recommends and --pin do not apply");
  }
  if (!options.lock && options.packages.empty()) {
    throw_usage("no PACKAGE given");
  }
  if (options.exact && (!options.excludes.empty() || options.with_recommends || !options.pins.empty())) {
    throw_usage("--exclude, --with-recommends and --pin need resolution: not with --exact");
  }
  // Parse every request first: a typo is a usage error before any download.
  // NAME/SUITE requests NAME and pins it to that suite.
  std::vector<repo::Request> requests;
  std::vector<repo::Pin> pins;
  for (const auto& p : options.packages) {
    const auto slash = p.find('/');
    if (slash != std::string::npos && p.find('=') > slash) {
      if (options.exact) {
        throw_usage("package request '" + p + "': NAME/SUITE needs resolution: not with --exact");
      }
      pins.push_back(repo::Pin::parse(p));
      requests.push_back(repo::Request::parse(pins.back().name));
    } else {
      requests.push_back(repo::Request::parse(p));
    }
  }
  for (const auto& p : options.pins) {
    pins.push_back(repo::Pin::parse(p));
  }

  std::optional<repo::Lock> lock;
  if (options.lock) {
    lock = repo::Lock::parse(util::read_file(*options.lock), options.lock->string());
    if (lock->arch != options.arch) {
      throw_bad_input(options.lock->string(), "field 'arch': '" + lock->arch + "', but --arch is '" +
                                                  options.arch + "'");
    }
  }

  std::vector<Plan> plans;
  if (lock) {
    plans = plans_from_lock(*lock, options.lock->string(),
                            options.sources.empty() ? std::vector<repo::Source>() : load_sources(options));
  } else {
    for (auto& s : load_sources(options)) {
      plans.push_back(Plan{std::move(s), std::nullopt, "", ""});
    }
    if (plans.empty()) {
      throw_bad_input(options.sources.empty() ? options.etc_apt.string() : options.sources.front().string(),
                      "no apt source for architecture '" + options.arch + "'");
    }
  }

  FetchReport report;
  if (options.as_of) {
    report.check_time = *options.as_of;
    report.check_time_basis = "--as-of";
  } else if (lock) {
    report.check_time = lock->check_time();
    report.check_time_basis = lock->as_of ? "lock as_of" : "lock created";
  } else {
    report.check_time = std::time(nullptr);
    report.check_time_basis = "now";
  }
  const bool judged_now = report.check_time_basis == "now";

  const cache::Cache cache(options.cache.value_or(cache::Cache::default_dir()));
  OfflineTransport offline(cache.dir());
  transport::Transport& net = options.offline ? static_cast<transport::Transport&>(offline) : given_transport;

  std::map<std::string, std::unique_ptr<signature::Verifier>> verifiers;
  std::vector<IndexFetch> indexes;
  std::vector<UsedIndex> used;
  std::vector<ReleaseBytes> releases;

  // 1. Each source's release, verified; only the verified plaintext is parsed.
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto& s = plans[i].source;
    if (!s.suite.empty() && s.suite.back() == '/') {
      throw_bad_input(s.origin, "flat repositories (suite '" + s.suite + "') are not supported");
    }
    KeySpec spec = key_spec(options, s);
    auto& verifier = verifiers[spec.id];
    if (!verifier) {
      verifier = std::make_unique<signature::Verifier>(load_keyring(spec, s));
      verifier->set_check_time(report.check_time);
    }
    const std::string dist = s.uri + "/dists/" + s.suite + "/";
    ReleaseBytes bytes = release_bytes(plans[i], cache, net, options.offline);
    const bool detached = !bytes.signature.empty();
    FetchedSource fetched;
    fetched.uri = s.uri;
    fetched.suite = s.suite;
    fetched.components = s.components;
    fetched.release_url = bytes.url;
    fetched.release_sha256 = hash::sha256_hex(bytes.release);
    fetched.release_gpg_sha256 = detached ? hash::sha256_hex(bytes.signature) : "";
    fetched.from_cache = bytes.from_cache;
    signature::SignedText text = detached ? verifier->verify_detached(bytes.release, bytes.signature,
                                                                      dist + "Release.gpg")
                                          : verifier->verify_clearsigned(bytes.release, bytes.url);
    fetched.signer = text.signer().fingerprint;
    fetched.signed_at = text.signer().created;
    for (const auto& r : text.signatures()) {
      fetched.signatures.push_back(FetchedSignature{r.fingerprint, r.status, r.good, r.created});
    }
    if (!plans[i].recorded_signer.empty()) {
      bool found = std::any_of(text.signatures().begin(), text.signatures().end(), [&](const auto& r) {
        return r.good && r.fingerprint == plans[i].recorded_signer;
      });
      if (!found) {
        throw_bad_input(bytes.url, "no good signature by the recorded signer " + plans[i].recorded_signer + " (" +
                                       plans[i].where + ")");
      }
      fetched.signer = plans[i].recorded_signer;
    }
    const repo::Release release = repo::Release::parse(text, bytes.url);
    if (!release.matches(s.suite)) {
      throw_bad_input(bytes.url, "is for Suite '" + release.suite() + "', Codename '" + release.codename() +
                                     "', not '" + s.suite + "' (" + s.origin + ")");
    }
    fetched.release_date = release.date();
    fetched.valid_until = release.valid_until();
    if (release.valid_until() && *release.valid_until() < report.check_time) {
      throw_bad_input(bytes.url, judged_now ? std::string("expired (Valid-Until is in the past)")
                                            : "expired as of " + format_time(report.check_time) + " (" +
                                                  report.check_time_basis + "): Valid-Until " +
                                                  format_time(*release.valid_until()));
    }
    // Verified: into the cache, and (from the network, no lock) as the latest.
    cache.put(bytes.release);
    if (detached) {
      cache.put(bytes.signature);
    }
    if (!bytes.from_cache && !lock) {
      cache.record_release(s.uri, s.suite, cache::ReleaseRecord{fetched.release_sha256, fetched.release_gpg_sha256});
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
        throw_bad_input(bytes.url, "no " + stem + ".xz, .gz or uncompressed index listed in SHA256");
      }
      used.push_back(UsedIndex{i, *f});
      IndexFetch ix;
      ix.source = i;
      ix.canonical_url = dist + f->path;
      ix.request.url = release.acquire_by_hash() ? dist + dirname_of(f->path) + "by-hash/SHA256/" + f->sha256
                                                 : ix.canonical_url;
      ix.request.destination = cache.object_path(f->sha256);
      ix.request.expect = transport::Expect{f->size, f->sha256};
      indexes.push_back(std::move(ix));
    }
    report.sources.push_back(std::move(fetched));
    releases.push_back(std::move(bytes));
  }

  // 2. The indexes not in the cache, all at once, each checked by size and
  // SHA256 from its release.
  {
    std::vector<transport::Request> reqs;
    std::set<std::string> wanted;
    for (const auto& ix : indexes) {
      if (!cache.find(*ix.request.expect.sha256, ix.request.expect.size) &&
          wanted.insert(*ix.request.expect.sha256).second) {
        reqs.push_back(ix.request);
      }
    }
    try {
      net.fetch(reqs);
      report.downloaded += reqs.size();
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
    auto data = cache.read(*ix.request.expect.sha256);
    if (!data || data->size() != *ix.request.expect.size) {
      throw_environment(ix.canonical_url, "vanished from the cache " + cache.dir().string());
    }
    index.add(repo::decompress_index(*data, ix.canonical_url), ix.canonical_url, ix.source);
  }

  // 3. Selection: the lock's set (checked against the verified indexes), or
  // exactly the requests.
  std::vector<const repo::Package*> chosen;
  std::vector<std::vector<std::string>> reasons;
  if (lock) {
    for (std::size_t k = 0; k < lock->packages.size(); ++k) {
      const auto& lp = lock->packages[k];
      const std::string where = options.lock->string() + ": packages[" + std::to_string(k) + "]";
      const repo::Package* match = nullptr;
      for (const repo::Package* p : index.find(lp.name)) {
        if (p->version == lp.version && p->architecture == lp.architecture && p->source_index == lp.source) {
          match = p;
          break;
        }
      }
      const auto& src = report.sources[lp.source];
      if (!match) {
        throw_bad_input(where, "package " + lp.name + " " + lp.version + " (" + lp.architecture +
                                   ") is not in the verified index of " + src.uri + " " + src.suite);
      }
      if (match->filename != lp.filename || match->size != lp.size || match->sha256 != lp.sha256) {
        throw_bad_input(where, "package " + lp.name + " " + lp.version + " (" + lp.architecture + "): the lock says " +
                                   lp.filename + " (" + std::to_string(lp.size) + " bytes, SHA256 " + lp.sha256 +
                                   "), the verified index " + match->origin + " says " + match->filename + " (" +
                                   std::to_string(match->size) + " bytes, SHA256 " + match->sha256 + ")");
      }
      chosen.push_back(match);
      reasons.push_back({"locked"});
    }
  } else if (options.exact) {
    for (const auto& r : requests) {
      chosen.push_back(&repo::select(index, r, options.arch));
      reasons.push_back({"requested"});
    }
  } else {
    repo::ResolveOptions ro;
    ro.arch = options.arch;
    ro.with_recommends = options.with_recommends;
    ro.excludes = options.excludes;
    ro.pins = pins;
    for (const auto& p : plans) {
      ro.suites.push_back(p.source.suite);
    }
    const repo::Resolution res = repo::resolve(index, ro, requests);
    for (const auto& rp : res.packages) {
      chosen.push_back(rp.package);
      std::vector<std::string> why;
      for (const auto& r : rp.reasons) {
        why.push_back(r.str());
      }
      reasons.push_back(std::move(why));
    }
    report.explain = res.explain();
    for (const auto& e : res.excluded) {
      report.notes.push_back("excluded: " + e.str());
    }
    for (const auto& k : res.skipped_recommends) {
      report.notes.push_back("skipped: " + k.str());
    }
    for (const auto& u : res.unused_pins) {
      report.notes.push_back("unused pin: " + u);
    }
  }

  std::map<std::string, const repo::Package*> by_basename;
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const repo::Package& p = *chosen[k];
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
    f.reasons = reasons[k];
    report.packages.push_back(std::move(f));
  }

  // 4. The .debs: what DEST already has is kept, what the cache has is linked,
  // the rest is fetched into the cache. All go into a staging directory inside
  // DEST (same file system) and are moved into place only when every one is
  // verified.
  std::error_code ec;
  fs::create_directories(options.dest, ec);
  if (ec) {
    throw_environment(options.dest.string(), "cannot create directory: " + ec.message());
  }
  util::TempDir staging(".aci-fetch", options.dest);
  std::vector<transport::Request> reqs;
  std::vector<std::pair<std::string, const repo::Package*>> to_move;
  std::set<std::string> pool_files;  // pool paths, for --mirror-out
  for (const auto& [base, p] : by_basename) {
    if (file_matches(options.dest / base, p->size, p->sha256)) {
      pool_files.insert(p->filename);
      continue;
    }
    to_move.emplace_back(base, p);
    pool_files.insert(p->filename);
    if (cache.find(p->sha256, p->size)) {
      continue;
    }
    const std::string uri = plans[p->source_index].source.uri;
    reqs.push_back(transport::Request{uri + "/" + transport::url_path_encode(p->filename),
                                      cache.object_path(p->sha256), transport::Expect{p->size, p->sha256}});
  }
  net.fetch(reqs);
  report.downloaded += reqs.size();
  for (const auto& [base, p] : to_move) {
    cache::link_or_copy(cache.object_path(p->sha256), staging.path() / base);
  }
  // A concurrent run may have replaced an object meanwhile (same bytes, by
  // name): check what was staged before it gets its final name.
  for (const auto& [base, p] : to_move) {
    if (!file_matches(staging.path() / base, p->size, p->sha256)) {
      throw_environment(cache.object_path(p->sha256).string(), "changed in the cache while being used");
    }
  }
  for (const auto& [base, p] : to_move) {
    fs::rename(staging.path() / base, options.dest / base, ec);
    if (ec) {
      throw_environment((options.dest / base).string(), "cannot move into place: " + ec.message());
    }
  }

  // 5. A partial mirror in the Debian layout: the original signed release
  // bytes, the index files used (plain path and by-hash), the selected pool files.
  if (options.mirror_out) {
    const fs::path& m = *options.mirror_out;
    std::set<std::string> suites;
    for (std::size_t i = 0; i < plans.size(); ++i) {
      const std::string& suite = plans[i].source.suite;
      if (!suites.insert(suite).second) {
        throw_usage("--mirror-out: two sources have the suite '" + suite + "' (one mirror holds one of each)");
      }
      const fs::path dist = m / "dists" / suite;
      if (releases[i].signature.empty()) {
        make_parent(dist / "InRelease");
        util::write_file_atomic(dist / "InRelease", releases[i].release);
      } else {
        make_parent(dist / "Release");
        util::write_file_atomic(dist / "Release", releases[i].release);
        util::write_file_atomic(dist / "Release.gpg", releases[i].signature);
      }
    }
    for (const auto& u : used) {
      const fs::path dist = m / "dists" / plans[u.source].source.suite;
      const fs::path obj = cache.object_path(u.file.sha256);
      for (const fs::path& to : {dist / u.file.path, dist / dirname_of(u.file.path) / "by-hash" / "SHA256" /
                                                         u.file.sha256}) {
        make_parent(to);
        cache::link_or_copy(obj, to);
      }
    }
    for (const auto& pool : pool_files) {
      make_parent(m / pool);
      cache::link_or_copy(options.dest / basename_of(pool), m / pool);
    }
  }

  // 6. The lockfile.
  if (options.lock_out) {
    repo::Lock out;
    if (lock) {
      out = *lock;
    } else {
      out.arch = options.arch;
      out.created = std::time(nullptr);
      out.as_of = options.as_of;
      for (const auto& s : report.sources) {
        out.sources.push_back(repo::LockSource{s.uri, s.suite, s.components, s.release_sha256,
                                               s.release_gpg_sha256, s.signer, s.signed_at, s.release_date});
      }
      for (const auto& p : report.packages) {
        out.packages.push_back(repo::LockPackage{p.name, p.version, p.architecture, p.filename, p.size, p.sha256,
                                                 p.source});
      }
    }
    util::write_file_atomic(*options.lock_out, out.to_json());
  }
  return report;
}

std::string report_json(const FetchReport& report)
{
  using Json = nlohmann::ordered_json;
  Json j;
  j["check_time"] = format_time(report.check_time);
  j["check_time_basis"] = report.check_time_basis;
  j["sources"] = Json::array();
  for (const auto& s : report.sources) {
    Json o;
    o["uri"] = s.uri;
    o["suite"] = s.suite;
    o["components"] = s.components;
    o["release_url"] = s.release_url;
    o["release_sha256"] = s.release_sha256;
    if (!s.release_gpg_sha256.empty()) {
      o["release_gpg_sha256"] = s.release_gpg_sha256;
    }
    o["from_cache"] = s.from_cache;
    o["signer_fingerprint"] = s.signer;
    o["signed_at"] = format_time(s.signed_at);
    o["release_date"] = s.release_date ? Json(format_time(*s.release_date)) : Json(nullptr);
    o["valid_until"] = s.valid_until ? Json(format_time(*s.valid_until)) : Json(nullptr);
    o["signatures"] = Json::array();
    for (const auto& g : s.signatures) {
      o["signatures"].push_back(
          Json{{"fingerprint", g.fingerprint}, {"status", g.status}, {"good", g.good},
               {"created", format_time(g.created)}});
    }
    j["sources"].push_back(std::move(o));
  }
  j["packages"] = Json::array();
  for (const auto& p : report.packages) {
    Json o;
    o["name"] = p.name;
    o["version"] = p.version;
    o["architecture"] = p.architecture;
    o["filename"] = p.filename;
    o["size"] = p.size;
    o["sha256"] = p.sha256;
    o["source"] = p.source;
    o["path"] = p.path.string();
    o["reasons"] = p.reasons;
    j["packages"].push_back(std::move(o));
  }
  j["notes"] = report.notes;
  j["downloaded"] = report.downloaded;
  return j.dump(2) + "\n";
}

namespace {

std::string megabytes(std::uint64_t b)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(b) / 1e6);
  return buf;
}

} // namespace

int fetch_main(const FetchOptions& options)
{
  if (options.jobs < 1) {
    throw_usage("--jobs must be at least 1");
  }
  transport::Options topt;
  topt.jobs = options.jobs;
  FetchOptions opts = options;
  opts.progress = options.progress && !options.quiet;
  if (opts.progress) {
    auto start = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    auto last_done = std::make_shared<std::uint64_t>(0);
    topt.on_progress = [start, last_done](const transport::Progress& p) {
      if (p.bytes_done < *last_done) {
        *start = std::chrono::steady_clock::now();  // a new batch
      }
      *last_done = p.bytes_done;
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - *start).count();
      double rate = secs > 0 ? static_cast<double>(p.bytes_done) / secs : 0;
      std::fprintf(stderr, "\raci-fetch: %zu/%zu files, %s/%s MB, %s MB/s\033[K%s", p.files_done, p.files_total,
                   megabytes(p.bytes_done).c_str(), megabytes(p.bytes_total).c_str(),
                   megabytes(static_cast<std::uint64_t>(rate)).c_str(),
                   p.files_done == p.files_total ? "\n" : "");
      std::fflush(stderr);
    };
  }
  std::unique_ptr<transport::Transport> transport;
  if (!options.offline) {
    transport = transport::make_transport(topt);
  }
  OfflineTransport none("");
  FetchReport report = fetch(opts, transport ? *transport : static_cast<transport::Transport&>(none));
  if (!options.quiet && report.check_time_basis != "now") {
    cli::info("aci-fetch", "Valid-Until and key expiry judged as of " + format_time(report.check_time) + " (" +
                               (report.check_time_basis == "--as-of" ? std::string("--as-of")
                                : report.check_time_basis == "lock as_of"
                                    ? std::string("the lockfile's as_of")
                                    : std::string("the time the lockfile was made")) +
                               "), not now");
  }
  if (!options.quiet) {
    for (const auto& n : report.notes) {
      cli::info("aci-fetch", n);
    }
  }
  if (options.explain) {
    std::string text = report.explain;
    if (text.empty()) {
      for (const auto& p : report.packages) {
        text += p.name + " " + p.version + " " + p.architecture + ": " +
                (p.reasons.empty() ? std::string("requested") : p.reasons.front()) + "\n";
      }
    }
    std::cerr << text;
  }
  const bool json_stdout = options.json && options.json->string() == "-";
  if (options.json && !json_stdout) {
    util::write_file_atomic(*options.json, report_json(report));
  }
  if (json_stdout) {
    std::cout << report_json(report);
  } else {
    for (const auto& p : report.packages) {
      std::cout << p.path.string() << (options.null_paths ? '\0' : '\n');
    }
  }
  return 0;
}

} // namespace acikit::ops
