#pragma once
// DirSink: writes an entry stream into a rootfs directory with chroot semantics.
//
// Nothing is ever created, changed or followed outside the rootfs: not through '..',
// absolute names, or symlinks (already in the rootfs or written earlier from the
// stream) pointing outside; absolute symlink targets resolve relative to the rootfs.
// Every parent directory is opened with openat2(RESOLVE_IN_ROOT) on a descriptor of
// the rootfs, and the final component is created with *at() calls relative to it,
// never following a symlink there. A directory entry over an existing symlink to a
// directory (merged /usr: lib -> usr/lib) follows the symlink and never replaces it.
// A directory seen twice keeps the metadata of its first entry, as dpkg leaves an
// existing directory alone (and as TarSink, which cannot take an entry back, does).
//
// Maintainer scripts are not run, so file capabilities and other state they set up
// are absent (.deb data carries no xattrs).
#include "entries/entry.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace acikit::entries {

// automatic: keep owners when running as root (euid 0), otherwise leave them to the
// writing user. keep: always (fails when not permitted). ignore: never.
enum class Owners { automatic, keep, ignore };

struct DirSinkOptions {
  Owners owners = Owners::automatic;
  // Before the first entry, create NAME -> usr/NAME (and the usr/NAME directory) for
  // each NAME that does not exist yet: the merged-/usr layout (see merged_usr.hpp).
  std::vector<std::string> merged_usr_links;
  // mtime for directories and links the sink creates itself (implicit parents,
  // merged-/usr links), so the tree is reproducible.
  std::int64_t implicit_mtime = 0;
};

struct DirSinkStats {
  std::uint64_t files = 0, directories = 0, symlinks = 0, hardlinks = 0, devices = 0,
                fifos = 0;
  // Device nodes not created because the process may not mknod (not root).
  std::uint64_t skipped_devices = 0;
  // Existing non-directories replaced by a later entry.
  std::uint64_t replaced = 0;
  // TarSink: every entry written to the stream (merged-/usr links and the parents
  // it made included; a directory once), as `tar -t` lists them.
  std::uint64_t tar_entries = 0;
};

class DirSink : public EntrySink {
public:
  // Creates ROOTFS (and its parents) when missing.
  explicit DirSink(const std::filesystem::path& rootfs, DirSinkOptions options = {});
  ~DirSink() override;
  DirSink(const DirSink&) = delete;
  DirSink& operator=(const DirSink&) = delete;

  void put(const Entry& entry, Content* content) override;
  // Creates hardlinks still waiting for their target, then fixes directory metadata
  // deepest first. Throws bad_input for a hardlink whose target never appeared.
  void finish() override;

  const DirSinkStats& stats() const { return m_stats; }

private:
  struct DirMeta {
    std::uint32_t mode, uid, gid;
    std::int64_t mtime;
    bool implicit;  // created by the sink; an entry for it replaces the metadata
  };

  void start();
  int open_parent(const std::string& parent, const std::string& where);
  void remove_existing(int parent_fd, const std::string& name, const std::string& where);
  void set_metadata(int parent_fd, const std::string& name, const Entry& entry,
                    const std::string& where);
  void put_directory(const Entry& entry, const std::string& where);
  void put_file(const Entry& entry, Content* content, const std::string& where);
  void put_node(const Entry& entry, const std::string& where);
  bool try_hardlink(const Entry& entry, const std::string& where, bool last_chance);
  void written(const std::string& path);

  std::filesystem::path m_rootfs;
  DirSinkOptions m_options;
  bool m_owners = false;
  bool m_can_mknod = false;
  bool m_started = false;
  int m_root = -1;
  DirSinkStats m_stats;
  std::map<std::string, DirMeta> m_dirs;
  // Non-directories written by this sink, for hardlinks that name them.
  std::set<std::string> m_written;
  // Hardlinks that came before their target, by target path.
  std::multimap<std::string, Entry> m_deferred;
};

} // namespace acikit::entries
