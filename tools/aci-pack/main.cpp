// aci-pack: build an ACI from a layout directory, or a manifest and a rootfs
// directory or tar stream (ops/pack.hpp).
#include "options.hpp"
#include "ops/pack.hpp"
#include "util/error.hpp"

#include <cstdlib>
#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-pack", [&] {
    acikit::ops::PackOptions o;
    po::options_description desc(
        "Usage: aci-pack [OPTIONS] LAYOUT_DIR OUTPUT.aci\n"
        "   or: aci-pack [OPTIONS] --manifest FILE --rootfs DIR OUTPUT.aci\n"
        "   or: aci-pack [OPTIONS] --manifest FILE --rootfs-tar FILE|- OUTPUT.aci\n"
        "Pack a manifest and a rootfs into an ACI and print its image ID (sha512-...).\n"
        "The same tree gives the same image ID, from a directory or a tar stream, under\n"
        "any user, umask, locale or time zone. SOURCE_DATE_EPOCH, when set, clamps every\n"
        "mtime to it. A tar input (any compression) is read to the end, its file contents\n"
        "spooled to one unnamed temporary file in $TMPDIR (or /tmp), then written sorted.\n"
        "\nLevels: 'fast' is the default, 'best' the smallest output:\n"
        "  gzip   0-3 ISA-L igzip (fast = 3), 4-12 libdeflate (best = 12); compressed in\n"
        "         independent blocks on --threads cores, one gzip member each (a standard\n"
        "         multi-member gzip stream)\n"
        "  xz     presets 0-9 (fast = 6, best = 9), multi-threaded liblzma\n"
        "  bzip2  block size 1-9 (fast = best = 9)\n\nOptions");
    desc.add_options()
        ("compression", po::value<std::string>()->value_name("NAME"), "gzip, xz, bzip2 or none (default: gzip)")
        ("level", po::value<std::string>()->value_name("LEVEL"), "compression level: N, fast or best (default: fast)")
        ("threads", po::value<unsigned>()->value_name("N"), "gzip and xz threads, 0 = one per CPU (default: 0)")
        ("overwrite", "replace an existing OUTPUT.aci (and OUTPUT.aci.asc)")
        ("manifest", po::value<std::string>()->value_name("FILE"), "the image manifest (with --rootfs or --rootfs-tar)")
        ("rootfs", po::value<std::string>()->value_name("DIR"), "the rootfs directory (with --manifest)")
        ("rootfs-tar", po::value<std::string>()->value_name("FILE"), "the rootfs as a tar file, '-' = stdin (with --manifest)")
        ("sign", "also write OUTPUT.aci.asc, an ASCII-armoured detached OpenPGP signature")
        ("gnupg-home", po::value<std::string>()->value_name("DIR"), "the GnuPG home holding the secret key (with --sign)")
        ("key", po::value<std::string>()->value_name("KEY"), "the signing key: fingerprint, key ID or user ID (with --sign)")
        ("json", po::value<std::string>()->value_name("FILE"),
         "write a JSON report (image_id, sizes, entries, signature, name, labels) to\n"
         "FILE instead of printing the image ID; '-': on stdout")
        ("quiet,q", "no notes on stderr (aci-pack writes none; accepted for scripts)")
        ("help,h", "show this help and exit")
        ("version", "show the version and exit");
    po::variables_map vm;
    if (!acikit::tools::parse_command_line("aci-pack", argc, argv, desc, "args", vm)) {
      return 0;
    }
    std::vector<std::string> positional = acikit::tools::positional_args(vm, "args");
    o.compression = vm.count("compression") ? vm["compression"].as<std::string>() : "gzip";
    o.threads = vm.count("threads") ? vm["threads"].as<unsigned>() : 0;
    if (vm.count("level")) o.level = vm["level"].as<std::string>();
    o.overwrite = vm.count("overwrite") > 0;
    if (vm.count("manifest")) o.manifest = std::filesystem::path(vm["manifest"].as<std::string>());
    if (vm.count("rootfs")) o.rootfs = std::filesystem::path(vm["rootfs"].as<std::string>());
    if (vm.count("rootfs-tar")) o.rootfs_tar = vm["rootfs-tar"].as<std::string>();
    o.sign = vm.count("sign") > 0;
    if (vm.count("gnupg-home")) o.gnupg_home = vm["gnupg-home"].as<std::string>();
    if (vm.count("key")) o.key = vm["key"].as<std::string>();
    bool split = o.manifest || o.rootfs || o.rootfs_tar;
    if (positional.size() != (split ? 1u : 2u)) {
      acikit::throw_usage(split ? "expected exactly one argument: OUTPUT.aci"
                                : "expected two arguments: LAYOUT_DIR OUTPUT.aci");
    }
    if (!split) o.layout = std::filesystem::path(positional.at(0));
    o.output = std::filesystem::path(positional.at(split ? 0 : 1));
    if (vm.count("json")) o.json = std::filesystem::path(vm["json"].as<std::string>());
    if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) o.source_date_epoch = sde;
    return acikit::ops::pack(o);
  });
}
