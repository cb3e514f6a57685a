#include "entries/tar_source.hpp"

#include "entries/dir_source.hpp"
#include "libarchive/handles.hpp"
#include "util/error.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <linux/limits.h>
#include <linux/xattr.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace acikit::entries {

namespace {

// One temporary file without a name: it disappears with the process, whatever
// happens. Appends are buffered; reads are by offset.
class Spool {
public:
  explicit Spool(const std::filesystem::path& dir_option) : m_buf(k_buffer)
  {
    std::filesystem::path dir = dir_option;
    if (dir.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      dir = tmp && *tmp ? tmp : "/tmp";
    }
    m_fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (m_fd < 0) {
      // Filesystems without O_TMPFILE: a named file, unlinked at once.
      std::string templ = (dir / "aci-pack-spool.XXXXXX").string();
      m_fd = ::mkostemp(templ.data(), O_CLOEXEC);
      if (m_fd < 0) {
        throw_errno(dir.string(), "cannot create a spool file");
      }
      ::unlink(templ.c_str());
    }
    m_where = dir.string() + " (spool)";
  }
  ~Spool()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  std::uint64_t end() const { return m_flushed + m_len; }

  void append(const void* data, std::size_t n)
  {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      std::size_t k = std::min(n, m_buf.size() - m_len);
      std::memcpy(m_buf.data() + m_len, p, k);
      m_len += k;
      p += k;
      n -= k;
      if (m_len == m_buf.size()) {
        flush();
      }
    }
  }
  void append_zeros(std::uint64_t n)
  {
    static const char zeros[4096] = {};
    while (n > 0) {
      std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, sizeof zeros));
      append(zeros, k);
      n -= k;
    }
  }
  void flush()
  {
    std::size_t done = 0;
    while (done < m_len) {
      ssize_t w = ::pwrite(m_fd, m_buf.data() + done, m_len - done, static_cast<off_t>(m_flushed + done));
      if (w < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw_errno(m_where, "write");
      }
      done += static_cast<std::size_t>(w);
    }
    m_flushed += m_len;
    m_len = 0;
  }
  std::size_t read_at(void* buf, std::size_t n, std::uint64_t offset) const
  {
    for (;;) {
      ssize_t got = ::pread(m_fd, buf, n, static_cast<off_t>(offset));
      if (got >= 0) {
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        throw_errno(m_where, "read");
      }
    }
  }

private:
  static constexpr std::size_t k_buffer = 1 << 20;
  int m_fd = -1;
  std::string m_where;
  std::vector<char> m_buf;
  std::size_t m_len = 0;
  std::uint64_t m_flushed = 0;
};

class SpoolContent : public Content {
public:
  explicit SpoolContent(const Spool& spool) : m_spool(spool) {}
  void reset(std::uint64_t offset, std::uint64_t size)
  {
    m_offset = offset;
    m_left = size;
  }
  std::size_t read(void* buf, std::size_t n) override
  {
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_left));
    if (n == 0) {
      return 0;
    }
    std::size_t got = m_spool.read_at(buf, n, m_offset);
    m_offset += got;
    m_left -= got;
    return got;
  }

private:
  const Spool& m_spool;
  std::uint64_t m_offset = 0, m_left = 0;
};

struct Item {
  Entry entry;
  std::uint64_t offset = 0;  // in the spool, for files
};

std::string parent_of(const std::string& path)
{
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

} // namespace

struct TarSource::Impl {
  std::string name;
  Spool spool;
  SpoolContent content{spool};
  Entry root;
  std::vector<Item> items;
  std::unordered_map<std::string, std::size_t> index;  // path -> items
  std::vector<std::size_t> order;                     // items sorted by path
  std::size_t next = 0;
  std::int64_t newest = 0;

  Impl(std::string n, const TarSourceOptions& o) : name(std::move(n)), spool(o.spool_dir) {}

  std::string where(const std::string& entry) const { return name + ": " + entry; }

  void read_all(int fd);
  Entry convert(archive_entry* ae, const std::string& raw_name);
  void add(Item item, const std::string& raw_name);
  void add_parents();
  void resolve_hardlinks();
};

