#include "deb/deb_file.hpp"

#include "libarchive/handles.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <lzma.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

namespace acikit::deb {

namespace {

constexpr std::size_t k_buffer_size = 256 * 1024;
// control.tar is metadata; a bound keeps a hostile package from filling memory.
constexpr std::size_t k_control_limit = 64 * 1024 * 1024;
constexpr std::array<const char*, 5> k_maintainer_scripts = {"preinst", "postinst", "prerm",
                                                             "postrm", "config"};

// The compression suffix of a member ("data.tar.xz" → ".xz"), given its "base.tar".
std::string suffix_of(const std::string& member, const std::string& base)
{
  return member.substr(base.size());
}

bool is_control_suffix(const std::string& s)
{
  return s.empty() || s == ".gz" || s == ".xz" || s == ".zst";
}

bool is_data_suffix(const std::string& s)
{
  return is_control_suffix(s) || s == ".bz2" || s == ".lzma";
}

// Bytes of the current member of the outer (ar) archive, optionally decoded with
// liblzma's multi-threaded decoder: libarchive decodes xz on one thread, and
// data.tar.xz is the bottleneck of unpacking (NOTES-debian12.md: 2.2 s → 1.3 s).
class MemberReader {
public:
  MemberReader(archive* outer, std::string where, bool xz, const DebReadOptions& options,
               PrefetchedData* prefetched = nullptr)
    : m_outer(outer), m_where(std::move(where)), m_in(k_buffer_size), m_out(k_buffer_size),
      m_prefetched(prefetched)
  {
    if (prefetched) {
      return;  // already decoded
    }
    if (xz) {
      lzma_mt mt{};
      mt.flags = LZMA_CONCATENATED;
      unsigned cores = std::max(1u, std::thread::hardware_concurrency());
      mt.threads = options.xz_threads ? options.xz_threads : std::min(8u, cores);
      mt.memlimit_threading = options.xz_memlimit;
      mt.memlimit_stop = UINT64_MAX;
      // One thread: the plain streaming decoder, which buffers no whole block.
      lzma_ret ret = mt.threads == 1 ? lzma_stream_decoder(&m_lzma, UINT64_MAX, LZMA_CONCATENATED)
                                     : lzma_stream_decoder_mt(&m_lzma, &mt);
      if (ret != LZMA_OK) {
        throw_environment(m_where, "cannot initialise the xz decoder");
      }
      m_xz = true;
    }
  }
  ~MemberReader()
  {
    if (m_xz) {
      lzma_end(&m_lzma);
    }
  }
  MemberReader(const MemberReader&) = delete;
  MemberReader& operator=(const MemberReader&) = delete;

  // An I/O failure (not bad data) happened: the caller throws an environment error.
  bool environment_error() const { return m_environment; }
  const std::string& error() const { return m_error; }

  static la_ssize_t callback(archive* a, void* self, const void** buffer)
  {
    auto* r = static_cast<MemberReader*>(self);
    la_ssize_t n = r->m_xz ? r->read_xz() : r->read_raw();
    if (n < 0) {
      archive_set_error(a, EINVAL, "%s", r->m_error.c_str());
      return -1;
    }
    *buffer = r->m_xz ? r->m_out.data() : r->m_in.data();
    return n;
  }

private:
  la_ssize_t read_raw()
  {
    if (m_prefetched) {
      return m_prefetched->read(m_in.data(), m_in.size(), m_error, m_environment);
    }
    la_ssize_t n = archive_read_data(m_outer, m_in.data(), m_in.size());
    if (n < 0) {
      const char* e = archive_error_string(m_outer);
      m_error = e ? e : "read error";
    }
    return n;
  }

  la_ssize_t read_xz()
  {
    m_lzma.next_out = reinterpret_cast<std::uint8_t*>(m_out.data());
    m_lzma.avail_out = m_out.size();
    while (m_lzma.avail_out == m_out.size()) {
      if (m_lzma.avail_in == 0 && !m_in_eof) {
        la_ssize_t n = read_raw();
        if (n < 0) {
          return -1;
        }
        m_in_eof = n == 0;
        m_lzma.next_in = reinterpret_cast<const std::uint8_t*>(m_in.data());
        m_lzma.avail_in = static_cast<std::size_t>(n);
      }
      lzma_ret ret = lzma_code(&m_lzma, m_in_eof ? LZMA_FINISH : LZMA_RUN);
      if (ret == LZMA_STREAM_END) {
        break;
      }
      if (ret != LZMA_OK) {
        m_error = ret == LZMA_FORMAT_ERROR ? "not in xz format"
                  : ret == LZMA_MEM_ERROR  ? "out of memory decoding xz"
                                           : "corrupt xz data";
        return -1;
      }
      if (m_in_eof && m_lzma.avail_in == 0 && m_lzma.avail_out == m_out.size()) {
        m_error = "truncated xz data";
        return -1;
      }
    }
    return static_cast<la_ssize_t>(m_out.size() - m_lzma.avail_out);
  }

