#include "compress/compress.hpp"

#include "util/error.hpp"

#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <lzma.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace acikit::compress {

namespace {

constexpr std::size_t k_buffer_size = 256 * 1024;

unsigned cpu_threads(unsigned requested)
{
  if (requested != 0) {
    return requested;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

std::uint8_t* bytes(const void* p)
{
  return static_cast<std::uint8_t*>(const_cast<void*>(p));
}

// ---- encoders ----

class NoneEncoder : public Encoder {
public:
  explicit NoneEncoder(Output out) : m_out(std::move(out)) {}
  void write(const void* data, std::size_t size) override
  {
    if (size) {
      m_out(data, size);
    }
  }
  void finish() override {}

private:
  Output m_out;
};

// gzip in independent blocks (RFC 1952 §2.2: a gzip file is a series of members):
// every k_gzip_block bytes of input become one complete member, compressed on a
// pool of threads and written in order. The bytes depend only on the input and
// the level, never on the thread count (unlike multi-threaded xz). Levels 0-3 are
// ISA-L igzip (streaming, fastest), 4-12 libdeflate (whole-buffer, smaller).
constexpr std::size_t k_gzip_block = 1 << 20;

std::vector<std::uint8_t> gzip_isal(const std::uint8_t* in, std::size_t n, int level)
{
  static const std::size_t k_level_buf[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT,
                                            ISAL_DEF_LVL3_DEFAULT};
  thread_local std::vector<std::uint8_t> level_buf;
  level_buf.resize(k_level_buf[level]);
  isal_zstream s{};
  isal_deflate_init(&s);
  s.gzip_flag = IGZIP_GZIP;
  s.level = static_cast<std::uint32_t>(level);
  s.level_buf = level_buf.data();
  s.level_buf_size = static_cast<std::uint32_t>(level_buf.size());
  s.next_in = const_cast<std::uint8_t*>(in);
  s.avail_in = static_cast<std::uint32_t>(n);
  s.end_of_stream = 1;
  std::vector<std::uint8_t> out(n + n / 8 + 1024);
  std::size_t used = 0;
  for (;;) {
    s.next_out = out.data() + used;
    s.avail_out = static_cast<std::uint32_t>(out.size() - used);
    if (isal_deflate(&s) != COMP_OK) {
      throw_environment("gzip", "ISA-L deflate failed");
    }
    used = out.size() - s.avail_out;
    if (s.internal_state.state == ZSTATE_END) {
      break;
    }
    out.resize(out.size() * 2);
  }
  out.resize(used);
  return out;
}

std::vector<std::uint8_t> gzip_libdeflate(const std::uint8_t* in, std::size_t n, int level)
{
  struct Free {
    void operator()(libdeflate_compressor* c) const noexcept { libdeflate_free_compressor(c); }
  };
  thread_local std::unique_ptr<libdeflate_compressor, Free> compressor;
  thread_local int compressor_level = -1;
  if (compressor_level != level) {
    compressor.reset(libdeflate_alloc_compressor(level));
    compressor_level = level;
    if (!compressor) {
      throw std::bad_alloc();
    }
  }
  std::vector<std::uint8_t> out(libdeflate_gzip_compress_bound(compressor.get(), n));
  std::size_t used = libdeflate_gzip_compress(compressor.get(), in, n, out.data(), out.size());
  if (used == 0) {
    throw_environment("gzip", "libdeflate compression failed");
  }
  out.resize(used);
  return out;
}

class GzipEncoder : public Encoder {
public:
  GzipEncoder(int level, unsigned threads, Output out) : m_out(std::move(out)), m_level(level)
  {
    m_block.reserve(k_gzip_block);
    for (unsigned i = 0; i < threads; ++i) {
      m_workers.emplace_back([this] { work(); });
    }
  }
  ~GzipEncoder() override
  {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_work_cv.notify_all();
    for (auto& t : m_workers) {
      t.join();
    }
  }
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  void write(const void* data, std::size_t size) override
  {
    auto* p = static_cast<const std::uint8_t*>(data);
    while (size > 0) {
      std::size_t k = std::min(size, k_gzip_block - m_block.size());
      m_block.insert(m_block.end(), p, p + k);
      p += k;
      size -= k;
      if (m_block.size() == k_gzip_block) {
        submit();
      }
    }
  }

  void finish() override
  {
    // An empty input is still one (empty) member: a valid gzip file.
    if (!m_block.empty() || !m_any) {
      submit();
    }
    while (!m_pending.empty()) {
      emit_front();
    }
  }

private:
  struct Job {
    std::vector<std::uint8_t> in, out;
    bool done = false;
    std::exception_ptr error;
  };

  std::vector<std::uint8_t> compress(const std::vector<std::uint8_t>& in) const
  {
    return m_level <= 3 ? gzip_isal(in.data(), in.size(), m_level) : gzip_libdeflate(in.data(), in.size(), m_level);
  }

  void submit()
  {
    m_any = true;
    auto job = std::make_shared<Job>();
    job->in.swap(m_block);
    m_block.reserve(k_gzip_block);
    if (m_workers.empty()) {
      job->out = compress(job->in);
      job->done = true;
      m_pending.push_back(job);
    } else {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_pending.push_back(job);
      m_queue.push_back(job);
    }
    m_work_cv.notify_one();
    // Bounded memory: a few blocks in flight per thread.
    while (m_pending.size() > 2 * m_workers.size() + 1) {
      emit_front();
    }
  }

  void emit_front()
  {
    std::shared_ptr<Job> job = m_pending.front();
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_done_cv.wait(lock, [&] { return job->done; });
    }
    m_pending.pop_front();
    if (job->error) {
      std::rethrow_exception(job->error);
    }
    m_out(job->out.data(), job->out.size());
  }

  void work()
  {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_work_cv.wait(lock, [&] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty()) {
          return;
        }
        job = m_queue.front();
        m_queue.pop_front();
      }
      std::vector<std::uint8_t> out;
      std::exception_ptr error;
      try {
        out = compress(job->in);
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        job->out = std::move(out);
        job->error = error;
        job->done = true;
        job->in = {};
      }
      m_done_cv.notify_all();
    }
  }

