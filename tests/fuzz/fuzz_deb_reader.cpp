// libFuzzer target: the .deb reader (deb/deb_file.hpp) on any bytes, through a
// memfd (DebFile reads a path): ar members, control.tar and data.tar in every
// compression, the control fields, every data entry and its content. Bad input is
// an acikit::Error(bad_input); reading memory never fails otherwise.
#include "deb/deb_file.hpp"
#include "util/error.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

void require(bool ok)
{
  if (!ok) {
    std::abort();
  }
}

int g_fd = -1;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (g_fd < 0) {
    g_fd = ::memfd_create("fuzz.deb", 0);
    require(g_fd >= 0);
  }
  require(::ftruncate(g_fd, 0) == 0 && ::pwrite(g_fd, data, size, 0) == static_cast<ssize_t>(size));
  acikit::deb::DebReadOptions options;
  options.xz_threads = 1;
  std::string path = "/proc/self/fd/" + std::to_string(g_fd);
  try {
    acikit::deb::DebFile deb(path, options);
    require(!deb.package().empty());
    (void)deb.field("Version");
    (void)deb.maintainer_scripts();
    (void)deb.md5sums();
    acikit::entries::Entry e;
    auto& source = deb.data();
    std::uint64_t total = 0;
    char buf[65536];
    while (source.next(e)) {
      require(!e.path.empty() && e.path[0] != '/');
      if (e.type == acikit::entries::Type::file) {
        std::uint64_t got = 0;
        while (std::size_t n = source.content().read(buf, sizeof buf)) {
          got += n;
          total += n;
          if (total > (256u << 20)) {
            return 0;  // a decompression bomb: bounded elsewhere, not here
          }
        }
        require(got == e.size);
      }
    }
  } catch (const acikit::Error& e) {
    require(e.code() == acikit::ExitCode::bad_input);
  }
  return 0;
}
