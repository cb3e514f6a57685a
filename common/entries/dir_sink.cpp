#include "entries/dir_sink.hpp"

#include "util/error.hpp"
#include "util/fd.hpp"

#include <algorithm>
#include <cerrno>
#include <random>
#include <system_error>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <vector>

namespace acikit::entries {

namespace {

using util::Fd;

// openat2(root, path, RESOLVE_IN_ROOT): "/" and ".." never leave root, absolute
// symlinks are resolved relative to it (openat2(2)). Returns -1 with errno set.
int open_in_root(int root, const std::string& path, int flags)
{
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char* p = path.empty() ? "." : path.c_str();
  for (int attempt = 0;; ++attempt) {
    long fd = syscall(SYS_openat2, root, p, &how, sizeof how);
    // EAGAIN: a concurrent rename made the kernel unsure; retrying is documented.
    if (fd < 0 && (errno == EAGAIN || errno == EINTR) && attempt < 100) {
      continue;
    }
    return static_cast<int>(fd);
  }
}

std::pair<std::string, std::string> split_parent(const std::string& path)
{
  auto slash = path.rfind('/');
  if (slash == std::string::npos) {
    return {"", path};
  }
  return {path.substr(0, slash), path.substr(slash + 1)};
}

std::size_t depth(const std::string& path)
{
  return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
}

void write_all(int fd, const char* data, std::size_t size, const std::string& where)
{
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_errno(where, "write failed");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

timespec to_timespec(std::int64_t t)
{
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(t);
  return ts;
}

} // namespace

namespace {

// Regular files are written under a temporary name in their final directory and
// renamed into place when complete, so a killed or failed run never leaves a
// partial file under a package's path. The marker is distinctive, short (file
// names near NAME_MAX still fit) and hidden; the next run into the same rootfs
// sweeps what a killed run left.
constexpr std::string_view k_temp_marker = ".tmp.acikit-";

std::string temp_name()
{
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* chars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(k_temp_marker);
  for (int i = 0; i < 12; ++i) {
    out.push_back(chars[rng() % 36]);
  }
  return out;
}

bool is_temp_name(const std::string& name)
{
  return name.compare(0, k_temp_marker.size(), k_temp_marker) == 0;
}

// Unlinks a temporary unless released (an exception while writing it).
class TempGuard {
public:
  TempGuard(int dir_fd, std::string name) : m_dir_fd(dir_fd), m_name(std::move(name)) {}
  ~TempGuard()
  {
    if (!m_name.empty()) {
      ::unlinkat(m_dir_fd, m_name.c_str(), 0);
    }
  }
  TempGuard(const TempGuard&) = delete;
  TempGuard& operator=(const TempGuard&) = delete;
  void release() { m_name.clear(); }

private:
  int m_dir_fd;
  std::string m_name;
};

// Remove the temporaries a killed run left (directory symlinks are not followed).
void sweep_temporaries(const std::filesystem::path& rootfs)
{
  std::error_code ec;
  std::vector<std::filesystem::path> stale;
  for (auto it = std::filesystem::recursive_directory_iterator(
           rootfs, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (is_temp_name(it->path().filename().string()) && !it->is_directory(ec)) {
      stale.push_back(it->path());
    }
  }
  for (const auto& p : stale) {
    std::filesystem::remove(p, ec);
  }
}

} // namespace

DirSink::DirSink(const std::filesystem::path& rootfs, DirSinkOptions options)
  : m_rootfs(rootfs), m_options(std::move(options))
{
  std::error_code ec;
  std::filesystem::create_directories(m_rootfs, ec);
  if (ec) {
    throw_errno(m_rootfs.string(), "cannot create rootfs directory", ec.value());
  }
  m_root = ::open(m_rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m_root < 0) {
    throw_errno(m_rootfs.string(), "cannot open rootfs directory");
  }
  sweep_temporaries(m_rootfs);
  bool root = ::geteuid() == 0;
  m_owners = m_options.owners == Owners::keep || (m_options.owners == Owners::automatic && root);
  m_can_mknod = root;
}

DirSink::~DirSink()
{
  if (m_root >= 0) {
    ::close(m_root);
  }
}

void DirSink::start()
{
  m_started = true;
  for (const auto& name : m_options.merged_usr_links) {
    std::string where = m_rootfs.string() + ": " + name;
    struct stat st {};
    if (::fstatat(m_root, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      continue;  // already there (a real directory in an old-layout rootfs stays)
    }
    // usr/NAME as an implicit directory, then the link NAME -> usr/NAME.
    Fd usr(open_parent("usr/" + name + "/x", where));
    std::string target = "usr/" + name;
    if (::symlinkat(target.c_str(), m_root, name.c_str()) != 0) {
      throw_errno(where, "cannot create symlink");
    }
    timespec ts[2] = {to_timespec(m_options.implicit_mtime), to_timespec(m_options.implicit_mtime)};
    ::utimensat(m_root, name.c_str(), ts, AT_SYMLINK_NOFOLLOW);
  }
}

int DirSink::open_parent(const std::string& parent_of, const std::string& where)
{
  // parent_of is the entry path; its parent is opened, missing directories created
  // one component at a time, each resolved again from the rootfs.
  std::string parent = split_parent(parent_of).first;
  int fd = open_in_root(m_root, parent, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    return fd;
  }
  if (errno != ENOENT) {
    if (errno == ENOTDIR) {
      throw_bad_input(where, "parent '" + parent + "' is not a directory");
    }
    throw_errno(where, "cannot open parent directory '" + parent + "'");
  }
  Fd current(open_in_root(m_root, "", O_RDONLY | O_DIRECTORY));
  std::string prefix;
  std::size_t start = 0;
  while (start <= parent.size()) {
    auto slash = parent.find('/', start);
    if (slash == std::string::npos) {
      slash = parent.size();
    }
    std::string component = parent.substr(start, slash - start);
    prefix += (prefix.empty() ? "" : "/") + component;
    start = slash + 1;
    int next = open_in_root(m_root, prefix, O_RDONLY | O_DIRECTORY);
    if (next < 0 && errno == ENOENT) {
      if (::mkdirat(current.get(), component.c_str(), 0755) != 0) {
        if (errno == EEXIST) {
          throw_bad_input(where, "parent '" + prefix + "' is a dangling symlink");
        }
        throw_errno(where, "cannot create directory '" + prefix + "'");
      }
      if (::fchmodat(current.get(), component.c_str(), 0755, 0) != 0) {  // whatever the umask
        throw_errno(where, "cannot set the mode of '" + prefix + "'");
      }
      m_dirs.emplace(prefix, DirMeta{0755, 0, 0, m_options.implicit_mtime, true});
      next = open_in_root(m_root, prefix, O_RDONLY | O_DIRECTORY);
    }
    if (next < 0) {
      if (errno == ENOTDIR) {
        throw_bad_input(where, "parent '" + prefix + "' is not a directory");
      }
      throw_errno(where, "cannot open directory '" + prefix + "'");
    }
    current.reset(next);
  }
  return current.release();
}

void DirSink::remove_existing(int parent_fd, const std::string& name, const std::string& where)
{
  struct stat st {};
  if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) {
      return;
    }
    throw_errno(where, "cannot stat");
  }
  if (S_ISDIR(st.st_mode)) {
    if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0) {
      if (errno == ENOTEMPTY || errno == EEXIST) {
        throw_bad_input(where, "cannot replace a non-empty directory");
      }
      throw_errno(where, "cannot remove directory");
    }
    return;
  }
  if (::unlinkat(parent_fd, name.c_str(), 0) != 0) {
    throw_errno(where, "cannot remove existing file");
  }
  ++m_stats.replaced;
}

void DirSink::set_metadata(int parent_fd, const std::string& name, const Entry& entry,
                           const std::string& where)
{
  // Owner before mode: chown clears setuid/setgid (chown(2)).
  if (m_owners && ::fchownat(parent_fd, name.c_str(), entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0) {
    throw_errno(where, "cannot set owner");
  }
  // fchmodat follows a symlink in the last component; we have just created a
  // non-symlink under this name ourselves.
  if (entry.type != Type::symlink && ::fchmodat(parent_fd, name.c_str(), entry.mode, 0) != 0) {
    throw_errno(where, "cannot set mode");
  }
  timespec ts[2] = {to_timespec(entry.mtime), to_timespec(entry.mtime)};
  if (::utimensat(parent_fd, name.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) {
    throw_errno(where, "cannot set mtime");
  }
}

void DirSink::put(const Entry& entry, Content* content)
{
  if (!m_started) {
    start();
  }
  std::string where = entry.origin.empty() ? entry.path : entry.origin + ": " + entry.path;
  if (entry.path.empty()) {
    throw_bad_input(where, "empty path");
  }
  switch (entry.type) {
  case Type::directory:
    put_directory(entry, where);
    return;
  case Type::file:
    put_file(entry, content, where);
    break;
  case Type::hardlink:
    if (!m_written.count(entry.link_target)) {
      // Before its target (or the target comes from an earlier run): wait.
      m_deferred.emplace(entry.link_target, entry);
      return;
    }
    try_hardlink(entry, where, true);
    break;
  default:
    put_node(entry, where);
    break;
  }
  written(entry.path);
}

void DirSink::written(const std::string& path)
{
  m_written.insert(path);
  auto range = m_deferred.equal_range(path);
  if (range.first == range.second) {
    return;
  }
  std::vector<Entry> ready;
  for (auto it = range.first; it != range.second; ++it) {
    ready.push_back(it->second);
  }
  m_deferred.erase(range.first, range.second);
  for (const auto& e : ready) {
    std::string w = e.origin.empty() ? e.path : e.origin + ": " + e.path;
    try_hardlink(e, w, true);
    written(e.path);
  }
}

void DirSink::put_directory(const Entry& entry, const std::string& where)
{
  auto [parent, name] = split_parent(entry.path);
  Fd pfd(open_parent(entry.path, where));
  struct stat st {};
  if (::fstatat(pfd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(st.st_mode)) {
      auto it = m_dirs.find(entry.path);
      if (it == m_dirs.end() || it->second.implicit) {
        m_dirs[entry.path] = DirMeta{entry.mode, entry.uid, entry.gid, entry.mtime, false};
      }
      ++m_stats.directories;
      return;
    }
    if (S_ISLNK(st.st_mode)) {
      // A symlink to a directory is followed, never replaced (chroot semantics;
      // merged /usr).
      Fd target(open_in_root(m_root, entry.path, O_RDONLY | O_DIRECTORY));
      if (target.get() >= 0) {
        ++m_stats.directories;
        return;
      }
    }
    remove_existing(pfd.get(), name, where);
  }
  if (::mkdirat(pfd.get(), name.c_str(), 0700) != 0) {
    throw_errno(where, "cannot create directory");
  }
  m_dirs[entry.path] = DirMeta{entry.mode, entry.uid, entry.gid, entry.mtime, false};
  ++m_stats.directories;
}

void DirSink::put_file(const Entry& entry, Content* content, const std::string& where)
{
  auto name = split_parent(entry.path).second;
  Fd pfd(open_parent(entry.path, where));
  std::string temp;
  Fd fd(-1);
  for (int attempt = 0; attempt < 8 && fd.get() < 0; ++attempt) {
    temp = temp_name();
    fd.reset(::openat(pfd.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      0600));
    if (fd.get() < 0 && errno != EEXIST) {
      break;
    }
  }
  if (fd.get() < 0) {
    throw_errno(where, "cannot create file");
  }
  TempGuard guard(pfd.get(), temp);
  std::uint64_t total = 0;
  if (content) {
    std::vector<char> buf(256 * 1024);
    for (;;) {
      std::size_t n = content->read(buf.data(), buf.size());
      if (n == 0) {
        break;
      }
      write_all(fd.get(), buf.data(), n, where);
      total += n;
    }
  }
  if (total != entry.size) {
    throw_bad_input(where, "content is " + std::to_string(total) + " bytes, expected " +
                               std::to_string(entry.size));
  }
  if (m_owners && ::fchown(fd.get(), entry.uid, entry.gid) != 0) {
    throw_errno(where, "cannot set owner");
  }
  if (::fchmod(fd.get(), entry.mode) != 0) {
    throw_errno(where, "cannot set mode");
  }
  timespec ts[2] = {to_timespec(entry.mtime), to_timespec(entry.mtime)};
  if (::futimens(fd.get(), ts) != 0) {
    throw_errno(where, "cannot set mtime");
  }
  if (::close(fd.release()) != 0) {
    throw_errno(where, "close failed");
  }
  // A directory in the way is removed (when empty); a file or link is replaced
  // by the rename itself.
  remove_existing(pfd.get(), name, where);
  if (::renameat(pfd.get(), temp.c_str(), pfd.get(), name.c_str()) != 0) {
    throw_errno(where, "cannot rename into place");
  }
  guard.release();
  ++m_stats.files;
}

void DirSink::put_node(const Entry& entry, const std::string& where)
{
  auto name = split_parent(entry.path).second;
  if ((entry.type == Type::char_device || entry.type == Type::block_device) && !m_can_mknod) {
    ++m_stats.skipped_devices;
    return;
  }
  Fd pfd(open_parent(entry.path, where));
  remove_existing(pfd.get(), name, where);
  switch (entry.type) {
  case Type::symlink:
    if (::symlinkat(entry.link_target.c_str(), pfd.get(), name.c_str()) != 0) {
      throw_errno(where, "cannot create symlink");
    }
    ++m_stats.symlinks;
    break;
  case Type::fifo:
    if (::mknodat(pfd.get(), name.c_str(), S_IFIFO | 0600, 0) != 0) {
      throw_errno(where, "cannot create FIFO");
    }
    ++m_stats.fifos;
    break;
  case Type::char_device:
  case Type::block_device:
    if (::mknodat(pfd.get(), name.c_str(),
                  (entry.type == Type::char_device ? S_IFCHR : S_IFBLK) | 0600,
                  makedev(entry.dev_major, entry.dev_minor)) != 0) {
      throw_errno(where, "cannot create device node");
    }
    ++m_stats.devices;
    break;
  default:
    throw_bad_input(where, "unsupported entry type");
  }
  set_metadata(pfd.get(), name, entry, where);
}

bool DirSink::try_hardlink(const Entry& entry, const std::string& where, bool last_chance)
{
  // The target is resolved in the root too: its parent through openat2, the last
  // component not followed (linkat without AT_SYMLINK_FOLLOW links a symlink itself).
  auto [tparent, tname] = split_parent(entry.link_target);
  Fd tfd(open_in_root(m_root, tparent, O_RDONLY | O_DIRECTORY));
  struct stat st {};
  if (tfd.get() < 0 || ::fstatat(tfd.get(), tname.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (!last_chance) {
      return false;
    }
    throw_bad_input(where, "hardlink target '" + entry.link_target + "' not found");
  }
  if (S_ISDIR(st.st_mode)) {
    throw_bad_input(where, "hardlink to a directory '" + entry.link_target + "'");
  }
  auto name = split_parent(entry.path).second;
  Fd pfd(open_parent(entry.path, where));
  remove_existing(pfd.get(), name, where);
  if (::linkat(tfd.get(), tname.c_str(), pfd.get(), name.c_str(), 0) != 0) {
    throw_errno(where, "cannot create hardlink to '" + entry.link_target + "'");
  }
  ++m_stats.hardlinks;
  return true;
}

void DirSink::finish()
{
  if (!m_started) {
    start();
  }
  // Hardlinks whose target never came from the stream: the target may exist in the
  // rootfs already (GNU tar links to it too); otherwise it is bad input.
  while (!m_deferred.empty()) {
    auto it = m_deferred.begin();
    Entry e = it->second;
    m_deferred.erase(it);
    std::string where = e.origin.empty() ? e.path : e.origin + ": " + e.path;
    try_hardlink(e, where, true);
    written(e.path);
  }
  // Directory metadata after the children are written, deepest first (a child's
  // creation changes its parent's mtime; a read-only parent would block children).
  std::vector<std::pair<std::string, DirMeta>> dirs(m_dirs.begin(), m_dirs.end());
  std::stable_sort(dirs.begin(), dirs.end(), [](const auto& a, const auto& b) {
    return depth(a.first) > depth(b.first);
  });
  for (const auto& [path, meta] : dirs) {
    std::string where = m_rootfs.string() + ": " + path;
    Fd fd(open_in_root(m_root, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    if (fd.get() < 0) {
      continue;  // replaced by a non-directory or a symlink later in the stream
    }
    if (m_owners && ::fchown(fd.get(), meta.uid, meta.gid) != 0) {
      throw_errno(where, "cannot set owner");
    }
    if (::fchmod(fd.get(), meta.mode) != 0) {
      throw_errno(where, "cannot set mode");
    }
    timespec ts[2] = {to_timespec(meta.mtime), to_timespec(meta.mtime)};
    if (::futimens(fd.get(), ts) != 0) {
      throw_errno(where, "cannot set mtime");
    }
  }
  m_dirs.clear();
}

} // namespace acikit::entries
