#include "aci/aci_reader.hpp"

#include "libarchive/handles.hpp"
#include "hash/hash.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <exception>
#include <unordered_map>

namespace acikit::aci {

namespace {

constexpr std::size_t k_chunk = 64 * 1024;
constexpr std::size_t k_max_errors = 50;
constexpr std::size_t k_max_findings = 1000;
constexpr int k_max_symlink_hops = 40;  // as Linux's path resolution (MAXSYMLINKS)

std::string octal_mode(unsigned mode)
{
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

// What the checks need to know of one entry, from tar or from disk.
struct EntryMeta {
  std::string name;           // as in the archive (for messages)
  unsigned type = 0;          // AE_IFREG, AE_IFDIR, ... (S_IF* values)
  unsigned mode = 0;          // permission bits incl. setuid/setgid/sticky
  std::optional<std::string> symlink;   // target of a symlink
  std::optional<std::string> hardlink;  // target of a hardlink (archive name)
  std::int64_t size = 0;                // the size the header (or pax record) gives
};

struct Node {
  unsigned type = 0;
  unsigned mode = 0;
};

class Checker {
public:
  Checker(AciReport& r, const VerifyLimits& limits) : m_r(r), m_limits(limits) {}

  void error(const std::string& m)
  {
    if (m_r.errors.size() < k_max_errors) {
      m_r.errors.push_back(m);
    } else if (m_r.errors.size() == k_max_errors) {
      m_r.errors.push_back("more errors not shown");
    }
  }
  void warning(const std::string& m) { m_r.warnings.push_back(m); }
  void finding(FindingKind kind, const std::string& entry, const std::string& m)
  {
    if (m_r.findings.size() < k_max_findings) {
      m_r.findings.push_back({kind, entry, m});
    } else if (m_r.findings.size() == k_max_findings) {
      warning("more than " + std::to_string(k_max_findings) + " findings: the rest are not shown");
      m_r.findings.push_back({kind, "", "more findings not shown"});
    }
  }

  // "./rootfs/x/" → "rootfs/x"; nullopt after reporting a bad name.
  std::optional<std::string> normalise(const std::string& name, const std::string& what)
  {
    if (name.empty()) {
      error(what + ": empty name");
      return std::nullopt;
    }
    if (name[0] == '/') {
      error(what + " '" + name + "': absolute path");
      return std::nullopt;
    }
    std::string out;
    for (auto part : util::split(name, '/')) {
      if (part.empty() || part == ".") {
        continue;
      }
      if (part == "..") {
        error(what + " '" + name + "': path with '..'");
        return std::nullopt;
      }
      out += (out.empty() ? "" : "/") + std::string(part);
    }
    return out;
  }

  // One entry. Returns true when it is the manifest and its data should be read
  // by the caller (then call manifest_data()).
  bool entry(const EntryMeta& e)
  {
    if (++m_r.entries > m_limits.max_entries) {
      if (!m_too_many) {
        error("more than " + std::to_string(m_limits.max_entries) + " entries (--max-entries)");
        m_too_many = true;
      }
      return false;
    }
    auto path = normalise(e.name, "entry");
    if (!path) {
      return false;
    }
    if (path->empty()) {
      // "./": the archive's own root; not one of the two names, harmless once.
      if (m_have_root_entry) {
        error("entry '" + e.name + "': duplicate entry");
      } else {
        warning("entry '" + e.name + "': root directory entry ignored");
      }
      m_have_root_entry = true;
      return false;
    }
    if (e.hardlink && e.size != 0) {
      // A hardlink carries no data in ustar; libarchive takes the size of a pax
      // hardlink as data and skips it, Go's archive/tar and GNU tar read the
      // next header there: readers would disagree on what the image holds.
      error("entry '" + e.name + "': a hardlink with a non-zero size (" + std::to_string(e.size) +
            "): tar readers disagree on what follows it");
      return false;
    }
    auto [it, fresh] = m_nodes.try_emplace(*path, Node{e.type, e.mode});
    if (!fresh) {
      error("entry '" + e.name + "': duplicate entry");
      return false;
    }
    if (*path == "manifest") {
      if (e.type != AE_IFREG || e.hardlink) {
        error("entry '" + e.name + "': 'manifest' must be a regular file");
        m_manifest_bad_type = true;
        return false;
      }
      m_have_manifest = true;
      return true;
    }
    if (path->substr(0, path->find('/')) != "rootfs") {
      error("entry '" + e.name + "': outside 'rootfs' (only 'manifest' and 'rootfs' may be at the top level)");
      return false;
    }
    if (*path == "rootfs") {
      if (e.type != AE_IFDIR) {
        error("entry '" + e.name + "': 'rootfs' must be a directory");
      }
      m_have_rootfs = true;
      return false;
    }
    m_have_rootfs_children = true;
    const std::string where = "entry '" + e.name + "'";
    if (auto link = symlinked_parent(*path)) {
      finding(FindingKind::through_symlink, e.name,
              where + ": below the symlink '" + *link + "' (an extractor writes through it)");
    }
    if (e.hardlink) {
      auto target = normalise(*e.hardlink, where + ": hardlink target");
      if (target) {
        bool inside = target->rfind("rootfs/", 0) == 0;
        if (!inside) {
          finding(FindingKind::hardlink_escape, e.name,
                  where + ": hardlink to '" + *e.hardlink + "' outside 'rootfs'");
        }
        auto t = m_nodes.find(*target);
        bool earlier_file = t != m_nodes.end() && t->second.type == AE_IFREG && *target != *path;
        if (!earlier_file) {
          error(where + ": hardlink target '" + *e.hardlink + "' is not an earlier regular file of the image");
        } else {
          // A hardlink is the same inode: its mode is its target's.
          it->second = t->second;
        }
      }
    } else if (e.symlink) {
      m_symlinks.emplace(*path, *e.symlink);
      if (escapes(*path, *e.symlink)) {
        finding(FindingKind::symlink_escape, e.name,
                where + ": symlink to '" + *e.symlink + "' points outside the rootfs");
      }
    }
    const Node& n = it->second;
    if (n.type == AE_IFREG && (n.mode & 06000) && !e.hardlink) {
      finding(FindingKind::setuid, e.name,
              where + ": " + ((n.mode & 04000) ? "setuid" : "setgid") + " file (mode " + octal_mode(n.mode) + ")");
    }
    if (n.type == AE_IFCHR || n.type == AE_IFBLK) {
      finding(FindingKind::device, e.name,
              where + ": " + (n.type == AE_IFCHR ? "character" : "block") + " device node");
    }
    if (n.type != AE_IFLNK && !e.hardlink && (n.mode & 0002) && !(n.mode & 01000) && system_path(*path)) {
      finding(FindingKind::world_writable, e.name,
              where + ": world-writable without the sticky bit (mode " + octal_mode(n.mode) + ") in a system path");
    }
    return false;
  }

  // After the last entry. `complete`: the stream was read to its end without error.
  void finish(bool complete, const std::optional<std::string>& manifest_text)
  {
    if (!m_have_manifest) {
      if (!m_manifest_bad_type) {
        error("missing 'manifest'");
      }
    } else if (manifest_text) {
      auto m = ImageManifest::parse_json(*manifest_text);
      if (m) {
        m_r.manifest = std::move(m).value();
      } else {
        error("manifest: " + m.error());
      }
    }
    if (!m_have_rootfs) {
      // The contents alone would extract, but spec/aci.md lists the directory
      // as one of the two entries, and the reference validator (hence rkt)
      // refuses an image without it.
      if (m_have_rootfs_children) {
        error("no 'rootfs' directory entry (only its contents)");
      } else if (complete) {
        error("missing 'rootfs'");
      }
    }
    if (complete && !m_too_many && m_r.manifest && m_r.manifest->fields().app) {
      // With dependencies, a path this image lacks may come from one of them
      // (spec/aci.md "Dependencies": their rootfs lie underneath): only what
      // this image itself holds is judged then.
      const bool layered = !m_r.manifest->fields().dependencies.empty();
      const AppFields& app = m_r.manifest->fields().app->fields();
      check_exec("app.exec '" + app.exec.argv().front() + "'", app.exec.argv().front(), layered);
      for (std::size_t i = 0; i < app.event_handlers.size(); ++i) {
        const EventHandler& h = app.event_handlers[i];
        check_exec("app.eventHandlers[" + std::to_string(i) + "].exec '" + h.exec.argv().front() + "' (" + h.name +
                       ")",
                   h.exec.argv().front(), layered);
      }
    }
  }

private:
  static bool system_path(const std::string& path)
  {
    // path is "rootfs/TOP/..." (or "rootfs/TOP")
    auto rest = std::string_view(path).substr(7);
    auto top = rest.substr(0, rest.find('/'));
    return top == "bin" || top == "sbin" || top == "usr" || top == "etc" || top.substr(0, 3) == "lib";
  }

  // Lexically: does `target`, read from the symlink at `path` (rootfs/...),
  // leave the rootfs?
  static bool escapes(const std::string& path, const std::string& target)
  {
    long depth = 0;
    if (target.empty() || target[0] != '/') {
      // the link's directory, counted below rootfs/
      depth = static_cast<long>(std::count(path.begin(), path.end(), '/')) - 1;
    }
    for (auto part : util::split(target, '/')) {
      if (part.empty() || part == ".") {
        continue;
      }
      if (part == "..") {
        if (--depth < 0) {
          return true;
        }
      } else {
        ++depth;
      }
    }
    return false;
  }

  // Resolves an absolute path inside the rootfs, following the image's symlinks.
  // Returns the rootfs-relative path of the final node ("" = the root), or nullopt
  // on a loop.
  std::optional<std::string> resolve(const std::string& abs) const
  {
    std::deque<std::string> todo;
    for (auto p : util::split(abs, '/')) {
      todo.emplace_back(p);
    }
    std::vector<std::string> done;
    int hops = 0;
    while (!todo.empty()) {
      std::string c = std::move(todo.front());
      todo.pop_front();
      if (c.empty() || c == ".") {
        continue;
      }
      if (c == "..") {
        if (!done.empty()) {
          done.pop_back();
        }
        continue;
      }
      std::string candidate = "rootfs";
      for (const auto& d : done) {
        candidate += "/" + d;
      }
      candidate += "/" + c;
      auto link = m_symlinks.find(candidate);
      if (link == m_symlinks.end()) {
        done.push_back(std::move(c));
        continue;
      }
      if (++hops > k_max_symlink_hops) {
        return std::nullopt;
      }
      const std::string& target = link->second;
      if (!target.empty() && target[0] == '/') {
        done.clear();
      }
      auto parts = util::split(target, '/');
      for (auto p = parts.rbegin(); p != parts.rend(); ++p) {
        todo.emplace_front(*p);
      }
    }
    std::string out = "rootfs";
    for (const auto& d : done) {
      out += "/" + d;
    }
    return out;
  }

  // The nearest ancestor of `path` (below rootfs/) that an earlier entry made a
  // symlink, if any.
  std::optional<std::string> symlinked_parent(const std::string& path) const
  {
    if (m_symlinks.empty()) {
      return std::nullopt;
    }
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1)) {
      std::string parent = path.substr(0, slash);
      if (parent == "rootfs") {
        break;
      }
      if (m_symlinks.count(parent) != 0) {
        return parent;
      }
    }
    return std::nullopt;
  }

