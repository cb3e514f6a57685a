#pragma once
// RAII for libarchive read handles (the deb module owns libarchive reading).
#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace acikit::deb {

struct ArchiveReadFree {
  void operator()(archive* a) const noexcept { archive_read_free(a); }
};
using ReadArchive = std::unique_ptr<archive, ArchiveReadFree>;

} // namespace acikit::deb
