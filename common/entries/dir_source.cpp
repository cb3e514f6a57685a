#include "entries/dir_source.hpp"

#include "util/error.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>

namespace acikit::entries {

namespace {

struct Found {
  std::string path;  // relative
  struct stat st;
};

class FileContent : public Content {
public:
  std::size_t read(void* buf, std::size_t n) override
  {
    if (m_fd < 0) {
      return 0;
    }
    for (;;) {
      ssize_t got = ::read(m_fd, buf, n);
      if (got >= 0) {
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        throw_errno(m_path, "read");
      }
    }
  }
  void open(const std::string& full)
  {
    close();
    m_path = full;
    m_fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (m_fd < 0) {
      throw_errno(full, "open");
    }
  }
  void close()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
      m_fd = -1;
    }
  }
  ~FileContent() override { close(); }

private:
  int m_fd = -1;
  std::string m_path;
};

Entry make_entry(const std::string& path, const struct stat& st)
{
  Entry e;
  e.path = path;
  e.mode = st.st_mode & 07777;
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  e.mtime = st.st_mtim.tv_sec;
  switch (st.st_mode & S_IFMT) {
  case S_IFREG: e.type = Type::file; e.size = static_cast<std::uint64_t>(st.st_size); break;
  case S_IFDIR: e.type = Type::directory; break;
  case S_IFLNK: e.type = Type::symlink; break;
  case S_IFCHR: e.type = Type::char_device; break;
  case S_IFBLK: e.type = Type::block_device; break;
  case S_IFIFO: e.type = Type::fifo; break;
  default: throw_bad_input(path, "unsupported file type (socket?)");
  }
  if (e.type == Type::char_device || e.type == Type::block_device) {
    e.dev_major = major(st.st_rdev);
    e.dev_minor = minor(st.st_rdev);
  }
  return e;
}

std::vector<std::pair<std::string, std::string>> read_xattrs(const std::string& full)
{
  std::vector<std::pair<std::string, std::string>> out;
  ssize_t size = llistxattr(full.c_str(), nullptr, 0);
  if (size < 0) {
    if (errno == ENOTSUP || errno == ENODATA) {
      return out;
    }
    throw_errno(full, "llistxattr");
  }
  std::string names(static_cast<std::size_t>(size), '\0');
  size = llistxattr(full.c_str(), names.data(), names.size());
  if (size < 0) {
    throw_errno(full, "llistxattr");
  }
  names.resize(static_cast<std::size_t>(size));
  std::size_t pos = 0;
  while (pos < names.size()) {
    std::string name(names.c_str() + pos);
    pos += name.size() + 1;
    if (name.empty() || DirSource::host_only_xattr(name)) {
      continue;
    }
    ssize_t vs = lgetxattr(full.c_str(), name.c_str(), nullptr, 0);
    if (vs < 0) {
      if (errno == ENODATA) {
        continue;
      }
      throw_errno(full, "lgetxattr " + name);
    }
    std::string value(static_cast<std::size_t>(vs), '\0');
    vs = lgetxattr(full.c_str(), name.c_str(), value.data(), value.size());
    if (vs < 0) {
      throw_errno(full, "lgetxattr " + name);
    }
    value.resize(static_cast<std::size_t>(vs));
    out.emplace_back(std::move(name), std::move(value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

struct DirSource::Impl {
  std::filesystem::path root;
  struct stat root_st {};
  std::vector<Found> found;
  std::size_t next = 0;
  std::map<std::pair<dev_t, ino_t>, std::string> first_link;
  FileContent content;

  void walk(const std::string& rel)
  {
    std::string dir = rel.empty() ? root.string() : (root / rel).string();
    DIR* d = opendir(dir.c_str());
    if (!d) {
      throw_errno(dir, "opendir");
    }
    std::vector<std::string> names;
    errno = 0;
    while (dirent* de = readdir(d)) {
      std::string n = de->d_name;
      if (n != "." && n != "..") {
        names.push_back(n);
      }
    }
    int err = errno;
    closedir(d);
    if (err) {
      throw_errno(dir, "readdir", err);
    }
    for (const auto& n : names) {
      std::string child = rel.empty() ? n : rel + "/" + n;
      Found f{child, {}};
      std::string full = (root / child).string();
      if (lstat(full.c_str(), &f.st) != 0) {
        throw_errno(full, "lstat");
      }
      bool is_dir = S_ISDIR(f.st.st_mode);
      found.push_back(std::move(f));
      if (is_dir) {
        walk(child);
      }
    }
  }
};

DirSource::DirSource(std::filesystem::path root) : m_impl(std::make_unique<Impl>())
{
  m_impl->root = std::move(root);
  if (lstat(m_impl->root.c_str(), &m_impl->root_st) != 0) {
    throw_errno(m_impl->root.string(), "lstat");
  }
  if (!S_ISDIR(m_impl->root_st.st_mode)) {
    throw_bad_input(m_impl->root.string(), "not a directory");
  }
  m_impl->walk("");
  std::sort(m_impl->found.begin(), m_impl->found.end(),
            [](const Found& a, const Found& b) { return a.path < b.path; });
}

DirSource::~DirSource() = default;

bool DirSource::host_only_xattr(const std::string& name)
{
  // security.selinux is the build host's label, not the image's (rkt and
  // the kernel assign labels at run time). Namespaces other than these four are
  // not stored in tar archives by anyone.
  if (name == "security.selinux") {
    return true;
  }
  for (const char* ns : {"user.", "security.", "trusted.", "system.posix_acl_"}) {
    if (name.rfind(ns, 0) == 0) {
      return false;
    }
  }
  return true;
}

std::int64_t DirSource::newest_mtime() const
{
  std::int64_t newest = 0;
  for (const auto& f : m_impl->found) {
    newest = std::max<std::int64_t>(newest, f.st.st_mtim.tv_sec);
  }
  return newest;
}

Entry DirSource::root_entry() const
{
  Entry e = make_entry(".", m_impl->root_st);
  e.xattrs = read_xattrs(m_impl->root.string());
  e.origin = m_impl->root.string();
  return e;
}

bool DirSource::next(Entry& entry)
{
  auto& impl = *m_impl;
  impl.content.close();
  if (impl.next >= impl.found.size()) {
    return false;
  }
  const Found& f = impl.found[impl.next++];
  std::string full = (impl.root / f.path).string();
  entry = make_entry(f.path, f.st);
  entry.origin = full;
  if (entry.type == Type::symlink) {
    std::string target(static_cast<std::size_t>(f.st.st_size) + 1, '\0');
    for (;;) {
      ssize_t n = readlink(full.c_str(), target.data(), target.size());
      if (n < 0) {
        throw_errno(full, "readlink");
      }
      if (static_cast<std::size_t>(n) < target.size()) {
        target.resize(static_cast<std::size_t>(n));
        break;
      }
      target.resize(target.size() * 2);
    }
    entry.link_target = target;
  }
  if (entry.type == Type::file && f.st.st_nlink > 1) {
    auto key = std::make_pair(f.st.st_dev, f.st.st_ino);
    auto [it, inserted] = impl.first_link.emplace(key, f.path);
    if (!inserted) {
      entry.type = Type::hardlink;
      entry.link_target = it->second;
      entry.size = 0;
    }
  }
  entry.xattrs = read_xattrs(full);
  if (entry.type == Type::file) {
    impl.content.open(full);
  }
  return true;
}

Content& DirSource::content() { return m_impl->content; }

} // namespace acikit::entries
