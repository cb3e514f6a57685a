#pragma once
// The entry stream (DESIGN.md): a filesystem tree as a sequence of entries, from
// sources through filters to sinks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace acikit::entries {

enum class Type { file, directory, symlink, hardlink, char_device, block_device, fifo };

struct Entry {
  // Relative and normalised: no leading "/" or "./", no "." or ".." components,
  // no trailing "/", never empty (the root itself is not an entry).
  std::string path;
  Type type = Type::file;
  std::uint32_t mode = 0;  // permission bits including setuid/setgid/sticky (07777)
  std::uint32_t uid = 0, gid = 0;
  std::int64_t mtime = 0;  // seconds since the epoch
  std::uint64_t size = 0;  // regular files
  // Symlink: the target as stored. Hardlink: the normalised path of the target entry.
  std::string link_target;
  std::uint32_t dev_major = 0, dev_minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;  // sorted by name
  // Where the entry came from, for messages and conflict reports:
  // e.g. "busybox-static_1.35.0-4+b3_amd64.deb" (the package file).
  std::string origin;
};

// Bytes of the current regular-file entry.
class Content {
public:
  virtual ~Content() = default;
  // Up to n bytes into buf; 0 at the end. Throws acikit::Error on failure.
  virtual std::size_t read(void* buf, std::size_t n) = 0;
};

class EntrySource {
public:
  virtual ~EntrySource() = default;
  // The next entry, or false at the end. The content of a file entry can be read
  // through content() until next() is called again.
  virtual bool next(Entry& entry) = 0;
  virtual Content& content() = 0;
};

class EntrySink {
public:
  virtual ~EntrySink() = default;
  // content is non-null for regular files and reads exactly entry.size bytes.
  virtual void put(const Entry& entry, Content* content) = 0;
  // After the last entry: fix directory metadata, flush, commit.
  virtual void finish() = 0;
};

// Normalise an archive member name ("./usr/bin/x", "usr/bin/", "/etc") to Entry::path
// form. Returns "" for the root itself ("./", "."). Throws bad_input naming
// `where` for ".." components, absolute names (when refused) and empty names.
enum class Absolute { refuse, strip };
std::string normalise_path(const std::string& name, const std::string& where,
                           Absolute absolute = Absolute::refuse);

} // namespace acikit::entries
