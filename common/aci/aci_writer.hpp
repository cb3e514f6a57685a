#pragma once
// AciWriter: the ACI sink (spec/aci.md "Image Archives", "Image ID").
//
// Writes an uncompressed tar (libarchive, pax restricted: plain ustar headers
// unless a long or non-ASCII name, a large number or xattrs need a pax record)
// through SHA-512 (the image ID is the hash of the uncompressed tar) and the
// chosen compressor into an AtomicFile. Deterministic: numeric owners with empty
// uname/gname, no atime/ctime, mtimes as given (clamped when asked).
//
// Order: "manifest" first (written by the constructor), then "rootfs", then the
// rootfs entries, which put() requires in strictly increasing byte order of
// path (DirSource yields them so). Hardlink targets must precede their links.
#include "aci/image_manifest.hpp"
#include "compress/compress.hpp"
#include "entries/entry.hpp"
#include "util/atomic_file.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace acikit::aci {

struct AciWriterOptions {
  compress::EncoderOptions compression;
  util::Overwrite overwrite = util::Overwrite::no;
  // SOURCE_DATE_EPOCH: mtimes later than this are set to it.
  std::optional<std::int64_t> clamp_mtime;
  std::int64_t manifest_mtime = 0;
};

class AciWriter : public entries::EntrySink {
public:
  // rootfs: the metadata of the "rootfs" directory entry (its path is ignored).
  AciWriter(const std::filesystem::path& output, const ImageManifest& manifest, const entries::Entry& rootfs,
            AciWriterOptions options);
  ~AciWriter() override;

  // entry.path is relative to the rootfs ("usr/bin/x").
  void put(const entries::Entry& entry, entries::Content* content) override;
  // Ends the tar and the compressed stream, commits the output.
  void finish() override;

  // "sha512-..." once finish() has returned.
  const std::string& image_id() const;
  // Bytes of the uncompressed tar (what image_id hashes), once finish() has returned.
  std::uint64_t tar_size() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace acikit::aci
