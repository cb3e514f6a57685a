#pragma once
// Fd: owns a file descriptor and closes it (RAII for the POSIX seam).
#include <unistd.h>

#include <cstddef>
#include <functional>
#include <string>

namespace acikit::util {

class Fd {
public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  ~Fd()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return m_fd; }
  void reset(int fd)
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }
  // Give up ownership (e.g. to close() it and check the result).
  int release()
  {
    int fd = m_fd;
    m_fd = -1;
    return fd;
  }

private:
  int m_fd;
};

// Reads fd to its end in 64 KiB chunks, retrying EINTR, handing each chunk to
// `chunk`; a read error throws naming `where`.
void read_chunks(int fd, const std::string& where,
                 const std::function<void(const char*, std::size_t)>& chunk);

} // namespace acikit::util