  Output m_out;
  int m_level;
  std::vector<std::uint8_t> m_block;
  bool m_any = false;
  std::deque<std::shared_ptr<Job>> m_pending;  // in output order
  std::deque<std::shared_ptr<Job>> m_queue;    // not yet started
  std::mutex m_mutex;
  std::condition_variable m_work_cv, m_done_cv;
  bool m_stop = false;
  std::vector<std::thread> m_workers;
};

class XzEncoder : public Encoder {
public:
  XzEncoder(int level, unsigned threads, Output out) : m_out(std::move(out)), m_buf(k_buffer_size)
  {
    lzma_ret rc;
    threads = cpu_threads(threads);
    if (threads > 1) {
      lzma_mt mt{};
      mt.threads = threads;
      mt.preset = static_cast<std::uint32_t>(level);
      mt.check = LZMA_CHECK_CRC64;
      rc = lzma_stream_encoder_mt(&m_s, &mt);
    } else {
      rc = lzma_easy_encoder(&m_s, static_cast<std::uint32_t>(level), LZMA_CHECK_CRC64);
    }
    if (rc != LZMA_OK) {
      throw_environment("xz", "cannot start the encoder (" + std::to_string(rc) + ")");
    }
  }
  ~XzEncoder() override { lzma_end(&m_s); }

  void write(const void* data, std::size_t size) override
  {
    m_s.next_in = bytes(data);
    m_s.avail_in = size;
    run(LZMA_RUN);
  }
  void finish() override
  {
    m_s.next_in = nullptr;
    m_s.avail_in = 0;
    run(LZMA_FINISH);
  }

private:
  void run(lzma_action action)
  {
    for (;;) {
      m_s.next_out = m_buf.data();
      m_s.avail_out = m_buf.size();
      lzma_ret rc = lzma_code(&m_s, action);
      std::size_t produced = m_buf.size() - m_s.avail_out;
      if (produced) {
        m_out(m_buf.data(), produced);
      }
      if (rc == LZMA_STREAM_END) {
        return;
      }
      if (rc != LZMA_OK) {
        throw_environment("xz", "compression failed (" + std::to_string(rc) + ")");
      }
      if (action == LZMA_RUN && m_s.avail_in == 0) {
        return;
      }
    }
  }

