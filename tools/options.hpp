#pragma once
// The command-line handling every tool shares: Boost.Program_options into a
// variables_map, parse errors as usage errors (exit 2), and --help (usage,
// options, exit status) and --version answered the same way everywhere.
#include "cli/run.hpp"
#include "util/error.hpp"

#include <acikit/version.hpp>

// GCC 12 -O2 reports a false "potential null pointer dereference" inside
// Boost.Program_options' typed_value<std::string>::notify when inlined.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/program_options.hpp>

#include <cstdint>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

namespace acikit::tools {

namespace po = boost::program_options;

// Parses `args` (the command line without the program name) into `vm`: the
// `visible` options, and up to `max_positional` positional arguments (-1: any
// number) as a vector<string> under `positional` unless it is empty.
// `in_order`, if given, receives the options as they came (for flags whose
// order matters). Returns false when --help or --version was printed: the
// tool then exits 0.
inline bool parse_command_line(const std::string& tool, const std::vector<std::string>& args,
                               const po::options_description& visible, const std::string& positional,
                               int max_positional, po::variables_map& vm,
                               std::vector<po::option>* in_order = nullptr)
{
  po::options_description all;
  all.add(visible);
  po::options_description hidden;
  po::positional_options_description pos;
  if (!positional.empty()) {
    hidden.add_options()(positional.c_str(), po::value<std::vector<std::string>>());
    all.add(hidden);
    pos.add(positional.c_str(), max_positional);
  }
  try {
    auto parsed = po::command_line_parser(args).options(all).positional(pos).run();
    if (in_order != nullptr) {
      *in_order = parsed.options;
    }
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw_usage(e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << '\n' << cli::k_exit_status_help << '\n';
    return false;
  }
  if (vm.count("version")) {
    std::cout << tool << ' ' << k_version << '\n';
    return false;
  }
  return true;
}

// The same for main's argc/argv, any number of positional arguments.
inline bool parse_command_line(const std::string& tool, int argc, char** argv,
                               const po::options_description& visible, const std::string& positional,
                               po::variables_map& vm, std::vector<po::option>* in_order = nullptr)
{
  return parse_command_line(tool, std::vector<std::string>(argv + 1, argv + argc), visible, positional, -1,
                            vm, in_order);
}

// The positional arguments parse_command_line stored under `name`.
inline std::vector<std::string> positional_args(const po::variables_map& vm, const std::string& name)
{
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// "123", "64K", "16G": a count with an optional binary suffix (K M G T), for
// the size and ratio caps of aci-verify and aci-manifest patch.
inline std::uint64_t parse_size(const std::string& flag, const std::string& s)
{
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (v > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) {
      throw_usage(flag + ": '" + s + "' is too large");
    }
    v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
  }
  int shift = 0;
  if (i + 1 == s.size()) {
    switch (s[i]) {
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    case 'T': shift = 40; break;
    default: shift = -1;
    }
    ++i;
  }
  if (i == 0 || i != s.size() || shift < 0 || (shift && v > (std::numeric_limits<std::uint64_t>::max() >> shift))) {
    throw_usage(flag + ": '" + s + "' is not a number (optionally with K, M, G or T)");
  }
  return v << shift;
}

} // namespace acikit::tools
