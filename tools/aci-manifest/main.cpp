// aci-manifest: generate, patch or print an appc image manifest (ops/manifest.hpp).
#include "options.hpp"
#include "ops/manifest.hpp"
#include "util/error.hpp"

#include <iostream>
#include <limits>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-manifest", [&] {
    acikit::ops::ManifestOptions o;
    po::options_description desc(
        "Usage: aci-manifest [OPTIONS] --name NAME [--exec PATH [--exec-arg ARG]...]\n"
        "   or: aci-manifest generate [OPTIONS] --name NAME\n"
        "   or: aci-manifest patch [OPTIONS] INPUT    (INPUT: a manifest file or an .aci)\n"
        "   or: aci-manifest cat INPUT.aci|-\n"
        "Write, patch or print an appc image manifest (a subcommand comes first).\n"
        "generate (the default) writes a canonical appc image manifest (JSON). patch\n"
        "applies the flags to a manifest (--exec replaces the command line, --exec-arg\n"
        "alone appends to it; --env, --label, --annotation, --mount, --port, --isolator,\n"
        "--dependency, --pre-start, --post-stop replace the item of that name, else add\n"
        "one; --remove-* remove named items first); on an .aci it\n"
        "rewrites the image atomically (in place unless --output), every other entry byte\n"
        "for byte, and prints the new image ID. cat prints an .aci's manifest, reading no\n"
        "further than its entry. --version VALUE (not followed by an option) is the same\n"
        "as --image-version VALUE.\n\nOptions");
    std::string arch, debian_arch, exec, user, group, workdir, version, lock, json, pre_start, post_stop, seccomp_mode,
        seccomp_errno, created, homepage, documentation, authors, max_size, max_ratio;
    desc.add_options()
        ("name", po::value(&o.name)->value_name("NAME"), "image name (AC Identifier), required")
        ("image-version", po::value(&version)->value_name("VERSION"), "the 'version' label (also --label version=V)")
        ("os", po::value(&o.os)->value_name("OS"), "the 'os' label (default: linux)")
        ("arch", po::value(&arch)->value_name("ARCH"), "the 'arch' label: an ACI arch (amd64, aarch64, armv7l, ...)")
        ("debian-arch", po::value(&debian_arch)->value_name("ARCH"), "the 'arch' label from a Debian architecture (arm64 -> aarch64, ...)")
        ("exec", po::value(&exec)->value_name("PATH"), "the app's executable: an absolute path in the rootfs")
        ("exec-arg", po::value(&o.exec_args)->value_name("ARG"), "one argument for the executable (repeatable, never split)")
        ("user", po::value(&user)->value_name("USER"), "user to run as (default: 0)")
        ("group", po::value(&group)->value_name("GROUP"), "group to run as (default: 0)")
        ("working-directory", po::value(&workdir)->value_name("DIR"), "absolute working directory")
        ("env", po::value(&o.env)->value_name("NAME=VALUE"), "an environment variable (repeatable)")
        ("label", po::value(&o.labels)->value_name("NAME=VALUE"), "a label (repeatable)")
        ("annotation", po::value(&o.annotations)->value_name("NAME=VALUE"), "an annotation (repeatable)")
        ("supplementary-gid", po::value(&o.supplementary_gids)->value_name("GID"), "a supplementary group ID (repeatable)")
        ("pre-start", po::value(&pre_start)->value_name("PATH"), "the pre-start event handler's executable")
        ("pre-start-arg", po::value(&o.pre_start_args)->value_name("ARG"), "one argument for it (repeatable, never split)")
        ("post-stop", po::value(&post_stop)->value_name("PATH"), "the post-stop event handler's executable")
        ("post-stop-arg", po::value(&o.post_stop_args)->value_name("ARG"), "one argument for it (repeatable, never split)")
        ("mount", po::value(&o.mounts)->value_name("NAME=PATH"), "a mount point (repeatable)")
        ("mount-ro", po::value(&o.mounts_ro)->value_name("NAME=PATH"), "a read-only mount point (repeatable)")
        ("port", po::value(&o.ports)->value_name("NAME=PROTO:PORT[,OPT]"),
         "a port (repeatable); OPT: count=N (N ports from PORT), socketActivated; e.g. http=tcp:8080")
        ("isolator", po::value(&o.isolators)->value_name("NAME=JSON"),
         "an isolator, its value as JSON (repeatable); e.g. resource/memory={\"limit\":\"1Gi\"}")
        ("capability-retain", po::value(&o.capability_retain)->value_name("CAP"),
         "keep only these capabilities (repeatable): the os/linux/capabilities-retain-set isolator")
        ("capability-remove", po::value(&o.capability_remove)->value_name("CAP"),
         "drop these capabilities (repeatable): the os/linux/capabilities-remove-set isolator")
        ("seccomp-mode", po::value(&seccomp_mode)->value_name("MODE"),
         "retain or remove: the os/linux/seccomp-MODE-set isolator of the --seccomp-set syscalls")
        ("seccomp-set", po::value(&o.seccomp_set)->value_name("SYSCALL"), "a syscall for --seccomp-mode (repeatable)")
        ("seccomp-errno", po::value(&seccomp_errno)->value_name("ERRNO"),
         "blocked syscalls fail with ERRNO (e.g. EPERM) instead of SIGSYS")
        ("dependency", po::value(&o.dependencies)->value_name("IMAGE[,FIELD]"),
         "a dependency (repeatable); FIELD: imageID=sha512-..., size=BYTES; e.g. example.com/base,size=1024")
        ("dependency-label", po::value(&o.dependency_labels)->value_name("IMAGE:LABEL=V"),
         "a label of dependency IMAGE (repeatable)")
        ("path-whitelist", po::value(&o.path_whitelist)->value_name("PATH"), "an absolute path to keep (repeatable)")
        ("created", po::value(&created)->value_name("DATE"), "the 'created' annotation: RFC 3339 (2024-01-02T03:04:05Z)")
        ("homepage", po::value(&homepage)->value_name("URL"), "the 'homepage' annotation: an http(s) URL")
        ("documentation", po::value(&documentation)->value_name("URL"), "the 'documentation' annotation: an http(s) URL")
        ("authors", po::value(&authors)->value_name("TEXT"), "the 'authors' annotation")
        ("lock", po::value(&lock)->value_name("FILE"), "lockfile: record its Debian packages in the 'debian-packages' annotation")
        ("replace-exec", "patch: --exec-arg replaces the existing arguments (exec[0] kept)")
        ("remove-label", po::value(&o.remove_labels)->value_name("NAME"), "patch: remove a label (repeatable; so are all --remove-*)")
        ("remove-annotation", po::value(&o.remove_annotations)->value_name("NAME"), "patch: remove an annotation")
        ("remove-env", po::value(&o.remove_env)->value_name("NAME"), "patch: remove an environment variable")
        ("remove-mount", po::value(&o.remove_mounts)->value_name("NAME"), "patch: remove a mount point")
        ("remove-port", po::value(&o.remove_ports)->value_name("NAME"), "patch: remove a port")
        ("remove-isolator", po::value(&o.remove_isolators)->value_name("NAME"), "patch: remove the isolators of that name")
        ("remove-event-handler", po::value(&o.remove_event_handlers)->value_name("NAME"),
         "patch: remove the pre-start or post-stop handler")
        ("remove-dependency", po::value(&o.remove_dependencies)->value_name("IMAGE"), "patch: remove a dependency")
        ("remove-path-whitelist", po::value(&o.remove_path_whitelist)->value_name("PATH"), "patch: remove a pathWhitelist entry")
        ("remove-supplementary-gid", po::value(&o.remove_supplementary_gids)->value_name("GID"),
         "patch: remove a supplementary group ID")
        ("output,o", po::value(&o.output)->value_name("FILE"),
         "output file (written atomically), - = stdout (default: -; patch of an .aci: the .aci itself)")
        ("max-size", po::value(&max_size)->value_name("SIZE"),
         "patch of an .aci: cap on its uncompressed size, as aci-verify (default: 16G)")
        ("max-ratio", po::value(&max_ratio)->value_name("N"),
         "patch of an .aci: cap on its compression ratio N:1, beyond the first 8M; 0 = none (default: 1000)")
        ("json", po::value(&json)->value_name("FILE"),
         "patch of an .aci: write {\"aci\", \"image_id\"} to FILE instead of printing\nthe image ID; '-': on stdout")
        ("quiet,q", "no warnings on stderr (patch of an .aci: about a signature X.aci.asc it made stale)")
        ("help,h", "show this help and exit")
        ("version", "show the version and exit");
    po::variables_map vm;
    // --version with a value is the label; bare --version prints the program version.
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "generate" || args[0] == "patch" || args[0] == "cat")) {
      o.command = args[0] == "patch" ? acikit::ops::ManifestCommand::patch
                  : args[0] == "cat" ? acikit::ops::ManifestCommand::cat
                                     : acikit::ops::ManifestCommand::generate;
      args.erase(args.begin());
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--version" && i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
        args[i] = "--image-version";
      } else if (args[i].rfind("--version=", 0) == 0) {
        args[i] = "--image-version=" + args[i].substr(10);
      }
    }
    const bool has_input = o.command != acikit::ops::ManifestCommand::generate;
    if (!acikit::tools::parse_command_line("aci-manifest", args, desc, has_input ? "input" : "", 1, vm)) {
      return 0;
    }
    if (auto input = acikit::tools::positional_args(vm, "input"); !input.empty()) {
      o.input = input[0];
    }
    if (vm.count("json")) {
      if (o.command != acikit::ops::ManifestCommand::patch) {
        acikit::throw_usage("--json: only patch of an .aci reports (its new image ID)");
      }
      o.json = json;
    }
    if (vm.count("image-version")) o.version = version;
    if (vm.count("lock")) o.lock = lock;
    if (vm.count("max-size")) o.max_size = acikit::tools::parse_size("--max-size", max_size);
    if (vm.count("max-ratio")) o.max_ratio = acikit::tools::parse_size("--max-ratio", max_ratio);
    o.replace_exec = vm.count("replace-exec") > 0;
    o.quiet = vm.count("quiet") > 0;
    o.os_given = vm.count("os") > 0;
    o.output_given = vm.count("output") > 0;
    if (vm.count("arch")) o.arch = arch;
    if (vm.count("debian-arch")) o.debian_arch = debian_arch;
    if (vm.count("exec")) o.exec = exec;
    if (vm.count("user")) o.user = user;
    if (vm.count("group")) o.group = group;
    if (vm.count("working-directory")) o.working_directory = workdir;
    if (vm.count("pre-start")) o.pre_start = pre_start;
    if (vm.count("post-stop")) o.post_stop = post_stop;
    if (vm.count("seccomp-mode")) o.seccomp_mode = seccomp_mode;
    if (vm.count("seccomp-errno")) o.seccomp_errno = seccomp_errno;
    if (vm.count("created")) o.created = created;
    if (vm.count("homepage")) o.homepage = homepage;
    if (vm.count("documentation")) o.documentation = documentation;
    if (vm.count("authors")) o.authors = authors;
    return acikit::ops::manifest(o);
  });
}
