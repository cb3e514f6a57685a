#pragma once
// Streaming compression and decompression: gzip (Intel ISA-L igzip, the fastest
// deflate measured here, NOTES-debian12.md, and libdeflate for the smaller
// levels), xz (liblzma, multi-threaded), bzip2 (libbz2) and none. The C libraries
// stay behind this module.
//
// Encoders write standard streams. gzip is compressed in independent 1 MiB blocks,
// one gzip member each (RFC 1952 §2.2 allows a series of members; gzip, zlib's
// gunzip, Python, Go and libarchive read them as one stream), on `threads`
// threads; every member has a generic header (mtime 0, no name, OS 255), so output
// depends only on the input bytes and the level, not on the thread count. Decoders detect the format by magic number, accept concatenated
// members/streams, check every integrity trailer, and refuse trailing data after
// the last stream (bad input, naming `where`).
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace acikit::compress {

enum class Format { none, gzip, bzip2, xz };

std::optional<Format> parse_format(std::string_view name);  // "gzip", "xz", "bzip2", "none"
std::string_view format_name(Format format);
// By magic number: 1f 8b (gzip), "BZh" (bzip2), fd "7zXZ" 00 (xz); else none.
Format detect(std::string_view head);

struct LevelRange {
  int min, max, default_level;
};
// gzip: 0..3 ISA-L igzip (default 3: ~108 % of `gzip -6`'s size at ~12x its
// speed), 4..12 libdeflate (12: smallest, slowest); xz: presets 0..9 (default 6);
// bzip2: block size 1..9 (default 9); none: no level (0..0). The default is what
// aci-pack calls "fast", max what it calls "best".
LevelRange level_range(Format format);

// Receives compressed (or decompressed) bytes.
using Output = std::function<void(const void* data, std::size_t size)>;
// Supplies bytes: up to `size` into `buf`, 0 at the end; throws acikit::Error.
using Input = std::function<std::size_t(void* buf, std::size_t size)>;

class Encoder {
public:
  virtual ~Encoder() = default;
  virtual void write(const void* data, std::size_t size) = 0;
  // Flush the end of the stream to the output; no write() after it.
  virtual void finish() = 0;
};

struct EncoderOptions {
  Format format = Format::gzip;
  std::optional<int> level;  // default: level_range(format).default_level
  unsigned threads = 0;      // gzip and xz: 0 = one per CPU
};

// Throws bad_input naming "--level" for a level outside level_range().
std::unique_ptr<Encoder> make_encoder(const EncoderOptions& options, Output out);

class Decoder {
public:
  virtual ~Decoder() = default;
  // Up to `size` decompressed bytes; 0 at the end of the (last) stream.
  virtual std::size_t read(void* buf, std::size_t size) = 0;
  Format format() const { return m_format; }

protected:
  explicit Decoder(Format f) : m_format(f) {}

private:
  Format m_format;
};

// Detects the format from the first bytes of `in`. `where` names the input in
// errors ("image.aci: corrupt gzip data").
std::unique_ptr<Decoder> make_decoder(Input in, const std::string& where, unsigned threads = 0);

// Convenience for tests and small data.
std::string compress_string(std::string_view data, const EncoderOptions& options);
std::string decompress_string(std::string_view data, const std::string& where);

} // namespace acikit::compress
