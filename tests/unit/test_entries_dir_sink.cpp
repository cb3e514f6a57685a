#include <catch2/catch.hpp>

#include "entries/conflicts.hpp"
#include "entries/copy.hpp"
#include "entries/dir_sink.hpp"
#include "entries/memory.hpp"
#include "entries/merged_usr.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/temp_dir.hpp"

#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace acikit;
using entries::Entry;
using entries::Type;

namespace {

// MemorySource filled from (entry, data) pairs: the fake at the seam.
class VectorSource : public entries::MemorySource {
public:
  explicit VectorSource(std::vector<std::pair<Entry, std::string>> items)
  {
    for (auto& [entry, data] : items) {
      add(std::move(entry), std::move(data));
    }
  }
};

Entry dir(const std::string& p, std::uint32_t mode = 0755, std::int64_t mtime = 1000)
{
  Entry e;
  e.path = p;
  e.type = Type::directory;
  e.mode = mode;
  e.mtime = mtime;
  e.origin = "t.deb";
  return e;
}

std::pair<Entry, std::string> file(const std::string& p, const std::string& data, std::uint32_t mode = 0644)
{
  Entry e;
  e.path = p;
  e.type = Type::file;
  e.mode = mode;
  e.mtime = 2000;
  e.size = data.size();
  e.origin = "t.deb";
  return {e, data};
}

Entry lnk(const std::string& p, const std::string& target, Type type = Type::symlink)
{
  Entry e;
  e.path = p;
  e.type = type;
  e.link_target = target;
  e.mode = 0777;
  e.mtime = 3000;
  e.origin = "t.deb";
  return e;
}

struct stat lstat_of(const std::filesystem::path& p)
{
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st;
}

void run(entries::DirSink& sink, std::vector<std::pair<Entry, std::string>> items)
{
  VectorSource src(std::move(items));
  entries::copy_entries(src, sink);
  sink.finish();
}

} // namespace

TEST_CASE("dir-sink-writes-metadata")
{
  util::TempDir tmp;
  auto root = tmp.path() / "rootfs";
  entries::DirSink sink(root);
  run(sink, {{dir("usr", 0755, 1111), ""}, {dir("usr/bin", 0700, 2222), ""},
             file("usr/bin/x", "hello", 04755), {lnk("usr/bin/l", "x"), ""},
             {lnk("usr/bin/h", "usr/bin/x", Type::hardlink), ""}});
  auto st = lstat_of(root / "usr/bin/x");
  CHECK((st.st_mode & 07777) == 04755);
  CHECK(st.st_mtime == 2000);
  CHECK(st.st_nlink == 2);
  CHECK(lstat_of(root / "usr/bin/h").st_ino == st.st_ino);
  CHECK(std::filesystem::read_symlink(root / "usr/bin/l") == "x");
  CHECK(lstat_of(root / "usr/bin/l").st_mtime == 3000);
  // directory metadata fixed after the children
  CHECK((lstat_of(root / "usr/bin").st_mode & 07777) == 0700);
  CHECK(lstat_of(root / "usr/bin").st_mtime == 2222);
  CHECK(lstat_of(root / "usr").st_mtime == 1111);
  CHECK(sink.stats().files == 1);
  CHECK(sink.stats().directories == 2);
  CHECK(sink.stats().symlinks == 1);
  CHECK(sink.stats().hardlinks == 1);
}

TEST_CASE("dir-sink-symlink-escape-stays-in-root")
{
  util::TempDir tmp;
  auto root = tmp.path() / "rootfs";
  std::filesystem::create_directories(tmp.path() / "outside");
  entries::DirSink sink(root);
  run(sink, {{lnk("up", "../../.."), ""}, {lnk("abs", "/"), ""}, file("up/x", "1"), file("abs/y", "2")});
  CHECK(util::read_file(root / "x") == "1");
  CHECK(util::read_file(root / "y") == "2");
  CHECK(std::filesystem::is_empty(tmp.path() / "outside"));
  CHECK_FALSE(std::filesystem::exists(tmp.path() / "x"));
}

TEST_CASE("dir-sink-hardlink-before-target")
{
  util::TempDir tmp;
  auto root = tmp.path() / "rootfs";
  entries::DirSink sink(root);
  run(sink, {{lnk("a", "c", Type::hardlink), ""}, {lnk("b", "a", Type::hardlink), ""}, file("c", "data")});
  CHECK(lstat_of(root / "a").st_ino == lstat_of(root / "c").st_ino);
  CHECK(lstat_of(root / "b").st_ino == lstat_of(root / "c").st_ino);
  CHECK(lstat_of(root / "c").st_nlink == 3);

  entries::DirSink sink2(tmp.path() / "rootfs2");
  VectorSource src({{lnk("a", "missing", Type::hardlink), ""}});
  entries::copy_entries(src, sink2);
  CHECK_THROWS_WITH(sink2.finish(), "t.deb: a: hardlink target 'missing' not found");
}

