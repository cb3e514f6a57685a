// aci-manifest: generate an appc image manifest from flags (ops/manifest.hpp).
#include "cli/run.hpp"
#include "ops/manifest.hpp"
#include "util/error.hpp"

#include <acikit/version.hpp>

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-manifest", [&] {
    acikit::ops::ManifestOptions o;
    po::options_description desc(
        "Usage: aci-manifest --name NAME [--exec PATH [--exec-arg ARG]...] [options]\n"
        "Writes a canonical appc image manifest (JSON).\n\nOptions");
    std::string arch, debian_arch, exec, user, group, workdir, version;
    desc.add_options()
        ("help,h", "show this help and exit")
        ("version", "print the program version and exit")
        ("name", po::value(&o.name), "image name (AC Identifier), required")
        ("image-version", po::value(&version), "the 'version' label (also --label version=V)")
        ("os", po::value(&o.os)->default_value("linux"), "the 'os' label")
        ("arch", po::value(&arch), "the 'arch' label: an ACI arch (amd64, aarch64, armv7l, ...)")
        ("debian-arch", po::value(&debian_arch), "the 'arch' label from a Debian architecture (arm64 -> aarch64, ...)")
        ("exec", po::value(&exec), "the app's executable: an absolute path in the rootfs")
        ("exec-arg", po::value(&o.exec_args), "one argument for the executable (repeatable, never split)")
        ("user", po::value(&user), "user to run as (default 0)")
        ("group", po::value(&group), "group to run as (default 0)")
        ("working-directory", po::value(&workdir), "absolute working directory")
        ("env", po::value(&o.env), "NAME=VALUE environment variable (repeatable)")
        ("label", po::value(&o.labels), "NAME=VALUE label (repeatable)")
        ("annotation", po::value(&o.annotations), "NAME=VALUE annotation (repeatable)")
        ("output,o", po::value(&o.output)->default_value("-"), "output file (written atomically), - = stdout");
    po::variables_map vm;
    try {
      // --version with a value is the label; bare --version prints the program version.
      std::vector<std::string> args(argv + 1, argv + argc);
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--version" && i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
          args[i] = "--image-version";
        } else if (args[i].rfind("--version=", 0) == 0) {
          args[i] = "--image-version=" + args[i].substr(10);
        }
      }
      po::store(po::command_line_parser(args).options(desc).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      acikit::throw_usage(e.what());
    }
    if (vm.count("help")) {
      std::cout << desc << '\n';
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "aci-manifest " << acikit::k_version << '\n';
      return 0;
    }
    if (vm.count("image-version")) o.version = version;
    if (vm.count("arch")) o.arch = arch;
    if (vm.count("debian-arch")) o.debian_arch = debian_arch;
    if (vm.count("exec")) o.exec = exec;
    if (vm.count("user")) o.user = user;
    if (vm.count("group")) o.group = group;
    if (vm.count("working-directory")) o.working_directory = workdir;
    return acikit::ops::manifest(o);
  });
}