  // `what` names the field and its value in messages.
  void check_exec(const std::string& what, const std::string& exec, bool layered)
  {
    auto resolved = resolve(exec);
    if (!resolved) {
      finding(FindingKind::exec_missing, "", what + ": too many levels of symbolic links in the rootfs");
      return;
    }
    auto n = m_nodes.find(*resolved);
    std::string via = *resolved == "rootfs" + exec ? "" : " (resolved to '" + *resolved + "')";
    if (n == m_nodes.end()) {
      if (!layered) {
        finding(FindingKind::exec_missing, "", what + ": not in the rootfs" + via);
      }
    } else if (n->second.type != AE_IFREG) {
      finding(FindingKind::exec_missing, *resolved, what + ": not a regular file" + via);
    } else if (!(n->second.mode & 0111)) {
      finding(FindingKind::exec_missing, *resolved,
              what + ": not executable (mode " + octal_mode(n->second.mode) + ")" + via);
    }
  }

  AciReport& m_r;
  const VerifyLimits& m_limits;
  std::unordered_map<std::string, Node> m_nodes;
  std::unordered_map<std::string, std::string> m_symlinks;
  bool m_have_manifest = false, m_manifest_bad_type = false, m_have_rootfs = false,
       m_have_rootfs_children = false, m_too_many = false, m_have_root_entry = false;
};

// The decompressed stream as libarchive's read callback, hashed as it goes and
// held to the limits.
struct Stream {
  std::unique_ptr<compress::Decoder> decoder;
  hash::Hasher hasher{hash::Algorithm::sha512};
  // libarchive needs a returned buffer to stay valid until the next call; we
  // keep the last two so the bytes after the end marker can be inspected.
  std::array<std::array<char, k_chunk>, 2> buffers{};
  std::array<std::size_t, 2> lengths{0, 0};
  std::array<std::uint64_t, 2> offsets{0, 0};
  int current = 1;
  std::uint64_t supplied = 0;
  std::uint64_t compressed = 0;  // bytes taken from the input
  const VerifyLimits* limits = nullptr;
  std::string name;
  std::exception_ptr error;

