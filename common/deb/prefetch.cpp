#include "deb/prefetch.hpp"

#include <fcntl.h>
#include <lzma.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace acikit::deb {

namespace {

constexpr std::size_t k_chunk = 256 * 1024;
// An index larger than this is not taken (DebFile decodes such a package itself).
constexpr std::uint64_t k_index_limit = 16u * 1024 * 1024;

class File {
public:
  explicit File(int fd = -1) : m_fd(fd) {}
  ~File()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

// pread of exactly n bytes; false on a short file or an error.
bool read_at(int fd, void* buf, std::size_t n, std::uint64_t off)
{
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      return false;
    }
    p += r;
    n -= static_cast<std::size_t>(r);
    off += static_cast<std::uint64_t>(r);
  }
  return true;
}

int make_spool()
{
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = tmp && *tmp ? tmp : "/tmp";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != ENOENT)) {
    return fd;
  }
  std::string name = dir + "/aci-unpack-spool.XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) {
    ::unlink(name.c_str());
  }
  return fd;
}

struct BlockHeader {
  std::vector<std::uint8_t> bytes;
};

// Frees the filter options lzma_block_header_decode allocates.
struct Filters {
  lzma_filter f[LZMA_FILTERS_MAX + 1];
  Filters()
  {
    for (auto& x : f) {
      x.id = LZMA_VLI_UNKNOWN;
      x.options = nullptr;
    }
  }
  ~Filters() { lzma_filters_free(f, nullptr); }
  Filters(const Filters&) = delete;
  Filters& operator=(const Filters&) = delete;
};

// Reads and decodes the block header at off into block (filters owned by filters).
bool decode_block_header(int fd, std::uint64_t off, lzma_check check, lzma_vli unpadded,
                         lzma_block& block, Filters& filters)
{
  std::uint8_t first = 0;
  if (!read_at(fd, &first, 1, off) || first == 0) {
    return false;
  }
  std::uint32_t size = lzma_block_header_size_decode(first);
  std::vector<std::uint8_t> header(size);
  if (!read_at(fd, header.data(), size, off)) {
    return false;
  }
  block = lzma_block{};
  block.version = 1;
  block.check = check;
  block.header_size = size;
  block.filters = filters.f;
  if (lzma_block_header_decode(&block, nullptr, header.data()) != LZMA_OK) {
    return false;
  }
  return lzma_block_compressed_size(&block, unpadded) == LZMA_OK;
}

} // namespace

struct PrefetchState {
  struct Task {
    std::size_t package;
    std::uint64_t in_offset, in_size;    // in the .deb file: the whole block
    std::uint64_t out_offset, out_size;  // in the decoded data.tar
    lzma_vli unpadded;
    lzma_check check;
    std::uint64_t memory;
    std::size_t ordinal;  // within its package
    bool failed = false;
    std::uint64_t written = 0;
    bool done = false;
  };
  struct Package {
    std::filesystem::path path;
    bool planned = false;
    bool prefetched = false;
    bool released = false;  // the reader is done with it
    std::string member;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    std::shared_ptr<File> spool;
    std::size_t first_task = 0, tasks = 0;
    std::uint64_t consumed = 0;  // bytes the reader has taken (lookahead accounting)
    std::string error;
    bool environment = false;
    std::size_t error_task = 0;  // the error shows when the reader reaches this task
  };

  PrefetchOptions options;
  std::mutex mutex;
  std::condition_variable work_cv;  // workers wait here
  std::condition_variable data_cv;  // readers wait here
  std::vector<Package> packages;
  std::deque<Task> tasks;  // grows at the end; references stay valid
  std::size_t next_plan = 0;
  std::size_t next_task = 0;
  std::size_t reader_package = 0;
  std::uint64_t reserved = 0;  // started tasks' output not yet consumed
  std::uint64_t memory_in_use = 0;
  bool stop = false;
  std::vector<std::thread> workers;

  void plan(Package& p, std::size_t index);  // with mutex held
  bool plan_xz(Package& p, std::size_t index, int fd);
  void worker();
  void decode(Task& t, int in_fd, int spool_fd, std::string& error, bool& environment);
};

