#pragma once
// RAII over libarchive's C handles: the one place that knows how each is freed.
// The readers and writers that use libarchive (deb, entries' tar source and
// sink, aci's reader and writer, repo's index decompression) hold their
// handles through these.
#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <new>

namespace acikit::libarchive {

struct ReadFree {
  void operator()(archive* a) const noexcept { archive_read_free(a); }
};
struct WriteFree {
  void operator()(archive* a) const noexcept { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const noexcept { archive_entry_free(e); }
};

using ReadArchive = std::unique_ptr<archive, ReadFree>;
using WriteArchive = std::unique_ptr<archive, WriteFree>;
using ArchiveEntry = std::unique_ptr<archive_entry, EntryFree>;

// New handles; std::bad_alloc when libarchive cannot allocate one.
inline ReadArchive new_read_archive()
{
  ReadArchive a(archive_read_new());
  if (!a) {
    throw std::bad_alloc();
  }
  return a;
}
inline WriteArchive new_write_archive()
{
  WriteArchive a(archive_write_new());
  if (!a) {
    throw std::bad_alloc();
  }
  return a;
}
inline ArchiveEntry new_archive_entry()
{
  ArchiveEntry e(archive_entry_new());
  if (!e) {
    throw std::bad_alloc();
  }
  return e;
}

} // namespace acikit::libarchive