  // Counts n more uncompressed bytes; throws bad_input over a limit.
  void account(std::size_t n)
  {
    supplied += n;
    if (supplied > limits->max_size) {
      throw_bad_input(name, "uncompressed size exceeds " + std::to_string(limits->max_size) +
                                " bytes (a compression bomb? raise --max-size)");
    }
    if (supplied > limits->ratio_grace && limits->max_ratio > 0 && supplied / limits->max_ratio > compressed) {
      throw_bad_input(name, "compression ratio exceeds " + std::to_string(limits->max_ratio) +
                                ":1 (a compression bomb? raise --max-ratio)");
    }
  }

  static la_ssize_t read_cb(struct archive*, void* client, const void** out)
  {
    auto* s = static_cast<Stream*>(client);
    try {
      s->current ^= 1;
      auto& buf = s->buffers[static_cast<std::size_t>(s->current)];
      std::size_t n = s->decoder->read(buf.data(), buf.size());
      s->hasher.update(buf.data(), n);
      s->lengths[static_cast<std::size_t>(s->current)] = n;
      s->offsets[static_cast<std::size_t>(s->current)] = s->supplied;
      s->account(n);
      *out = buf.data();
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      s->error = std::current_exception();
      return -1;
    }
  }

  // True when every byte at stream offset >= from that libarchive was given is zero.
  bool zeros_after(std::uint64_t from) const
  {
    for (std::size_t i = 0; i < 2; ++i) {
      for (std::size_t k = 0; k < lengths[i]; ++k) {
        if (offsets[i] + k >= from && buffers[i][k] != 0) {
          return false;
        }
      }
    }
    return true;
  }
};

// Reports a bad_input error as an error line; rethrows anything else.
void report_stream_error(const std::exception_ptr& ep, Checker& check)
{
  try {
    std::rethrow_exception(ep);
  } catch (const Error& err) {
    if (err.code() != ExitCode::bad_input) {
      throw;
    }
    check.error(err.message());
  }
}

EntryMeta meta_of(archive_entry* e)
{
  EntryMeta m;
  const char* raw = archive_entry_pathname(e);
  m.name = raw ? raw : "";
  m.type = archive_entry_filetype(e);
  m.mode = archive_entry_perm(e);
  m.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
  if (const char* hl = archive_entry_hardlink(e)) {
    m.hardlink = hl;
  } else if (m.type == AE_IFLNK) {
    const char* sl = archive_entry_symlink(e);
    m.symlink = sl ? sl : "";
  }
  return m;
}

} // namespace

