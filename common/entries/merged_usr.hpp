#pragma once
// Merged /usr (bookworm and later): bin, sbin, lib* are symlinks into usr/, so a
// package path under them lands in usr/. MergedUsrFilter rewrites entry paths (and
// hardlink targets) to where they land, so that conflict detection compares the
// real locations (/bin/sh and /usr/bin/sh collide) and the result does not depend
// on package order. Symlink targets are left as stored: the kernel resolves them
// from the real location, exactly as on a merged system.
#include "entries/entry.hpp"

#include <string>
#include <vector>

namespace acikit::entries {

// The directories that are symlinks into usr/ in bookworm's default layout for an
// architecture (usrmerge / debootstrap's merged-usr): bin, sbin, lib and, on amd64,
// lib64 (i386: none extra; others may add lib32, libx32, lib64).
std::vector<std::string> merged_usr_dirs(const std::string& architecture = "amd64");

// "bin/sh" → "usr/bin/sh", "lib" → "usr/lib", "etc/x" unchanged.
std::string merged_usr_path(const std::string& path, const std::vector<std::string>& dirs);

class MergedUsrFilter : public EntrySource {
public:
  MergedUsrFilter(EntrySource& inner, std::vector<std::string> dirs)
    : m_inner(inner), m_dirs(std::move(dirs))
  {
  }
  // Drops a symlink NAME -> usr/NAME for a merged directory (it exists already)
  // and maps everything else.
  bool next(Entry& entry) override;
  Content& content() override { return m_inner.content(); }

private:
  EntrySource& m_inner;
  std::vector<std::string> m_dirs;
};

} // namespace acikit::entries
