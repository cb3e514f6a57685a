#pragma once
// aci-manifest: generate an image manifest from flags, patch one (a manifest
// file or an .aci), or print the manifest of an .aci (DESIGN.md, the five tools).
#include <cstdint>
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
  bool quiet = false;  // --quiet: no warning about a stale X.aci.asc after patch
  // patch of an .aci: aci-verify's caps (aci::VerifyLimits: --max-size, uncompressed
  // bytes; --max-ratio, uncompressed:compressed beyond the first 8M, 0 = none),
  // checked over the whole stream before the image is rewritten; unset: its defaults.
  std::optional<std::uint64_t> max_size, max_ratio;

  // The rest of the schema (appc spec/aci.md). Every value is one argument,
  // never split on spaces or commas where a value may hold them.
  std::vector<std::string> supplementary_gids;  // --supplementary-gid N
  std::optional<std::string> pre_start;         // --pre-start PATH: eventHandlers "pre-start"
  std::vector<std::string> pre_start_args;      // --pre-start-arg ARG
  std::optional<std::string> post_stop;         // --post-stop PATH
  std::vector<std::string> post_stop_args;      // --post-stop-arg ARG
  std::vector<std::string> mounts;              // --mount NAME=PATH
  std::vector<std::string> mounts_ro;           // --mount-ro NAME=PATH (readOnly)
  std::vector<std::string> ports;               // --port NAME=PROTOCOL:PORT[,count=N][,socketActivated]
  std::vector<std::string> isolators;           // --isolator NAME=JSON
  std::vector<std::string> capability_retain;   // --capability-retain CAP
  std::vector<std::string> capability_remove;   // --capability-remove CAP
  std::optional<std::string> seccomp_mode;      // --seccomp-mode retain|remove
  std::vector<std::string> seccomp_set;         // --seccomp-set SYSCALL
  std::optional<std::string> seccomp_errno;     // --seccomp-errno ERRNO
  std::vector<std::string> dependencies;        // --dependency IMAGENAME[,imageID=ID][,size=N]
  std::vector<std::string> dependency_labels;   // --dependency-label IMAGENAME:NAME=VALUE
  std::vector<std::string> path_whitelist;      // --path-whitelist PATH
  std::optional<std::string> created, homepage, documentation, authors;  // typed annotations

  // patch only: remove named items (each must exist), before the flags above apply.
  std::vector<std::string> remove_labels, remove_annotations, remove_env, remove_mounts, remove_ports,
      remove_isolators, remove_event_handlers, remove_dependencies, remove_path_whitelist,
      remove_supplementary_gids;
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
// Named items given by a flag replace the same-named ones in place (mount
// points, ports, dependencies by name; isolators: all of that name; event
// handlers by pre-start/post-stop), others are appended; GIDs and whitelist
// paths are added unless present. --remove-* flags apply first, and name an
// item the manifest holds (exit 1 otherwise).
std::string patch_manifest(const std::string& manifest_text, const ManifestOptions& options);

// The canonical manifest text. Throws acikit::Error naming the flag: usage (2)
// for flag combinations, bad_input (1) for values the spec forbids.
std::string generate_manifest(const ManifestOptions& options);

// generate_manifest, then write it to options.output. Returns the exit status.
int manifest(const ManifestOptions& options);

} // namespace acikit::ops
