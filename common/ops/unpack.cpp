#include "ops/unpack.hpp"

#include "cli/run.hpp"
#include "deb/deb_file.hpp"
#include "deb/prefetch.hpp"
#include "entries/copy.hpp"
#include "entries/memory.hpp"
#include "entries/merged_usr.hpp"
#include "entries/tar_sink.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <iostream>
#include <thread>

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

// Records the package paths (before merged-/usr mapping, as dpkg lists them).
class PathRecorder : public entries::EntrySource {
public:
  PathRecorder(entries::EntrySource& inner, std::vector<std::string>& paths)
    : m_inner(inner), m_paths(paths)
  {
  }
  bool next(entries::Entry& entry) override
  {
    if (!m_inner.next(entry)) {
      return false;
    }
    m_paths.push_back(entry.path);
    return true;
  }
  entries::Content& content() override { return m_inner.content(); }

private:
  entries::EntrySource& m_inner;
  std::vector<std::string>& m_paths;
};

std::string strip_trailing_newlines(std::string s)
{
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

// Returns the number of files added (after 4 directories).
std::uint64_t add_database(entries::MemorySource& out, const std::vector<DpkgPackage>& packages,
                  std::int64_t mtime)
{
  auto dir = [&](const std::string& path) {
    entries::Entry e;
    e.path = path;
    e.type = entries::Type::directory;
    e.mode = 0755;
    e.mtime = mtime;
    e.origin = "dpkg database";
    out.add(e);
  };
  std::uint64_t files = 0;
  auto file = [&](const std::string& path, std::string data, std::uint32_t mode) {
    ++files;
    entries::Entry e;
    e.path = path;
    e.type = entries::Type::file;
    e.mode = mode;
    e.mtime = mtime;
    e.origin = "dpkg database";
    out.add(e, std::move(data));
  };
  dir("var");
  dir("var/lib");
  dir("var/lib/dpkg");
  dir("var/lib/dpkg/info");
  std::vector<const DpkgPackage*> sorted;
  for (const auto& p : packages) {
    sorted.push_back(&p);
  }
  file("var/lib/dpkg/status", dpkg_status(sorted), 0644);
  for (const auto& p : packages) {
    std::string base = "var/lib/dpkg/info/" + p.info_name + ".";
    file(base + "list", dpkg_list(p), 0644);
    for (const auto& [name, data] : p.control_files) {
      if (name == "control" || name.find('/') != std::string::npos) {
        continue;
      }
      bool script = name == "preinst" || name == "postinst" || name == "prerm" ||
                    name == "postrm" || name == "config";
      file(base + name, data, script ? 0755 : 0644);
    }
  }
  return files;
}

} // namespace

std::string dpkg_status(std::vector<const DpkgPackage*> packages)
{
  std::sort(packages.begin(), packages.end(),
            [](const DpkgPackage* a, const DpkgPackage* b) { return a->info_name < b->info_name; });
  std::string out;
  for (const auto* p : packages) {
    // dpkg writes Status right after Package (dpkg's status file, deb-control(5) fields).
    std::string control = strip_trailing_newlines(p->control);
    std::string paragraph;
    bool inserted = false;
    for (auto line : util::split(control, '\n')) {
      if (line.empty()) {
        break;  // only the first paragraph
      }
      if (util::to_lower(line.substr(0, std::min<std::size_t>(line.size(), 7))) == "status:") {
        continue;
      }
      paragraph.append(line);
      paragraph.push_back('\n');
      if (!inserted && util::to_lower(line.substr(0, std::min<std::size_t>(line.size(), 8))) == "package:") {
        paragraph += "Status: install ok unpacked\n";
        inserted = true;
      }
    }
    out += paragraph + "\n";
  }
  return out;
}

std::string dpkg_list(const DpkgPackage& package)
{
  std::string out = "/.\n";
  for (const auto& p : package.paths) {
    out += "/" + p + "\n";
  }
  return out;
}

