#include "aci/aci_reader.hpp"

#include "aci/archive_handle.hpp"
#include "hash/hash.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <exception>
#include <set>
#include <unordered_set>

namespace acikit::aci {

namespace {

constexpr std::size_t k_chunk = 64 * 1024;
constexpr std::size_t k_max_errors = 50;

struct Stream {
  std::unique_ptr<compress::Decoder> decoder;
  hash::Hasher hasher{hash::Algorithm::sha512};
  // libarchive needs a returned buffer to stay valid until the next call; we
  // keep the last two so the bytes after the end marker can be inspected.
  std::array<std::array<char, k_chunk>, 2> buffers{};
  std::array<std::size_t, 2> lengths{0, 0};
  std::array<std::uint64_t, 2> offsets{0, 0};
  int current = 1;
  std::uint64_t supplied = 0;
  std::exception_ptr error;

  static la_ssize_t read_cb(struct archive*, void* client, const void** out)
  {
    auto* s = static_cast<Stream*>(client);
    try {
      s->current ^= 1;
      auto& buf = s->buffers[static_cast<std::size_t>(s->current)];
      std::size_t n = s->decoder->read(buf.data(), buf.size());
      s->hasher.update(buf.data(), n);
      s->lengths[static_cast<std::size_t>(s->current)] = n;
      s->offsets[static_cast<std::size_t>(s->current)] = s->supplied;
      s->supplied += n;
      *out = buf.data();
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      s->error = std::current_exception();
      return -1;
    }
  }

  // True when every byte at stream offset >= from that libarchive was given is zero.
  bool zeros_after(std::uint64_t from) const
  {
    for (std::size_t i = 0; i < 2; ++i) {
      for (std::size_t k = 0; k < lengths[i]; ++k) {
        if (offsets[i] + k >= from && buffers[i][k] != 0) {
          return false;
        }
      }
    }
    return true;
  }
};

class Checker {
public:
  explicit Checker(AciReport& r) : m_r(r) {}

  void error(const std::string& m)
  {
    if (m_r.errors.size() < k_max_errors) {
      m_r.errors.push_back(m);
    } else if (m_r.errors.size() == k_max_errors) {
      m_r.errors.push_back("more errors not shown");
    }
  }
  void warning(const std::string& m) { m_r.warnings.push_back(m); }

