#pragma once
// aci-unpack: .deb sources → merged-/usr filter → conflict filter → directory sink
// (DESIGN.md, "The entry stream").
#include "entries/dir_sink.hpp"
#include "entries/conflicts.hpp"
#include "entries/path_filter.hpp"
#include "util/atomic_file.hpp"

#include <filesystem>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace acikit::ops {

enum class MergedUsr { yes, no };

struct UnpackOptions {
  // Exactly one of: rootfs (a directory) or tar ("-": a tar stream on stdout).
  std::filesystem::path rootfs;
  std::string tar;
  // Package files; empty or "-" means: read paths from stdin, one per line.
  std::vector<std::string> debs;
  // Paths on stdin are NUL-separated (--null), not one per line; taken as given.
  bool null_paths = false;
  MergedUsr merged_usr = MergedUsr::yes;
  // Directories made symlinks into usr/ with MergedUsr::yes.
  std::vector<std::string> merged_usr_dirs = {"bin", "sbin", "lib", "lib64"};
  util::Overwrite overwrite = util::Overwrite::no;
  // --exclude / --include in command-line order (dpkg path-exclude semantics).
  std::vector<entries::PathFilterRule> path_filters;
  // Write var/lib/dpkg/status ("Status: install ok unpacked") and info/PKG.list,
  // .md5sums and the other control files, so dpkg -l and image scanners see the
  // packages.
  bool dpkg_database = true;
  // mtime of the dpkg database entries (reproducible: SOURCE_DATE_EPOCH or 0).
  std::int64_t database_mtime = 0;
  // 0: liblzma's multi-threaded xz decoder on every core; 1: single-threaded
  // (less memory: see deb::DebReadOptions).
  unsigned xz_threads = 0;
  bool quiet = false;
  // --json FILE: a JSON report (report_json) written atomically to FILE; "-": on
  // stdout (refused with tar "-", which owns stdout). Also makes unpack() hash each
  // .deb (UnpackedPackage::sha256).
  std::optional<std::filesystem::path> json;
};

// What one package put into the sink (after path filters, merged /usr and, in a
// tar stream with --allow-overwrite, the entries a later package replaces).
struct UnpackCounts {
  std::uint64_t entries = 0, files = 0, directories = 0, symlinks = 0, hardlinks = 0,
                devices = 0, fifos = 0;
  std::uint64_t bytes = 0;  // regular file content
};

struct UnpackedPackage {
  std::string file;     // "hello_2.10-3_amd64.deb"
  std::string package;  // "hello"
  std::string version;
  std::string architecture;
  std::string path;     // as given (argument or stdin)
  std::uint64_t size = 0;  // of the .deb, bytes
  std::string sha256;      // of the .deb, hex; only with UnpackOptions::json
  std::vector<std::string> maintainer_scripts;  // present, not run
  UnpackCounts counts;
  std::uint64_t excluded = 0;  // entries dropped by path filters
};

// The dpkg database (dpkg(1), /var/lib/dpkg) for unpacked packages.
struct DpkgPackage {
  std::string name;          // Package
  std::string info_name;     // "PKG" or "PKG:ARCH" for Multi-Arch: same
  std::string control;       // the control paragraph
  std::map<std::string, std::string> control_files;  // md5sums, postinst, ...
  std::vector<std::string> paths;                    // package paths, archive order
  // MD5 of each conffile as unpacked, by package path ("etc/x"): Debian's md5sums
  // leave conffiles out (dh_md5sums), and dpkg --verify checks them by Conffiles.
  std::map<std::string, std::string> conffile_md5;
};
// The status file: each paragraph with "Status: install ok unpacked" after Package
// and Conffiles before Description, sorted by info name.
std::string dpkg_status(std::vector<const DpkgPackage*> packages);
// The conffiles of control.tar's conffiles (deb-conffiles(5)), "/etc/x", in order;
// flagged lines (remove-on-upgrade) left out.
std::vector<std::string> conffile_paths(const DpkgPackage& package);
// The Conffiles field (with its trailing newline) of the status paragraph from
// control.tar's conffiles and md5sums; "" when the package has no conffiles.
std::string conffiles_field(const DpkgPackage& package);
// info/PKG.list: "/." then "/PATH" for every entry.
std::string dpkg_list(const DpkgPackage& package);

struct UnpackReport {
  std::vector<UnpackedPackage> packages;
  entries::DirSinkStats stats;
  std::vector<entries::Overwritten> overwritten;
  std::uint64_t excluded = 0;  // entries dropped by path filters
  // The dpkg database's own entries (not in stats): 4 directories and these files.
  std::uint64_t database_files = 0;
};

// The work, without printing. paths_in supplies package paths when options.debs is
// empty or "-"; with options.tar the stream goes to tar_fd.
UnpackReport unpack(const UnpackOptions& options, std::istream& paths_in, int tar_fd = 1);

// The summary printed on stderr (without the "aci-unpack: " prefix), one line each.
std::vector<std::string> report_lines(const UnpackOptions& options, const UnpackReport& report);

// The --json report: one JSON document (2-space indent, final newline); keys in
// README.md, "Machine-readable output".
std::string report_json(const UnpackOptions& options, const UnpackReport& report);

// For the tool: unpack from std::cin, print the report unless quiet; exit status.
int unpack_main(const UnpackOptions& options);

} // namespace acikit::ops
