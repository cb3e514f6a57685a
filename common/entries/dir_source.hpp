#pragma once
// DirSource: a directory tree as an entry stream (DESIGN.md "The entry stream").
//
// Walks with lstat (symlinks are never followed), then yields every entry below
// the root sorted by path in byte order: the order an ACI stores them in
// (spec/aci.md image archives; DESIGN.md reproducible builds). Owners are
// numeric, modes keep setuid/setgid/sticky, mtimes are seconds, symlink targets
// are stored as read, device nodes keep major/minor. Regular files sharing
// dev+ino become hardlinks to the first of their paths in sort order (other
// types sharing an inode are written as copies: an ACI hardlink names a file).
//
// Extended attributes are read with llistxattr/lgetxattr except those that
// describe the build host rather than the content: security.selinux (the host's
// SELinux label), system.posix_acl_* are kept (they are content); names in
// other namespaces than user., security., trusted. are skipped.
#include "entries/entry.hpp"

#include <filesystem>
#include <memory>
#include <vector>

namespace acikit::entries {

class DirSource : public EntrySource {
public:
  explicit DirSource(std::filesystem::path root);
  ~DirSource() override;

  bool next(Entry& entry) override;
  Content& content() override;

  // The root directory itself as an entry (path "."), for the "rootfs" entry.
  Entry root_entry() const;
  // The newest mtime among the entries below the root (0 when there are none).
  std::int64_t newest_mtime() const;

  // xattr names that are never copied.
  static bool host_only_xattr(const std::string& name);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace acikit::entries