  // "./rootfs/x/" → "rootfs/x"; nullopt after reporting a bad name.
  std::optional<std::string> normalise(const std::string& name, const std::string& what)
  {
    if (name.empty()) {
      error(what + ": empty name");
      return std::nullopt;
    }
    if (name[0] == '/') {
      error(what + " '" + name + "': absolute path");
      return std::nullopt;
    }
    std::string out;
    for (auto part : util::split(name, '/')) {
      if (part.empty() || part == ".") {
        continue;
      }
      if (part == "..") {
        error(what + " '" + name + "': path with '..'");
        return std::nullopt;
      }
      out += (out.empty() ? "" : "/") + std::string(part);
    }
    return out;
  }

private:
  AciReport& m_r;
};

std::string top_of(const std::string& path)
{
  return path.substr(0, path.find('/'));
}

} // namespace

AciReport verify_aci_stream(const compress::Input& in, const std::string& name)
{
  AciReport report;
  report.file = name;
  Checker check(report);
  Stream stream;
  try {
    stream.decoder = compress::make_decoder(in, name);
  } catch (const Error& e) {
    if (e.code() != ExitCode::bad_input) {
      throw;
    }
    check.error(e.message());
    return report;
  }
  report.compression = stream.decoder->format();

  ReadArchive handle;
  archive* a = handle.get();
  archive_read_support_format_tar(a);
  archive_read_support_filter_none(a);
  if (archive_read_open(a, &stream, nullptr, &Stream::read_cb, nullptr) != ARCHIVE_OK) {
    if (stream.error) {
      std::rethrow_exception(stream.error);
    }
    check.error(std::string("tar: ") + (archive_error_string(a) ? archive_error_string(a) : "cannot read"));
    return report;
  }

  std::set<std::string> seen;
  std::unordered_set<std::string> files;  // regular files, for hardlink targets
  bool have_manifest = false, have_rootfs = false, have_rootfs_children = false;
  std::string manifest_text;
  bool stream_ok = true;
  bool manifest_complete = true;

  for (;;) {
    archive_entry* e = nullptr;
    int r = stream.error ? ARCHIVE_FATAL : archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) {
      break;
    }
    if (r < ARCHIVE_WARN) {
      if (stream.error) {
        try {
          std::rethrow_exception(stream.error);
        } catch (const Error& err) {
          if (err.code() != ExitCode::bad_input) {
            throw;
          }
          check.error(err.message());
        }
      } else {
        check.error(std::string("tar: ") + (archive_error_string(a) ? archive_error_string(a) : "unreadable header"));
      }
      stream_ok = false;
      break;
    }
    const char* raw = archive_entry_pathname(e);
    std::string entry_name = raw ? raw : "";
    auto path = check.normalise(entry_name, "entry");
    if (!path) {
      continue;
    }
    auto type = archive_entry_filetype(e);
    const char* hl = archive_entry_hardlink(e);
    if (path->empty()) {
      // "./": the archive's own root; not one of the two names, harmless.
      check.warning("entry '" + entry_name + "': root directory entry ignored");
      continue;
    }
    if (!seen.insert(*path).second) {
      check.error("entry '" + entry_name + "': duplicate entry");
      continue;
    }
    std::string top = top_of(*path);
    if (*path == "manifest") {
      if (type != AE_IFREG || hl) {
        check.error("entry '" + entry_name + "': 'manifest' must be a regular file");
      } else {
        have_manifest = true;
        auto size = archive_entry_size(e);
        if (size > static_cast<la_int64_t>(k_max_manifest_size)) {
          check.error("manifest: larger than " + std::to_string(k_max_manifest_size) + " bytes");
        } else {
          manifest_text.resize(static_cast<std::size_t>(size));
          la_ssize_t got = archive_read_data(a, manifest_text.data(), manifest_text.size());
          if (got != size) {
            if (!stream.error) {
              check.error("manifest: truncated");
            }
            manifest_text.clear();
            manifest_complete = false;
          }
        }
      }
      continue;
    }
    if (top != "rootfs") {
      check.error("entry '" + entry_name + "': outside 'rootfs' (only 'manifest' and 'rootfs' may be at the top level)");
      continue;
    }
    if (*path == "rootfs") {
      if (type != AE_IFDIR) {
        check.error("entry '" + entry_name + "': 'rootfs' must be a directory");
      }
      have_rootfs = true;
      continue;
    }
    have_rootfs_children = true;
    if (hl) {
      auto target = check.normalise(hl, "entry '" + entry_name + "': hardlink target");
      if (target && !files.count(*target)) {
        check.error("entry '" + entry_name + "': hardlink target '" + hl +
                    "' is not an earlier regular file of the image");
      }
    } else if (type == AE_IFREG) {
      files.insert(*path);
    }
  }

  if (stream_ok) {
    // What follows the end marker: zero padding is fine, anything else is not
    // (spec/aci.md: the image is a tar file; trailing bytes would be hashed
    // into the image ID yet carry no entries).
    std::uint64_t consumed = static_cast<std::uint64_t>(archive_filter_bytes(a, 0));
    bool trailing = !stream.zeros_after(consumed);
    try {
      std::array<char, k_chunk> buf{};
      while (std::size_t n = stream.decoder->read(buf.data(), buf.size())) {
        stream.hasher.update(buf.data(), n);
        for (std::size_t i = 0; i < n && !trailing; ++i) {
          trailing = buf[i] != 0;
        }
      }
      if (trailing) {
        check.error("trailing data after the tar end-of-archive marker");
      }
      report.image_id = "sha512-" + stream.hasher.hex_digest();
    } catch (const Error& err) {
      if (err.code() != ExitCode::bad_input) {
        throw;
      }
      check.error(err.message());
    }
  }

  if (!have_manifest) {
    bool reported = false;
    for (const auto& m : report.errors) {
      reported = reported || m.find("'manifest' must be a regular file") != std::string::npos;
    }
    if (!reported) {
      check.error("missing 'manifest'");
    }
  } else if (manifest_complete && stream_ok && manifest_text.size() <= k_max_manifest_size) {
    auto m = ImageManifest::parse_json(manifest_text);
    if (m) {
      report.manifest = std::move(m).value();
    } else {
      check.error("manifest: " + m.error());
    }
  }
  if (!have_rootfs) {
    if (have_rootfs_children) {
      check.warning("no 'rootfs' directory entry (its contents are present)");
    } else if (stream_ok) {
      check.error("missing 'rootfs'");
    }
  }
  report.valid = report.errors.empty();
  return report;
}

AciReport verify_aci(const std::filesystem::path& file)
{
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw_errno(file.string(), "open");
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  std::string name = file.string();
  compress::Input in = [fd, name](void* buf, std::size_t n) -> std::size_t {
    for (;;) {
      ssize_t got = ::read(fd, buf, n);
      if (got >= 0) {
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        throw_errno(name, "read");
      }
    }
  };
  return verify_aci_stream(in, name);
}

} // namespace acikit::aci
