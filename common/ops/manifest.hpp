#pragma once
// aci-manifest: generate an image manifest from flags (DESIGN.md, the five tools).
#include <optional>
#include <string>
#include <vector>

namespace acikit::ops {

struct ManifestOptions {
  std::string name;                    // --name (AC Identifier), required
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
};

// The canonical manifest text. Throws acikit::Error naming the flag: usage (2)
// for flag combinations, bad_input (1) for values the spec forbids.
std::string generate_manifest(const ManifestOptions& options);

// generate_manifest, then write it to options.output. Returns the exit status.
int manifest(const ManifestOptions& options);

} // namespace acikit::ops
