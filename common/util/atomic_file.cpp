#include "util/atomic_file.hpp"

#include "util/error.hpp"
#include "util/fd.hpp"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace acikit::util {

namespace {

bool same_file(int fd, const std::filesystem::path& path)
{
  struct stat a {}, b {};
  return ::fstat(fd, &a) == 0 && ::lstat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

// Removes NAME.tmp.XXXXXX beside `final` (not `own`) when no process holds an
// flock on it: its writer died before commit() or abandon() (SIGKILL). Best
// effort: a temporary that cannot be opened or removed is left alone.
void remove_stale_temporaries(const std::filesystem::path& final, const std::filesystem::path& own)
{
  std::filesystem::path dir = final.parent_path();
  if (dir.empty()) {
    dir = ".";
  }
  const std::string prefix = final.filename().string() + ".tmp.";
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    return;
  }
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) {
      continue;
    }
    std::filesystem::path p = dir / name;
    if (p == own) {
      continue;
    }
    int fd = ::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    struct stat st {};
    // Locked: a live writer. Unlocked but renamed meanwhile: nothing to do.
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        same_file(fd, p)) {
      ::unlink(p.c_str());
    }
    ::close(fd);
  }
  ::closedir(d);
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path final_path, unsigned mode)
  : m_final(std::move(final_path))
{
  bool sweep = true;
  for (int attempt = 0;; ++attempt) {
    std::string tmpl = m_final.string() + ".tmp.XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    m_fd = mkostemp(buf.data(), O_CLOEXEC);
    if (m_fd < 0) {
      throw_errno(m_final.string(), "cannot create temporary file");
    }
    m_temp = buf.data();
    // Held until the rename (or the process's death): see remove_stale_temporaries.
    // A concurrent sweep may have removed the new file before it was locked; then
    // the name no longer leads to it, and another one is made.
    int locked;
    while ((locked = ::flock(m_fd, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (locked != 0) {
      // No flock on this file system: no sweep either (every other writer's
      // temporary would look unlocked, hence stale).
      sweep = false;
      break;
    }
    if (same_file(m_fd, m_temp)) {
      break;
    }
    ::close(m_fd);
    m_fd = -1;
    if (attempt == 10) {
      throw_environment(m_temp.string(), "temporary file removed while being created");
    }
  }
  if (sweep) {
    remove_stale_temporaries(m_final, m_temp);
  }
  if (fchmod(m_fd, mode) != 0) {
    int err = errno;
    abandon();
    throw_errno(m_final.string(), "cannot set mode", err);
  }
}

AtomicFile::~AtomicFile()
{
  if (!m_done) {
    abandon();
  }
}

void AtomicFile::write(const void* data, std::size_t size)
{
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(m_fd, p, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_errno(m_final.string(), "write failed");
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit(Overwrite overwrite)
{
  if (fsync(m_fd) != 0) {
    throw_errno(m_final.string(), "fsync failed");
  }
  // The descriptor (and its flock) stays open until the temporary name is gone,
  // so no other writer's sweep can take it for a crashed one's.
  if (overwrite == Overwrite::no) {
    // link() fails with EEXIST instead of replacing: no race with another writer.
    if (::link(m_temp.c_str(), m_final.c_str()) != 0) {
      int err = errno;
      abandon();
      if (err == EEXIST) {
        throw_bad_input(m_final.string(), "already exists (use --overwrite to replace it)");
      }
      throw_errno(m_final.string(), "cannot create", err);
    }
    ::unlink(m_temp.c_str());
  } else if (::rename(m_temp.c_str(), m_final.c_str()) != 0) {
    int err = errno;
    abandon();
    throw_errno(m_final.string(), "cannot rename into place", err);
  }
  m_done = true;
  // After a successful fsync, close(2) has nothing left to report for a regular file.
  ::close(m_fd);
  m_fd = -1;
}

void AtomicFile::abandon()
{
  if (!m_temp.empty() && !m_done) {
    ::unlink(m_temp.c_str());
  }
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
  m_done = true;
}

std::string read_file(const std::filesystem::path& path)
{
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ENOENT) {
      throw_bad_input(path.string(), "no such file");
    }
    throw_errno(path.string(), "cannot open", err);
  }
  std::string out;
  read_chunks(fd.get(), path.string(),
              [&](const char* data, std::size_t n) { out.append(data, n); });
  return out;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view data,
                       Overwrite overwrite, unsigned mode)
{
  AtomicFile f(path, mode);
  f.write(data);
  f.commit(overwrite);
}

} // namespace acikit::util
