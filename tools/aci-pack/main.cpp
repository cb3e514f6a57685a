// aci-pack: build an ACI from a layout directory (ops/pack.hpp).
#include "cli/run.hpp"
#include "ops/pack.hpp"
#include "util/error.hpp"

#include <acikit/version.hpp>

// GCC 12 -O2 reports a false "potential null pointer dereference" inside
// Boost.Program_options' typed_value<std::string>::notify when inlined here.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/program_options.hpp>

#include <cstdlib>
#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-pack", [&] {
    acikit::ops::PackOptions o;
    po::options_description desc(
        "Usage: aci-pack [options] LAYOUT_DIR OUTPUT.aci\n"
        "       aci-pack [options] --manifest FILE --rootfs DIR OUTPUT.aci\n"
        "Packs manifest + rootfs into an ACI and prints its image ID (sha512-...).\n"
        "SOURCE_DATE_EPOCH, when set, clamps every mtime to it.\n\nOptions");
    desc.add_options()
        ("help,h", "show this help and exit")
        ("version", "print the program version and exit")
        ("compression", po::value<std::string>()->default_value("gzip"), "gzip, xz, bzip2 or none")
        ("level", po::value<int>(), "compression level (gzip 0-3, xz 0-9, bzip2 1-9)")
        ("threads", po::value<unsigned>()->default_value(0), "xz threads (0 = one per CPU)")
        ("overwrite", "replace an existing OUTPUT.aci")
        ("manifest", po::value<std::string>(), "the image manifest (with --rootfs)")
        ("rootfs", po::value<std::string>(), "the rootfs directory (with --manifest)");
    po::options_description hidden;
    hidden.add_options()("args", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("args", -1);
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      acikit::throw_usage(e.what());
    }
    if (vm.count("help")) {
      std::cout << desc << '\n';
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "aci-pack " << acikit::k_version << '\n';
      return 0;
    }
    std::vector<std::string> positional;
    if (vm.count("args")) positional = vm["args"].as<std::vector<std::string>>();
    o.compression = vm["compression"].as<std::string>();
    o.threads = vm["threads"].as<unsigned>();
    if (vm.count("level")) o.level = vm["level"].as<int>();
    o.overwrite = vm.count("overwrite") > 0;
    if (vm.count("manifest")) o.manifest = std::filesystem::path(vm["manifest"].as<std::string>());
    if (vm.count("rootfs")) o.rootfs = std::filesystem::path(vm["rootfs"].as<std::string>());
    bool split = o.manifest || o.rootfs;
    if (positional.size() != (split ? 1u : 2u)) {
      acikit::throw_usage(split ? "expected exactly one argument: OUTPUT.aci"
                                : "expected two arguments: LAYOUT_DIR OUTPUT.aci");
    }
    if (!split) o.layout = std::filesystem::path(positional.at(0));
    o.output = std::filesystem::path(positional.at(split ? 0 : 1));
    if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) o.source_date_epoch = sde;
    return acikit::ops::pack(o);
  });
}
