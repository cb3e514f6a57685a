// aci-verify: check ACI files against the appc spec (ops/verify.hpp).
#include "cli/run.hpp"
#include "ops/verify.hpp"
#include "util/error.hpp"

#include <acikit/version.hpp>

// GCC 12 -O2 reports a false "potential null pointer dereference" inside
// Boost.Program_options' typed_value<std::string>::notify when inlined.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv)
{
  return acikit::cli::run("aci-verify", [&] {
    acikit::ops::VerifyOptions o;
    po::options_description desc(
        "Usage: aci-verify [--json] INPUT.aci...\n"
        "Checks each image against the appc spec (compression detected: gzip, bzip2, xz, none).\n"
        "Exit status: 0 all valid, 1 any invalid, 2 usage, 3 unreadable input.\n\nOptions");
    desc.add_options()
        ("help,h", "show this help and exit")
        ("version", "print the program version and exit")
        ("json", "machine-readable report on stdout");
    po::options_description hidden;
    hidden.add_options()("inputs", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("inputs", -1);
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
      std::cout << "aci-verify " << acikit::k_version << '\n';
      return 0;
    }
    o.json = vm.count("json") > 0;
    if (vm.count("inputs")) o.inputs = vm["inputs"].as<std::vector<std::string>>();
    return acikit::ops::verify(o);
  });
}