  Output m_out;
  lzma_stream m_s = LZMA_STREAM_INIT;
  std::vector<std::uint8_t> m_buf;
};

class Bzip2Encoder : public Encoder {
public:
  Bzip2Encoder(int level, Output out) : m_out(std::move(out)), m_buf(k_buffer_size)
  {
    if (BZ2_bzCompressInit(&m_s, level, 0, 30) != BZ_OK) {
      throw_environment("bzip2", "cannot start the encoder");
    }
  }
  ~Bzip2Encoder() override { BZ2_bzCompressEnd(&m_s); }

  void write(const void* data, std::size_t size) override
  {
    auto* p = static_cast<char*>(const_cast<void*>(data));
    while (size > 0) {
      auto chunk = static_cast<unsigned>(std::min<std::size_t>(size, 1u << 30));
      m_s.next_in = p;
      m_s.avail_in = chunk;
      while (m_s.avail_in > 0) {
        step(BZ_RUN);
      }
      p += chunk;
      size -= chunk;
    }
  }
  void finish() override
  {
    while (step(BZ_FINISH) != BZ_STREAM_END) {
    }
  }

private:
  int step(int action)
  {
    m_s.next_out = m_buf.data();
    m_s.avail_out = static_cast<unsigned>(m_buf.size());
    int rc = BZ2_bzCompress(&m_s, action);
    if (rc < 0) {
      throw_environment("bzip2", "compression failed (" + std::to_string(rc) + ")");
    }
    std::size_t produced = m_buf.size() - m_s.avail_out;
    if (produced) {
      m_out(m_buf.data(), produced);
    }
    return rc;
  }

  Output m_out;
  bz_stream m_s{};
  std::vector<char> m_buf;
};

// ---- decoders ----

// Input with a buffer the decoders consume from; starts with the peeked magic.
class InputBuffer {
public:
  explicit InputBuffer(Input in) : m_in(std::move(in)), m_buf(k_buffer_size) {}

  // Make at least one byte available unless at the end; returns available bytes.
  std::size_t fill()
  {
    if (m_pos == m_len && !m_eof) {
      m_pos = 0;
      m_len = m_in(m_buf.data(), m_buf.size());
      if (m_len == 0) {
        m_eof = true;
      }
    }
    return m_len - m_pos;
  }
  // Read more until at least n bytes are buffered (or the end).
  std::size_t peek(std::size_t n)
  {
    if (m_pos > 0) {
      std::memmove(m_buf.data(), m_buf.data() + m_pos, m_len - m_pos);
      m_len -= m_pos;
      m_pos = 0;
    }
    while (m_len < n && !m_eof) {
      std::size_t got = m_in(m_buf.data() + m_len, m_buf.size() - m_len);
      if (got == 0) {
        m_eof = true;
      }
      m_len += got;
    }
    return m_len;
  }
  std::uint8_t* data() { return m_buf.data() + m_pos; }
  std::size_t available() const { return m_len - m_pos; }
  void consume(std::size_t n) { m_pos += n; }
  bool eof() const { return m_eof && m_pos == m_len; }

private:
  Input m_in;
  std::vector<std::uint8_t> m_buf;
  std::size_t m_pos = 0, m_len = 0;
  bool m_eof = false;
};

class NoneDecoder : public Decoder {
public:
  explicit NoneDecoder(std::unique_ptr<InputBuffer> in) : Decoder(Format::none), m_in(std::move(in)) {}
  std::size_t read(void* buf, std::size_t size) override
  {
    std::size_t n = std::min(size, m_in->fill());
    std::memcpy(buf, m_in->data(), n);
    m_in->consume(n);
    return n;
  }

private:
  std::unique_ptr<InputBuffer> m_in;
};