  archive* m_outer;
  std::string m_where;
  std::vector<char> m_in;
  std::vector<char> m_out;
  std::string m_error;
  lzma_stream m_lzma = LZMA_STREAM_INIT;
  bool m_xz = false;
  bool m_in_eof = false;
  PrefetchedData* m_prefetched;
  bool m_environment = false;
};

std::string archive_message(archive* a)
{
  const char* e = archive_error_string(a);
  return e ? e : "read error";
}

// A tar reader over the current member; only the filter the member name says.
libarchive::ReadArchive open_member_tar(MemberReader& reader, const std::string& suffix,
                            const std::string& where)
{
  libarchive::ReadArchive a(archive_read_new());
  if (!a) {
    throw_environment(where, "out of memory");
  }
  archive_read_support_format_tar(a.get());
  if (suffix == ".gz") {
    archive_read_support_filter_gzip(a.get());
  } else if (suffix == ".zst") {
    archive_read_support_filter_zstd(a.get());
  } else if (suffix == ".bz2") {
    archive_read_support_filter_bzip2(a.get());
  } else if (suffix == ".lzma") {
    archive_read_support_filter_lzma(a.get());
  }
  // ".xz" is decoded by MemberReader; "" is uncompressed.
  if (archive_read_open(a.get(), &reader, nullptr, &MemberReader::callback, nullptr) !=
      ARCHIVE_OK) {
    throw_bad_input(where, archive_message(a.get()));
  }
  return a;
}

} // namespace

struct DebFile::Impl : public entries::EntrySource, public entries::Content {
  std::string name;
  std::string member;  // "data.tar.xz"
  std::string where;   // "NAME: data.tar.xz"
  // Declared first: destroyed after the archives that read from it.
  struct FdCloser {
    int fd = -1;
    ~FdCloser()
    {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  } fd_holder;
  int& fd = fd_holder.fd;
  libarchive::ReadArchive outer;
  std::unique_ptr<PrefetchedData> prefetched;
  std::unique_ptr<MemberReader> reader;
  libarchive::ReadArchive inner;
  std::string current;  // path of the current entry, for messages
  bool done = false;

