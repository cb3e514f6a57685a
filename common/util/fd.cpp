#include "util/fd.hpp"

#include "util/error.hpp"

#include <cerrno>

namespace acikit::util {

void read_chunks(int fd, const std::string& where,
                 const std::function<void(const char*, std::size_t)>& chunk)
{
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_errno(where, "read failed");
    }
    if (n == 0) {
      return;
    }
    chunk(buf, static_cast<std::size_t>(n));
  }
}

} // namespace acikit::util
