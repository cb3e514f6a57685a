// Regression tests for the crash-recovery fix (tests/cli/test_crash_sigkill.py): a
// process killed with SIGKILL leaves NAME.tmp.XXXXXX (AtomicFile) or a staging
// PREFIX.XXXXXX directory (TempDir with a parent) behind; the next writer of the
// same name removes those nobody holds an flock on, and never a live writer's.
#include <catch2/catch.hpp>

#include "helpers.hpp"

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/temp_dir.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

using namespace acikit;
namespace fs = std::filesystem;

namespace {

using acikit::testing::dir_names;

void touch(const fs::path& p, const std::string& data = "partial")
{
  std::ofstream(p) << data;
}

} // namespace

TEST_CASE("atomic-file-removes-stale-temporary-of-a-killed-writer")
{
  util::TempDir dir;
  auto target = dir.path() / "out.deb";
  touch(dir.path() / "out.deb.tmp.AbC123");  // a killed writer's: nobody locks it
  touch(dir.path() / "out.deb.tmp.AbC1234");  // not an AtomicFile name: kept
  touch(dir.path() / "other.tmp.AbC123");     // another target's: kept
  fs::create_symlink("other.tmp.AbC123", dir.path() / "out.deb.tmp.Link00");  // never followed
  util::write_file_atomic(target, "complete");
  CHECK(dir_names(dir.path()) ==
        std::set<std::string>{"out.deb", "out.deb.tmp.AbC1234", "other.tmp.AbC123", "out.deb.tmp.Link00"});
  CHECK(util::read_file(dir.path() / "other.tmp.AbC123") == "partial");
}

TEST_CASE("atomic-file-keeps-live-writers-temporary")
{
  util::TempDir dir;
  auto target = dir.path() / "out";
  util::AtomicFile first(target);
  first.write("first");
  {
    util::AtomicFile second(target);  // its sweep finds first's temporary locked
    second.write("second");
    CHECK(fs::exists(first.temp_path()));
    second.commit();
  }
  CHECK(fs::exists(first.temp_path()));
  first.commit();
  CHECK(util::read_file(target) == "first");
  CHECK(dir_names(dir.path()) == std::set<std::string>{"out"});
}

TEST_CASE("atomic-file-no-overwrite-commit-keeps-lock-until-temporary-is-gone")
{
  util::TempDir dir;
  auto target = dir.path() / "out";
  util::AtomicFile f(target);
  f.write("data");
  f.commit(util::Overwrite::no);
  util::write_file_atomic(dir.path() / "again", "x");
  CHECK(dir_names(dir.path()) == std::set<std::string>{"again", "out"});
  CHECK(util::read_file(target) == "data");
}

TEST_CASE("temp-dir-removes-stale-staging-directory-of-a-killed-run")
{
  util::TempDir parent;
  fs::create_directories(parent.path() / ".stage.Xy12Zw" / "sub");
  touch(parent.path() / ".stage.Xy12Zw" / "sub" / "a.deb");
  fs::create_directory(parent.path() / ".stage.long123");  // not a TempDir name: kept
  fs::create_directory(parent.path() / ".other.Xy12Zw");   // another prefix: kept
  {
    util::TempDir live(".stage", parent.path());
    CHECK(fs::is_directory(live.path()));
    util::TempDir second(".stage", parent.path());  // finds `live` locked
    CHECK(fs::is_directory(live.path()));
    CHECK(dir_names(parent.path()) == std::set<std::string>{live.path().filename().string(),
                                                        second.path().filename().string(),
                                                        ".stage.long123", ".other.Xy12Zw"});
  }
  CHECK(dir_names(parent.path()) == std::set<std::string>{".stage.long123", ".other.Xy12Zw"});
}

TEST_CASE("temp-dir-in-tmpdir-sweeps-nothing")
{
  // Without an explicit parent (a shared $TMPDIR) nothing else is ever removed.
  util::TempDir parent;
  fs::create_directory(parent.path() / "acikit.Ab12Cd");
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  ::setenv("TMPDIR", parent.path().c_str(), 1);
  {
    util::TempDir t;
    CHECK(fs::is_directory(parent.path() / "acikit.Ab12Cd"));
  }
  if (old) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  CHECK(dir_names(parent.path()) == std::set<std::string>{"acikit.Ab12Cd"});
}

TEST_CASE("atomic-file-write-error-names-the-final-name")
{
  // A write that fails (here EFBIG past RLIMIT_FSIZE; on a full disk ENOSPC) names
  // the file the user asked for, not the temporary beside it; nothing is left.
  util::TempDir dir;
  auto target = dir.path() / "out.aci";
  struct rlimit old {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 4096;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  std::string message;
  {
    util::AtomicFile f(target);
    try {
      f.write(std::string(8192, 'x'));
    } catch (const Error& e) {
      message = e.what();
      CHECK(e.code() == ExitCode::environment);
    }
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  CHECK(message == target.string() + ": write failed: " + std::strerror(EFBIG));
  CHECK(fs::is_empty(dir.path()));
}
