#pragma once
// DataPrefetcher: decodes the data.tar.xz members of a list of packages ahead of
// their use, on worker threads, into unnamed spool files, so that unpacking keeps
// both cores busy in bounded memory while entries still reach the sink strictly in
// package and archive order (the output never depends on thread timing).
//
// The unit of work is one xz block (xz file format 1.0.4 §3: blocks are decoded
// independently; the index at the end of the stream gives each block's offsets and
// sizes). Each worker decodes one block at a time with liblzma's streaming block
// decoder, which needs only the dictionary (8 MiB for dpkg-deb's -6), and writes it
// at its own offset in the package's spool; the reader follows the spool as it
// fills. liblzma's multi-threaded decoder instead holds every block in flight whole,
// compressed and uncompressed (~45 MiB each for dpkg-deb's 24 MiB blocks).
//
// Only what the prefetcher fully understands is taken: an ar archive with
// debian-binary, control.tar*, data.tar.xz holding exactly one xz stream whose index
// accounts for the whole member. Anything else (other compressions, stream padding,
// concatenated streams, a damaged index) is left to DebFile's own decoder, which
// also gives the errors for malformed packages.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace acikit::deb {

struct PrefetchOptions {
  unsigned threads = 2;
  // Decoded bytes spooled ahead of the reader (disk, not memory).
  std::uint64_t lookahead = 512u * 1024 * 1024;
  // Decoder memory of all workers together; a block needing more runs alone.
  std::uint64_t memory = 40u * 1024 * 1024;
  // Keep every spool until the prefetcher is destroyed, so that a package's data can
  // be opened again (two passes); lookahead is then not applied.
  bool keep = false;
};

struct PrefetchState;

// One package's decoded data.tar, read sequentially.
class PrefetchedData {
public:
  PrefetchedData(std::shared_ptr<PrefetchState> state, std::size_t index);
  ~PrefetchedData();
  PrefetchedData(const PrefetchedData&) = delete;
  PrefetchedData& operator=(const PrefetchedData&) = delete;

  // The member it decodes ("data.tar.xz") and the offset of its bytes in the file:
  // DebFile uses it only when its own reading of the ar archive agrees.
  const std::string& member() const;
  std::uint64_t offset() const;

  // Up to n bytes, waiting for the workers; 0 at the end. On failure returns -1 and
  // sets error (and environment for I/O failures rather than bad data).
  long read(void* buf, std::size_t n, std::string& error, bool& environment);

private:
  std::shared_ptr<PrefetchState> m_state;
  std::size_t m_index;
  std::uint64_t m_pos = 0;
  std::size_t m_task = 0;  // index into the package's tasks
};

class DataPrefetcher {
public:
  DataPrefetcher(std::vector<std::filesystem::path> debs, PrefetchOptions options = {});
  ~DataPrefetcher();  // stops and joins the workers
  DataPrefetcher(const DataPrefetcher&) = delete;
  DataPrefetcher& operator=(const DataPrefetcher&) = delete;

  // Package index's data (index into debs), or nullptr when it is not prefetched.
  // Without keep, each package is opened once, in order.
  std::unique_ptr<PrefetchedData> open(std::size_t index);

private:
  std::shared_ptr<PrefetchState> m_state;
};

} // namespace acikit::deb
