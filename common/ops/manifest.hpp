#pragma once
// aci-manifest: generate an image manifest from flags, patch one (a manifest
// file or an .aci), or print the manifest of an .aci (DESIGN.md, the five tools).
#include <optional>
#include <string>
#include <vector>

namespace acikit::ops {

enum class ManifestCommand { generate, patch, cat };

struct ManifestOptions {
  ManifestCommand command = ManifestCommand::generate;
  std::string input;  // patch, cat: a manifest file or an .aci ("-" = stdin for cat)
  std::string name;                    // --name (AC Identifier); required for generate
  std::optional<std::string> version;  // --version: the "version" label
  std::string os = "linux";            // --os
  std::optional<std::string> arch;         // --arch: an ACI arch (amd64, aarch64, ...)
  std::optional<std::string> debian_arch;  // --debian-arch: mapped to an ACI arch
  std::optional<std::string> exec;         // --exec: absolute path; without it, no "app"
  std::vector<std::string> exec_args;      // --exec-arg, each one argument, never split
  std::optional<std::string> user;         // --user (default "0" with --exec)
  std::optional<std::string> group;        // --group (default "0")
  std::optional<std::string> working_directory;
  std::vector<std::string> env;          // NAME=VALUE
  std::vector<std::string> labels;       // NAME=VALUE
  std::vector<std::string> annotations;  // NAME=VALUE
  std::string output = "-";              // "-" = stdout; else written atomically
  bool os_given = false;                 // patch: --os was given
  bool output_given = false;             // patch of an .aci: default is the input itself
  std::optional<std::string> lock;       // --lock FILE (generate, patch): see lock_annotation
  bool replace_exec = false;             // patch: --exec-arg replaces the arguments
  // patch of an .aci: --json FILE ("-" = stdout) gets {"aci", "image_id"} instead
  // of the image ID printed.
  std::optional<std::string> json;
};

// The annotation that records the Debian packages of a lockfile (JSON
// {"packages": [{"name", "version", "architecture", ...}]}; other fields are
// ignored): name "debian-packages" (an AC Name, so both readers of annotation
// names accept it), value "NAME=VERSION:ARCH" items sorted by name then
// architecture, joined by ", ".
inline constexpr const char* k_lock_annotation = "debian-packages";
std::string lock_annotation(const std::string& lockfile);

// patch: applies the flags to `manifest_text` and returns the canonical text.
// --name replaces the name; --exec PATH replaces the whole command line with
// PATH and the --exec-arg arguments; --exec-arg without --exec appends to the
// existing command line (--replace-exec: replaces its arguments, keeping
// exec[0]); --user, --group, --working-directory replace; --env, --label,
// --annotation set (replacing a same-named entry, else adding); --os, --arch,
// --debian-arch, --version set those labels. Arguments are never split.
std::string patch_manifest(const std::string& manifest_text, const ManifestOptions& options);

// The canonical manifest text. Throws acikit::Error naming the flag: usage (2)
// for flag combinations, bad_input (1) for values the spec forbids.
std::string generate_manifest(const ManifestOptions& options);

// generate_manifest, then write it to options.output. Returns the exit status.
int manifest(const ManifestOptions& options);

} // namespace acikit::ops
