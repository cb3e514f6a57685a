#include "cache/cache.hpp"

#include <csignal>
#include <cstdlib>

#include "hash/hash.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <system_error>

namespace acikit::cache {

namespace fs = std::filesystem;

namespace {

bool is_hex64(std::string_view s)
{
  if (s.size() != 64) {
    return false;
  }
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

void make_dirs(const fs::path& d)
{
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec && !fs::is_directory(d)) {
    throw_environment(d.string(), "cannot create cache directory: " + ec.message());
  }
}

} // namespace

Cache::Cache(fs::path dir) : m_dir(std::move(dir))
{
  make_dirs(m_dir / "by-hash" / "SHA256");
  make_dirs(m_dir / "releases");
}

fs::path Cache::default_dir()
{
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/') {
    return fs::path(xdg) / "acikit";
  }
  const char* home = std::getenv("HOME");
  if (!home || *home != '/') {
    throw_environment("cache", "neither XDG_CACHE_HOME nor HOME is an absolute path (give --cache DIR)");
  }
  return fs::path(home) / ".cache" / "acikit";
}

fs::path Cache::object_path(const std::string& sha256) const
{
  return m_dir / "by-hash" / "SHA256" / sha256;
}

std::optional<fs::path> Cache::find(const std::string& sha256, std::optional<std::uint64_t> size) const
{
  if (!is_hex64(sha256)) {
    return std::nullopt;
  }
  fs::path p = object_path(sha256);
  std::error_code ec;
  auto actual = fs::file_size(p, ec);
  if (ec) {
    return std::nullopt;
  }
  if ((size && actual != *size) || hash::file_sha256_hex(p) != sha256) {
    fs::remove(p, ec);  // corrupt: its name promises other bytes
    return std::nullopt;
  }
  return p;
}

std::optional<std::string> Cache::read(const std::string& sha256) const
{
  if (!is_hex64(sha256)) {
    return std::nullopt;
  }
  fs::path p = object_path(sha256);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    return std::nullopt;
  }
  std::string data;
  try {
    data = util::read_file(p);
  } catch (const Error&) {
    return std::nullopt;  // removed by a concurrent run: missing
  }
  if (hash::sha256_hex(data) != sha256) {
    fs::remove(p, ec);
    return std::nullopt;
  }
  return data;
}

std::string Cache::put(std::string_view data) const
{
  std::string sha = hash::sha256_hex(data);
  std::error_code ec;
  if (!fs::exists(object_path(sha), ec)) {
    util::write_file_atomic(object_path(sha), data);
  }
  return sha;
}

namespace {

fs::path record_path(const fs::path& dir, const std::string& uri, const std::string& suite)
{
  return dir / "releases" / hash::sha256_hex(uri + "\n" + suite);
}

} // namespace

void Cache::record_release(const std::string& uri, const std::string& suite, const ReleaseRecord& r) const
{
  // "URI\nSUITE\nRELEASE_SHA256 [SIGNATURE_SHA256]\n": the first two lines make
  // the record readable and guard against a hash collision of the name.
  std::string text = uri + "\n" + suite + "\n" + r.release_sha256 +
                     (r.signature_sha256.empty() ? "" : " " + r.signature_sha256) + "\n";
  util::write_file_atomic(record_path(m_dir, uri, suite), text);
}

std::optional<ReleaseRecord> Cache::latest_release(const std::string& uri, const std::string& suite) const
{
  fs::path p = record_path(m_dir, uri, suite);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    return std::nullopt;
  }
  std::string text = util::read_file(p);
  auto lines = util::split(text, '\n');
  if (lines.size() < 3 || lines[0] != uri || lines[1] != suite) {
    return std::nullopt;
  }
  auto words = util::split_ws(lines[2]);
  if (words.empty() || !is_hex64(words[0]) || (words.size() > 1 && !is_hex64(words[1]))) {
    return std::nullopt;
  }
  ReleaseRecord r;
  r.release_sha256 = std::string(words[0]);
  if (words.size() > 1) {
    r.signature_sha256 = std::string(words[1]);
  }
  return r;
}

namespace {

// Removes TO.tmp.PID.N links that a killed run (PID no longer alive) left
// beside `to`: they point at verified objects but are not final names.
void remove_dead_links(const fs::path& to)
{
  const std::string prefix = to.filename().string() + ".tmp.";
  std::error_code ec;
  fs::path dir = to.parent_path().empty() ? fs::path(".") : to.parent_path();
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) {
      continue;
    }
    std::string rest = name.substr(prefix.size());
    auto dot = rest.find('.');
    if (dot == std::string::npos || dot == 0 ||
        rest.find_first_not_of("0123456789") != dot) {
      continue;
    }
    long pid = std::strtol(rest.substr(0, dot).c_str(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code rm;
      fs::remove(e.path(), rm);
    }
  }
}

} // namespace

void link_or_copy(const fs::path& from, const fs::path& to)
{
  remove_dead_links(to);
  static std::atomic<unsigned> counter{0};
  fs::path tmp = to.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  if (::link(from.c_str(), tmp.c_str()) == 0) {
    if (::rename(tmp.c_str(), to.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      throw_errno(to.string(), "cannot move into place", err);
    }
    // rename(2) does nothing, successfully, when `to` is already a link to
    // the same inode (a run killed after its rename, then recovered): the
    // temporary name is still there then.
    ::unlink(tmp.c_str());
    return;
  }
  // Another file system, or links not allowed: a copy, renamed when complete.
  std::ifstream in(from, std::ios::binary);
  if (!in) {
    throw_errno(from.string(), "cannot open");
  }
  util::AtomicFile out(to);
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    if (in.gcount() > 0) {
      out.write(buf, static_cast<std::size_t>(in.gcount()));
    }
  }
  if (in.bad()) {
    throw_errno(from.string(), "read failed");
  }
  out.commit();
}

} // namespace acikit::cache
