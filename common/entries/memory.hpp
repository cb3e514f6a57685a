#pragma once
// In-memory content and sources: synthetic entries (the dpkg database written by
// aci-unpack) and fakes in tests.
#include "entries/entry.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace acikit::entries {

class StringContent : public Content {
public:
  explicit StringContent(std::string data = {}) : m_data(std::move(data)) {}
  void reset(std::string data)
  {
    m_data = std::move(data);
    m_pos = 0;
  }
  std::size_t read(void* buf, std::size_t n) override
  {
    n = std::min(n, m_data.size() - m_pos);
    std::memcpy(buf, m_data.data() + m_pos, n);
    m_pos += n;
    return n;
  }

private:
  std::string m_data;
  std::size_t m_pos = 0;
};

// Entries with their file contents (entry.size is set from the content).
class MemorySource : public EntrySource {
public:
  void add(Entry entry, std::string data = {})
  {
    entry.size = entry.type == Type::file ? data.size() : 0;
    m_items.emplace_back(std::move(entry), std::move(data));
  }
  bool next(Entry& entry) override
  {
    if (m_next == m_items.size()) {
      return false;
    }
    entry = m_items[m_next].first;
    m_content.reset(m_items[m_next].second);
    ++m_next;
    return true;
  }
  Content& content() override { return m_content; }

private:
  std::vector<std::pair<Entry, std::string>> m_items;
  std::size_t m_next = 0;
  StringContent m_content;
};

} // namespace acikit::entries