Entry TarSource::Impl::convert(archive_entry* ae, const std::string& raw_name)
{
  const std::string w = where(raw_name);
  Entry e;
  e.origin = name;
  e.path = normalise_path(raw_name, w, Absolute::strip);
  if (raw_name.size() >= PATH_MAX) {
    throw_bad_input(w, "name longer than " + std::to_string(PATH_MAX - 1) + " bytes");
  }
  auto id = [&](la_int64_t v, const char* what) {
    if (v < 0 || v > 0xffffffffLL) {
      throw_bad_input(w, std::string(what) + " " + std::to_string(v) + " out of range");
    }
    return static_cast<std::uint32_t>(v);
  };
  e.uid = id(archive_entry_uid(ae), "uid");
  e.gid = id(archive_entry_gid(ae), "gid");
  e.mode = static_cast<std::uint32_t>(archive_entry_perm(ae)) & 07777;
  e.mtime = archive_entry_mtime_is_set(ae) ? static_cast<std::int64_t>(archive_entry_mtime(ae)) : 0;
  if (const char* hl = archive_entry_hardlink(ae)) {
    e.type = Type::hardlink;
    if (std::strlen(hl) >= PATH_MAX) {
      throw_bad_input(w, "hardlink target longer than " + std::to_string(PATH_MAX - 1) + " bytes");
    }
    e.link_target = normalise_path(hl, w, Absolute::strip);
    if (e.link_target.empty()) {
      throw_bad_input(w, "hardlink to the root directory");
    }
  } else {
    switch (archive_entry_filetype(ae)) {
    case AE_IFREG:
      e.type = Type::file;
      if (archive_entry_size(ae) < 0) {
        throw_bad_input(w, "negative size");
      }
      e.size = static_cast<std::uint64_t>(archive_entry_size(ae));
      break;
    case AE_IFDIR: e.type = Type::directory; break;
    case AE_IFLNK: {
      e.type = Type::symlink;
      const char* target = archive_entry_symlink(ae);
      e.link_target = target ? target : "";
      if (e.link_target.empty()) {
        throw_bad_input(w, "symlink with an empty target");
      }
      if (e.link_target.size() >= PATH_MAX) {
        throw_bad_input(w, "symlink target longer than " + std::to_string(PATH_MAX - 1) + " bytes");
      }
      break;
    }
    case AE_IFCHR:
    case AE_IFBLK:
      e.type = archive_entry_filetype(ae) == AE_IFCHR ? Type::char_device : Type::block_device;
      e.dev_major = static_cast<std::uint32_t>(archive_entry_rdevmajor(ae));
      e.dev_minor = static_cast<std::uint32_t>(archive_entry_rdevminor(ae));
      break;
    case AE_IFIFO: e.type = Type::fifo; break;
    default: throw_bad_input(w, "unsupported entry type (socket?)");
    }
  }
  archive_entry_xattr_reset(ae);
  const char* xname = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(ae, &xname, &value, &size) == ARCHIVE_OK) {
    if (!xname || !*xname || DirSource::host_only_xattr(xname)) {
      continue;
    }
    if (size > XATTR_SIZE_MAX) {
      throw_bad_input(w, std::string("xattr ") + xname + " longer than " + std::to_string(XATTR_SIZE_MAX) + " bytes");
    }
    e.xattrs.emplace_back(xname, std::string(static_cast<const char*>(value), size));
  }
  std::sort(e.xattrs.begin(), e.xattrs.end());
  for (std::size_t i = 1; i < e.xattrs.size(); ++i) {
    if (e.xattrs[i].first == e.xattrs[i - 1].first) {
      throw_bad_input(w, "xattr " + e.xattrs[i].first + " given twice");
    }
  }
  return e;
}

void TarSource::Impl::add(Item item, const std::string& raw_name)
{
  Entry& e = item.entry;
  auto [it, inserted] = index.emplace(e.path, items.size());
  if (!inserted) {
    Item& old = items[it->second];
    if (old.entry.type == Type::directory && e.type == Type::directory) {
      // Extraction leaves the later entry's metadata on the directory.
      old.entry = std::move(e);
      return;
    }
    throw_bad_input(where(raw_name), "'" + e.path + "' appears twice in the stream");
  }
  items.push_back(std::move(item));
}

void TarSource::Impl::read_all(int fd)
{
  libarchive::ReadArchive holder(archive_read_new());
  archive* a = holder.get();
  if (!a) {
    throw std::bad_alloc();
  }
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  if (archive_read_open_fd(a, fd, 1 << 20) != ARCHIVE_OK) {
    throw_bad_input(name, archive_error_string(a) ? archive_error_string(a) : "cannot read the tar stream");
  }
  archive_entry* ae = nullptr;
  std::string last = "the start";
  for (;;) {
    int rc = archive_read_next_header(a, &ae);
    if (rc == ARCHIVE_EOF) {
      break;
    }
    if (rc < ARCHIVE_WARN) {
      throw_bad_input(name + " (after " + last + ")",
                      archive_error_string(a) ? archive_error_string(a) : "corrupt tar stream");
    }
    const char* pn = archive_entry_pathname(ae);
    std::string raw = pn ? pn : "";
    last = "'" + raw + "'";
    Item item;
    item.entry = convert(ae, raw);
    if (item.entry.path.empty()) {
      if (item.entry.type != Type::directory) {
        throw_bad_input(where(raw), "the root is not a directory");
      }
      root = std::move(item.entry);
      root.path = ".";
      continue;
    }
    if (item.entry.type == Type::file) {
      item.offset = spool.end();
      std::uint64_t written = 0;
      for (;;) {
        const void* buf = nullptr;
        size_t n = 0;
        la_int64_t off = 0;
        int r = archive_read_data_block(a, &buf, &n, &off);
        if (r == ARCHIVE_EOF) {
          break;
        }
        if (r < ARCHIVE_WARN) {
          throw_bad_input(where(raw), archive_error_string(a) ? archive_error_string(a) : "corrupt data");
        }
        auto at = static_cast<std::uint64_t>(off);
        if (at < written || at + n > item.entry.size) {
          throw_bad_input(where(raw), "data outside the entry's size");
        }
        spool.append_zeros(at - written);  // a sparse hole
        spool.append(buf, n);
        written = at + n;
      }
      spool.append_zeros(item.entry.size - written);
    }
    add(std::move(item), raw);
  }
  spool.flush();
}

