#include "util/atomic_file.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace acikit::util {

AtomicFile::AtomicFile(std::filesystem::path final_path, unsigned mode)
  : m_final(std::move(final_path))
{
  std::string tmpl = m_final.string() + ".tmp.XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  m_fd = mkostemp(buf.data(), O_CLOEXEC);
  if (m_fd < 0) {
    throw_errno(m_final.string(), "cannot create temporary file");
  }
  m_temp = buf.data();
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
      throw_errno(m_temp.string(), "write failed");
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit(Overwrite overwrite)
{
  if (fsync(m_fd) != 0) {
    throw_errno(m_temp.string(), "fsync failed");
  }
  if (::close(m_fd) != 0) {
    m_fd = -1;
    throw_errno(m_temp.string(), "close failed");
  }
  m_fd = -1;
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
}

void AtomicFile::abandon()
{
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
  if (!m_temp.empty()) {
    ::unlink(m_temp.c_str());
  }
  m_done = true;
}

std::string read_file(const std::filesystem::path& path)
{
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) {
      throw_bad_input(path.string(), "no such file");
    }
    throw_errno(path.string(), "cannot open", err);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      int err = errno;
      ::close(fd);
      throw_errno(path.string(), "read failed", err);
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
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