class GzipDecoder : public Decoder {
public:
  GzipDecoder(std::unique_ptr<InputBuffer> in, std::string where)
    : Decoder(Format::gzip), m_in(std::move(in)), m_where(std::move(where))
  {
    start();
  }

  std::size_t read(void* buf, std::size_t size) override
  {
    auto* out = static_cast<std::uint8_t*>(buf);
    std::size_t want = std::min<std::size_t>(size, 1u << 30);
    while (!m_done) {
      if (m_s.block_state == ISAL_BLOCK_FINISH) {
        next_member();
        continue;
      }
      if (m_in->available() == 0) {
        if (m_in->fill() == 0) {
          throw_bad_input(m_where, "truncated gzip stream");
        }
      }
      m_s.next_in = m_in->data();
      m_s.avail_in = static_cast<std::uint32_t>(std::min<std::size_t>(m_in->available(), 1u << 30));
      m_s.next_out = out;
      m_s.avail_out = static_cast<std::uint32_t>(want);
      std::uint32_t before_in = m_s.avail_in;
      int rc = isal_inflate(&m_s);
      m_in->consume(before_in - m_s.avail_in);
      if (rc < 0 || rc == ISAL_NEED_DICT) {
        throw_bad_input(m_where, rc == ISAL_INCORRECT_CHECKSUM ? "gzip checksum mismatch" : "corrupt gzip data");
      }
      std::size_t produced = want - m_s.avail_out;
      if (produced) {
        return produced;
      }
    }
    return 0;
  }

private:
  void start()
  {
    isal_inflate_init(&m_s);
    m_s.crc_flag = ISAL_GZIP;
  }

  void next_member()
  {
    // RFC 1952 §2.2: a gzip file is a series of members. Anything after the last
    // member that is not another member is trailing data.
    if (m_in->peek(2) == 0) {
      m_done = true;
      return;
    }
    if (m_in->available() < 2 || m_in->data()[0] != 0x1f || m_in->data()[1] != 0x8b) {
      throw_bad_input(m_where, "trailing data after the gzip stream");
    }
    start();
  }

  std::unique_ptr<InputBuffer> m_in;
  std::string m_where;
  inflate_state m_s{};
  bool m_done = false;
};

class XzDecoder : public Decoder {
public:
  XzDecoder(std::unique_ptr<InputBuffer> in, std::string where, unsigned threads)
    : Decoder(Format::xz), m_in(std::move(in)), m_where(std::move(where)), m_threads(cpu_threads(threads))
  {
    start();
  }
  ~XzDecoder() override { lzma_end(&m_s); }

  std::size_t read(void* buf, std::size_t size) override
  {
    while (!m_done) {
      if (m_in->available() == 0) {
        m_in->fill();
      }
      m_s.next_in = m_in->data();
      m_s.avail_in = m_in->available();
      m_s.next_out = static_cast<std::uint8_t*>(buf);
      m_s.avail_out = size;
      lzma_ret rc = lzma_code(&m_s, m_in->available() == 0 ? LZMA_FINISH : LZMA_RUN);
      m_in->consume(m_in->available() - m_s.avail_in);
      std::size_t produced = size - m_s.avail_out;
      if (rc == LZMA_STREAM_END) {
        next_stream();
      } else if (rc == LZMA_BUF_ERROR && m_in->eof()) {
        throw_bad_input(m_where, "truncated xz stream");
      } else if (rc == LZMA_DATA_ERROR || rc == LZMA_FORMAT_ERROR) {
        throw_bad_input(m_where, "corrupt xz data");
      } else if (rc == LZMA_MEMLIMIT_ERROR || rc == LZMA_MEM_ERROR) {
        throw_bad_input(m_where, "xz stream needs too much memory to decode");
      } else if (rc != LZMA_OK) {
        throw_bad_input(m_where, "xz decoding failed (" + std::to_string(rc) + ")");
      }
      if (produced) {
        return produced;
      }
    }
    return 0;
  }

private:
  void start()
  {
    // Streams are chained here rather than with LZMA_CONCATENATED so that
    // trailing data can be told apart from a truncated stream.
    lzma_mt mt{};
    mt.threads = m_threads;
    // Bounded memory whatever the input: threads only while their buffers fit in
    // 40 MiB (liblzma falls back to fewer threads, then to one), and a hard stop
    // at 256 MiB (an xz -9 dictionary is 64 MiB; more is hostile input).
    mt.memlimit_threading = std::uint64_t{40} << 20;
    mt.memlimit_stop = std::uint64_t{256} << 20;
    if (lzma_stream_decoder_mt(&m_s, &mt) != LZMA_OK) {
      throw_environment(m_where, "cannot start the xz decoder");
    }
  }

