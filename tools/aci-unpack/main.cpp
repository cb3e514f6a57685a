// aci-unpack: expand Debian packages into a rootfs directory, safely (DESIGN.md).
#include "options.hpp"
#include "ops/unpack.hpp"
#include "util/error.hpp"

#include <cstdlib>
#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-unpack", [&] {
    acikit::ops::UnpackOptions options;
    std::string rootfs;
    po::options_description visible(
        "Usage: aci-unpack [OPTIONS] --rootfs DIR [DEB...]\n"
        "   or: aci-unpack [OPTIONS] --tar - [DEB...]\n"
        "Unpack the data of Debian packages into DIR (created when missing) with chroot\n"
        "semantics. With no DEB, or '-', package paths are read from stdin, one per line\n"
        "(NUL-separated with --null). Maintainer scripts are not run (the report lists\n"
        "them): what they would set up (file capabilities, alternatives such as\n"
        "/usr/bin/java, users) is absent. SOURCE_DATE_EPOCH, when set, is the mtime of\n"
        "the dpkg database files (default: 0).\n\nOptions");
    visible.add_options()
      ("rootfs", po::value<std::string>()->value_name("DIR"), "the root directory to unpack into")
      ("tar", po::value<std::string>()->value_name("-"), "'-': write the merged rootfs as a tar stream on stdout\n"
                                                    "(no root needed; owners, modes, devices kept)")
      ("no-merged-usr", "keep bin, sbin, lib* as real directories (suites before bookworm)")
      ("allow-overwrite", "let a later package replace a file of an earlier one (reported)")
      ("exclude", po::value<std::vector<std::string>>()->composing()->value_name("GLOB"),
       "drop package paths matching this glob (dpkg --path-exclude style, e.g.\n"
       "'/usr/share/doc/*'); repeatable")
      ("include", po::value<std::vector<std::string>>()->composing()->value_name("GLOB"),
       "keep paths matching this glob after an --exclude (e.g.\n"
       "'/usr/share/doc/*/copyright'); the last matching option wins")
      ("no-dpkg-database", "do not write var/lib/dpkg (status, info/PKG.list, .md5sums)")
      ("xz-threads", po::value<unsigned>()->value_name("N"),
       "threads decoding data.tar.xz (0: one per core; 1: least memory) (default: 0)")
      ("json", po::value<std::string>()->value_name("FILE"),
       "write a JSON report (packages with sha256 and counts, totals) to FILE; '-':\n"
       "on stdout (not with --tar -)")
      ("null,0", "read NUL-separated package paths from stdin (find -print0, aci-fetch --null)")
      ("quiet,q", "no summary on stderr")
      ("help,h", "show this help and exit")
      ("version", "show the version and exit");
    po::variables_map vm;
    std::vector<po::option> in_order;
    if (!acikit::tools::parse_command_line("aci-unpack", argc, argv, visible, "deb", vm, &in_order)) {
      return 0;
    }
    // --exclude/--include act in command-line order, as dpkg's filters do.
    for (const auto& o : in_order) {
      if ((o.string_key == "exclude" || o.string_key == "include") && !o.value.empty()) {
        if (o.value[0].empty() || o.value[0][0] != '/') {
          acikit::throw_usage("--" + o.string_key + ": pattern must start with '/': '" + o.value[0] + "'");
        }
        options.path_filters.push_back({o.string_key == "include", o.value[0]});
      }
    }
    if (vm.count("rootfs")) {
      rootfs = vm["rootfs"].as<std::string>();
    }
    if (vm.count("tar")) {
      options.tar = vm["tar"].as<std::string>();
    }
    for (const auto& d : acikit::tools::positional_args(vm, "deb")) {
      options.debs.emplace_back(d);
    }
    if (vm.count("json")) {
      options.json = vm["json"].as<std::string>();
      if (options.json->empty()) {
        acikit::throw_usage("--json: FILE is empty");
      }
      if (*options.json == "-" && vm.count("tar")) {
        acikit::throw_usage("--json - and --tar - both want stdout (give --json FILE)");
      }
    }
    if (vm.count("xz-threads")) {
      options.xz_threads = vm["xz-threads"].as<unsigned>();
    }
    if (rootfs.empty() == options.tar.empty()) {
      acikit::throw_usage("exactly one of --rootfs DIR and --tar - is required");
    }
    if (!options.tar.empty() && options.tar != "-") {
      acikit::throw_usage("--tar takes '-' (stdout)");
    }
    options.rootfs = rootfs;
    options.merged_usr = vm.count("no-merged-usr") ? acikit::ops::MergedUsr::no
                                                   : acikit::ops::MergedUsr::yes;
    options.overwrite = vm.count("allow-overwrite") ? acikit::util::Overwrite::yes
                                                    : acikit::util::Overwrite::no;
    options.quiet = vm.count("quiet") > 0;
    options.null_paths = vm.count("null") > 0;
    options.dpkg_database = vm.count("no-dpkg-database") == 0;
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
      // reproducible-builds.org: a decimal count of seconds; strict, as in aci-pack.
      const std::string s = epoch;
      if (s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
        acikit::throw_bad_input("SOURCE_DATE_EPOCH", "'" + s + "' is not a non-negative integer");
      }
      options.database_mtime = std::stoll(s);
    }
    return acikit::ops::unpack_main(options);
  });
}
