// aci-verify: check ACI files against the appc spec (ops/verify.hpp).
#include "options.hpp"
#include "ops/verify.hpp"
#include "util/error.hpp"

#include <cstdint>
#include <iostream>
#include <limits>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-verify", [&] {
    acikit::ops::VerifyOptions o;
    po::options_description desc(
        "Usage: aci-verify [OPTIONS] INPUT...\n"
        "Check each input against the appc spec: an .aci file (gzip, bzip2, xz or none),\n"
        "a layout directory (DIR/manifest + DIR/rootfs/), a manifest file, or - (an .aci\n"
        "on stdin). Hostile content is reported as warnings: symlink-escape,\n"
        "hardlink-escape, setuid, device, world-writable, exec-missing,\n"
        "through-symlink (--strict or --fail-on KIND make them failures). Exit status 1\n"
        "means an input is invalid, 3 that an input is unreadable.\n\nOptions");
    std::string max_size, max_ratio, max_entries, keyring, signature, expect_id, expect_name;
    desc.add_options()
        ("json", "machine-readable report on stdout: {\"results\": [...]}")
        ("strict", "every finding is a failure")
        ("fail-on", po::value(&o.fail_on)->value_name("KIND"), "findings of this kind are failures (repeatable)")
        ("keyring", po::value(&keyring)->value_name("FILE"), "OpenPGP keyring: require a good signature INPUT.aci.asc by one of its keys")
        ("signature", po::value(&signature)->value_name("FILE"), "the detached signature file (one INPUT; needed for -) (default: INPUT.asc)")
        ("expect-id", po::value(&expect_id)->value_name("ID"), "sha512-...: the image ID the image must have")
        ("expect-name", po::value(&expect_name)->value_name("NAME"), "the name the image manifest must have")
        ("max-size", po::value(&max_size)->value_name("SIZE"), "cap on the uncompressed size (default: 16G)")
        ("max-ratio", po::value(&max_ratio)->value_name("N"), "cap on the compression ratio N:1, beyond the first 8M; 0 = none (default: 1000)")
        ("max-entries", po::value(&max_entries)->value_name("N"), "cap on the number of tar entries (default: 4000000)")
        ("quiet,q", "no notes on stderr (aci-verify writes none; errors and the report still appear)")
        ("help,h", "show this help and exit")
        ("version", "show the version and exit");
    po::variables_map vm;
    if (!acikit::tools::parse_command_line("aci-verify", argc, argv, desc, "inputs", vm)) {
      return 0;
    }
    o.json = vm.count("json") > 0;
    o.strict = vm.count("strict") > 0;
    if (vm.count("keyring")) o.keyring = keyring;
    if (vm.count("signature")) o.signature = signature;
    if (vm.count("expect-id")) o.expect_id = expect_id;
    if (vm.count("expect-name")) o.expect_name = expect_name;
    if (vm.count("max-size")) o.max_size = acikit::tools::parse_size("--max-size", max_size);
    if (vm.count("max-ratio")) o.max_ratio = acikit::tools::parse_size("--max-ratio", max_ratio);
    if (vm.count("max-entries")) o.max_entries = acikit::tools::parse_size("--max-entries", max_entries);
    o.inputs = acikit::tools::positional_args(vm, "inputs");
    return acikit::ops::verify(o);
  });
}
