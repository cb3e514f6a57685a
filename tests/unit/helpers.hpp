#pragma once
// Small helpers the unit tests share (not a test file: the glob takes test_*.cpp).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

namespace acikit::testing {

// Runs `cmd` with the shell (tests may run gpg, tar, ... to make fixtures);
// REQUIREs exit status 0 and returns its stdout.
inline std::string sh(const std::string& cmd)
{
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    out.append(buf, n);
  }
  int rc = pclose(p);
  INFO(cmd << "\n" << out);
  REQUIRE(WIFEXITED(rc));
  REQUIRE(WEXITSTATUS(rc) == 0);
  return out;
}

// The names in `dir` (not recursive).
inline std::set<std::string> dir_names(const std::filesystem::path& dir)
{
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.insert(e.path().filename().string());
  }
  return out;
}

} // namespace acikit::testing
