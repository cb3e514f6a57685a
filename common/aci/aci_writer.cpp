#include "aci/aci_writer.hpp"

#include "libarchive/handles.hpp"
#include "hash/hash.hpp"
#include "util/error.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <exception>
#include <unordered_set>
#include <vector>

namespace acikit::aci {

struct AciWriter::Impl {
  util::AtomicFile file;
  AciWriterOptions options;
  hash::Hasher hasher{hash::Algorithm::sha512};
  // Before `archive`: archive_write_free() in its destructor may call write_cb,
  // which stores into callback_error (destroyed first, it was released twice).
  std::exception_ptr callback_error;
  std::unique_ptr<compress::Encoder> encoder;
  libarchive::WriteArchive archive = libarchive::new_write_archive();
  std::string last_path;
  std::unordered_set<std::string> files;  // regular files written, for hardlink targets
  std::string image_id;
  std::uint64_t tar_size = 0;
  bool finished = false;

  Impl(const std::filesystem::path& output, AciWriterOptions o) : file(output), options(std::move(o)) {}

  static la_ssize_t write_cb(struct archive*, void* client, const void* buf, size_t n)
  {
    auto* self = static_cast<Impl*>(client);
    try {
      self->hasher.update(buf, n);
      self->tar_size += n;
      self->encoder->write(buf, n);
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      self->callback_error = std::current_exception();
      return -1;
    }
  }

  [[noreturn]] void fail(const std::string& where)
  {
    if (callback_error) {
      std::rethrow_exception(callback_error);
    }
    throw_environment(where, archive_error_string(archive.get()) ? archive_error_string(archive.get())
                                                                   : "libarchive write failed");
  }

  std::int64_t mtime(std::int64_t t) const
  {
    return options.clamp_mtime && t > *options.clamp_mtime ? *options.clamp_mtime : t;
  }

  void write_entry(const std::string& name, const entries::Entry& e, entries::Content* content)
  {
    auto ae = libarchive::new_archive_entry();
    archive_entry* a = ae.get();
    archive_entry_copy_pathname(a, name.c_str());
    archive_entry_set_perm(a, e.mode & 07777);
    archive_entry_set_uid(a, e.uid);
    archive_entry_set_gid(a, e.gid);
    archive_entry_set_mtime(a, mtime(e.mtime), 0);
    for (const auto& [k, v] : e.xattrs) {
      archive_entry_xattr_add_entry(a, k.c_str(), v.data(), v.size());
    }
    switch (e.type) {
    case entries::Type::file:
      archive_entry_set_filetype(a, AE_IFREG);
      archive_entry_set_size(a, static_cast<la_int64_t>(e.size));
      break;
    case entries::Type::directory:
      archive_entry_set_filetype(a, AE_IFDIR);
      break;
    case entries::Type::symlink:
      archive_entry_set_filetype(a, AE_IFLNK);
      archive_entry_copy_symlink(a, e.link_target.c_str());
      break;
    case entries::Type::hardlink: {
      if (!files.count(e.link_target)) {
        throw_bad_input(e.path, "hardlink to '" + e.link_target + "', which is not a regular file before it");
      }
      archive_entry_set_filetype(a, AE_IFREG);
      std::string target = "rootfs/" + e.link_target;
      archive_entry_copy_hardlink(a, target.c_str());
      archive_entry_set_size(a, 0);
      break;
    }
    case entries::Type::char_device:
    case entries::Type::block_device:
      archive_entry_set_filetype(a, e.type == entries::Type::char_device ? AE_IFCHR : AE_IFBLK);
      archive_entry_set_rdevmajor(a, e.dev_major);
      archive_entry_set_rdevminor(a, e.dev_minor);
      break;
    case entries::Type::fifo:
      archive_entry_set_filetype(a, AE_IFIFO);
      break;
    }
    // ARCHIVE_WARN: a name that is not UTF-8 is stored as bytes (hdrcharset=BINARY).
    if (archive_write_header(archive.get(), a) < ARCHIVE_WARN) {
      fail(name);
    }
    if (e.type == entries::Type::file) {
      std::uint64_t left = e.size;
      std::vector<char> buf(256 * 1024);
      while (left > 0) {
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        std::size_t got = content ? content->read(buf.data(), want) : 0;
        if (got == 0) {
          throw_environment(e.origin.empty() ? e.path : e.origin, "file shrank while being read");
        }
        if (archive_write_data(archive.get(), buf.data(), got) < 0) {
          fail(name);
        }
        left -= got;
      }
      char extra;
      if (content && content->read(&extra, 1) != 0) {
        throw_environment(e.origin.empty() ? e.path : e.origin, "file grew while being read");
      }
    }
  }
};

AciWriter::AciWriter(const std::filesystem::path& output, const ImageManifest& manifest,
                     const entries::Entry& rootfs, AciWriterOptions options)
  : m_impl(std::make_unique<Impl>(output, std::move(options)))
{
  auto& impl = *m_impl;
  util::AtomicFile& file = impl.file;
  impl.encoder = compress::make_encoder(impl.options.compression,
                                        [&file](const void* p, std::size_t n) { file.write(p, n); });
  archive* a = impl.archive.get();
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK || archive_write_add_filter_none(a) != ARCHIVE_OK ||
      archive_write_open(a, &impl, nullptr, &Impl::write_cb, nullptr) != ARCHIVE_OK) {
    impl.fail(output.string());
  }
  std::string text = manifest.to_json();
  entries::Entry m;
  m.path = "manifest";
  m.type = entries::Type::file;
  m.mode = 0644;
  m.mtime = impl.options.manifest_mtime;
  m.size = text.size();
  struct StringContent : entries::Content {
    std::string_view s;
    std::size_t read(void* buf, std::size_t n) override
    {
      n = std::min(n, s.size());
      std::copy_n(s.data(), n, static_cast<char*>(buf));
      s.remove_prefix(n);
      return n;
    }
  } c;
  c.s = text;
  impl.write_entry("manifest", m, &c);
  entries::Entry r = rootfs;
  r.type = entries::Type::directory;
  impl.write_entry("rootfs", r, nullptr);
}

AciWriter::~AciWriter() = default;

void AciWriter::put(const entries::Entry& entry, entries::Content* content)
{
  auto& impl = *m_impl;
  if (!impl.last_path.empty() && !(impl.last_path < entry.path)) {
    throw_bad_input(entry.path, entry.path == impl.last_path
                                    ? "duplicate entry"
                                    : "entry out of order (after '" + impl.last_path + "')");
  }
  impl.write_entry("rootfs/" + entry.path, entry, content);
  impl.last_path = entry.path;
  if (entry.type == entries::Type::file) {
    impl.files.insert(entry.path);
  }
}

void AciWriter::finish()
{
  auto& impl = *m_impl;
  if (archive_write_close(impl.archive.get()) != ARCHIVE_OK) {
    impl.fail(impl.file.final_path().string());
  }
  impl.encoder->finish();
  impl.image_id = "sha512-" + impl.hasher.hex_digest();
  impl.file.commit(impl.options.overwrite);
  impl.finished = true;
}

const std::string& AciWriter::image_id() const { return m_impl->image_id; }

std::uint64_t AciWriter::tar_size() const { return m_impl->tar_size; }

} // namespace acikit::aci