  bool next(entries::Entry& entry) override;
  entries::Content& content() override { return *this; }
  std::size_t read(void* buf, std::size_t n) override;
  [[noreturn]] void fail(const std::string& at);
};

void DebFile::Impl::fail(const std::string& at)
{
  if (reader && reader->environment_error()) {
    throw_environment(at, reader->error());
  }
  throw_bad_input(at, archive_message(inner.get()));
}

std::size_t DebFile::Impl::read(void* buf, std::size_t n)
{
  la_ssize_t r = archive_read_data(inner.get(), buf, n);
  if (r < 0) {
    fail(where + ": " + current);
  }
  return static_cast<std::size_t>(r);
}

bool DebFile::Impl::next(entries::Entry& entry)
{
  using entries::Type;
  while (!done) {
    archive_entry* ae = nullptr;
    int rc = archive_read_next_header(inner.get(), &ae);
    if (rc == ARCHIVE_EOF) {
      done = true;
      return false;
    }
    if (rc < ARCHIVE_WARN) {
      fail(where);
    }
    const char* raw = archive_entry_pathname(ae);
    std::string member_name = raw ? raw : "";
    std::string path = entries::normalise_path(member_name, where);
    if (path.empty()) {
      continue;  // "./": the root itself
    }
    current = path;
    entry = entries::Entry{};
    entry.path = path;
    entry.mode = static_cast<std::uint32_t>(archive_entry_perm(ae)) & 07777;
    entry.uid = static_cast<std::uint32_t>(archive_entry_uid(ae));
    entry.gid = static_cast<std::uint32_t>(archive_entry_gid(ae));
    entry.mtime = archive_entry_mtime(ae);
    entry.origin = name;
    if (const char* hl = archive_entry_hardlink(ae)) {
      entry.type = Type::hardlink;
      entry.link_target = entries::normalise_path(hl, where);
      if (entry.link_target.empty() || entry.link_target == path) {
        throw_bad_input(where + ": " + path, "hardlink to '" + std::string(hl) + "'");
      }
    } else {
      switch (archive_entry_filetype(ae)) {
      case AE_IFREG:
        entry.type = Type::file;
        entry.size = static_cast<std::uint64_t>(archive_entry_size(ae));
        break;
      case AE_IFDIR:
        entry.type = Type::directory;
        break;
      case AE_IFLNK: {
        entry.type = Type::symlink;
        const char* t = archive_entry_symlink(ae);
        entry.link_target = t ? t : "";
        if (entry.link_target.empty()) {
          throw_bad_input(where + ": " + path, "symlink with an empty target");
        }
        break;
      }
      case AE_IFCHR:
      case AE_IFBLK:
        entry.type = archive_entry_filetype(ae) == AE_IFCHR ? Type::char_device
                                                            : Type::block_device;
        entry.dev_major = static_cast<std::uint32_t>(archive_entry_rdevmajor(ae));
        entry.dev_minor = static_cast<std::uint32_t>(archive_entry_rdevminor(ae));
        break;
      case AE_IFIFO:
        entry.type = Type::fifo;
        break;
      default:
        throw_bad_input(where + ": " + path, "unsupported entry type");
      }
    }
    if (archive_entry_xattr_reset(ae) > 0) {
      const char* xname = nullptr;
      const void* value = nullptr;
      std::size_t size = 0;
      while (archive_entry_xattr_next(ae, &xname, &value, &size) == ARCHIVE_OK) {
        entry.xattrs.emplace_back(xname, std::string(static_cast<const char*>(value), size));
      }
      std::sort(entry.xattrs.begin(), entry.xattrs.end());
    }
    return true;
  }
  return false;
}

namespace {

std::string read_small_member(archive* a, const std::string& where, std::size_t limit)
{
  std::string out;
  std::array<char, 8192> buf{};
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n < 0) {
      throw_bad_input(where, archive_message(a));
    }
    if (n == 0) {
      return out;
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
    if (out.size() > limit) {
      throw_bad_input(where, "member too large");
    }
  }
}

// The next ar member not starting with '_' (deb(5): those are for future extensions
// and ignored), or "" at the end.
std::string next_member(archive* a, const std::string& name)
{
  for (;;) {
    archive_entry* ae = nullptr;
    int rc = archive_read_next_header(a, &ae);
    if (rc == ARCHIVE_EOF) {
      return "";
    }
    if (rc < ARCHIVE_WARN) {
      throw_bad_input(name, "not a Debian package: " + archive_message(a));
    }
    const char* p = archive_entry_pathname(ae);
    std::string member = p ? p : "";
    if (member.empty()) {
      throw_bad_input(name, "ar member with an empty name");
    }
    if (member[0] != '_') {
      return member;
    }
  }
}

} // namespace

DebFile::DebFile(const std::filesystem::path& path, const DebReadOptions& options,
                 std::unique_ptr<PrefetchedData> prefetched)
  : m_name(path.filename().string()), m_impl(std::make_unique<Impl>())
{
  m_impl->name = m_name;
  m_impl->outer.reset(archive_read_new());
  archive* outer = m_impl->outer.get();
  if (!outer) {
    throw_environment(m_name, "out of memory");
  }
  archive_read_support_format_ar(outer);
  // Opened here so that a missing file (environment) and a file that is not an ar
  // archive (bad input) stay apart.
  m_impl->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (m_impl->fd < 0) {
    throw_errno(path.string(), "cannot open");
  }
  if (archive_read_open_fd(outer, m_impl->fd, k_buffer_size) != ARCHIVE_OK) {
    throw_bad_input(m_name, "not a Debian package: " + archive_message(outer));
  }

  // 1. debian-binary, "2.x\n" (deb(5); dpkg accepts any 2.x minor version).
  std::string member = next_member(outer, m_name);
  if (member != "debian-binary") {
    throw_bad_input(m_name, member.empty() ? "not a Debian package: no members"
                                           : "member '" + member +
                                                 "': expected 'debian-binary' first");
  }
  std::string where = m_name + ": member 'debian-binary'";
  std::string version = read_small_member(outer, where, 4096);
  auto nl = version.find('\n');
  std::string line = version.substr(0, nl);
  bool ok = nl != std::string::npos && line.size() > 2 && line.compare(0, 2, "2.") == 0 &&
            std::all_of(line.begin() + 2, line.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (!ok) {
    throw_bad_input(where, "unsupported format version '" +
                               line.substr(0, std::min<std::size_t>(line.size(), 40)) + "'");
  }
  m_format_version = line;

  // 2. control.tar{,.gz,.xz,.zst}
  member = next_member(outer, m_name);
  if (member.empty()) {
    throw_bad_input(m_name, "missing member 'control.tar'");
  }
  if (util::starts_with(member, "control.tar")) {
    if (!is_control_suffix(suffix_of(member, "control.tar"))) {
      throw_bad_input(m_name + ": member '" + member + "'", "unsupported compression");
    }
  } else {
    throw_bad_input(m_name + ": member '" + member + "'", "expected 'control.tar' here");
  }
  m_control_member = member;
  {
    std::string cwhere = m_name + ": " + member;
    std::string suffix = suffix_of(member, "control.tar");
    MemberReader reader(outer, cwhere, suffix == ".xz", options);
    libarchive::ReadArchive inner = open_member_tar(reader, suffix, cwhere);
    std::size_t total = 0;
    for (;;) {
      archive_entry* ae = nullptr;
      int rc = archive_read_next_header(inner.get(), &ae);
      if (rc == ARCHIVE_EOF) {
        break;
      }
      if (rc < ARCHIVE_WARN) {
        throw_bad_input(cwhere, archive_message(inner.get()));
      }
      const char* raw = archive_entry_pathname(ae);
      std::string p = entries::normalise_path(raw ? raw : "", cwhere);
      if (p.empty() || archive_entry_filetype(ae) != AE_IFREG ||
          archive_entry_hardlink(ae) != nullptr) {
        continue;
      }
      std::string content =
          read_small_member(inner.get(), cwhere + ": " + p, k_control_limit - total);
      total += content.size();
      m_control_files[p] = std::move(content);
    }
  }
  auto c = m_control_files.find("control");
  if (c == m_control_files.end()) {
    throw_bad_input(m_name + ": " + m_control_member, "no 'control' file");
  }
  m_control = c->second;

  // 3. data.tar{,.gz,.xz,.zst,.bz2,.lzma}
  member = next_member(outer, m_name);
  if (member.empty()) {
    throw_bad_input(m_name, "missing member 'data.tar'");
  }
  if (util::starts_with(member, "data.tar")) {
    if (!is_data_suffix(suffix_of(member, "data.tar"))) {
      throw_bad_input(m_name + ": member '" + member + "'", "unsupported compression");
    }
  } else {
    throw_bad_input(m_name + ": member '" + member + "'", "expected 'data.tar' here");
  }
  m_data_member = member;
  m_impl->member = member;
  m_impl->where = m_name + ": " + member;
  std::string suffix = suffix_of(member, "data.tar");
  // The ar member header is 60 bytes (deb(5), ar(5)); its data follows.
  if (prefetched && prefetched->member() == member &&
      static_cast<std::uint64_t>(archive_read_header_position(outer)) + 60 == prefetched->offset()) {
    m_impl->prefetched = std::move(prefetched);
    m_impl->reader = std::make_unique<MemberReader>(outer, m_impl->where, false, options,
                                                    m_impl->prefetched.get());
    suffix.clear();  // decoded already
  } else {
    m_impl->reader = std::make_unique<MemberReader>(outer, m_impl->where, suffix == ".xz", options);
  }
  m_impl->inner = open_member_tar(*m_impl->reader, suffix, m_impl->where);
}

DebFile::~DebFile() = default;

entries::EntrySource& DebFile::data()
{
  return *m_impl;
}

std::optional<std::string> DebFile::control_file(const std::string& name) const
{
  auto it = m_control_files.find(name);
  if (it == m_control_files.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::string> DebFile::field(const std::string& name) const
{
  // deb-control(5): the first paragraph; field names are case-insensitive;
  // continuation lines start with a space or tab.
  std::string wanted = util::to_lower(name);
  std::optional<std::string> value;
  for (auto line : util::split(m_control, '\n')) {
    if (line.empty()) {
      if (value) {
        break;
      }
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (value) {
        value->push_back('\n');
        value->append(line);
      }
      continue;
    }
    if (value) {
      break;
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos && util::to_lower(line.substr(0, colon)) == wanted) {
      value = std::string(util::trim(line.substr(colon + 1)));
    }
  }
  return value;
}

std::string DebFile::package() const
{
  auto p = field("Package");
  if (!p || p->empty()) {
    throw_bad_input(m_name + ": " + m_control_member + ": control", "no 'Package' field");
  }
  return *p;
}

std::vector<std::string> DebFile::maintainer_scripts() const
{
  std::vector<std::string> out;
  for (const char* s : k_maintainer_scripts) {
    if (m_control_files.count(s)) {
      out.emplace_back(s);
    }
  }
  return out;
}

} // namespace acikit::deb
