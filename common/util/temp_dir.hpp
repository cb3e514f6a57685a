#pragma once
// TempDir: a private directory (mode 0700) removed recursively on destruction.
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
};

} // namespace acikit::util
