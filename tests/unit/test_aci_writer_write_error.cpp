// Regression test for what the sanitizer pass of scripts/test found
// (cli.test_diskfull under ASan): when writing the .aci fails (disk full),
// AciWriter's destructor let libarchive call the write callback again, which
// stored into an already destroyed exception_ptr: the error being reported was
// freed before cli::run printed it (heap-use-after-free). Under ASan this test
// fails on the old member order; everywhere it pins the error and the cleanup.
#include <catch2/catch.hpp>

#include "aci/aci_writer.hpp"
#include "util/error.hpp"
#include "util/temp_dir.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>

using namespace acikit;

TEST_CASE("aci-writer-write-error-reported-after-cleanup", "[aci][writer]")
{
  util::TempDir dir;
  auto output = dir.path() / "out.aci";
  auto manifest = aci::ImageManifest::parse_json(
      R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/x"})");
  REQUIRE(manifest.ok());
  for (auto format : {compress::Format::none, compress::Format::gzip}) {
    INFO(static_cast<int>(format));
    aci::AciWriterOptions options;
    options.compression.format = format;
    options.compression.threads = 1;
    entries::Entry rootfs;
    rootfs.type = entries::Type::directory;
    rootfs.mode = 0755;
    // Writes past 64 KiB fail with EFBIG (as ENOSPC on a full disk).
    struct rlimit old {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
    auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 64 * 1024;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string message;
    try {
      aci::AciWriter w(output, manifest.value(), rootfs, options);
      struct Noise : entries::Content {
        std::uint64_t left = 4u << 20;
        std::uint32_t x = 12345;
        std::size_t read(void* buf, std::size_t n) override
        {
          n = std::min<std::uint64_t>(n, left);
          auto* p = static_cast<unsigned char*>(buf);
          for (std::size_t i = 0; i < n; ++i) {
            x = x * 1103515245u + 12345u;
            p[i] = static_cast<unsigned char>(x >> 24);
          }
          left -= n;
          return n;
        }
      } noise;
      entries::Entry e;
      e.path = "blob";
      e.type = entries::Type::file;
      e.mode = 0644;
      e.size = noise.left;
      w.put(e, &noise);
      w.finish();
    } catch (const Error& e) {
      message = e.what();  // read after the writer is gone: freed before the fix
      CHECK(e.code() == ExitCode::environment);
    }
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    CHECK(message == output.string() + ": write failed: " + std::strerror(EFBIG));
    CHECK(std::filesystem::is_empty(dir.path()));
  }
}
