#pragma once
// TarSink: the merged rootfs as a tar stream (aci-unpack --tar -), written with
// libarchive. Needs no root and keeps owners (numeric; empty uname/gname), modes,
// device nodes and xattrs exactly. Deterministic: pax restricted (plain ustar unless
// a long name, large number or xattr needs a pax record), no atime/ctime.
//
// The stream is what the directory sink would leave: the merged-/usr links first;
// a directory seen twice written once (its first entry, as in DirSink); hardlinks
// that come before their target held back until the target is written; member
// names relative ("usr/bin/x"); parent directories no entry supplied (DirSink's
// implicit 0755 parents, usr/NAME of merged /usr) at the end. A non-directory path
// put twice appears twice, the later last (tar extraction keeps the later); ops::unpack
// with --allow-overwrite puts each path once (a first pass finds the last writer),
// because aci-pack --rootfs-tar refuses duplicate paths.
#include "entries/dir_sink.hpp"
#include "entries/entry.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace acikit::entries {

struct TarSinkOptions {
  // As DirSinkOptions: NAME -> usr/NAME symlinks (and usr/NAME directories, at the
  // end, when no entry supplied them).
  std::vector<std::string> merged_usr_links;
  std::int64_t implicit_mtime = 0;
};

class TarSink : public EntrySink {
public:
  // Writes to the file descriptor fd (not closed); `name` for messages ("stdout").
  TarSink(int fd, std::string name, TarSinkOptions options = {});
  ~TarSink() override;
  TarSink(const TarSink&) = delete;
  TarSink& operator=(const TarSink&) = delete;

  void put(const Entry& entry, Content* content) override;
  // Writes waiting hardlinks (bad_input when a target never came), ends the archive.
  void finish() override;

  const DirSinkStats& stats() const { return m_stats; }

  struct Impl;

private:
  void start();
  // count: false for entries the sink makes up itself (links, implicit parents).
  void write(const Entry& entry, Content* content, bool count = true);
  void ensure_parents(const std::string& path);
  void written(const std::string& path);

  std::unique_ptr<Impl> m_impl;
  std::string m_name;
  TarSinkOptions m_options;
  bool m_started = false;
  DirSinkStats m_stats;
  std::set<std::string> m_dirs;      // directories written
  std::set<std::string> m_implicit;  // parents no entry has supplied (yet)
  std::set<std::string> m_written;
  std::multimap<std::string, Entry> m_deferred;
};

} // namespace acikit::entries