  void next_stream()
  {
    // xz file format §2.2: stream padding (multiples of four NUL bytes) may
    // follow a stream; then another stream or the end.
    std::size_t zeros = 0;
    for (;;) {
      std::size_t n = m_in->peek(6);
      if (n == 0) {
        break;
      }
      if (m_in->data()[0] == 0) {
        std::size_t k = 0;
        while (k < n && m_in->data()[k] == 0) {
          ++k;
        }
        zeros += k;
        m_in->consume(k);
        continue;
      }
      if (zeros % 4 != 0 || n < 6 || detect(std::string_view(reinterpret_cast<const char*>(m_in->data()), 6)) != Format::xz) {
        throw_bad_input(m_where, "trailing data after the xz stream");
      }
      lzma_end(&m_s);
      m_s = LZMA_STREAM_INIT;
      start();
      return;
    }
    if (zeros % 4 != 0) {
      throw_bad_input(m_where, "trailing data after the xz stream");
    }
    m_done = true;
  }

  std::unique_ptr<InputBuffer> m_in;
  std::string m_where;
  unsigned m_threads;
  lzma_stream m_s = LZMA_STREAM_INIT;
  bool m_done = false;
};

class Bzip2Decoder : public Decoder {
public:
  Bzip2Decoder(std::unique_ptr<InputBuffer> in, std::string where)
    : Decoder(Format::bzip2), m_in(std::move(in)), m_where(std::move(where))
  {
    start();
  }
  ~Bzip2Decoder() override
  {
    if (m_open) {
      BZ2_bzDecompressEnd(&m_s);
    }
  }

  std::size_t read(void* buf, std::size_t size) override
  {
    while (!m_done) {
      if (!m_open) {
        if (m_in->peek(3) == 0) {
          m_done = true;
          break;
        }
        if (m_in->available() < 3 || std::memcmp(m_in->data(), "BZh", 3) != 0) {
          throw_bad_input(m_where, "trailing data after the bzip2 stream");
        }
        start();
      }
      if (m_in->available() == 0 && m_in->fill() == 0) {
        throw_bad_input(m_where, "truncated bzip2 stream");
      }
      auto avail = static_cast<unsigned>(std::min<std::size_t>(m_in->available(), 1u << 30));
      m_s.next_in = reinterpret_cast<char*>(m_in->data());
      m_s.avail_in = avail;
      m_s.next_out = static_cast<char*>(buf);
      m_s.avail_out = static_cast<unsigned>(std::min<std::size_t>(size, 1u << 30));
      unsigned out_before = m_s.avail_out;
      int rc = BZ2_bzDecompress(&m_s);
      m_in->consume(avail - m_s.avail_in);
      std::size_t produced = out_before - m_s.avail_out;
      if (rc == BZ_STREAM_END) {
        BZ2_bzDecompressEnd(&m_s);
        m_open = false;
      } else if (rc != BZ_OK) {
        throw_bad_input(m_where, "corrupt bzip2 data");
      }
      if (produced) {
        return produced;
      }
    }
    return 0;
  }

private:
  void start()
  {
    m_s = bz_stream{};
    if (BZ2_bzDecompressInit(&m_s, 0, 0) != BZ_OK) {
      throw_environment(m_where, "cannot start the bzip2 decoder");
    }
    m_open = true;
  }

