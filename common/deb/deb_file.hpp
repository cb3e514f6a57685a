#pragma once
// A Debian binary package (deb(5)) read with libarchive.
//
// deb(5): an ar archive whose members are, in this exact order, `debian-binary`
// ("2.x\n"), `control.tar` (uncompressed, .gz, .xz or .zst) and `data.tar`
// (uncompressed, .gz, .xz, .zst, .bz2 or .lzma). Members whose names start with '_'
// may appear between them and are ignored, as dpkg does; members after data.tar are
// ignored too. Anything else is bad input naming the file and the member.
#include "deb/prefetch.hpp"
#include "entries/entry.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace acikit::deb {

struct DebReadOptions {
  // Threads for liblzma's multi-threaded decoder of data.tar.xz / control.tar.xz:
  // 0 = one per core (up to 8), 1 = liblzma's single-threaded streaming decoder.
  // Each thread of liblzma's decoder holds a whole xz block, compressed and
  // uncompressed, beside the dictionary: dpkg-deb's blocks of 24 MiB (3 x the 8 MiB
  // dictionary of -6) need ~45 MiB each, so golang-1.19-go's data.tar.xz peaked at
  // ~110 MiB RSS with 2 threads.
  unsigned xz_threads = 0;
  // liblzma's memlimit_threading (all threads together): it uses fewer threads when
  // they would need more, and decodes a block too big for it on the calling thread
  // with only the dictionary (liblzma 5.4 lzma_stream_decoder_mt). 40 MiB keeps
  // aci-unpack under 64 MiB RSS whatever the package; small blocks still decode on
  // several threads.
  std::uint64_t xz_memlimit = 40u * 1024 * 1024;
};

class DebFile {
public:
  // Opens PATH and reads up to the start of data.tar: debian-binary and the whole
  // control.tar. Throws bad_input "NAME: member 'M': WHAT" for a malformed package,
  // environment errors for I/O. With prefetched (DataPrefetcher::open for this
  // file), data.tar's decoded bytes come from it when it names the same member at
  // the same offset as this reading of the ar archive.
  explicit DebFile(const std::filesystem::path& path, const DebReadOptions& options = {},
                   std::unique_ptr<PrefetchedData> prefetched = nullptr);
  ~DebFile();
  DebFile(const DebFile&) = delete;
  DebFile& operator=(const DebFile&) = delete;

  // The package file name, e.g. "hello_2.10-3_amd64.deb" (used as Entry::origin).
  const std::string& name() const { return m_name; }
  const std::string& format_version() const { return m_format_version; }  // "2.0"
  const std::string& control_member() const { return m_control_member; }  // "control.tar.xz"
  const std::string& data_member() const { return m_data_member; }        // "data.tar.xz"

  // control.tar's ./control (required: a package without one is bad input).
  const std::string& control() const { return m_control; }
  // A field of the control paragraph (deb-control(5)), continuation lines joined
  // with '\n'; nullopt when absent.
  std::optional<std::string> field(const std::string& name) const;
  // The Package field (required).
  std::string package() const;
  // Maintainer scripts present in control.tar, in the order preinst, postinst,
  // prerm, postrm, config (deb-maintscripts(5)).
  std::vector<std::string> maintainer_scripts() const;
  // ./md5sums, when present.
  std::optional<std::string> md5sums() const { return control_file("md5sums"); }
  // Any regular file of control.tar by its normalised name ("conffiles", "triggers").
  std::optional<std::string> control_file(const std::string& name) const;
  const std::map<std::string, std::string>& control_files() const { return m_control_files; }

  // The entries of data.tar, read once, in archive order. Paths are normalised;
  // '..' and absolute names are refused ("NAME: data.tar.xz: ..."). Every entry's
  // origin is name(). The source belongs to this DebFile.
  entries::EntrySource& data();

  struct Impl;

private:
  std::string m_name;
  std::string m_format_version;
  std::string m_control_member;
  std::string m_data_member;
  std::string m_control;
  std::map<std::string, std::string> m_control_files;
  std::unique_ptr<Impl> m_impl;
};

} // namespace acikit::deb
