#pragma once
// Conflict detection across packages (DESIGN.md, filters): a directory seen twice is
// fine; the same non-directory path from two packages is a conflict naming both,
// unless overwriting is allowed (then the later wins and it is recorded). Paths are
// compared as given: put MergedUsrFilter underneath so that merged-/usr aliases
// collide.
#include "entries/entry.hpp"
#include "util/atomic_file.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace acikit::entries {

struct Overwritten {
  std::string path, earlier, later;  // earlier/later: the origins
};

// State shared by the filters of all packages of one run.
class ConflictChecker {
public:
  explicit ConflictChecker(util::Overwrite overwrite) : m_overwrite(overwrite) {}
  // Throws bad_input "LATER: PATH: conflicts with EARLIER" for a conflict.
  void check(const Entry& entry);
  const std::vector<Overwritten>& overwritten() const { return m_overwritten; }

private:
  struct Seen {
    Type type;
    std::string origin;
  };
  util::Overwrite m_overwrite;
  std::unordered_map<std::string, Seen> m_seen;
  std::vector<Overwritten> m_overwritten;
};

class ConflictFilter : public EntrySource {
public:
  ConflictFilter(EntrySource& inner, ConflictChecker& checker) : m_inner(inner), m_checker(checker) {}
  bool next(Entry& entry) override
  {
    if (!m_inner.next(entry)) {
      return false;
    }
    m_checker.check(entry);
    return true;
  }
  Content& content() override { return m_inner.content(); }

private:
  EntrySource& m_inner;
  ConflictChecker& m_checker;
};

} // namespace acikit::entries
