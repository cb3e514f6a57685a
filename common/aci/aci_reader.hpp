#pragma once
// Reading and checking an ACI (spec/aci.md "Image Archives", "Image ID",
// "Image Manifest"). One pass: the file is decompressed by our own decoder
// (format by magic), the uncompressed bytes are hashed for the image ID as
// libarchive's tar reader consumes them, and what follows the end-of-archive
// marker is read and checked here (libarchive stops at the marker).
//
// Errors (the image is invalid): anything at the top level but "manifest" (a
// regular file) and "rootfs" (a directory), with or without a leading "./";
// absolute or ".." names; duplicate entries (after normalisation); hardlinks
// whose target is not an earlier regular file of the image; a manifest that is
// not valid per the schema (aci/image_manifest.hpp); non-zero data after the
// end-of-archive marker; corrupt or truncated compression or tar.
// Warnings (valid, but noted): a "./" root entry; rootfs entries without a
// "rootfs" directory entry.
#include "aci/image_manifest.hpp"
#include "compress/compress.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acikit::aci {

struct AciReport {
  std::string file;
  bool valid = false;
  std::string image_id;  // "sha512-..." of the uncompressed stream; "" if unreadable
  compress::Format compression = compress::Format::none;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  std::optional<ImageManifest> manifest;
};

// Checks `file`. A bad image gives a report with errors; failures to read the
// file (open, read) throw acikit::Error (environment).
AciReport verify_aci(const std::filesystem::path& file);
// The same over any byte stream; `name` labels the report.
AciReport verify_aci_stream(const compress::Input& in, const std::string& name);

} // namespace acikit::aci
