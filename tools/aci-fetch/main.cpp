// aci-fetch: download Debian packages, verified InRelease → index → .deb (DESIGN.md).
#include "options.hpp"
#include "ops/fetch.hpp"
#include "repo/lock.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <iostream>

#include <unistd.h>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-fetch", [&] {
    acikit::ops::FetchOptions options;
    std::vector<std::string> sources;
    po::options_description visible(
        "Usage: aci-fetch [OPTIONS] PACKAGE...\n"
        "   or: aci-fetch [OPTIONS] --lock FILE\n"
        "Download Debian packages into DEST and print their paths, one per line (ended\n"
        "by NUL with --null). Each source's InRelease (or Release + Release.gpg, only\n"
        "when InRelease is absent) is verified with its Signed-By keyring, each index by\n"
        "size and SHA256 from it, each .deb by size and SHA256 from its index. PACKAGE\n"
        "is NAME (the highest version across all sources), NAME=VERSION or NAME/SUITE.\n"
        "With --exact only the named packages are fetched, in the order given; otherwise\n"
        "their dependency closure (Depends, Pre-Depends), sorted by name. Verified files\n"
        "are kept in a content-addressed cache: a repeated run downloads only the signed\n"
        "releases.\n\nOptions");
    std::string as_of;
    visible.add_options()
      ("sources", po::value<std::vector<std::string>>(&sources)->value_name("FILE"),
       "apt sources file (.sources deb822 or one-line .list); repeatable "
       "(default: /etc/apt/sources.list and sources.list.d/); with --lock: where each locked "
       "suite is fetched from (e.g. a file:// partial mirror)")
      ("keyring", po::value<std::string>()->value_name("FILE"), "OpenPGP keyring for every source (replaces Signed-By)")
      ("arch", po::value<std::string>()->value_name("ARCH"), "Debian architecture (default: amd64)")
      ("dest", po::value<std::string>()->value_name("DIR"), "directory for the .deb files (default: .)")
      ("exact", "exactly the named packages, no dependencies (packages2aci's list)")
      ("exclude", po::value<std::vector<std::string>>(&options.excludes)->value_name("NAME"), "never add NAME to the closure; repeatable")
      ("with-recommends", "follow Recommends too")
      ("pin", po::value<std::vector<std::string>>(&options.pins)->value_name("NAME=VERSION"),
       "NAME=VERSION or NAME/SUITE for the closure without requesting NAME; repeatable")
      ("explain", "print why each package is in the closure, on stderr")
      ("lock", po::value<std::string>()->value_name("FILE"), "fetch exactly this lockfile's packages, re-verifying the chain against "
                                        "the recorded InRelease (from the cache, or the source)")
      ("lock-out", po::value<std::string>()->value_name("FILE"), "write a lockfile of what was fetched")
      ("mirror-out", po::value<std::string>()->value_name("DIR"), "write a partial mirror (Debian layout) of the releases, indexes and "
                                              "packages used")
      ("cache", po::value<std::string>()->value_name("DIR"), "cache directory (default: $XDG_CACHE_HOME/acikit or ~/.cache/acikit)")
      ("offline", "no network: everything, the releases too, from the cache")
      ("as-of", po::value<std::string>(&as_of)->value_name("DATE"), "judge Valid-Until and key expiry at DATE (YYYY-MM-DD or RFC 3339) "
                                               "instead of now (a lock build: the time the lock was made)")
      ("json", po::value<std::string>()->value_name("FILE"), "write a JSON report to FILE; '-': on stdout instead of the paths")
      ("jobs,j", po::value<int>(&options.jobs)->value_name("N"), "parallel downloads (default: 4)")
      ("null,0", "end each printed .deb path with NUL instead of a newline (for xargs -0)")
      ("quiet,q", "no progress and no notes on stderr")
      ("help,h", "show this help and exit")
      ("version", "show the version and exit");
    po::variables_map vm;
    if (!acikit::tools::parse_command_line("aci-fetch", argc, argv, visible, "package", vm)) {
      return 0;
    }
    options.packages = acikit::tools::positional_args(vm, "package");
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
    options.null_paths = vm.count("null") > 0;
    options.progress = isatty(STDERR_FILENO) != 0;
    options.exact = vm.count("exact") > 0;
    options.with_recommends = vm.count("with-recommends") > 0;
    options.explain = vm.count("explain") > 0;
    options.offline = vm.count("offline") > 0;
    for (const char* name : {"lock", "lock-out", "mirror-out", "cache", "json"}) {
      if (vm.count(name)) {
        std::filesystem::path p = vm[name].as<std::string>();
        std::string n = name;
        (n == "lock" ? options.lock : n == "lock-out" ? options.lock_out : n == "mirror-out" ? options.mirror_out
                       : n == "cache" ? options.cache : options.json) = p;
      }
    }
    if (vm.count("as-of")) {
      options.as_of = acikit::repo::parse_date_arg(as_of, "--as-of");
    }
    if (options.packages.empty() && !options.lock) {
      acikit::throw_usage("no PACKAGE given (see --help)");
    }
    return acikit::ops::fetch_main(options);
  });
}
