#include "entries/conflicts.hpp"

#include "util/error.hpp"

namespace acikit::entries {

void ConflictChecker::check(const Entry& entry)
{
  auto [it, inserted] = m_seen.try_emplace(entry.path, Seen{entry.type, entry.origin});
  if (inserted) {
    return;
  }
  Seen& seen = it->second;
  bool conflict = false;
  if (seen.origin != entry.origin) {
    if (entry.type == Type::directory) {
      // A directory over a directory, or over a symlink (followed, as dpkg does).
      conflict = seen.type != Type::directory && seen.type != Type::symlink;
    } else {
      conflict = true;
    }
  }
  if (conflict) {
    std::string where = entry.origin + ": " + entry.path;
    if (m_overwrite == util::Overwrite::no || entry.type == Type::directory ||
        seen.type == Type::directory) {
      throw_bad_input(where, "conflicts with the same path in " + seen.origin);
    }
    m_overwritten.push_back(Overwritten{entry.path, seen.origin, entry.origin});
  }
  // A directory keeps its first owner; a directory over a symlink keeps the symlink.
  if (entry.type != Type::directory || (seen.type != Type::symlink && seen.type != Type::directory)) {
    seen = Seen{entry.type, entry.origin};
  }
}

} // namespace acikit::entries
