#include "compress/compress.hpp"

#include "util/error.hpp"

#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>

#include <algorithm>
#include <cstring>
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

class GzipEncoder : public Encoder {
public:
  GzipEncoder(int level, Output out) : m_out(std::move(out)), m_buf(k_buffer_size)
  {
    isal_deflate_init(&m_s);
    m_s.gzip_flag = IGZIP_GZIP;
    m_s.level = static_cast<std::uint32_t>(level);
    static const std::size_t k_level_buf[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
                                              ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
    m_level_buf.resize(k_level_buf[level]);
    m_s.level_buf = m_level_buf.data();
    m_s.level_buf_size = static_cast<std::uint32_t>(m_level_buf.size());
  }

  void write(const void* data, std::size_t size) override
  {
    auto* p = bytes(data);
    while (size > 0) {
      auto chunk = static_cast<std::uint32_t>(std::min<std::size_t>(size, 1u << 30));
      m_s.next_in = p;
      m_s.avail_in = chunk;
      m_s.end_of_stream = 0;
      run(false);
      p += chunk;
      size -= chunk;
    }
  }

  void finish() override
  {
    m_s.next_in = nullptr;
    m_s.avail_in = 0;
    m_s.end_of_stream = 1;
    run(true);
  }

private:
  void run(bool finishing)
  {
    do {
      m_s.next_out = m_buf.data();
      m_s.avail_out = static_cast<std::uint32_t>(m_buf.size());
      int rc = isal_deflate(&m_s);
      if (rc != COMP_OK) {
        throw_environment("gzip", "ISA-L deflate failed (" + std::to_string(rc) + ")");
      }
      std::size_t produced = m_buf.size() - m_s.avail_out;
      if (produced) {
        m_out(m_buf.data(), produced);
      }
    } while (m_s.avail_in > 0 || m_s.avail_out == 0 || (finishing && m_s.internal_state.state != ZSTATE_END));
  }

  Output m_out;
  isal_zstream m_s{};
  std::vector<std::uint8_t> m_level_buf;
  std::vector<std::uint8_t> m_buf;
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
    mt.memlimit_threading = std::uint64_t{1} << 30;
    mt.memlimit_stop = std::uint64_t{4} << 30;
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
  case Format::gzip: return {0, ISAL_DEF_MAX_LEVEL, 3};
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
  case Format::gzip: return std::make_unique<GzipEncoder>(level, std::move(out));
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
