#include "ops/unpack.hpp"

#include "cli/run.hpp"
#include "deb/deb_file.hpp"
#include "deb/prefetch.hpp"
#include "entries/copy.hpp"
#include "entries/memory.hpp"
#include "entries/merged_usr.hpp"
#include "entries/tar_sink.hpp"
#include "hash/hash.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
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
    while (std::getline(in, line, options.null_paths ? '\0' : '\n')) {
      // NUL-separated paths may hold any other byte (find -print0): no trimming.
      if (options.null_paths) {
        if (!line.empty()) {
          out.push_back(line);
        }
        continue;
      }
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

// Counts what reaches the sink, per package (UnpackCounts).
class CountingSource : public entries::EntrySource {
public:
  CountingSource(entries::EntrySource& inner, UnpackCounts& counts) : m_inner(inner), m_counts(counts) {}
  bool next(entries::Entry& entry) override
  {
    if (!m_inner.next(entry)) {
      return false;
    }
    ++m_counts.entries;
    switch (entry.type) {
    case entries::Type::file:
      ++m_counts.files;
      m_counts.bytes += entry.size;
      break;
    case entries::Type::directory: ++m_counts.directories; break;
    case entries::Type::symlink: ++m_counts.symlinks; break;
    case entries::Type::hardlink: ++m_counts.hardlinks; break;
    case entries::Type::fifo: ++m_counts.fifos; break;
    case entries::Type::char_device:
    case entries::Type::block_device: ++m_counts.devices; break;
    }
    return true;
  }
  entries::Content& content() override { return m_inner.content(); }

private:
  entries::EntrySource& m_inner;
  UnpackCounts& m_counts;
};

// The last writer of every non-directory path, by (package index, entry ordinal),
// for writing each path once into a tar stream (--allow-overwrite).
struct LastWriters {
  using Key = std::pair<std::size_t, std::uint64_t>;
  std::unordered_map<std::string, Key> last;
  struct Link {
    std::size_t package;
    std::uint64_t ordinal;
    std::string path, target;
  };
  std::vector<Link> links;
  // (package, target) -> the kept hardlink that takes the content of a target a
  // later package overwrote: in a directory that link keeps the old inode.
  std::map<std::pair<std::size_t, std::string>, std::string> retarget;

  bool kept(const std::string& path, Key key) const
  {
    auto it = last.find(path);
    return it != last.end() && it->second == key;
  }
  void plan()
  {
    for (const auto& l : links) {
      auto t = last.find(l.target);
      if (kept(l.path, {l.package, l.ordinal}) && t != last.end() && t->second.first != l.package) {
        retarget.try_emplace({l.package, l.target}, l.path);
      }
    }
  }
};

class LastWriterRecorder : public entries::EntrySource {
public:
  LastWriterRecorder(entries::EntrySource& inner, LastWriters& last, std::size_t package)
    : m_inner(inner), m_last(last), m_package(package)
  {
  }
  bool next(entries::Entry& entry) override
  {
    if (!m_inner.next(entry)) {
      return false;
    }
    std::uint64_t ordinal = m_ordinal++;
    if (entry.type != entries::Type::directory) {
      m_last.last[entry.path] = {m_package, ordinal};
    }
    if (entry.type == entries::Type::hardlink) {
      m_last.links.push_back({m_package, ordinal, entry.path, entry.link_target});
    }
    return true;
  }
  entries::Content& content() override { return m_inner.content(); }

private:
  entries::EntrySource& m_inner;
  LastWriters& m_last;
  std::size_t m_package;
  std::uint64_t m_ordinal = 0;
};

// Drops the entries a later one overwrites (the same entries, in the same order, as
// LastWriterRecorder saw).
class LastWriterFilter : public entries::EntrySource {
public:
  LastWriterFilter(entries::EntrySource& inner, const LastWriters& last, std::size_t package)
    : m_inner(inner), m_last(last), m_package(package)
  {
  }
  bool next(entries::Entry& entry) override
  {
    while (m_inner.next(entry)) {
      std::uint64_t ordinal = m_ordinal++;
      if (entry.type == entries::Type::directory) {
        return true;
      }
      bool kept = m_last.kept(entry.path, {m_package, ordinal});
      if (entry.type == entries::Type::hardlink) {
        if (!kept) {
          continue;
        }
        auto r = m_last.retarget.find({m_package, entry.link_target});
        if (r != m_last.retarget.end()) {
          if (r->second == entry.path) {
            continue;  // it is written with the target's content
          }
          entry.link_target = r->second;
        }
        return true;
      }
      if (!kept) {
        auto r = m_last.retarget.find({m_package, entry.path});
        if (r == m_last.retarget.end()) {
          continue;
        }
        entry.path = r->second;
      }
      return true;
    }
    return false;
  }
  entries::Content& content() override { return m_inner.content(); }

private:
  entries::EntrySource& m_inner;
  const LastWriters& m_last;
  std::size_t m_package;
  std::uint64_t m_ordinal = 0;
};

// MD5 of the conffiles' content as the sink reads it (package paths, "etc/x").
class ConffileHasher : public entries::EntrySource, private entries::Content {
public:
  ConffileHasher(entries::EntrySource& inner, const std::vector<std::string>& conffiles,
                 std::map<std::string, std::string>& out)
    : m_inner(inner), m_out(out)
  {
    for (const auto& c : conffiles) {
      m_wanted.insert(c.substr(1));
    }
  }
  ~ConffileHasher() override { flush(); }
  ConffileHasher(const ConffileHasher&) = delete;
  ConffileHasher& operator=(const ConffileHasher&) = delete;
  bool next(entries::Entry& entry) override
  {
    flush();
    if (!m_inner.next(entry)) {
      return false;
    }
    if (entry.type == entries::Type::file && m_wanted.count(entry.path)) {
      m_current = entry.path;
    }
    return true;
  }
  entries::Content& content() override { return m_current.empty() ? m_inner.content() : *this; }

private:
  std::size_t read(void* buf, std::size_t n) override
  {
    std::size_t k = m_inner.content().read(buf, n);
    m_hasher.update(buf, k);
    return k;
  }
  void flush()
  {
    if (!m_current.empty()) {
      m_out[m_current] = m_hasher.hex_digest();
      m_current.clear();
    }
  }
  entries::EntrySource& m_inner;
  std::map<std::string, std::string>& m_out;
  std::set<std::string> m_wanted;
  std::string m_current;
  hash::Hasher m_hasher{hash::Algorithm::md5};
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

std::vector<std::string> conffile_paths(const DpkgPackage& package)
{
  std::vector<std::string> out;
  auto cf = package.control_files.find("conffiles");
  if (cf == package.control_files.end()) {
    return out;
  }
  for (auto line : util::split(cf->second, '\n')) {
    auto t = util::trim(line);
    if (t.empty() || t[0] != '/' || t.find_first_of(" \t") != std::string_view::npos) {
      continue;
    }
    out.emplace_back(t);
  }
  return out;
}

std::string conffiles_field(const DpkgPackage& package)
{
  // deb-conffiles(5): one absolute path a line; a line with a flag before the path
  // ("remove-on-upgrade /etc/x") names a file the package no longer ships. The
  // status file lists " PATH MD5" (dpkg(1) --verify compares against it); the MD5
  // comes from the package's md5sums, or "newconffile", dpkg's own marker for a
  // conffile it has unpacked but not yet hashed, when md5sums does not list it.
  if (!package.control_files.count("conffiles")) {
    return "";
  }
  std::map<std::string, std::string> sums;
  if (auto md5 = package.control_files.find("md5sums"); md5 != package.control_files.end()) {
    for (auto line : util::split(md5->second, '\n')) {
      auto t = util::trim(line);
      auto space = t.find(' ');
      if (space == std::string_view::npos || space != 32) {
        continue;
      }
      std::string path(util::trim(t.substr(space)));
      while (util::starts_with(path, "./") || util::starts_with(path, "/")) {
        path.erase(0, path[0] == '/' ? 1 : 2);
      }
      sums.emplace(path, std::string(t.substr(0, space)));
    }
  }
  std::string lines;
  for (const auto& path : conffile_paths(package)) {
    auto have = package.conffile_md5.find(path.substr(1));
    auto sum = sums.find(path.substr(1));
    lines += " " + path + " " +
             (have != package.conffile_md5.end() ? have->second
              : sum != sums.end()                ? sum->second
                                                 : std::string("newconffile")) +
             "\n";
  }
  return lines.empty() ? "" : "Conffiles:\n" + lines;
}

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
    std::string conffiles = conffiles_field(*p);
    bool in_skipped = false;  // a Status or Conffiles field of the control file itself
    for (auto line : util::split(control, '\n')) {
      if (line.empty()) {
        break;  // only the first paragraph
      }
      if (line[0] == ' ' || line[0] == '\t') {
        if (!in_skipped) {
          paragraph.append(line);
          paragraph.push_back('\n');
        }
        continue;
      }
      std::string lower = util::to_lower(line);
      in_skipped = util::starts_with(lower, "status:") || util::starts_with(lower, "conffiles:");
      if (in_skipped) {
        continue;
      }
      // dpkg puts Conffiles just before Description.
      if (!conffiles.empty() && util::starts_with(lower, "description:")) {
        paragraph += conffiles;
        conffiles.clear();
      }
      paragraph.append(line);
      paragraph.push_back('\n');
      if (!inserted && util::to_lower(line.substr(0, std::min<std::size_t>(line.size(), 8))) == "package:") {
        paragraph += "Status: install ok unpacked\n";
        inserted = true;
      }
    }
    paragraph += conffiles;
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
  // --tar with --allow-overwrite: a tar stream cannot take an entry back, so a first
  // pass over the entries finds each path's last writer and the second writes only
  // that one (the spools are kept between the passes: disk, not memory; the
  // metadata of the paths in memory, as the sinks keep it anyway).
  bool two_pass = tar_sink && options.overwrite == util::Overwrite::yes;
  std::unique_ptr<deb::DataPrefetcher> prefetcher;
  if (threads > 1) {
    deb::PrefetchOptions po;
    po.threads = threads;
    po.keep = two_pass;
    prefetcher = std::make_unique<deb::DataPrefetcher>(
        std::vector<std::filesystem::path>(paths.begin(), paths.end()), po);
  }
  LastWriters last;
  auto open_deb = [&](std::size_t index) {
    deb::DebReadOptions read_options;
    // What the prefetcher does not take decodes here, on one thread: the workers'
    // decoders use the memory meanwhile.
    read_options.xz_threads = prefetcher ? 1 : options.xz_threads;
    return std::make_unique<deb::DebFile>(paths[index], read_options,
                                          prefetcher ? prefetcher->open(index) : nullptr);
  };
  if (two_pass) {
    entries::ConflictChecker first_pass(options.overwrite);
    for (std::size_t index = 0; index < paths.size(); ++index) {
      auto deb = open_deb(index);
      entries::PathFilter filtered(deb->data(), options.path_filters);
      std::optional<entries::MergedUsrFilter> usr;
      entries::EntrySource* src = &filtered;
      if (options.merged_usr == MergedUsr::yes) {
        src = &usr.emplace(filtered, options.merged_usr_dirs);
      }
      entries::ConflictFilter checked(*src, first_pass);
      LastWriterRecorder recorder(checked, last, index);
      entries::Entry e;
      while (recorder.next(e)) {
      }
    }
    last.plan();
  }
  for (std::size_t index = 0; index < paths.size(); ++index) {
    auto deb_ptr = open_deb(index);
    deb::DebFile& deb = *deb_ptr;
    UnpackedPackage pkg;
    pkg.file = deb.name();
    pkg.package = deb.package();
    pkg.version = deb.field("Version").value_or("");
    pkg.architecture = deb.field("Architecture").value_or("");
    pkg.path = paths[index];
    std::error_code size_error;
    auto size = std::filesystem::file_size(paths[index], size_error);
    pkg.size = size_error ? 0 : size;
    if (options.json) {
      // A second read of the file (from the page cache, just read): the report
      // names exactly which bytes were unpacked.
      pkg.sha256 = hash::file_sha256_hex(paths[index]);
    }
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
    ConffileHasher hashed(recorder, conffile_paths(db), db.conffile_md5);
    std::optional<entries::MergedUsrFilter> usr;
    entries::EntrySource* src = &hashed;
    if (options.merged_usr == MergedUsr::yes) {
      src = &usr.emplace(hashed, options.merged_usr_dirs);
    }
    entries::ConflictFilter checked(*src, conflicts);
    if (two_pass) {
      LastWriterFilter only_last(checked, last, index);
      CountingSource counted(only_last, pkg.counts);
      entries::copy_entries(counted, sink);
    } else {
      CountingSource counted(checked, pkg.counts);
      entries::copy_entries(counted, sink);
    }
    pkg.excluded = filtered.excluded();
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
    report.database_files = db_files;
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

std::string report_json(const UnpackOptions& options, const UnpackReport& report)
{
  // Key style as aci-fetch's report: snake_case, sizes in bytes as integers, paths
  // as strings (JSON escapes a newline in a path).
  using Json = nlohmann::ordered_json;
  auto counts = [](Json& o, const UnpackCounts& c) {
    o["entries"] = c.entries;
    o["files"] = c.files;
    o["directories"] = c.directories;
    o["symlinks"] = c.symlinks;
    o["hardlinks"] = c.hardlinks;
    o["devices"] = c.devices;
    o["fifos"] = c.fifos;
    o["bytes"] = c.bytes;
  };
  Json j;
  j["rootfs"] = options.tar.empty() ? Json(options.rootfs.string()) : Json(nullptr);
  j["tar"] = options.tar.empty() ? Json(nullptr) : Json(options.tar);
  j["merged_usr"] = options.merged_usr == MergedUsr::yes;
  j["merged_usr_dirs"] = options.merged_usr == MergedUsr::yes ? options.merged_usr_dirs : std::vector<std::string>{};
  j["allow_overwrite"] = options.overwrite == util::Overwrite::yes;
  j["path_filters"] = Json::array();
  for (const auto& f : options.path_filters) {
    j["path_filters"].push_back(Json{{"action", f.include ? "include" : "exclude"}, {"pattern", f.pattern}});
  }
  j["packages"] = Json::array();
  UnpackCounts sum;
  for (const auto& p : report.packages) {
    Json o;
    o["name"] = p.package;
    o["version"] = p.version;
    o["architecture"] = p.architecture;
    o["path"] = p.path;
    o["filename"] = p.file;
    o["size"] = p.size;
    o["sha256"] = p.sha256;
    counts(o, p.counts);
    o["excluded"] = p.excluded;
    o["maintainer_scripts"] = p.maintainer_scripts;
    j["packages"].push_back(std::move(o));
    sum.bytes += p.counts.bytes;
  }
  // The totals are the sink's counts, as the text summary gives them: what the
  // packages put into it (a directory several packages hold counts for each), not
  // the merged-/usr links, the parents it made or the dpkg database.
  const auto& s = report.stats;
  Json totals;
  totals["packages"] = report.packages.size();
  counts(totals, {s.files + s.directories + s.symlinks + s.hardlinks + s.devices + s.fifos, s.files, s.directories,
                  s.symlinks, s.hardlinks, s.devices, s.fifos, sum.bytes});
  totals["excluded"] = report.excluded;
  totals["replaced"] = s.replaced;
  totals["skipped_devices"] = s.skipped_devices;
  j["totals"] = std::move(totals);
  // Every entry of the stream, as `tar -t` lists it.
  j["tar_entries"] = options.tar.empty() ? Json(nullptr) : Json(s.tar_entries);
  j["dpkg_database"] = options.dpkg_database ? Json{{"entries", report.database_files + 4},
                                                    {"files", report.database_files}}
                                             : Json(nullptr);
  j["overwritten"] = Json::array();
  for (const auto& o : report.overwritten) {
    j["overwritten"].push_back(Json{{"path", o.path}, {"earlier", o.earlier}, {"later", o.later}});
  }
  return j.dump(2) + "\n";
}

int unpack_main(const UnpackOptions& options)
{
  const bool json_stdout = options.json && options.json->string() == "-";
  if (json_stdout && options.tar == "-") {
    throw_usage("--json - and --tar - both want stdout (give --json FILE)");
  }
  auto report = unpack(options, std::cin);
  if (!options.quiet) {
    for (const auto& line : report_lines(options, report)) {
      cli::info("aci-unpack", line);
    }
  }
  if (json_stdout) {
    std::cout << report_json(options, report) << std::flush;
  } else if (options.json) {
    util::write_file_atomic(*options.json, report_json(options, report));
  }
  return 0;
}

} // namespace acikit::ops