std::string_view finding_kind_name(FindingKind kind)
{
  switch (kind) {
  case FindingKind::symlink_escape: return "symlink-escape";
  case FindingKind::hardlink_escape: return "hardlink-escape";
  case FindingKind::setuid: return "setuid";
  case FindingKind::device: return "device";
  case FindingKind::world_writable: return "world-writable";
  case FindingKind::exec_missing: return "exec-missing";
  case FindingKind::through_symlink: return "through-symlink";
  }
  return "?";
}

std::optional<FindingKind> parse_finding_kind(std::string_view name)
{
  for (auto k : k_finding_kinds) {
    if (finding_kind_name(k) == name) {
      return k;
    }
  }
  return std::nullopt;
}

std::string_view input_kind_name(InputKind kind)
{
  switch (kind) {
  case InputKind::aci: return "aci";
  case InputKind::layout: return "layout";
  case InputKind::manifest: return "manifest";
  }
  return "?";
}

AciReport verify_aci_stream(const compress::Input& in, const std::string& name, const VerifyLimits& limits)
{
  AciReport report;
  report.file = name;
  Checker check(report, limits);
  Stream stream;
  stream.limits = &limits;
  stream.name = name;
  compress::Input counted = [&in, &stream](void* buf, std::size_t n) {
    std::size_t got = in(buf, n);
    stream.compressed += got;
    return got;
  };
  try {
    stream.decoder = compress::make_decoder(counted, name);
  } catch (const Error& e) {
    if (e.code() != ExitCode::bad_input) {
      throw;
    }
    check.error(e.message());
    return report;
  }
  report.compression = stream.decoder->format();

  auto handle = libarchive::new_read_archive();
  archive* a = handle.get();
  archive_read_support_format_tar(a);
  archive_read_support_filter_none(a);
  if (archive_read_open(a, &stream, nullptr, &Stream::read_cb, nullptr) != ARCHIVE_OK) {
    if (stream.error) {
      report_stream_error(stream.error, check);
    } else {
      check.error(std::string("tar: ") + (archive_error_string(a) ? archive_error_string(a) : "cannot read"));
    }
    return report;
  }

  std::optional<std::string> manifest_text;
  bool stream_ok = true;
  std::uint64_t last_end = 0;  // stream offset after the last entry's data

  for (;;) {
    archive_entry* e = nullptr;
    int r = stream.error ? ARCHIVE_FATAL : archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) {
      break;
    }
    if (r < ARCHIVE_WARN) {
      if (stream.error) {
        report_stream_error(stream.error, check);
      } else {
        check.error(std::string("tar: ") + (archive_error_string(a) ? archive_error_string(a) : "unreadable header"));
      }
      stream_ok = false;
      break;
    }
    EntryMeta meta = meta_of(e);
    if (!check.entry(meta)) {
      // Skip the data now, to know where the entry ends: libarchive takes a
      // stream that stops at an entry boundary as complete (no end marker).
      if (archive_read_data_skip(a) != ARCHIVE_OK) {
        continue;  // the next header read reports it
      }
      last_end = static_cast<std::uint64_t>(archive_filter_bytes(a, 0));
      continue;
    }
    auto size = archive_entry_size(e);
    if (size > static_cast<la_int64_t>(k_max_manifest_size)) {
      check.error("manifest: larger than " + std::to_string(k_max_manifest_size) + " bytes");
      continue;
    }
    std::string text(static_cast<std::size_t>(std::max<la_int64_t>(size, 0)), '\0');
    la_ssize_t got = archive_read_data(a, text.data(), text.size());
    if (got != size) {
      if (!stream.error) {
        check.error("manifest: truncated");
      }
      continue;
    }
    manifest_text = std::move(text);
    if (archive_read_data_skip(a) == ARCHIVE_OK) {
      last_end = static_cast<std::uint64_t>(archive_filter_bytes(a, 0));
    }
  }

  if (stream_ok) {
    // What follows the end marker: zero padding is fine, anything else is not
    // (spec/aci.md: the image is a tar file; trailing bytes would be hashed
    // into the image ID yet carry no entries).
    std::uint64_t consumed = static_cast<std::uint64_t>(archive_filter_bytes(a, 0));
    if (consumed < last_end + 512) {
      check.error("tar: no end-of-archive marker (truncated at an entry boundary?)");
    }
    bool trailing = !stream.zeros_after(consumed);
    try {
      std::array<char, k_chunk> buf{};
      while (std::size_t n = stream.decoder->read(buf.data(), buf.size())) {
        stream.hasher.update(buf.data(), n);
        stream.account(n);
        for (std::size_t i = 0; i < n && !trailing; ++i) {
          trailing = buf[i] != 0;
        }
      }
      if (trailing) {
        check.error("trailing data after the tar end-of-archive marker");
      }
      report.image_id = "sha512-" + stream.hasher.hex_digest();
    } catch (const Error& err) {
      if (err.code() != ExitCode::bad_input) {
        throw;
      }
      check.error(err.message());
      stream_ok = false;
    }
  }
  report.uncompressed_size = stream.supplied;
  check.finish(stream_ok, stream_ok ? manifest_text : std::nullopt);
  report.valid = report.errors.empty();
  return report;
}

