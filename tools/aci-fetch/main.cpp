// aci-fetch: download Debian packages, verified InRelease → index → .deb (DESIGN.md).
#include "cli/run.hpp"
#include "ops/fetch.hpp"
#include "util/error.hpp"

#include <acikit/version.hpp>

// GCC 12 -O2 reports a false "potential null pointer dereference" inside
// Boost.Program_options' typed_value<std::string>::notify when inlined here.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-fetch", [&] {
    acikit::ops::FetchOptions options;
    std::vector<std::string> sources;
    po::options_description visible(
        "Usage: aci-fetch [OPTIONS] PACKAGE[=VERSION]...\n"
        "Download Debian packages into DEST and print their paths, one per line, in the\n"
        "order given. Each source's InRelease (or Release + Release.gpg) is verified with\n"
        "its Signed-By keyring, each index by size and SHA256 from it, each .deb by size\n"
        "and SHA256 from its index. Without a version, the highest version across all\n"
        "sources is chosen.\n\nOptions");
    visible.add_options()
      ("sources", po::value<std::vector<std::string>>(&sources),
       "apt sources file (.sources deb822 or one-line .list); repeatable; "
       "default: /etc/apt/sources.list and sources.list.d/")
      ("keyring", po::value<std::string>(), "OpenPGP keyring for every source (replaces Signed-By)")
      ("arch", po::value<std::string>(), "Debian architecture (default: amd64)")
      ("dest", po::value<std::string>(), "directory for the .deb files (default: .)")
      ("jobs,j", po::value<int>(&options.jobs), "parallel downloads (default: 4)")
      ("quiet,q", "no progress on stderr")
      ("help,h", "show this help")
      ("version", "show the version");
    po::options_description hidden;
    hidden.add_options()("package", po::value<std::vector<std::string>>(&options.packages), "");
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("package", -1);
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      acikit::throw_usage(e.what());
    }
    if (vm.count("help")) {
      std::cout << visible << '\n';
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "aci-fetch " << acikit::k_version << '\n';
      return 0;
    }
    for (const auto& s : sources) {
      options.sources.emplace_back(s);
    }
    if (vm.count("keyring")) {
      options.keyring = vm["keyring"].as<std::string>();
    }
    if (vm.count("arch")) {
      options.arch = vm["arch"].as<std::string>();
    }
    if (vm.count("dest")) {
      options.dest = vm["dest"].as<std::string>();
    }
    options.quiet = vm.count("quiet") > 0;
    if (options.packages.empty()) {
      acikit::throw_usage("no PACKAGE given (see --help)");
    }
    return acikit::ops::fetch_main(options);
  });
}