bool PrefetchState::plan_xz(Package& p, std::size_t index, int fd)
{
  // deb(5) is an ar archive: "!<arch>\n", then 60-byte member headers (name[16]
  // mtime[12] uid[6] gid[6] mode[8] size[10] "`\n"), data padded to even offsets.
  char magic[8];
  if (!read_at(fd, magic, 8, 0) || std::memcmp(magic, "!<arch>\n", 8) != 0) {
    return false;
  }
  std::uint64_t off = 8;
  int stage = 0;  // 0: want debian-binary, 1: control.tar*, 2: data.tar*
  for (;;) {
    char h[60];
    if (!read_at(fd, h, 60, off) || h[58] != '`' || h[59] != '\n') {
      return false;
    }
    std::string name(h, 16);
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty() && name.back() == '/') {
      name.pop_back();  // GNU ar
    }
    std::string size_text(h + 48, 10);
    size_text.erase(size_text.find_last_not_of(' ') + 1);
    if (size_text.empty() ||
        !std::all_of(size_text.begin(), size_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    std::uint64_t size = std::stoull(size_text);
    std::uint64_t data = off + 60;
    off = data + size + (size & 1);
    if (name.empty() || name[0] == '_') {
      if (name.empty()) {
        return false;
      }
      continue;
    }
    if (stage == 0) {
      if (name != "debian-binary") {
        return false;
      }
      stage = 1;
      continue;
    }
    if (stage == 1) {
      if (name.rfind("control.tar", 0) != 0) {
        return false;
      }
      stage = 2;
      continue;
    }
    if (name != "data.tar.xz" || size < 32) {
      return false;
    }
    p.member = name;
    p.offset = data;
    p.size = size;
    break;
  }

  // xz file format §2.1: stream header (12 bytes), blocks, index, footer (12 bytes).
  std::uint8_t header[LZMA_STREAM_HEADER_SIZE], footer[LZMA_STREAM_HEADER_SIZE];
  lzma_stream_flags hflags{}, fflags{};
  if (!read_at(fd, header, sizeof header, p.offset) ||
      !read_at(fd, footer, sizeof footer, p.offset + p.size - sizeof footer) ||
      lzma_stream_header_decode(&hflags, header) != LZMA_OK ||
      lzma_stream_footer_decode(&fflags, footer) != LZMA_OK ||
      lzma_stream_flags_compare(&hflags, &fflags) != LZMA_OK ||
      fflags.backward_size > k_index_limit ||
      fflags.backward_size + 2 * LZMA_STREAM_HEADER_SIZE > p.size) {
    return false;
  }
  std::vector<std::uint8_t> index_bytes(fflags.backward_size);
  if (!read_at(fd, index_bytes.data(), index_bytes.size(),
               p.offset + p.size - sizeof footer - fflags.backward_size)) {
    return false;
  }
  lzma_index* idx = nullptr;
  std::uint64_t memlimit = 4 * k_index_limit;
  std::size_t pos = 0;
  if (lzma_index_buffer_decode(&idx, &memlimit, nullptr, index_bytes.data(), &pos,
                               index_bytes.size()) != LZMA_OK) {
    return false;
  }
  std::unique_ptr<lzma_index, void (*)(lzma_index*)> guard(idx, [](lzma_index* i) { lzma_index_end(i, nullptr); });
  // One stream, no padding: the index must account for the whole member.
  if (pos != index_bytes.size() || lzma_index_file_size(idx) != p.size ||
      lzma_index_block_count(idx) == 0) {
    return false;
  }
  std::vector<Task> planned;
  lzma_index_iter iter;
  lzma_index_iter_init(&iter, idx);
  while (!lzma_index_iter_next(&iter, LZMA_INDEX_ITER_BLOCK)) {
    Task t{};
    t.package = index;
    t.in_offset = p.offset + iter.block.compressed_file_offset;
    t.in_size = iter.block.total_size;
    t.out_offset = iter.block.uncompressed_file_offset;
    t.out_size = iter.block.uncompressed_size;
    t.unpadded = iter.block.unpadded_size;
    t.check = fflags.check;
    lzma_block block;
    Filters filters;
    if (!decode_block_header(fd, t.in_offset, t.check, t.unpadded, block, filters)) {
      return false;
    }
    std::uint64_t mem = lzma_raw_decoder_memusage(filters.f);
    if (mem == UINT64_MAX) {
      return false;
    }
    t.memory = mem + 2 * k_chunk;
    t.ordinal = planned.size();
    planned.push_back(t);
  }
  p.spool = std::make_shared<File>(make_spool());
  if (p.spool->get() < 0) {
    p.spool.reset();
    return false;  // no spool: DebFile decodes it itself
  }
  p.first_task = tasks.size();
  p.tasks = planned.size();
  tasks.insert(tasks.end(), planned.begin(), planned.end());
  return true;
}

void PrefetchState::plan(Package& p, std::size_t index)
{
  p.planned = true;
  File fd(::open(p.path.c_str(), O_RDONLY | O_CLOEXEC));
  p.prefetched = fd.get() >= 0 && plan_xz(p, index, fd.get());
  if (!p.prefetched) {
    p.spool.reset();
  }
}

void PrefetchState::decode(Task& t, int in_fd, int spool_fd, std::string& error, bool& environment)
{
  lzma_block block;
  Filters filters;
  if (!decode_block_header(in_fd, t.in_offset, t.check, t.unpadded, block, filters)) {
    error = "corrupt xz data";
    return;
  }
  lzma_stream strm = LZMA_STREAM_INIT;
  if (lzma_block_decoder(&strm, &block) != LZMA_OK) {
    error = "cannot initialise the xz decoder";
    environment = true;
    return;
  }
  std::unique_ptr<lzma_stream, void (*)(lzma_stream*)> guard(&strm, [](lzma_stream* s) { lzma_end(s); });
  std::vector<std::uint8_t> in(k_chunk), out(k_chunk);
  std::uint64_t in_pos = t.in_offset + block.header_size;
  std::uint64_t in_end = t.in_offset + t.in_size;
  std::uint64_t total = 0;
  for (;;) {
    if (strm.avail_in == 0 && in_pos < in_end) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(in.size(), in_end - in_pos));
      if (!read_at(in_fd, in.data(), n, in_pos)) {
        error = "truncated xz data";
        return;
      }
      in_pos += n;
      strm.next_in = in.data();
      strm.avail_in = n;
    }
    strm.next_out = out.data();
    strm.avail_out = out.size();
    lzma_ret ret = lzma_code(&strm, LZMA_RUN);
    std::size_t produced = out.size() - strm.avail_out;
    if (produced > 0) {
      if (total + produced > t.out_size) {
        error = "corrupt xz data";
        return;
      }
      const std::uint8_t* p = out.data();
      std::size_t left = produced;
      std::uint64_t at = t.out_offset + total;
      while (left > 0) {
        ssize_t w = ::pwrite(spool_fd, p, left, static_cast<off_t>(at));
        if (w < 0 && errno == EINTR) {
          continue;
        }
        if (w <= 0) {
          error = std::string("spool file: ") + std::strerror(w < 0 ? errno : ENOSPC);
          environment = true;
          return;
        }
        p += w;
        left -= static_cast<std::size_t>(w);
        at += static_cast<std::uint64_t>(w);
      }
      total += produced;
      std::lock_guard<std::mutex> lock(mutex);
      t.written = total;
      data_cv.notify_all();
    }
    if (ret == LZMA_STREAM_END) {
      break;
    }
    if (ret != LZMA_OK) {
      error = ret == LZMA_MEM_ERROR ? "out of memory decoding xz" : "corrupt xz data";
      environment = ret == LZMA_MEM_ERROR;
      return;
    }
    if (strm.avail_in == 0 && in_pos == in_end && produced == 0) {
      error = "truncated xz data";
      return;
    }
  }
  if (total != t.out_size) {
    error = "corrupt xz data";
  }
}

