#include "aci/aci_patch.hpp"

#include "aci/aci_reader.hpp"
#include "aci/image_manifest.hpp"
#include "hash/hash.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

namespace acikit::aci {

namespace {

constexpr std::size_t k_block = 512;
constexpr std::uint64_t k_max_meta = 1 << 20;  // pax / GNU long-name data we hold

using Block = std::array<char, k_block>;

// Decompressed bytes against the limits, as aci-verify counts them.
class Budget {
public:
  Budget(const VerifyLimits& limits, std::string name) : m_limits(limits), m_name(std::move(name)) {}
  void compressed(std::size_t n) { m_in += n; }
  void account(std::size_t n)
  {
    m_out += n;
    if (m_out > m_limits.max_size) {
      throw_bad_input(m_name, "uncompressed size exceeds " + std::to_string(m_limits.max_size) +
                                  " bytes (a compression bomb? raise --max-size)");
    }
    if (m_out > m_limits.ratio_grace && m_limits.max_ratio > 0 && m_out / m_limits.max_ratio > m_in) {
      throw_bad_input(m_name, "compression ratio exceeds " + std::to_string(m_limits.max_ratio) +
                                  ":1 (a compression bomb? raise --max-ratio)");
    }
  }

private:
  const VerifyLimits& m_limits;
  std::string m_name;
  std::uint64_t m_in = 0, m_out = 0;
};

class BlockReader {
public:
  BlockReader(compress::Decoder& d, std::string name, Budget& budget)
    : m_d(d), m_name(std::move(name)), m_budget(budget)
  {
  }
  // Fills `out` with exactly n bytes; false at a clean end before any byte.
  bool read(char* out, std::size_t n)
  {
    std::size_t got = 0;
    while (got < n) {
      std::size_t k = m_d.read(out + got, n - got);
      m_budget.account(k);
      if (k == 0) {
        if (got == 0) {
          return false;
        }
        throw_bad_input(m_name, "truncated tar stream");
      }
      got += k;
    }
    return true;
  }
  void need(char* out, std::size_t n)
  {
    if (!read(out, n)) {
      throw_bad_input(m_name, "truncated tar stream");
    }
  }

private:
  compress::Decoder& m_d;
  std::string m_name;
  Budget& m_budget;
};

std::uint64_t parse_size(const char* f, const std::string& where)
{
  auto u = [&](int i) { return static_cast<unsigned char>(f[i]); };
  if (u(0) & 0x80) {
    // GNU base-256
    std::uint64_t v = 0;
    for (int i = 1; i < 12; ++i) {
      if (v >> 56) {
        throw_bad_input(where, "tar entry size out of range");
      }
      v = (v << 8) | u(i);
    }
    return v;
  }
  std::uint64_t v = 0;
  int i = 0;
  while (i < 12 && f[i] == ' ') {
    ++i;
  }
  for (; i < 12 && f[i] >= '0' && f[i] <= '7'; ++i) {
    v = v * 8 + static_cast<std::uint64_t>(f[i] - '0');
  }
  return v;
}

std::string field(const char* f, std::size_t n)
{
  return std::string(f, strnlen(f, n));
}

// The "path" record of a pax extended header, if any; a "size" record goes
// into `size` (it overrides the ustar field for the next entry, POSIX pax).
std::optional<std::string> pax_path(const std::string& data, std::optional<std::uint64_t>& size,
                                    const std::string& where)
{
  std::optional<std::string> path;
  std::size_t at = 0;
  while (at < data.size()) {
    std::size_t sp = data.find(' ', at);
    if (sp == std::string::npos) {
      break;
    }
    std::size_t len = std::strtoul(data.substr(at, sp - at).c_str(), nullptr, 10);
    if (len == 0 || at + len > data.size()) {
      break;
    }
    std::string rec = data.substr(sp + 1, at + len - sp - 2);  // without the newline
    auto eq = rec.find('=');
    if (eq != std::string::npos) {
      if (rec.substr(0, eq) == "path") {
        path = rec.substr(eq + 1);
      } else if (rec.substr(0, eq) == "size") {
        std::string v = rec.substr(eq + 1);
        if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
          throw_bad_input(where, "pax size record '" + v + "' is not a number");
        }
        size = std::stoull(v);
      }
    }
    at += len;
  }
  return path;
}

std::string normalise(std::string p)
{
  while (p.rfind("./", 0) == 0) {
    p.erase(0, 2);
  }
  while (!p.empty() && p.back() == '/') {
    p.pop_back();
  }
  return p;
}

// Writes the new size the way the header had its old one: 11 octal digits and
// the same terminator (libarchive, so aci-pack, ends it with a space, others
// with a NUL), so that a patch that changes nothing changes no byte.
void set_size_and_checksum(Block& h, std::uint64_t size)
{
  char buf[16];
  const char terminator = h[135] == ' ' ? ' ' : '\0';
  std::snprintf(buf, sizeof buf, "%011llo", static_cast<unsigned long long>(size));
  std::memcpy(h.data() + 124, buf, 11);
  h[135] = terminator;
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) {
    sum += static_cast<unsigned char>(c);
  }
  std::snprintf(buf, sizeof buf, "%06o", sum);
  std::memcpy(h.data() + 148, buf, 7);  // six digits and the NUL; the space stays
}

} // namespace

