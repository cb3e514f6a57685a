#include <catch2/catch.hpp>

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/temp_dir.hpp"
#include "hash/hash.hpp"

#include <filesystem>

using namespace acikit;

TEST_CASE("atomic-file-abandoned-leaves-nothing")
{
  util::TempDir dir;
  auto target = dir.path() / "out";
  {
    util::AtomicFile f(target);
    f.write("partial");
  }
  CHECK_FALSE(std::filesystem::exists(target));
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("atomic-file-commit-no-overwrite-refuses-existing")
{
  util::TempDir dir;
  auto target = dir.path() / "out";
  util::write_file_atomic(target, "first");
  util::AtomicFile f(target);
  f.write("second");
  try {
    f.commit(util::Overwrite::no);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(std::string(e.what()) == target.string() + ": already exists (use --overwrite to replace it)");
  }
  CHECK(util::read_file(target) == "first");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);
}

TEST_CASE("sha256-and-sha512-known-answers")
{
  CHECK(hash::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash::sha512_hex("") ==
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}

TEST_CASE("split-and-trim")
{
  CHECK(util::trim("  a b \t") == "a b");
  auto v = util::split_ws(" a  b\tc ");
  REQUIRE(v.size() == 3);
  CHECK(v[2] == "c");
}

TEST_CASE("is_safe_relative_path: relative paths without empty, . or .. components", "[util]")
{
  using acikit::util::is_safe_relative_path;
  CHECK(is_safe_relative_path("pool/main/b/bash/bash_5.2.15-2+b2_amd64.deb"));
  CHECK(is_safe_relative_path("main/binary-amd64/Packages.xz"));
  CHECK(is_safe_relative_path("a..b/c.d"));
  CHECK_FALSE(is_safe_relative_path(""));
  CHECK_FALSE(is_safe_relative_path("/etc/passwd"));
  CHECK_FALSE(is_safe_relative_path("pool/../../etc"));
  CHECK_FALSE(is_safe_relative_path(".."));
  CHECK_FALSE(is_safe_relative_path("pool/./x"));
  CHECK_FALSE(is_safe_relative_path("pool//x"));
  CHECK_FALSE(is_safe_relative_path("pool/x/"));
}
