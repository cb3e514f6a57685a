#include "entries/tar_sink.hpp"

#include "libarchive/handles.hpp"
#include "util/error.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <sys/stat.h>
#include <vector>

namespace acikit::entries {

namespace {

std::string parent_of(const std::string& path)
{
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

} // namespace

struct TarSink::Impl {
  libarchive::WriteArchive a;
  std::vector<char> buf = std::vector<char>(256 * 1024);
};

TarSink::TarSink(int fd, std::string name, TarSinkOptions options)
  : m_impl(std::make_unique<Impl>()), m_name(std::move(name)), m_options(std::move(options))
{
  m_impl->a.reset(archive_write_new());
  archive* a = m_impl->a.get();
  if (!a || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
      archive_write_add_filter_none(a) != ARCHIVE_OK ||
      archive_write_open_fd(a, fd) != ARCHIVE_OK) {
    throw_environment(m_name, a ? archive_error_string(a) : "out of memory");
  }
}

TarSink::~TarSink() = default;

void TarSink::start()
{
  m_started = true;
  for (const auto& name : m_options.merged_usr_links) {
    Entry e;
    e.path = name;
    e.type = Type::symlink;
    e.mode = 0777;
    e.link_target = "usr/" + name;
    e.mtime = m_options.implicit_mtime;
    e.origin = "merged /usr";
    write(e, nullptr, false);
    m_written.insert(e.path);
  }
}

void TarSink::write(const Entry& entry, Content* content, bool count)
{
  archive* a = m_impl->a.get();
  std::string where = entry.origin.empty() ? entry.path : entry.origin + ": " + entry.path;
  libarchive::ArchiveEntry ae(archive_entry_new());
  archive_entry_set_pathname(ae.get(), entry.path.c_str());
  archive_entry_set_uid(ae.get(), entry.uid);
  archive_entry_set_gid(ae.get(), entry.gid);
  archive_entry_set_mtime(ae.get(), entry.mtime, 0);
  mode_t type = AE_IFREG;
  switch (entry.type) {
  case Type::file:
    archive_entry_set_size(ae.get(), static_cast<la_int64_t>(entry.size));
    break;
  case Type::directory:
    type = AE_IFDIR;
    break;
  case Type::symlink:
    type = AE_IFLNK;
    archive_entry_set_symlink(ae.get(), entry.link_target.c_str());
    break;
  case Type::hardlink:
    archive_entry_set_hardlink(ae.get(), entry.link_target.c_str());
    archive_entry_set_size(ae.get(), 0);
    break;
  case Type::char_device:
  case Type::block_device:
    type = entry.type == Type::char_device ? AE_IFCHR : AE_IFBLK;
    archive_entry_set_rdevmajor(ae.get(), entry.dev_major);
    archive_entry_set_rdevminor(ae.get(), entry.dev_minor);
    break;
  case Type::fifo:
    type = AE_IFIFO;
    break;
  }
  archive_entry_set_filetype(ae.get(), type);
  archive_entry_set_perm(ae.get(), entry.type == Type::symlink ? 0777 : entry.mode & 07777);
  for (const auto& [name, value] : entry.xattrs) {
    archive_entry_xattr_add_entry(ae.get(), name.c_str(), value.data(), value.size());
  }
  if (archive_write_header(a, ae.get()) < ARCHIVE_WARN) {
    throw_environment(m_name + ": " + entry.path, archive_error_string(a));
  }
  if (entry.type == Type::file) {
    std::uint64_t total = 0;
    if (content) {
      for (;;) {
        std::size_t n = content->read(m_impl->buf.data(), m_impl->buf.size());
        if (n == 0) {
          break;
        }
        total += n;
        if (total > entry.size) {
          break;
        }
        if (archive_write_data(a, m_impl->buf.data(), n) < 0) {
          throw_environment(m_name, archive_error_string(a));
        }
      }
    }
    if (total != entry.size) {
      throw_bad_input(where, "content is " + std::to_string(total) + " bytes, expected " +
                                 std::to_string(entry.size));
    }
  }
  if (archive_write_finish_entry(a) < ARCHIVE_WARN) {
    throw_environment(m_name, archive_error_string(a));
  }
  ++m_stats.tar_entries;
  if (!count) {
    return;
  }
  switch (entry.type) {
  case Type::file: ++m_stats.files; break;
  case Type::directory: ++m_stats.directories; break;
  case Type::symlink: ++m_stats.symlinks; break;
  case Type::hardlink: ++m_stats.hardlinks; break;
  case Type::fifo: ++m_stats.fifos; break;
  default: ++m_stats.devices; break;
  }
}

void TarSink::ensure_parents(const std::string& path)
{
  // Parents a stream left out, as DirSink creates them (0755, root, implicit mtime);
  // written at the end unless an entry for them comes (tar readers create missing
  // parents, and a later entry must still be able to give the real metadata).
  for (std::string parent = parent_of(path); !parent.empty(); parent = parent_of(parent)) {
    if (m_dirs.count(parent) || m_written.count(parent) || !m_implicit.insert(parent).second) {
      return;
    }
  }
}

void TarSink::put(const Entry& entry, Content* content)
{
  if (!m_started) {
    start();
  }
  if (entry.type == Type::directory) {
    if (m_dirs.insert(entry.path).second && !m_written.count(entry.path)) {
      ensure_parents(entry.path);
      write(entry, nullptr);
    } else {
      ++m_stats.directories;
    }
    return;
  }
  if (entry.type == Type::hardlink && !m_written.count(entry.link_target)) {
    m_deferred.emplace(entry.link_target, entry);
    return;
  }
  if (m_written.count(entry.path)) {
    ++m_stats.replaced;
  }
  ensure_parents(entry.path);
  write(entry, content);
  written(entry.path);
}

void TarSink::written(const std::string& path)
{
  m_written.insert(path);
  auto range = m_deferred.equal_range(path);
  std::vector<Entry> ready;
  for (auto it = range.first; it != range.second; ++it) {
    ready.push_back(it->second);
  }
  m_deferred.erase(range.first, range.second);
  for (const auto& e : ready) {
    ensure_parents(e.path);
    write(e, nullptr);
    written(e.path);
  }
}

void TarSink::finish()
{
  if (!m_started) {
    start();
  }
  if (!m_deferred.empty()) {
    const Entry& e = m_deferred.begin()->second;
    throw_bad_input(e.origin.empty() ? e.path : e.origin + ": " + e.path,
                    "hardlink target '" + e.link_target + "' not found");
  }
  for (const auto& name : m_options.merged_usr_links) {
    m_implicit.insert("usr");
    m_implicit.insert("usr/" + name);
  }
  // std::set order puts a parent before its children.
  for (const auto& path : m_implicit) {
    if (m_dirs.count(path) || m_written.count(path)) {
      continue;
    }
    Entry e;
    e.path = path;
    e.type = Type::directory;
    e.mode = 0755;
    e.mtime = m_options.implicit_mtime;
    write(e, nullptr, false);
    m_dirs.insert(path);
  }
  archive* a = m_impl->a.get();
  if (archive_write_close(a) != ARCHIVE_OK) {
    throw_environment(m_name, archive_error_string(a));
  }
}

} // namespace acikit::entries