  std::unique_ptr<InputBuffer> m_in;
  std::string m_where;
  bz_stream m_s{};
  bool m_open = false;
  bool m_done = false;
};

} // namespace

std::optional<Format> parse_format(std::string_view name)
{
  if (name == "none") return Format::none;
  if (name == "gzip") return Format::gzip;
  if (name == "bzip2") return Format::bzip2;
  if (name == "xz") return Format::xz;
  return std::nullopt;
}

std::string_view format_name(Format format)
{
  switch (format) {
  case Format::none: return "none";
  case Format::gzip: return "gzip";
  case Format::bzip2: return "bzip2";
  case Format::xz: return "xz";
  }
  return "none";
}

Format detect(std::string_view head)
{
  if (head.size() >= 2 && head[0] == '\x1f' && head[1] == '\x8b') {
    return Format::gzip;
  }
  if (head.size() >= 3 && head.substr(0, 3) == "BZh") {
    return Format::bzip2;
  }
  if (head.size() >= 6 && head.substr(0, 6) == std::string_view("\xfd" "7zXZ\0", 6)) {
    return Format::xz;
  }
  return Format::none;
}

LevelRange level_range(Format format)
{
  switch (format) {
  case Format::gzip: return {0, 12, 3};
  case Format::xz: return {0, 9, 6};
  case Format::bzip2: return {1, 9, 9};
  case Format::none: return {0, 0, 0};
  }
  return {0, 0, 0};
}

std::unique_ptr<Encoder> make_encoder(const EncoderOptions& o, Output out)
{
  auto range = level_range(o.format);
  int level = o.level.value_or(range.default_level);
  if (level < range.min || level > range.max) {
    throw_bad_input("--level", "level " + std::to_string(level) + " is not in " + std::to_string(range.min) + ".." +
                                   std::to_string(range.max) + " for " + std::string(format_name(o.format)));
  }
  switch (o.format) {
  case Format::none: return std::make_unique<NoneEncoder>(std::move(out));
  case Format::gzip: return std::make_unique<GzipEncoder>(level, cpu_threads(o.threads), std::move(out));
  case Format::xz: return std::make_unique<XzEncoder>(level, o.threads, std::move(out));
  case Format::bzip2: return std::make_unique<Bzip2Encoder>(level, std::move(out));
  }
  return nullptr;
}

std::unique_ptr<Decoder> make_decoder(Input in, const std::string& where, unsigned threads)
{
  auto buf = std::make_unique<InputBuffer>(std::move(in));
  std::size_t n = buf->peek(6);
  Format f = detect(std::string_view(reinterpret_cast<const char*>(buf->data()), n));
  switch (f) {
  case Format::gzip: return std::make_unique<GzipDecoder>(std::move(buf), where);
  case Format::xz: return std::make_unique<XzDecoder>(std::move(buf), where, threads);
  case Format::bzip2: return std::make_unique<Bzip2Decoder>(std::move(buf), where);
  case Format::none: break;
  }
  return std::make_unique<NoneDecoder>(std::move(buf));
}

std::string compress_string(std::string_view data, const EncoderOptions& options)
{
  std::string out;
  auto enc = make_encoder(options, [&](const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); });
  enc->write(data.data(), data.size());
  enc->finish();
  return out;
}

std::string decompress_string(std::string_view data, const std::string& where)
{
  std::size_t pos = 0;
  auto dec = make_decoder(
      [&](void* buf, std::size_t n) {
        std::size_t k = std::min(n, data.size() - pos);
        std::memcpy(buf, data.data() + pos, k);
        pos += k;
        return k;
      },
      where);
  std::string out;
  char buf[65536];
  while (std::size_t n = dec->read(buf, sizeof buf)) {
    out.append(buf, n);
  }
  return out;
}

} // namespace acikit::compress
