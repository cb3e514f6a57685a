// Index decompression through libarchive's "raw" format: one filter (chosen by
// the file name, as apt does) over a single unnamed stream. The data was checked
// against the Release's SHA256 before it gets here; the size cap guards memory
// against a bomb from a compromised but validly signed archive.
#include "repo/decompress.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>

#include "libarchive/handles.hpp"
#include "util/error.hpp"

namespace acikit::repo {

namespace {

bool ends_with(std::string_view s, std::string_view suffix)
{
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct Format {
  const char* suffix;
  int (*support)(archive*);
  int code;
};

const Format k_formats[] = {
    {".xz", archive_read_support_filter_xz, ARCHIVE_FILTER_XZ},
    {".gz", archive_read_support_filter_gzip, ARCHIVE_FILTER_GZIP},
    {".bz2", archive_read_support_filter_bzip2, ARCHIVE_FILTER_BZIP2},
    {".lzma", archive_read_support_filter_lzma, ARCHIVE_FILTER_LZMA},
    {".zst", archive_read_support_filter_zstd, ARCHIVE_FILTER_ZSTD},
};

std::string too_big(std::size_t max_size)
{
  return "decompressed data larger than " + std::to_string(max_size) + " bytes";
}

} // namespace

std::string decompress_index(std::string_view data, const std::string& file, std::size_t max_size)
{
  const Format* format = nullptr;
  for (const auto& f : k_formats) {
    if (ends_with(file, f.suffix)) {
      format = &f;
    }
  }
  if (format == nullptr) {
    if (data.size() > max_size) {
      throw_bad_input(file, too_big(max_size));
    }
    return std::string(data);
  }

  libarchive::ReadArchive a(archive_read_new());
  if (!a) {
    throw_environment(file, "cannot allocate a libarchive reader");
  }
  auto fail = [&](const char* what) {
    const char* msg = archive_error_string(a.get());
    throw_bad_input(file, std::string(what) + (msg ? std::string(": ") + msg : std::string()));
  };
  // "empty" too, so that an index that decompresses to nothing is not an error.
  if (format->support(a.get()) != ARCHIVE_OK || archive_read_support_format_raw(a.get()) != ARCHIVE_OK ||
      archive_read_support_format_empty(a.get()) != ARCHIVE_OK) {
    throw_environment(file, std::string("libarchive cannot read ") + (format->suffix + 1) + ": " +
                                (archive_error_string(a.get()) ? archive_error_string(a.get()) : "?"));
  }
  if (archive_read_open_memory(a.get(), data.data(), data.size()) != ARCHIVE_OK) {
    fail("cannot decompress");
  }
  archive_entry* entry = nullptr;
  const int header = archive_read_next_header(a.get(), &entry);
  if (header != ARCHIVE_OK && header != ARCHIVE_EOF) {
    fail("cannot decompress");
  }
  // Without its filter's signature the raw reader would pass the bytes through
  // unchanged: a "Packages.xz" that is not xz is an error, not plain text.
  if (archive_filter_count(a.get()) < 2 || archive_filter_code(a.get(), 0) != format->code) {
    throw_bad_input(file, std::string("not ") + (format->suffix + 1) + " data");
  }
  if (header == ARCHIVE_EOF) {
    return {};
  }

  std::string out;
  // Indexes compress about 6:1 (bookworm main amd64: 8.8 MB xz, 50 MB); a good
  // first guess saves most re-allocations and copies.
  std::size_t capacity = std::min(max_size, std::max<std::size_t>(data.size() * 6, 64 * 1024));
  out.resize(capacity);
  std::size_t used = 0;
  for (;;) {
    if (used == out.size()) {
      if (out.size() >= max_size) {
        // One more byte would exceed the cap?
        char probe = 0;
        la_ssize_t n = archive_read_data(a.get(), &probe, 1);
        if (n < 0) {
          fail("cannot decompress");
        }
        if (n > 0) {
          throw_bad_input(file, too_big(max_size));
        }
        break;
      }
      out.resize(std::min(max_size, out.size() * 2));
    }
    la_ssize_t n = archive_read_data(a.get(), out.data() + used, out.size() - used);
    if (n < 0) {
      fail("cannot decompress");
    }
    if (n == 0) {
      break;
    }
    used += static_cast<std::size_t>(n);
  }
  out.resize(used);
  return out;
}

} // namespace acikit::repo