compress::Input fd_input(int fd, const std::string& name)
{
  return [fd, name](void* buf, std::size_t n) -> std::size_t {
    for (;;) {
      ssize_t got = ::read(fd, buf, n);
      if (got >= 0) {
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        throw_errno(name, "read");
      }
    }
  };
}

namespace {

struct Fd {
  int fd;
  ~Fd()
  {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

Fd open_read(const std::filesystem::path& file)
{
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw_errno(file.string(), "open");
  }
  return Fd{fd};
}

// Reads at most `max` + 1 bytes of a file.
std::string read_capped(const std::filesystem::path& file, std::size_t max)
{
  Fd fd = open_read(file);
  auto in = fd_input(fd.fd, file.string());
  std::string out;
  std::array<char, k_chunk> buf{};
  while (out.size() <= max) {
    std::size_t n = in(buf.data(), std::min(buf.size(), max + 1 - out.size()));
    if (n == 0) {
      break;
    }
    out.append(buf.data(), n);
  }
  return out;
}

void walk(const std::filesystem::path& dir, const std::string& rel, Checker& check, int depth)
{
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) {
    throw_environment(dir.string(), "cannot list: " + ec.message());
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    auto full = dir / n;
    std::string name = rel.empty() ? n : rel + "/" + n;
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) {
      throw_errno(full.string(), "lstat");
    }
    EntryMeta m;
    m.name = name;
    m.type = st.st_mode & S_IFMT;
    m.mode = st.st_mode & 07777;
    if (S_ISLNK(st.st_mode)) {
      std::error_code lec;
      auto target = std::filesystem::read_symlink(full, lec);
      if (lec) {
        throw_environment(full.string(), "readlink: " + lec.message());
      }
      m.symlink = target.string();
    }
    bool is_manifest = check.entry(m);
    (void)is_manifest;
    if (S_ISDIR(st.st_mode) && depth < 4096 && (rel.empty() ? n == "rootfs" : true)) {
      walk(full, name, check, depth + 1);
    }
  }
}

} // namespace

