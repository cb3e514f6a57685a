#pragma once
// aci-pack: a layout directory (manifest + rootfs/), or --manifest with --rootfs DIR
// or --rootfs-tar FILE|-, into an ACI; prints the image ID; optionally signs it
// (DESIGN.md, the five tools).
//
// The "manifest" and "rootfs" entries are made by aci-pack, not copied: the manifest
// is re-serialised canonically, and both get mode 0644/the root's mode and owners and,
// as mtime, the newest mtime in the rootfs (clamped to SOURCE_DATE_EPOCH when set).
// So the image ID depends on the tree and the manifest's content only, not on when
// the manifest file or the rootfs directory were made, and a directory and a tar
// stream of the same tree give the same image.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace acikit::ops {

struct PackOptions {
  std::optional<std::filesystem::path> layout;    // LAYOUT_DIR
  std::optional<std::filesystem::path> manifest;  // --manifest FILE
  std::optional<std::filesystem::path> rootfs;    // --rootfs DIR
  std::optional<std::string> rootfs_tar;          // --rootfs-tar FILE, "-" = stdin
  std::filesystem::path output;                   // OUTPUT.aci
  std::string compression = "gzip";               // gzip | xz | bzip2 | none
  std::optional<std::string> level;               // "N", "fast" (the default) or "best"
  unsigned threads = 0;                           // gzip and xz; 0 = one per CPU
  bool overwrite = false;                         // replace OUTPUT.aci (and .asc)
  // --sign: write OUTPUT.aci.asc, an ASCII-armoured detached signature made with
  // `key` (empty: GnuPG's default key) from `gnupg_home` (empty: GnuPG's default).
  bool sign = false;
  std::filesystem::path gnupg_home;
  std::string key;
  // Where the tar input's contents are spooled (empty: $TMPDIR or /tmp).
  std::filesystem::path spool_dir;
  // SOURCE_DATE_EPOCH as read from the environment by the tool ("" = unset).
  std::optional<std::string> source_date_epoch;
  // --json FILE: a JSON report (pack_report_json) written atomically to FILE
  // instead of printing the image ID; "-": on stdout.
  std::optional<std::filesystem::path> json;
};

struct PackResult {
  std::filesystem::path aci;
  std::string image_id;          // "sha512-..."
  std::string compression;       // "gzip", "xz", "bzip2", "none"
  std::optional<int> level;      // the level used; nullopt for "none"
  std::uint64_t tar_size = 0;    // the uncompressed tar, bytes (what image_id hashes)
  std::uint64_t aci_size = 0;    // the .aci file, bytes
  std::uint64_t entries = 0;     // tar entries: manifest, rootfs and the rootfs's
  std::optional<std::filesystem::path> signature;  // OUTPUT.aci.asc with --sign
  std::string name;              // the manifest's name
  std::vector<std::pair<std::string, std::string>> labels;  // the manifest's, in order
};

// Writes the ACI (and its signature).
PackResult pack_aci(const PackOptions& options);

// pack_aci's image ID ("sha512-...").
std::string pack_image(const PackOptions& options);

// The --json report: one JSON document (2-space indent, final newline); keys in
// README.md, "Machine-readable output".
std::string pack_report_json(const PackResult& result);

// pack_aci, printing the image ID (or the --json report) on stdout. Returns the
// exit status.
int pack(const PackOptions& options);

} // namespace acikit::ops