void PrefetchState::worker()
{
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    // The next task in order, planning packages as needed.
    while (!stop && next_task == tasks.size() && next_plan < packages.size()) {
      Package& p = packages[next_plan];
      std::size_t index = next_plan++;
      if (!p.planned) {
        plan(p, index);
      }
      data_cv.notify_all();
    }
    if (stop || next_task == tasks.size()) {
      return;
    }
    Task& t = tasks[next_task];
    Package& p = packages[t.package];
    bool needed = t.package <= reader_package;
    bool room = options.keep || reserved + t.out_size <= options.lookahead;
    bool memory_ok = memory_in_use == 0 || memory_in_use + t.memory <= options.memory;
    if (p.released) {
      ++next_task;  // the reader gave up on this package
      continue;
    }
    if (!((needed || room) && memory_ok)) {
      work_cv.wait(lock);
      continue;
    }
    ++next_task;
    reserved += t.out_size;
    memory_in_use += t.memory;
    std::shared_ptr<File> spool = p.spool;
    std::filesystem::path path = p.path;
    lock.unlock();
    std::string error;
    bool environment = false;
    {
      File in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (in.get() < 0) {
        error = std::string("cannot open: ") + std::strerror(errno);
        environment = true;
      } else {
        decode(t, in.get(), spool->get(), error, environment);
      }
    }
    lock.lock();
    memory_in_use -= t.memory;
    t.done = true;
    Package& q = packages[t.package];
    if (!error.empty()) {
      t.failed = true;
      // The reader fails at the first failed task; keep that one's message.
      if (q.error.empty() || t.ordinal < q.error_task) {
        q.error = error;
        q.environment = environment;
        q.error_task = t.ordinal;
      }
    }
    data_cv.notify_all();
    work_cv.notify_all();
  }
}