AciReport verify_aci(const std::filesystem::path& file, const VerifyLimits& limits)
{
  Fd fd = open_read(file);
  return verify_aci_stream(fd_input(fd.fd, file.string()), file.string(), limits);
}

AciReport verify_layout(const std::filesystem::path& dir, const VerifyLimits& limits)
{
  AciReport report;
  report.file = dir.string();
  report.kind = InputKind::layout;
  Checker check(report, limits);
  walk(dir, "", check, 0);
  std::optional<std::string> text;
  struct stat st {};
  if (::lstat((dir / "manifest").c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    text = read_capped(dir / "manifest", k_max_manifest_size);
    if (text->size() > k_max_manifest_size) {
      check.error("manifest: larger than " + std::to_string(k_max_manifest_size) + " bytes");
      text.reset();
    }
  }
  check.finish(true, text);
  report.valid = report.errors.empty();
  return report;
}

AciReport verify_manifest_file(const std::filesystem::path& file)
{
  AciReport report;
  report.file = file.string();
  report.kind = InputKind::manifest;
  std::string text = read_capped(file, k_max_manifest_size);
  auto m = ImageManifest::parse_json(text);
  if (m) {
    report.manifest = std::move(m).value();
  } else {
    report.errors.push_back("manifest: " + m.error());
  }
  report.valid = report.errors.empty();
  return report;
}

std::string read_manifest_text(const compress::Input& in, const std::string& name)
{
  auto decoder = compress::make_decoder(in, name);
  struct Src {
    compress::Decoder* d;
    std::array<char, k_chunk> buf{};
    std::exception_ptr error;
    static la_ssize_t cb(struct archive*, void* client, const void** out)
    {
      auto* s = static_cast<Src*>(client);
      try {
        std::size_t n = s->d->read(s->buf.data(), s->buf.size());
        *out = s->buf.data();
        return static_cast<la_ssize_t>(n);
      } catch (...) {
        s->error = std::current_exception();
        return -1;
      }
    }
  } src{decoder.get(), {}, nullptr};
  auto handle = libarchive::new_read_archive();
  archive* a = handle.get();
  archive_read_support_format_tar(a);
  archive_read_support_filter_none(a);
  auto fail = [&](const char* what) {
    if (src.error) {
      std::rethrow_exception(src.error);
    }
    throw_bad_input(name, std::string("tar: ") + (archive_error_string(a) ? archive_error_string(a) : what));
  };
  if (archive_read_open(a, &src, nullptr, &Src::cb, nullptr) != ARCHIVE_OK) {
    fail("cannot read");
  }
  for (;;) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) {
      throw_bad_input(name, "no 'manifest' entry");
    }
    if (r < ARCHIVE_WARN) {
      fail("unreadable header");
    }
    const char* raw = archive_entry_pathname(e);
    std::string path = raw ? raw : "";
    while (path.rfind("./", 0) == 0) {
      path.erase(0, 2);
    }
    if (path != "manifest") {
      continue;
    }
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) {
      throw_bad_input(name, "'manifest' is not a regular file");
    }
    auto size = archive_entry_size(e);
    if (size < 0 || size > static_cast<la_int64_t>(k_max_manifest_size)) {
      throw_bad_input(name, "manifest: larger than " + std::to_string(k_max_manifest_size) + " bytes");
    }
    std::string text(static_cast<std::size_t>(size), '\0');
    if (archive_read_data(a, text.data(), text.size()) != size) {
      fail("truncated manifest");
    }
    return text;
  }
}

} // namespace acikit::aci
