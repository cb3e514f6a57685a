#pragma once
// aci-unpack: .deb sources → merged-/usr filter → conflict filter → directory sink
// (DESIGN.md, "The entry stream").
#include "entries/dir_sink.hpp"
#include "entries/conflicts.hpp"
#include "util/atomic_file.hpp"

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace acikit::ops {

enum class MergedUsr { yes, no };

struct UnpackOptions {
  std::filesystem::path rootfs;
  // Package files; empty or "-" means: read paths from stdin, one per line.
  std::vector<std::string> debs;
  MergedUsr merged_usr = MergedUsr::yes;
  // Directories made symlinks into usr/ with MergedUsr::yes.
  std::vector<std::string> merged_usr_dirs = {"bin", "sbin", "lib", "lib64"};
  util::Overwrite overwrite = util::Overwrite::no;
  bool quiet = false;
};

struct UnpackedPackage {
  std::string file;     // "hello_2.10-3_amd64.deb"
  std::string package;  // "hello"
  std::string version;
  std::vector<std::string> maintainer_scripts;  // present, not run
};

struct UnpackReport {
  std::vector<UnpackedPackage> packages;
  entries::DirSinkStats stats;
  std::vector<entries::Overwritten> overwritten;
};

// The work, without printing. paths_in supplies package paths when options.debs is
// empty or "-".
UnpackReport unpack(const UnpackOptions& options, std::istream& paths_in);

// The summary printed on stderr (without the "aci-unpack: " prefix), one line each.
std::vector<std::string> report_lines(const UnpackOptions& options, const UnpackReport& report);

// For the tool: unpack from std::cin, print the report unless quiet; exit status.
int unpack_main(const UnpackOptions& options);

} // namespace acikit::ops
