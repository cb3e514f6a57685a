#include "util/temp_dir.hpp"

#include "util/error.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>
#include <vector>

namespace acikit::util {

namespace {

bool same_dir(int fd, const std::filesystem::path& path)
{
  struct stat a {}, b {};
  return ::fstat(fd, &a) == 0 && ::lstat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

// PREFIX.XXXXXX directories under `parent` (not `own`) that no live TempDir holds
// a lock on. Best effort.
void remove_stale(const std::filesystem::path& parent, const std::string& prefix,
                  const std::filesystem::path& own)
{
  DIR* d = ::opendir(parent.c_str());
  if (!d) {
    return;
  }
  const std::string start = prefix + ".";
  std::vector<std::filesystem::path> stale;
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() != start.size() + 6 || name.compare(0, start.size(), start) != 0) {
      continue;
    }
    std::filesystem::path p = parent / name;
    if (p == own) {
      continue;
    }
    int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && same_dir(fd, p)) {
      stale.push_back(p);
    }
    ::close(fd);
  }
  ::closedir(d);
  for (const auto& p : stale) {
    std::error_code ec;
    std::filesystem::remove_all(p, ec);
  }
}

} // namespace

TempDir::TempDir(const std::string& prefix, const std::filesystem::path& parent)
{
  std::filesystem::path base = parent;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = (t && *t) ? t : "/tmp";
  }
  std::string tmpl = (base / (prefix + ".XXXXXX")).string();
  for (int attempt = 0;; ++attempt) {
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
      throw_errno(tmpl, "cannot create temporary directory");
    }
    m_path = buf.data();
    if (parent.empty()) {
      return;
    }
    // Locked before the sweep; a concurrent sweep that removed it before the lock
    // shows as a name that no longer leads to it: make another.
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int locked = -1;
    while (m_fd >= 0 && (locked = ::flock(m_fd, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (m_fd >= 0 && locked != 0) {
      return;  // no flock on this file system: no sweep either (see AtomicFile)
    }
    if (m_fd >= 0 && same_dir(m_fd, m_path)) {
      break;
    }
    if (m_fd < 0) {
      ::rmdir(m_path.c_str());  // just made, still empty (or already gone)
    } else {
      ::close(m_fd);  // swept before it was locked: the name leads elsewhere or nowhere
      m_fd = -1;
    }
    if (attempt == 10) {
      throw_environment(m_path.string(), "temporary directory removed while being created");
    }
  }
  remove_stale(parent, prefix, m_path);
}

TempDir::~TempDir()
{
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

} // namespace acikit::util
