#include "ops/unpack.hpp"

#include "cli/run.hpp"
#include "deb/deb_file.hpp"
#include "entries/copy.hpp"
#include "entries/merged_usr.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <iostream>

namespace acikit::ops {

namespace {

std::vector<std::string> package_paths(const UnpackOptions& options, std::istream& in)
{
  std::vector<std::string> out;
  bool from_stdin = options.debs.empty();
  for (const auto& d : options.debs) {
    if (d == "-") {
      from_stdin = true;
    } else {
      out.push_back(d);
    }
  }
  if (from_stdin) {
    std::string line;
    while (std::getline(in, line)) {
      auto t = util::trim(line);
      if (!t.empty()) {
        out.emplace_back(t);
      }
    }
    if (in.bad()) {
      throw_environment("stdin", "read failed");
    }
  }
  if (out.empty()) {
    throw_usage("no packages given (arguments or paths on stdin)");
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep)
{
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) {
      out += sep;
    }
    out += s;
  }
  return out;
}

} // namespace

UnpackReport unpack(const UnpackOptions& options, std::istream& paths_in)
{
  auto paths = package_paths(options, paths_in);
  UnpackReport report;
  entries::DirSinkOptions sink_options;
  if (options.merged_usr == MergedUsr::yes) {
    sink_options.merged_usr_links = options.merged_usr_dirs;
  }
  entries::DirSink sink(options.rootfs, sink_options);
  entries::ConflictChecker conflicts(options.overwrite);
  for (const auto& path : paths) {
    deb::DebFile deb(path);
    UnpackedPackage pkg;
    pkg.file = deb.name();
    pkg.package = deb.package();
    pkg.version = deb.field("Version").value_or("");
    pkg.maintainer_scripts = deb.maintainer_scripts();
    if (options.merged_usr == MergedUsr::yes) {
      entries::MergedUsrFilter usr(deb.data(), options.merged_usr_dirs);
      entries::ConflictFilter checked(usr, conflicts);
      entries::copy_entries(checked, sink);
    } else {
      entries::ConflictFilter checked(deb.data(), conflicts);
      entries::copy_entries(checked, sink);
    }
    report.packages.push_back(std::move(pkg));
  }
  sink.finish();
  report.stats = sink.stats();
  report.overwritten = conflicts.overwritten();
  return report;
}

std::vector<std::string> report_lines(const UnpackOptions& options, const UnpackReport& report)
{
  const auto& s = report.stats;
  std::vector<std::string> lines;
  lines.push_back("unpacked " + std::to_string(report.packages.size()) + " package" +
                  (report.packages.size() == 1 ? "" : "s") + " into " +
                  options.rootfs.string() + ": " + std::to_string(s.files) + " files, " +
                  std::to_string(s.directories) + " directories, " +
                  std::to_string(s.symlinks) + " symlinks, " + std::to_string(s.hardlinks) +
                  " hardlinks, " + std::to_string(s.devices) + " device nodes, " +
                  std::to_string(s.fifos) + " FIFOs");
  std::vector<std::string> scripts;
  for (const auto& p : report.packages) {
    if (!p.maintainer_scripts.empty()) {
      scripts.push_back(p.package + " (" + join(p.maintainer_scripts, ", ") + ")");
    }
  }
  lines.push_back("maintainer scripts not run: " + (scripts.empty() ? "none" : join(scripts, ", ")));
  for (const auto& o : report.overwritten) {
    lines.push_back("overwritten: " + o.path + " from " + o.earlier + " by " + o.later);
  }
  if (s.skipped_devices > 0) {
    lines.push_back("device nodes not created (not root): " + std::to_string(s.skipped_devices));
  }
  return lines;
}

int unpack_main(const UnpackOptions& options)
{
  auto report = unpack(options, std::cin);
  if (!options.quiet) {
    for (const auto& line : report_lines(options, report)) {
      cli::info("aci-unpack", line);
    }
  }
  return 0;
}

} // namespace acikit::ops
