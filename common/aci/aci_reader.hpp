#pragma once
// Reading and checking an ACI (spec/aci.md "Image Archives", "Image ID",
// "Image Manifest"), an image layout directory, or a bare manifest. One pass
// over an ACI: the file is decompressed by our own decoder (format by magic),
// the uncompressed bytes are hashed for the image ID as libarchive's tar reader
// consumes them, and what follows the end-of-archive marker is read and checked
// here (libarchive stops at the marker).
//
// Errors (the image is invalid): anything at the top level but "manifest" (a
// regular file) and "rootfs" (a directory), with or without a leading "./";
// absolute or ".." names; duplicate entries (after normalisation); hardlinks
// whose target is not an earlier regular file of the image; a manifest that is
// not valid per the schema (aci/image_manifest.hpp); non-zero data after the
// end-of-archive marker; corrupt or truncated compression or tar; a stream over
// the limits (VerifyLimits: compression bombs, entry count); rootfs entries
// without a "rootfs" directory entry.
// Warnings (valid, but noted): a "./" root entry.
// Findings (hostile content the spec is silent on; valid, but reported so the
// caller can turn them into failures): see FindingKind.
//
// Memory: per entry, the normalised path, its type and mode (and a symlink's
// target) are kept, for duplicate, hardlink and app.exec checks; entry data is
// never held (except the manifest, at most k_max_manifest_size bytes).
#include "aci/image_manifest.hpp"
#include "compress/compress.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acikit::aci {

enum class FindingKind {
  symlink_escape,   // a symlink whose target resolves outside rootfs/ (relative
                    // targets against the link's directory, absolute ones against
                    // the rootfs root; ".." above the root is outside)
  hardlink_escape,  // a hardlink whose target is not under rootfs/
  setuid,           // a regular file with the setuid or setgid bit
  device,           // a character or block device node
  world_writable,   // world-writable, not sticky, under bin, sbin, lib*, usr, etc
  exec_missing,     // app.exec[0] or an app.eventHandlers[*].exec[0] missing, not a
                    // regular file, or not executable in the rootfs (the image's
                    // symlinks are followed, absolute ones from the rootfs root, ".."
                    // at the root stays there as in a chroot; a loop is a finding);
                    // with dependencies, only a path the image holds is judged
  through_symlink,  // an entry below an earlier symlink entry ("rootfs/x" -> /etc,
                    // then "rootfs/x/passwd"): an extractor that follows the link
                    // writes wherever it points, outside the rootfs included
};
inline constexpr FindingKind k_finding_kinds[] = {FindingKind::symlink_escape, FindingKind::hardlink_escape,
                                                  FindingKind::setuid,         FindingKind::device,
                                                  FindingKind::world_writable, FindingKind::exec_missing,
                                                  FindingKind::through_symlink};
std::string_view finding_kind_name(FindingKind kind);  // "symlink-escape", ...
std::optional<FindingKind> parse_finding_kind(std::string_view name);

struct Finding {
  FindingKind kind;
  std::string entry;    // the entry's name as in the archive ("rootfs/bin/su"); "" for none
  std::string message;  // "entry 'rootfs/bin/su': setuid file (mode 4755)"
};

enum class InputKind { aci, layout, manifest };
std::string_view input_kind_name(InputKind kind);  // "aci", "layout", "manifest"

struct VerifyLimits {
  std::uint64_t max_size = 16ULL << 30;      // uncompressed bytes
  std::uint64_t max_ratio = 1000;            // uncompressed : compressed
  std::uint64_t ratio_grace = 8ULL << 20;    // the ratio is enforced beyond this many uncompressed bytes
  std::uint64_t max_entries = 4'000'000;
};

struct AciReport {
  std::string file;
  InputKind kind = InputKind::aci;
  bool valid = false;
  std::string image_id;  // "sha512-..." of the uncompressed stream; "" if unreadable or not an ACI
  compress::Format compression = compress::Format::none;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t entries = 0;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  std::vector<Finding> findings;
  std::optional<ImageManifest> manifest;
};

// Checks `file`. A bad image gives a report with errors; failures to read the
// file (open, read) throw acikit::Error (environment).
AciReport verify_aci(const std::filesystem::path& file, const VerifyLimits& limits = {});
// The same over any byte stream; `name` labels the report.
AciReport verify_aci_stream(const compress::Input& in, const std::string& name, const VerifyLimits& limits = {});
// An image layout (spec/aci.md "Image Layout"): DIR/manifest and DIR/rootfs/ on
// disk. The same checks as for an archive (symlinks are not followed), no image ID.
AciReport verify_layout(const std::filesystem::path& dir, const VerifyLimits& limits = {});
// A manifest file on its own.
AciReport verify_manifest_file(const std::filesystem::path& file);

// The manifest's bytes from an ACI stream, read up to the manifest entry only
// (the rest is not read when the manifest comes first, as aci-pack writes it).
// Throws bad_input naming `name` when there is none, it is too large, or the
// stream is corrupt before it.
std::string read_manifest_text(const compress::Input& in, const std::string& name);

// An Input over a file descriptor (read(2), EINTR retried; errors name `name`).
compress::Input fd_input(int fd, const std::string& name);

} // namespace acikit::aci