TEST_CASE("dir-sink-merged-usr-links-and-dir-over-symlink")
{
  util::TempDir tmp;
  auto root = tmp.path() / "rootfs";
  entries::DirSinkOptions options;
  options.merged_usr_links = {"bin", "lib"};
  entries::DirSink sink(root, options);
  // without the path filter: the directory entry "lib" follows lib -> usr/lib
  run(sink, {{dir("lib", 0700), ""}, file("lib/x", "x")});
  CHECK(std::filesystem::read_symlink(root / "bin") == "usr/bin");
  CHECK(std::filesystem::read_symlink(root / "lib") == "usr/lib");
  CHECK(util::read_file(root / "usr/lib/x") == "x");
  CHECK((lstat_of(root / "usr/lib").st_mode & 07777) == 0755);
  CHECK(lstat_of(root / "usr/lib").st_mtime == 0);
}

TEST_CASE("dir-sink-replaces-but-never-follows")
{
  util::TempDir tmp;
  auto root = tmp.path() / "rootfs";
  util::write_file_atomic(tmp.path() / "victim", "keep");
  std::filesystem::create_directories(root);
  std::filesystem::create_symlink(tmp.path() / "victim", root / "f");
  entries::DirSink sink(root);
  run(sink, {file("f", "new"), {dir("d"), ""}, file("d/x", "x")});
  CHECK(util::read_file(tmp.path() / "victim") == "keep");
  CHECK(util::read_file(root / "f") == "new");
  CHECK(sink.stats().replaced == 1);
  entries::DirSink sink2(root);
  VectorSource src({file("d", "file over a non-empty directory")});
  CHECK_THROWS_WITH(entries::copy_entries(src, sink2), "t.deb: d: cannot replace a non-empty directory");
}

TEST_CASE("merged-usr-path-mapping")
{
  auto dirs = entries::merged_usr_dirs("amd64");
  CHECK(dirs == std::vector<std::string>{"bin", "sbin", "lib", "lib64"});
  CHECK(entries::merged_usr_dirs("i386") == std::vector<std::string>{"bin", "sbin", "lib"});
  CHECK(entries::merged_usr_path("bin/sh", dirs) == "usr/bin/sh");
  CHECK(entries::merged_usr_path("lib", dirs) == "usr/lib");
  CHECK(entries::merged_usr_path("lib32/x", dirs) == "lib32/x");
  CHECK(entries::merged_usr_path("libexec/x", dirs) == "libexec/x");
  CHECK(entries::merged_usr_path("etc/bin", dirs) == "etc/bin");

  VectorSource src({{lnk("lib64", "usr/lib64"), ""}, {lnk("bin/h", "bin/sh", Type::hardlink), ""},
                    {lnk("sbin/x", "../bin/y"), ""}});
  entries::MergedUsrFilter f(src, dirs);
  Entry e;
  REQUIRE(f.next(e));  // lib64 -> usr/lib64 dropped
  CHECK(e.path == "usr/bin/h");
  CHECK(e.link_target == "usr/bin/sh");
  REQUIRE(f.next(e));
  CHECK(e.path == "usr/sbin/x");
  CHECK(e.link_target == "../bin/y");  // symlink targets as stored
  CHECK_FALSE(f.next(e));
}

TEST_CASE("conflict-checker")
{
  entries::ConflictChecker c(util::Overwrite::no);
  auto a = file("usr/bin/x", "").first;
  a.origin = "a.deb";
  auto b = a;
  b.origin = "b.deb";
  auto da = dir("usr");
  da.origin = "a.deb";
  auto db = da;
  db.origin = "b.deb";
  c.check(da);
  c.check(db);  // a directory twice is fine
  c.check(a);
  c.check(a);  // the same package twice is fine
  CHECK_THROWS_WITH(c.check(b), "b.deb: usr/bin/x: conflicts with the same path in a.deb");
  auto fb = file("usr", "").first;
  fb.origin = "b.deb";
  CHECK_THROWS_WITH(c.check(fb), "b.deb: usr: conflicts with the same path in a.deb");

  entries::ConflictChecker o(util::Overwrite::yes);
  o.check(a);
  o.check(b);
  REQUIRE(o.overwritten().size() == 1);
  CHECK(o.overwritten()[0].path == "usr/bin/x");
  CHECK(o.overwritten()[0].earlier == "a.deb");
  CHECK(o.overwritten()[0].later == "b.deb");
}
