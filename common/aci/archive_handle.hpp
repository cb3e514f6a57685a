#pragma once
// RAII over libarchive handles (internal to common/aci).
#include <archive.h>
#include <archive_entry.h>

#include <new>

namespace acikit::aci {

class WriteArchive {
public:
  WriteArchive() : m_a(archive_write_new())
  {
    if (!m_a) {
      throw std::bad_alloc();
    }
  }
  ~WriteArchive() { archive_write_free(m_a); }
  WriteArchive(const WriteArchive&) = delete;
  WriteArchive& operator=(const WriteArchive&) = delete;
  archive* get() const { return m_a; }

private:
  archive* m_a;
};

class ReadArchive {
public:
  ReadArchive() : m_a(archive_read_new())
  {
    if (!m_a) {
      throw std::bad_alloc();
    }
  }
  ~ReadArchive() { archive_read_free(m_a); }
  ReadArchive(const ReadArchive&) = delete;
  ReadArchive& operator=(const ReadArchive&) = delete;
  archive* get() const { return m_a; }

private:
  archive* m_a;
};

class EntryHandle {
public:
  EntryHandle() : m_e(archive_entry_new())
  {
    if (!m_e) {
      throw std::bad_alloc();
    }
  }
  ~EntryHandle() { archive_entry_free(m_e); }
  EntryHandle(const EntryHandle&) = delete;
  EntryHandle& operator=(const EntryHandle&) = delete;
  archive_entry* get() const { return m_e; }

private:
  archive_entry* m_e;
};

} // namespace acikit::aci
