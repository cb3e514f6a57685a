#pragma once
#include "entries/entry.hpp"

namespace acikit::entries {

// Every entry of source into sink (content for regular files); does not call
// sink.finish(), so that several sources can feed one sink. Returns the count.
inline std::uint64_t copy_entries(EntrySource& source, EntrySink& sink)
{
  std::uint64_t n = 0;
  Entry entry;
  while (source.next(entry)) {
    sink.put(entry, entry.type == Type::file ? &source.content() : nullptr);
    ++n;
  }
  return n;
}

} // namespace acikit::entries