DataPrefetcher::DataPrefetcher(std::vector<std::filesystem::path> debs, PrefetchOptions options)
  : m_state(std::make_shared<PrefetchState>())
{
  m_state->options = options;
  for (auto& d : debs) {
    PrefetchState::Package p;
    p.path = std::move(d);
    m_state->packages.push_back(std::move(p));
  }
  unsigned n = std::max(1u, options.threads);
  for (unsigned i = 0; i < n; ++i) {
    m_state->workers.emplace_back([s = m_state.get()] { s->worker(); });
  }
}

DataPrefetcher::~DataPrefetcher()
{
  {
    std::lock_guard<std::mutex> lock(m_state->mutex);
    m_state->stop = true;
  }
  m_state->work_cv.notify_all();
  for (auto& w : m_state->workers) {
    w.join();
  }
}

std::unique_ptr<PrefetchedData> DataPrefetcher::open(std::size_t index)
{
  std::unique_lock<std::mutex> lock(m_state->mutex);
  auto& s = *m_state;
  if (index >= s.packages.size()) {
    return nullptr;
  }
  s.reader_package = std::max(s.reader_package, index);
  s.work_cv.notify_all();
  // Plan it here when the workers have not got to it (they plan in order, under
  // the mutex).
  while (s.next_plan <= index) {
    std::size_t i = s.next_plan++;
    s.plan(s.packages[i], i);
    s.work_cv.notify_all();
  }
  if (!s.packages[index].prefetched) {
    return nullptr;
  }
  return std::make_unique<PrefetchedData>(m_state, index);
}

PrefetchedData::PrefetchedData(std::shared_ptr<PrefetchState> state, std::size_t index)
  : m_state(std::move(state)), m_index(index)
{
}

PrefetchedData::~PrefetchedData()
{
  std::lock_guard<std::mutex> lock(m_state->mutex);
  auto& p = m_state->packages[m_index];
  if (m_state->options.keep) {
    return;
  }
  p.released = true;
  // Release what the reader did not take of started tasks; later tasks are skipped.
  std::uint64_t started = 0;
  for (std::size_t i = 0; i < p.tasks; ++i) {
    std::size_t t = p.first_task + i;
    if (t < m_state->next_task) {
      started += m_state->tasks[t].out_size;
    }
  }
  m_state->reserved -= std::min(m_state->reserved, started - std::min(started, p.consumed));
  p.spool.reset();  // the file goes when the last worker writing it is done
  m_state->work_cv.notify_all();
}

const std::string& PrefetchedData::member() const
{
  return m_state->packages[m_index].member;
}

std::uint64_t PrefetchedData::offset() const
{
  return m_state->packages[m_index].offset;
}

long PrefetchedData::read(void* buf, std::size_t n, std::string& error, bool& environment)
{
  auto& s = *m_state;
  std::unique_lock<std::mutex> lock(s.mutex);
  auto& p = s.packages[m_index];
  for (;;) {
    if (m_task == p.tasks) {
      return 0;
    }
    auto& t = s.tasks[p.first_task + m_task];
    // Bytes decoded before a failure are delivered first, as a streaming decoder
    // would: where the error shows does not depend on the workers' timing.
    std::uint64_t ready = t.out_offset + t.written;
    if (ready > m_pos) {
      std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, ready - m_pos));
      int fd = p.spool->get();
      lock.unlock();
      if (!read_at(fd, buf, k, m_pos)) {
        error = std::string("spool file: ") + std::strerror(errno ? errno : EIO);
        environment = true;
        return -1;
      }
      lock.lock();
      m_pos += k;
      p.consumed += k;
      if (!s.options.keep) {
        s.reserved -= std::min<std::uint64_t>(s.reserved, k);
        s.work_cv.notify_all();
      }
      return static_cast<long>(k);
    }
    if (t.done) {
      if (!t.failed && m_pos == t.out_offset + t.out_size) {
        ++m_task;
        continue;
      }
      error = t.failed ? p.error : "corrupt xz data";  // short without an error: cannot happen
      environment = t.failed && p.environment;
      return -1;
    }
    s.data_cv.wait(lock);
  }
}

} // namespace acikit::deb
