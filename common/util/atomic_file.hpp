#pragma once
// AtomicFile: write NAME.tmp.XXXXXX beside NAME, fsync, rename on commit().
// Destroyed without commit() (an exception, a failed check) it removes the
// temporary, so a final name never holds a partial or unverified file.
//
// A process killed outright (SIGKILL, power loss) cannot remove its temporary, so
// the writer holds an flock(2) on it until it is renamed, and every new
// AtomicFile for NAME removes the NAME.tmp.XXXXXX files nobody holds a lock on:
// the next run cleans up after a crashed one, and never touches a live writer's.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace acikit::util {

enum class Overwrite { no, yes };

class AtomicFile {
public:
  explicit AtomicFile(std::filesystem::path final_path, unsigned mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size);
  void write(std::string_view s) { write(s.data(), s.size()); }
  int fd() const { return m_fd; }
  const std::filesystem::path& temp_path() const { return m_temp; }
  const std::filesystem::path& final_path() const { return m_final; }

  // fsync, close, rename into place. With Overwrite::no an existing file fails
  // (bad input, exit 1) and the temporary is removed.
  void commit(Overwrite overwrite = Overwrite::yes);
  // Remove the temporary now.
  void abandon();

private:
  std::filesystem::path m_final;
  std::filesystem::path m_temp;
  int m_fd = -1;
  bool m_done = false;
};

// Whole-file helpers.
std::string read_file(const std::filesystem::path& path);
void write_file_atomic(const std::filesystem::path& path, std::string_view data,
                       Overwrite overwrite = Overwrite::yes, unsigned mode = 0644);

} // namespace acikit::util