UnpackReport unpack(const UnpackOptions& options, std::istream& paths_in, int tar_fd)
{
  auto paths = package_paths(options, paths_in);
  UnpackReport report;
  std::unique_ptr<entries::DirSink> dir_sink;
  std::unique_ptr<entries::TarSink> tar_sink;
  if (!options.tar.empty()) {
    if (options.tar != "-") {
      throw_usage("--tar takes '-' (stdout)");
    }
    entries::TarSinkOptions o;
    if (options.merged_usr == MergedUsr::yes) {
      o.merged_usr_links = options.merged_usr_dirs;
    }
    o.implicit_mtime = options.database_mtime;
    tar_sink = std::make_unique<entries::TarSink>(tar_fd, "stdout", o);
  } else {
    entries::DirSinkOptions o;
    if (options.merged_usr == MergedUsr::yes) {
      o.merged_usr_links = options.merged_usr_dirs;
    }
    o.implicit_mtime = options.database_mtime;
    dir_sink = std::make_unique<entries::DirSink>(options.rootfs, o);
  }
  entries::EntrySink& sink = dir_sink ? static_cast<entries::EntrySink&>(*dir_sink) : *tar_sink;
  entries::ConflictChecker conflicts(options.overwrite);
  std::vector<DpkgPackage> database;
  // Worker threads decode the data.tar.xz members ahead, block by block, into spool
  // files (deb/prefetch.hpp); entries still reach the sink in package order.
  unsigned threads = options.xz_threads ? options.xz_threads
                                        : std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
  std::unique_ptr<deb::DataPrefetcher> prefetcher;
  if (threads > 1) {
    deb::PrefetchOptions po;
    po.threads = threads;
    prefetcher = std::make_unique<deb::DataPrefetcher>(
        std::vector<std::filesystem::path>(paths.begin(), paths.end()), po);
  }
  for (std::size_t index = 0; index < paths.size(); ++index) {
    const auto& path = paths[index];
    deb::DebReadOptions read_options;
    // What the prefetcher does not take decodes here, on one thread: the workers'
    // decoders use the memory meanwhile.
    read_options.xz_threads = prefetcher ? 1 : options.xz_threads;
    deb::DebFile deb(path, read_options, prefetcher ? prefetcher->open(index) : nullptr);
    UnpackedPackage pkg;
    pkg.file = deb.name();
    pkg.package = deb.package();
    pkg.version = deb.field("Version").value_or("");
    pkg.maintainer_scripts = deb.maintainer_scripts();
    DpkgPackage& db = database.emplace_back();
    db.name = pkg.package;
    db.info_name = pkg.package;
    if (util::to_lower(deb.field("Multi-Arch").value_or("")) == "same") {
      db.info_name += ":" + deb.field("Architecture").value_or("");
    }
    db.control = deb.control();
    db.control_files = deb.control_files();
    entries::PathFilter filtered(deb.data(), options.path_filters);
    PathRecorder recorder(filtered, db.paths);
    if (options.merged_usr == MergedUsr::yes) {
      entries::MergedUsrFilter usr(recorder, options.merged_usr_dirs);
      entries::ConflictFilter checked(usr, conflicts);
      entries::copy_entries(checked, sink);
    } else {
      entries::ConflictFilter checked(recorder, conflicts);
      entries::copy_entries(checked, sink);
    }
    report.excluded += filtered.excluded();
    report.packages.push_back(std::move(pkg));
  }
  std::uint64_t db_files = 0;
  if (options.dpkg_database) {
    // Through the same sink: the same in-root safety (var could be a symlink).
    entries::MemorySource db;
    db_files = add_database(db, database, options.database_mtime);
    entries::copy_entries(db, sink);
  }
  sink.finish();
  report.stats = dir_sink ? dir_sink->stats() : tar_sink->stats();
  if (options.dpkg_database) {
    report.stats.files -= db_files;
    report.stats.directories -= 4;
  }
  report.overwritten = conflicts.overwritten();
  return report;
}

std::vector<std::string> report_lines(const UnpackOptions& options, const UnpackReport& report)
{
  const auto& s = report.stats;
  std::vector<std::string> lines;
  lines.push_back("unpacked " + std::to_string(report.packages.size()) + " package" +
                  (report.packages.size() == 1 ? "" : "s") + " into " +
                  (options.tar.empty() ? options.rootfs.string() : std::string("a tar stream on stdout")) + ": " + std::to_string(s.files) + " files, " +
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
  if (!options.path_filters.empty()) {
    lines.push_back("excluded by path filters: " + std::to_string(report.excluded) + " entries");
  }
  if (options.dpkg_database) {
    lines.push_back("dpkg database: var/lib/dpkg/status lists the packages as 'install ok unpacked'");
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
