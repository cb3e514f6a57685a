#pragma once
// TempDir: a private directory (mode 0700) removed recursively on destruction.
// Made under an explicit `parent` (a staging directory inside an output
// directory), it is flock(2)ed while it lives, and PREFIX.XXXXXX siblings that
// nobody holds a lock on (left by a process killed outright) are removed: the next
// run cleans up after a crashed one and never touches a live one's.
#include <filesystem>
#include <string>

namespace acikit::util {

class TempDir {
public:
  // Created under `parent` (default: $TMPDIR or /tmp) with the given name prefix.
  explicit TempDir(const std::string& prefix = "acikit",
                   const std::filesystem::path& parent = {});
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
  int m_fd = -1;  // holds the flock
};

} // namespace acikit::util