void TarSource::Impl::add_parents()
{
  std::vector<std::string> missing;
  for (const auto& item : items) {
    for (std::string p = parent_of(item.entry.path); !p.empty(); p = parent_of(p)) {
      auto it = index.find(p);
      if (it != index.end()) {
        const Entry& parent = items[it->second].entry;
        if (parent.type != Type::directory) {
          throw_bad_input(where(item.entry.path), "parent '" + p + "' is not a directory");
        }
        break;
      }
      index.emplace(p, items.size() + missing.size());
      missing.push_back(p);
    }
  }
  for (auto& p : missing) {
    Item item;
    item.entry.path = std::move(p);
    item.entry.type = Type::directory;
    item.entry.mode = 0755;
    item.entry.origin = name;
    items.push_back(std::move(item));
  }
}

void TarSource::Impl::resolve_hardlinks()
{
  // Each hardlink to the regular file it finally names.
  std::unordered_map<std::size_t, std::vector<std::size_t>> groups;  // file -> links
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].entry.type != Type::hardlink) {
      continue;
    }
    std::size_t t = i;
    for (std::size_t hops = 0; items[t].entry.type == Type::hardlink; ++hops) {
      auto it = index.find(items[t].entry.link_target);
      if (it == index.end() || hops > items.size()) {
        throw_bad_input(where(items[i].entry.path),
                        "hardlink to '" + items[i].entry.link_target + "', which is not in the stream");
      }
      t = it->second;
    }
    Entry& link = items[i].entry;
    const Entry& target = items[t].entry;
    if (target.type == Type::directory) {
      throw_bad_input(where(link.path), "hardlink to the directory '" + target.path + "'");
    }
    if (target.type != Type::file) {
      // One inode, no data: a copy is the same tree.
      std::string path = link.path;
      link = target;
      link.path = std::move(path);
      continue;
    }
    groups[t].push_back(i);
  }
  for (auto& [file, links] : groups) {
    std::size_t first = file;
    for (std::size_t l : links) {
      if (items[l].entry.path < items[first].entry.path) {
        first = l;
      }
    }
    if (first != file) {
      // The first path in sort order holds the data (as DirSource does).
      std::string path = items[first].entry.path;
      items[first] = items[file];
      items[first].entry.path = std::move(path);
      links.push_back(file);
    }
    const Entry& data = items[first].entry;
    for (std::size_t l : links) {
      if (l == first) {
        continue;
      }
      std::string path = items[l].entry.path;
      Entry& e = items[l].entry;
      e = data;
      e.path = std::move(path);
      e.type = Type::hardlink;
      e.link_target = data.path;
      e.size = 0;
    }
  }
}

TarSource::TarSource(int fd, std::string name, TarSourceOptions options)
  : m_impl(std::make_unique<Impl>(std::move(name), options))
{
  auto& impl = *m_impl;
  impl.root.path = ".";
  impl.root.type = Type::directory;
  impl.root.mode = 0755;
  impl.root.origin = impl.name;
  impl.read_all(fd);
  impl.add_parents();
  impl.resolve_hardlinks();
  impl.order.resize(impl.items.size());
  for (std::size_t i = 0; i < impl.order.size(); ++i) {
    impl.order[i] = i;
  }
  std::sort(impl.order.begin(), impl.order.end(),
            [&](std::size_t x, std::size_t y) { return impl.items[x].entry.path < impl.items[y].entry.path; });
  impl.index.clear();
  for (const auto& item : impl.items) {
    impl.newest = std::max(impl.newest, item.entry.mtime);
  }
}

TarSource::~TarSource() = default;

bool TarSource::next(Entry& entry)
{
  auto& impl = *m_impl;
  impl.content.reset(0, 0);
  if (impl.next >= impl.order.size()) {
    return false;
  }
  Item& item = impl.items[impl.order[impl.next++]];
  entry = std::move(item.entry);
  if (entry.type == Type::file) {
    impl.content.reset(item.offset, entry.size);
  }
  return true;
}

Content& TarSource::content() { return m_impl->content; }

Entry TarSource::root_entry() const { return m_impl->root; }

std::int64_t TarSource::newest_mtime() const { return m_impl->newest; }

std::size_t TarSource::size() const { return m_impl->items.size(); }

std::uint64_t TarSource::spooled_bytes() const { return m_impl->spool.end(); }

} // namespace acikit::entries