PatchedAci replace_manifest(const std::filesystem::path& input, const std::filesystem::path& output,
                            const std::function<std::string(const std::string&)>& patch,
                            const VerifyLimits& limits)
{
  const std::string name = input.string();
  int fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw_errno(name, "open");
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  ::fstat(fd, &st);
  Budget budget(limits, name);
  auto raw = fd_input(fd, name);
  auto decoder = compress::make_decoder(
      [&](void* b, std::size_t size) {
        auto got = raw(b, size);
        budget.compressed(got);
        return got;
      },
      name);
  PatchedAci result;
  result.compression = decoder->format();

  util::AtomicFile out(output, st.st_mode & 0777);
  hash::Hasher hasher(hash::Algorithm::sha512);
  compress::EncoderOptions eo;
  eo.format = result.compression;
  auto encoder = compress::make_encoder(eo, [&](const void* p, std::size_t n) { out.write(p, n); });
  auto emit = [&](const char* p, std::size_t n) {
    hasher.update(p, n);
    encoder->write(p, n);
  };

  BlockReader r(*decoder, name, budget);
  std::string pending;  // pax / GNU long-name headers with their data, before an entry
  std::optional<std::string> long_name, pax_name;
  std::optional<std::uint64_t> pax_size;
  bool patched = false;
  Block h{};
  std::array<char, 64 * 1024> buf{};
  for (;;) {
    if (!r.read(h.data(), k_block)) {
      throw_bad_input(name, "tar stream without an end-of-archive marker");
    }
    if (std::all_of(h.begin(), h.end(), [](char c) { return c == 0; })) {
      // The end marker: it and whatever follows are copied as they are.
      emit(pending.data(), pending.size());
      emit(h.data(), k_block);
      while (std::size_t n = decoder->read(buf.data(), buf.size())) {
        budget.account(n);
        emit(buf.data(), n);
      }
      break;
    }
    std::uint64_t size = parse_size(h.data() + 124, name);
    char type = h[156];
    if (pax_size && !(type == 'x' || type == 'L' || type == 'g' || type == 'K')) {
      size = *pax_size;
    }
    std::uint64_t padded = (size + k_block - 1) / k_block * k_block;
    if (type == 'x' || type == 'L' || type == 'g' || type == 'K') {
      if (padded > k_max_meta) {
        throw_bad_input(name, "tar extended header larger than 1 MiB");
      }
      std::string data(padded, '\0');
      r.need(data.data(), data.size());
      pending.append(h.data(), k_block);
      pending += data;
      data.resize(size);
      if (type == 'x') {
        if (auto p = pax_path(data, pax_size, name)) {
          pax_name = p;
        }
      } else if (type == 'L') {
        long_name = field(data.data(), data.size());
      }
      continue;
    }
    std::string entry = field(h.data(), 100);
    if (std::memcmp(h.data() + 257, "ustar", 5) == 0 && h[345] != 0) {
      entry = field(h.data() + 345, 155) + "/" + entry;
    }
    if (long_name) {
      entry = *long_name;
    }
    if (pax_name) {
      entry = *pax_name;
    }
    // Hardlinks, symlinks, directories and devices carry no data (POSIX), yet
    // readers differ on a non-zero size there (libarchive skips that many
    // bytes, Go's archive/tar and GNU tar read them as the next header): such
    // an image means different things to different readers. aci-verify
    // refuses it too.
    bool header_only = type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6';
    if (header_only && size != 0) {
      throw_bad_input(name, "entry '" + entry + "': a " + (type == '1' ? "hardlink" : "non-file entry") +
                                " with a non-zero size (" + std::to_string(size) + ")");
    }
    bool is_manifest = normalise(entry) == "manifest" && (type == '0' || type == '\0');
    if (is_manifest) {
      if (patched) {
        throw_bad_input(name, "two 'manifest' entries");
      }
      if (pax_size) {
        throw_bad_input(name, "the manifest's pax header records its size: cannot patch it in place");
      }
      if (size > k_max_manifest_size) {
        throw_bad_input(name, "manifest: larger than " + std::to_string(k_max_manifest_size) + " bytes");
      }
      std::string old(padded, '\0');
      r.need(old.data(), old.size());
      old.resize(size);
      std::string text = patch(old);
      emit(pending.data(), pending.size());
      set_size_and_checksum(h, text.size());
      emit(h.data(), k_block);
      text.resize((text.size() + k_block - 1) / k_block * k_block, '\0');
      emit(text.data(), text.size());
      patched = true;
    } else {
      emit(pending.data(), pending.size());
      emit(h.data(), k_block);
      // Regular files and unknown types carry data; the others are refused
      // above unless their size is 0.
      for (std::uint64_t left = padded; left > 0;) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        r.need(buf.data(), n);
        emit(buf.data(), n);
        left -= n;
      }
    }
    pending.clear();
    long_name.reset();
    pax_name.reset();
    pax_size.reset();
  }
  if (!patched) {
    throw_bad_input(name, "no 'manifest' entry");
  }
  encoder->finish();
  out.commit();
  result.image_id = "sha512-" + hasher.hex_digest();
  return result;
}

} // namespace acikit::aci
