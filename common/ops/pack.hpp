#pragma once
// aci-pack: a layout directory (manifest + rootfs/) or --manifest + --rootfs
// into an ACI; prints the image ID (DESIGN.md, the five tools).
#include <filesystem>
#include <optional>
#include <string>

namespace acikit::ops {

struct PackOptions {
  std::optional<std::filesystem::path> layout;    // LAYOUT_DIR
  std::optional<std::filesystem::path> manifest;  // --manifest FILE
  std::optional<std::filesystem::path> rootfs;    // --rootfs DIR
  std::filesystem::path output;                   // OUTPUT.aci
  std::string compression = "gzip";               // gzip | xz | bzip2 | none
  std::optional<int> level;
  unsigned threads = 0;  // xz; 0 = one per CPU
  bool overwrite = false;
  // SOURCE_DATE_EPOCH as read from the environment by the tool ("" = unset).
  std::optional<std::string> source_date_epoch;
};

// Writes the ACI and returns its image ID ("sha512-...").
std::string pack_image(const PackOptions& options);

// pack_image, printing the image ID on stdout. Returns the exit status.
int pack(const PackOptions& options);

} // namespace acikit::ops
