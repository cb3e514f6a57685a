// cache::link_or_copy puts a verified cache object under a final name through a
// TO.tmp.PID.N link and rename(2).
#include <catch2/catch.hpp>

#include "helpers.hpp"

#include "cache/cache.hpp"
#include "util/atomic_file.hpp"
#include "util/temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

using namespace acikit;
namespace fs = std::filesystem;

namespace {

using acikit::testing::dir_names;

ino_t inode(const fs::path& p)
{
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_ino;
}

} // namespace

TEST_CASE("link_or_copy onto an existing link to the same file leaves no temporary", "[cache]")
{
  // rename(2) of a link onto another link of the same inode succeeds and does
  // nothing: the TO.tmp.PID.N name stayed behind (crash-sigkill, recovery after a
  // run killed right after its rename).
  util::TempDir dir;
  fs::path obj = dir.path() / "object";
  std::ofstream(obj) << "verified";
  fs::create_directory(dir.path() / "out");
  fs::path to = dir.path() / "out" / "pkg.deb";

  cache::link_or_copy(obj, to);
  CHECK(dir_names(dir.path() / "out") == std::set<std::string>{"pkg.deb"});
  cache::link_or_copy(obj, to);
  CHECK(dir_names(dir.path() / "out") == std::set<std::string>{"pkg.deb"});
  CHECK(inode(to) == inode(obj));
}

TEST_CASE("link_or_copy replaces a different file under the final name", "[cache]")
{
  util::TempDir dir;
  fs::path obj = dir.path() / "object";
  std::ofstream(obj) << "verified";
  fs::path to = dir.path() / "pkg.deb";
  std::ofstream(to) << "stale";

  cache::link_or_copy(obj, to);
  CHECK(util::read_file(to) == "verified");
  CHECK(inode(to) == inode(obj));
  CHECK(dir_names(dir.path()) == std::set<std::string>{"object", "pkg.deb"});
}
