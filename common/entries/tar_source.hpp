#pragma once
// TarSource: a tar stream (aci-pack --rootfs-tar FILE|-) as an entry stream sorted by
// path, the order an ACI stores them in (spec/aci.md "Image Archives"; DESIGN.md
// reproducible builds).
//
// A tar stream comes in any order and cannot be rewound, so the constructor reads it
// to the end (libarchive: ustar, pax, GNU; any compression libarchive detects), keeping
// only the metadata of each entry in memory (bounded: names and link targets up to
// PATH_MAX, xattr values up to XATTR_SIZE_MAX) and copying file contents, one after
// the other, into ONE temporary spool file that has no name (O_TMPFILE, or mkstemp
// and unlink). next() then yields the entries sorted by path in byte order and
// content() reads each file back from the spool by offset.
//
// The tree is the one that extracting the stream would give, normalised as DirSource
// normalises a directory:
// - names relative ("./a", "/a", "a/" are "a"); ".." components are refused;
// - "./" itself is the root: its mode, owners and xattrs are root_entry()'s;
// - a directory seen twice takes its later entry's metadata (as tar extraction
//   does); any other path seen twice is an error naming it (which copy is meant is
//   ambiguous);
// - parent directories the stream leaves out are added (0755, 0:0, mtime 0);
// - hardlinks stay links to regular files: all paths of one file share its
//   metadata, the first of them in sort order holds the data and the others link
//   to it (re-pointed when the stream named another one); a hardlink to a symlink,
//   device or FIFO becomes a copy of it; a hardlink whose target is not in the
//   stream, or is a directory, is an error;
// - xattrs (SCHILY.xattr / LIBARCHIVE.xattr) are kept, sorted by name, except the
//   host-only ones DirSource skips (security.selinux: the label of the machine
//   that made the tar);
// - ACLs other than as xattrs, and sockets, are not supported (sockets: an error).
#include "entries/entry.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace acikit::entries {

struct TarSourceOptions {
  // Where the spool file goes; empty: $TMPDIR, else /tmp.
  std::filesystem::path spool_dir;
};

class TarSource : public EntrySource {
public:
  // Reads the whole stream from fd (not closed). `name` names it in messages
  // ("stdin", the file name): "NAME: ENTRY: what".
  TarSource(int fd, std::string name, TarSourceOptions options = {});
  ~TarSource() override;
  TarSource(const TarSource&) = delete;
  TarSource& operator=(const TarSource&) = delete;

  bool next(Entry& entry) override;
  Content& content() override;

  // The root directory ("./" of the stream; 0755, 0:0, mtime 0 when absent).
  Entry root_entry() const;
  // The newest mtime among the entries (0 when there are none).
  std::int64_t newest_mtime() const;
  // Entries (the root excluded) and bytes spooled, for reports and tests.
  std::size_t size() const;
  std::uint64_t spooled_bytes() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace acikit::entries
