#include <catch2/catch.hpp>

#include "compress/compress.hpp"
#include "util/error.hpp"

#include <cstdio>
#include <random>
#include <string>

using namespace acikit;
using compress::Format;

namespace {

std::string sample(std::size_t n)
{
  std::mt19937 rng(42);
  std::string s;
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Compressible but not trivial: words from a small alphabet plus noise.
    s.push_back(static_cast<char>((i % 7 == 0) ? rng() % 256 : 'a' + (i / 13) % 5));
  }
  return s;
}

std::string run_shell(const std::string& cmd, const std::string& input)
{
  // Oracle: the system tools (gzip, xz, bzip2) in a pipe through temp files.
  char in_name[] = "/tmp/acikit-compress-in.XXXXXX";
  int fd = mkstemp(in_name);
  REQUIRE(fd >= 0);
  FILE* f = fdopen(fd, "wb");
  fwrite(input.data(), 1, input.size(), f);
  fclose(f);
  std::string full = cmd + " < " + in_name;
  FILE* p = popen(full.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[65536];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) {
    out.append(buf, n);
  }
  pclose(p);
  std::remove(in_name);
  return out;
}

std::string error_of(const std::string& data)
{
  try {
    compress::decompress_string(data, "in.aci");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_CASE("compress-round-trip-every-format-and-level")
{
  auto data = sample(3 * 1024 * 1024 + 17);
  auto [format, level] = GENERATE(table<Format, int>({{Format::none, 0},
                                                      {Format::gzip, 0},
                                                      {Format::gzip, 1},
                                                      {Format::gzip, 3},
                                                      {Format::gzip, 4},
                                                      {Format::gzip, 9},
                                                      {Format::gzip, 12},
                                                      {Format::xz, 0},
                                                      {Format::xz, 6},
                                                      {Format::bzip2, 1},
                                                      {Format::bzip2, 9}}));
  CAPTURE(compress::format_name(format), level);
  compress::EncoderOptions o{format, level, 2};
  auto packed = compress::compress_string(data, o);
  CHECK(compress::detect(packed) == format);
  CHECK(compress::decompress_string(packed, "x") == data);
}

TEST_CASE("compress-empty-input")
{
  for (auto f : {Format::none, Format::gzip, Format::xz, Format::bzip2}) {
    auto packed = compress::compress_string("", {f, std::nullopt, 1});
    CHECK(compress::decompress_string(packed, "x").empty());
  }
}

TEST_CASE("compress-gzip-header-mtime-zero-and-system-gzip-reads-it")
{
  auto data = sample(100000);
  auto packed = compress::compress_string(data, {Format::gzip, 3, 1});
  REQUIRE(packed.size() > 10);
  CHECK(packed.substr(0, 4) == std::string("\x1f\x8b\x08\x00", 4));
  CHECK(packed.substr(4, 4) == std::string(4, '\0'));  // MTIME = 0 (RFC 1952 §2.3.1)
  CHECK(run_shell("gzip -dc", packed) == data);
}

TEST_CASE("compress-system-tools-read-xz-and-bzip2")
{
  auto data = sample(200000);
  CHECK(run_shell("xz -dc", compress::compress_string(data, {Format::xz, 6, 2})) == data);
  CHECK(run_shell("bzip2 -dc", compress::compress_string(data, {Format::bzip2, 9, 1})) == data);
}

TEST_CASE("decompress-output-of-system-tools-with-names-and-concatenation")
{
  auto data = sample(300000);
  CHECK(compress::decompress_string(run_shell("gzip -9 -c", data), "x") == data);
  CHECK(compress::decompress_string(run_shell("xz -T2 -c", data), "x") == data);
  CHECK(compress::decompress_string(run_shell("bzip2 -c", data), "x") == data);
  // Concatenated members are one stream (RFC 1952 §2.2; xz and bzip2 likewise).
  for (auto f : {Format::gzip, Format::xz, Format::bzip2}) {
    auto two = compress::compress_string("abc", {f, std::nullopt, 1}) + compress::compress_string("def", {f, std::nullopt, 1});
    CHECK(compress::decompress_string(two, "x") == "abcdef");
  }
}

TEST_CASE("decompress-refuses-trailing-garbage-truncation-and-corruption")
{
  auto data = sample(50000);
  auto gz = compress::compress_string(data, {Format::gzip, 1, 1});
  auto xz = compress::compress_string(data, {Format::xz, 1, 1});
  auto bz = compress::compress_string(data, {Format::bzip2, 9, 1});
  CHECK(error_of(gz + "garbage") == "in.aci: trailing data after the gzip stream");
  CHECK(error_of(bz + "garbage") == "in.aci: trailing data after the bzip2 stream");
  CHECK(error_of(xz + "garbage") == "in.aci: trailing data after the xz stream");
  CHECK(compress::decompress_string(xz + std::string(8, '\0'), "x") == data);  // stream padding
  CHECK(error_of(gz.substr(0, gz.size() / 2)) == "in.aci: truncated gzip stream");
  CHECK(error_of(bz.substr(0, bz.size() / 2)) == "in.aci: truncated bzip2 stream");
  CHECK(error_of(xz.substr(0, xz.size() / 2)) == "in.aci: truncated xz stream");
  auto bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0x55;
  CHECK(error_of(bad_crc) == "in.aci: gzip checksum mismatch");
}

TEST_CASE("compress-level-out-of-range")
{
  try {
    compress::compress_string("x", {Format::gzip, 13, 1});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "--level: level 13 is not in 0..12 for gzip");
  }
  CHECK_THROWS_AS(compress::compress_string("x", {Format::bzip2, 0, 1}), Error);
  CHECK(compress::parse_format("zstd") == std::nullopt);
  CHECK(compress::parse_format("xz") == Format::xz);
}

TEST_CASE("compress-gzip-blocks-same-bytes-for-any-thread-count")
{
  // 1 MiB blocks, one member each: the output depends on the input and level only.
  auto data = sample(5 * 1024 * 1024 + 3);
  for (int level : {3, 6}) {
    CAPTURE(level);
    auto one = compress::compress_string(data, {Format::gzip, level, 1});
    for (unsigned threads : {2u, 3u, 8u}) {
      CHECK(compress::compress_string(data, {Format::gzip, level, threads}) == one);
    }
    // Six members, each with a generic header (mtime 0, OS 255).
    std::size_t members = 0;
    for (std::size_t at = one.find("\x1f\x8b\x08\x00"); at != std::string::npos;
         at = one.find("\x1f\x8b\x08\x00", at + 1)) {
      if (one.substr(at + 4, 4) == std::string(4, '\0') && static_cast<unsigned char>(one[at + 9]) == 0xff) {
        ++members;
      }
    }
    CHECK(members >= 6);
    CHECK(run_shell("gzip -dc", one) == data);
    CHECK(run_shell("python3 -c 'import gzip,sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))'",
                    one) == data);
  }
}

TEST_CASE("compress-gzip-best-is-smaller")
{
  auto data = sample(2 * 1024 * 1024);
  auto fast = compress::compress_string(data, {Format::gzip, 3, 2});
  auto best = compress::compress_string(data, {Format::gzip, 12, 2});
  CHECK(best.size() < fast.size());
  CHECK(compress::level_range(Format::gzip).max == 12);
  CHECK(compress::level_range(Format::gzip).default_level == 3);
}
