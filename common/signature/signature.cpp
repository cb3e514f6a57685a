// OpenPGP verification and signing through GPGME (the only user of GPGME).
//
// Verification runs gpg in a private, temporary home whose gpg.conf says
// `no-default-keyring` + `keyring FILE`: the given keys are read straight from
// a file of binary packets, nothing is imported, and `no-autostart` keeps any
// gpg-agent or dirmngr from starting (NOTES-debian12.md: an import starts an
// agent that outlives the run). The home path is short because agent and
// dirmngr sockets are limited to ~108 bytes (sun_path).
#include "signature/signature.hpp"

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/fd.hpp"

#include <gpgme.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <type_traits>

namespace acikit::signature {

namespace {

// ---- RAII over the GPGME handles -------------------------------------------

struct CtxDeleter {
  void operator()(gpgme_ctx_t c) const { gpgme_release(c); }
};
using Ctx = std::unique_ptr<std::remove_pointer_t<gpgme_ctx_t>, CtxDeleter>;

struct DataDeleter {
  void operator()(gpgme_data_t d) const { gpgme_data_release(d); }
};
using Data = std::unique_ptr<std::remove_pointer_t<gpgme_data_t>, DataDeleter>;

struct KeyDeleter {
  void operator()(gpgme_key_t k) const { gpgme_key_unref(k); }
};
using Key = std::unique_ptr<std::remove_pointer_t<gpgme_key_t>, KeyDeleter>;

using util::Fd;

std::string gpg_message(gpgme_error_t err)
{
  return gpgme_strerror(err);
}

void init_gpgme()
{
  static std::once_flag once;
  std::call_once(once, [] {
    if (!gpgme_check_version(nullptr)) {
      throw_environment("gpgme", "library initialisation failed");
    }
  });
  gpgme_error_t err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
  if (err) {
    throw_environment("gpgme", "no usable gpg engine: " + gpg_message(err));
  }
}

// A context for `home` ("" = the user's default home).
Ctx make_ctx(const std::string& home)
{
  init_gpgme();
  gpgme_ctx_t raw = nullptr;
  gpgme_error_t err = gpgme_new(&raw);
  if (err) {
    throw_environment("gpgme", "cannot create context: " + gpg_message(err));
  }
  Ctx ctx(raw);
  err = gpgme_set_protocol(raw, GPGME_PROTOCOL_OpenPGP);
  if (!err && !home.empty()) {
    // For this context only: the process environment (GNUPGHOME) is not touched.
    err = gpgme_ctx_set_engine_info(raw, GPGME_PROTOCOL_OpenPGP, nullptr, home.c_str());
  }
  if (err) {
    throw_environment("gpgme", "cannot configure context: " + gpg_message(err));
  }
  // No key servers, no CRL look-ups: verification must not touch the network.
  gpgme_set_offline(raw, 1);
  return ctx;
}

Data data_from_mem(std::string_view bytes, const std::string& where)
{
  gpgme_data_t raw = nullptr;
  gpgme_error_t err = gpgme_data_new_from_mem(&raw, bytes.data(), bytes.size(), 0);
  if (err) {
    throw_environment(where, "gpgme: cannot wrap data: " + gpg_message(err));
  }
  return Data(raw);
}

Data data_empty(const std::string& where)
{
  gpgme_data_t raw = nullptr;
  gpgme_error_t err = gpgme_data_new(&raw);
  if (err) {
    throw_environment(where, "gpgme: cannot create buffer: " + gpg_message(err));
  }
  return Data(raw);
}

Data data_from_fd(int fd, const std::string& where)
{
  gpgme_data_t raw = nullptr;
  gpgme_error_t err = gpgme_data_new_from_fd(&raw, fd);
  if (err) {
    throw_environment(where, "gpgme: cannot wrap file: " + gpg_message(err));
  }
  return Data(raw);
}

std::string read_all(gpgme_data_t d, const std::string& where)
{
  if (gpgme_data_seek(d, 0, SEEK_SET) < 0) {
    throw_errno(where, "gpgme: cannot rewind output");
  }
  std::string out;
  std::array<char, 65536> buf{};
  for (;;) {
    ssize_t n = gpgme_data_read(d, buf.data(), buf.size());
    if (n < 0) {
      throw_errno(where, "gpgme: cannot read output");
    }
    if (n == 0) {
      return out;
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
}

// ---- ASCII armour (RFC 4880 §6) ---------------------------------------------

int base64_value(char c)
{
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

// Decodes base64 text (whitespace already removed); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text)
{
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (char c : text) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0) {
      return std::nullopt;  // data after padding
    }
    int v = base64_value(c);
    if (v < 0) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (pad > 2 || (text.size() % 4) != 0) {
    return std::nullopt;
  }
  return out;
}

// RFC 4880 §6.1.
std::uint32_t crc24(std::string_view data)
{
  std::uint32_t crc = 0xB704CEu;
  for (unsigned char c : data) {
    crc ^= static_cast<std::uint32_t>(c) << 16;
    for (int i = 0; i < 8; ++i) {
      crc <<= 1;
      if (crc & 0x1000000u) {
        crc ^= 0x1864CFBu;
      }
    }
  }
  return crc & 0xFFFFFFu;
}

// All "PUBLIC KEY BLOCK"s of an armoured text, concatenated as binary packets.
// Lines are trimmed and a lone "." counts as empty, so an inline Signed-By block
// of a .sources file (deb822 continuation lines, sources.list(5)) works as is.
std::string dearmor(std::string_view text, const std::string& origin)
{
  static constexpr std::string_view k_begin = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
  static constexpr std::string_view k_end = "-----END PGP PUBLIC KEY BLOCK-----";
  enum class State { outside, headers, body };
  State state = State::outside;
  std::string packets;
  std::string body;
  std::optional<std::string> crc;
  std::size_t line_no = 0;
  std::size_t block_line = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    line = util::trim(line);
    if (line == ".") {
      line = "";
    }
    switch (state) {
    case State::outside:
      if (line == k_begin) {
        state = State::headers;
        block_line = line_no;
        body.clear();
        crc.reset();
      }
      break;
    case State::headers:
      if (line.empty()) {
        state = State::body;
      } else if (line.find(':') == std::string_view::npos) {
        // No blank line after the armour headers: tolerate it, as gpg does.
        state = State::body;
        body.append(line);
      }
      break;
    case State::body:
      if (line == k_end) {
        auto bin = base64_decode(body);
        if (!bin) {
          throw_bad_input(origin + ":" + std::to_string(block_line), "invalid base64 in armoured key block");
        }
        if (crc) {
          auto c = base64_decode(*crc);
          if (!c || c->size() != 3) {
            throw_bad_input(origin + ":" + std::to_string(block_line), "invalid armour checksum line");
          }
          const auto* u = reinterpret_cast<const unsigned char*>(c->data());
          std::uint32_t want = (std::uint32_t{u[0]} << 16) | (std::uint32_t{u[1]} << 8) | u[2];
          if (want != crc24(*bin)) {
            throw_bad_input(origin + ":" + std::to_string(block_line), "armour checksum mismatch");
          }
        }
        packets += *bin;
        state = State::outside;
      } else if (!line.empty() && line.front() == '=' && line.size() == 5) {
        crc = std::string(line.substr(1));
      } else {
        body.append(line);
      }
      break;
    }
  }
  if (state != State::outside) {
    throw_bad_input(origin + ":" + std::to_string(block_line), "unterminated armoured key block");
  }
  return packets;
}

bool looks_armored(std::string_view data)
{
  return data.find("-----BEGIN PGP PUBLIC KEY BLOCK-----") != std::string_view::npos &&
         (data.empty() || (static_cast<unsigned char>(data.front()) & 0x80u) == 0);
}

std::string packets_of(std::string data, const std::string& origin)
{
  std::string packets = looks_armored(data) ? dearmor(data, origin) : std::move(data);
  if (packets.empty()) {
    throw_bad_input(origin, "no OpenPGP key in keyring");
  }
  if ((static_cast<unsigned char>(packets.front()) & 0x80u) == 0) {
    throw_bad_input(origin, "not an OpenPGP keyring (binary packets or an armoured public key block)");
  }
  return packets;
}

std::string status_text(gpgme_signature_t sig)
{
  switch (gpgme_err_code(sig->status)) {
  case GPG_ERR_NO_ERROR:
    return "good";
  case GPG_ERR_BAD_SIGNATURE:
    return "bad signature";
  case GPG_ERR_NO_PUBKEY:
    return "no public key";
  case GPG_ERR_KEY_EXPIRED:
    return "expired key";
  case GPG_ERR_SIG_EXPIRED:
    return "expired signature";
  case GPG_ERR_CERT_REVOKED:
    return "revoked key";
  default:
    return util::to_lower(gpgme_strerror(sig->status));
  }
}

std::string upper(std::string s)
{
  for (char& c : s) {
    if (c >= 'a' && c <= 'f') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return s;
}

} // namespace

// ---- Keyring ----------------------------------------------------------------

Keyring Keyring::from_file(const std::filesystem::path& path)
{
  Keyring k;
  k.m_origin = path.string();
  k.m_packets = packets_of(util::read_file(path), k.m_origin);
  return k;
}

Keyring Keyring::from_armored(std::string block, std::string origin)
{
  Keyring k;
  k.m_origin = std::move(origin);
  if (!looks_armored(block)) {
    throw_bad_input(k.m_origin, "no armoured public key block");
  }
  k.m_packets = packets_of(std::move(block), k.m_origin);
  return k;
}

Keyring Keyring::from_files(const std::vector<std::filesystem::path>& paths)
{
  Keyring k;
  for (const auto& p : paths) {
    Keyring one = from_file(p);
    k.m_origin += (k.m_origin.empty() ? "" : ", ") + one.m_origin;
    k.m_packets += one.m_packets;
  }
  if (k.m_packets.empty()) {
    throw_bad_input("keyring", "no keyring files given");
  }
  return k;
}

// ---- Verifier ---------------------------------------------------------------

struct Verifier::Impl {
  std::string home;
  std::string origin;
  std::vector<std::string> fingerprints;
  // Fingerprint (primary or subkey) → when a signature by it stops counting:
  // the earlier of the subkey's and its primary key's expiry; 0 = never.
  std::map<std::string, std::time_t> expires;
  std::optional<std::time_t> check_time;
  Ctx ctx;

  ~Impl()
  {
    ctx.reset();
    if (!home.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(home, ec);
    }
  }

  bool known(const std::string& fpr) const
  {
    std::string u = upper(fpr);
    return !u.empty() && std::find(fingerprints.begin(), fingerprints.end(), u) != fingerprints.end();
  }

  SignedText judge(gpgme_error_t err, const std::string& file, std::string plaintext)
  {
    if (err) {
      auto code = gpgme_err_code(err);
      if (code == GPG_ERR_BAD_DATA) {
        // e.g. two concatenated clearsigned blocks: what GPGME returns as
        // plaintext is then unreliable (NOTES-debian12.md), so nothing is used.
        throw_bad_input(file, "malformed OpenPGP data (Bad data)");
      }
      if (code == GPG_ERR_NO_DATA) {
        throw_bad_input(file, "no OpenPGP signature found");
      }
      throw_bad_input(file, "signature verification failed: " + util::to_lower(gpg_message(err)));
    }
    gpgme_verify_result_t result = gpgme_op_verify_result(ctx.get());
    SignedText text;
    std::string seen;
    if (result) {
      for (gpgme_signature_t s = result->signatures; s; s = s->next) {
        SignatureReport r;
        r.fingerprint = upper(s->fpr ? s->fpr : "");
        if (r.fingerprint.size() == 16) {
          // A bad signature is reported by long key id (gpg's BADSIG): name the
          // key by its full fingerprint when the keyring has it.
          for (const auto& f : fingerprints) {
            if (f.size() > 16 && f.compare(f.size() - 16, 16, r.fingerprint) == 0) {
              r.fingerprint = f;
              break;
            }
          }
        }
        r.status = status_text(s);
        r.created = static_cast<std::time_t>(s->timestamp);
        auto exp = expires.find(r.fingerprint);
        r.key_expires = exp == expires.end() ? 0 : exp->second;
        // Each signature's own status (an overall success can hide a bad one) and
        // its key among the given keyring's; GPGME_SIGSUM_VALID is never used:
        // validity in a fresh home is "unknown". Key expiry is judged below, at
        // the check time; gpg's "expired key" (expired now) is the one status
        // that judgement may overrule, and only with no other problem.
        const auto code = gpgme_err_code(s->status);
        const bool expired_now = code == GPG_ERR_KEY_EXPIRED;
        const unsigned fatal = GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_SIG_EXPIRED |
                               (expired_now ? 0u : static_cast<unsigned>(GPGME_SIGSUM_RED));
        r.good = (code == GPG_ERR_NO_ERROR || expired_now) && !s->wrong_key_usage && (static_cast<unsigned>(s->summary) & fatal) == 0;
        const std::time_t at = check_time.value_or(std::time(nullptr));
        if (r.good && !known(r.fingerprint)) {
          r.good = false;
          r.status = "key not in keyring";
        } else if (r.good && (r.key_expires != 0 ? r.key_expires <= at : expired_now)) {
          r.good = false;
          r.status = "expired key";
        } else if (r.good) {
          r.status = "good";
        } else if (!r.good && r.status == "good") {
          r.status = (s->summary & GPGME_SIGSUM_KEY_REVOKED) ? "revoked key"
                     : (s->summary & GPGME_SIGSUM_KEY_EXPIRED) ? "expired key"
                     : (s->summary & GPGME_SIGSUM_SIG_EXPIRED) ? "expired signature"
                                                                : "not valid";
        }
        seen += (seen.empty() ? "" : "; ") + (r.fingerprint.empty() ? std::string("unknown key") : r.fingerprint) +
                ": " + r.status;
        text.m_signatures.push_back(std::move(r));
      }
    }
    bool any_good = std::any_of(text.m_signatures.begin(), text.m_signatures.end(),
                                [](const SignatureReport& r) { return r.good; });
    // One bad signature among several fails the whole, whatever the order.
    // gpg stops at the first BAD signature it meets, so a good one after it is
    // never reported: without this rule "good + bad" passed and "bad + good"
    // failed. A BAD signature is one by a key of the keyring over other bytes:
    // the data or a signature was altered. As apt does (BADSIG is fatal;
    // NO_PUBKEY, EXPKEYSIG, REVKEYSIG beside a good signature are not), a
    // signature by a key the keyring lacks, or one that only stopped counting
    // (expired, revoked), does not undo a good one: the Debian archive signs
    // Release with several keys, and a keyring need not hold all of them.
    bool any_bad = std::any_of(text.m_signatures.begin(), text.m_signatures.end(),
                               [](const SignatureReport& r) { return r.status == "bad signature"; });
    if (any_good && any_bad) {
      throw_bad_input(file, "a bad signature beside a good one (signature by " + seen + ")");
    }
    if (!any_good) {
      throw_bad_input(file, "no valid signature from a key in " + origin +
                                (seen.empty() ? " (no signature)" : " (signature by " + seen + ")"));
    }
    text.m_plaintext = std::move(plaintext);
    return text;
  }
};

namespace {

// Where temporary GnuPG homes go: $TMPDIR when it is absolute and short
// enough that agent socket paths below it stay within sun_path (108 bytes:
// the home, "/S.gpg-agent.browser" and room to spare), else /tmp.
std::string gnupg_home_base()
{
  constexpr std::size_t k_max_base = 64;
  const char* t = std::getenv("TMPDIR");
  if (t == nullptr || t[0] != '/') {
    return "/tmp";
  }
  std::string base = t;
  while (base.size() > 1 && base.back() == '/') {
    base.pop_back();
  }
  return base.size() <= k_max_base ? base : "/tmp";
}

} // namespace

Verifier::Verifier(const Keyring& keyring) : m_impl(std::make_unique<Impl>())
{
  init_gpgme();
  m_impl->origin = keyring.origin();
  // Short and private (mkdtemp gives 0700): see the file comment on sockets.
  std::string base = gnupg_home_base();
  std::string tmpl = base + "/acikit-gpg.XXXXXX";
  if (!mkdtemp(tmpl.data())) {
    throw_errno(base, "cannot create a temporary GnuPG home");
  }
  m_impl->home = tmpl;
  const std::filesystem::path home = m_impl->home;
  util::write_file_atomic(home / "keyring.gpg", keyring.packets(), util::Overwrite::yes, 0600);
  util::write_file_atomic(home / "gpg.conf",
                          "no-default-keyring\n"
                          "keyring " + (home / "keyring.gpg").string() + "\n"
                          "trust-model always\n"
                          "no-autostart\n"
                          "no-auto-key-retrieve\n"
                          "no-random-seed-file\n",
                          util::Overwrite::yes, 0600);
  m_impl->ctx = make_ctx(m_impl->home);

  gpgme_ctx_t c = m_impl->ctx.get();
  gpgme_error_t err = gpgme_op_keylist_start(c, nullptr, 0);
  while (!err) {
    gpgme_key_t raw = nullptr;
    err = gpgme_op_keylist_next(c, &raw);
    if (err) {
      break;
    }
    Key key(raw);
    const std::time_t primary_expires = key->subkeys ? static_cast<std::time_t>(key->subkeys->expires) : 0;
    for (gpgme_subkey_t sub = key->subkeys; sub; sub = sub->next) {
      if (sub->fpr) {
        m_impl->fingerprints.push_back(upper(sub->fpr));
        std::time_t e = static_cast<std::time_t>(sub->expires);
        if (primary_expires != 0 && (e == 0 || primary_expires < e)) {
          e = primary_expires;  // a subkey never outlives its primary key (RFC 4880 §5.2.3.6)
        }
        m_impl->expires[upper(sub->fpr)] = e;
      }
    }
  }
  gpgme_op_keylist_end(c);
  if (gpgme_err_code(err) != GPG_ERR_EOF) {
    throw_bad_input(keyring.origin(), "cannot read keys: " + util::to_lower(gpg_message(err)));
  }
  if (m_impl->fingerprints.empty()) {
    throw_bad_input(keyring.origin(), "no usable OpenPGP key in keyring");
  }
}

Verifier::~Verifier() = default;

const std::vector<std::string>& Verifier::fingerprints() const
{
  return m_impl->fingerprints;
}

void Verifier::set_check_time(std::optional<std::time_t> t)
{
  m_impl->check_time = t;
}

SignedText Verifier::verify_clearsigned(std::string_view data, const std::string& file)
{
  Data sig = data_from_mem(data, file);
  Data plain = data_empty(file);
  gpgme_error_t err = gpgme_op_verify(m_impl->ctx.get(), sig.get(), nullptr, plain.get());
  std::string plaintext = err ? std::string() : read_all(plain.get(), file);
  return m_impl->judge(err, file, std::move(plaintext));
}

SignedText Verifier::verify_detached(std::string_view data, std::string_view signature,
                                     const std::string& file)
{
  Data sig = data_from_mem(signature, file);
  Data signed_data = data_from_mem(data, file);
  gpgme_error_t err = gpgme_op_verify(m_impl->ctx.get(), sig.get(), signed_data.get(), nullptr);
  return m_impl->judge(err, file, std::string(data));
}

SignedText Verifier::verify_detached_file(const std::filesystem::path& data, std::string_view signature,
                                          const std::string& file)
{
  Fd fd(::open(data.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      throw_bad_input(data.string(), "no such file");
    }
    throw_errno(data.string(), "cannot open");
  }
  Data sig = data_from_mem(signature, file);
  Data signed_data = data_from_fd(fd.get(), data.string());
  gpgme_error_t err = gpgme_op_verify(m_impl->ctx.get(), sig.get(), signed_data.get(), nullptr);
  return m_impl->judge(err, file, std::string());
}

// ---- DetachedStream ---------------------------------------------------------

struct DetachedStream::State {
  Data sig;
  Data data;
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::string> chunks;
  std::size_t front_offset = 0;  // bytes of chunks.front() already handed to gpg
  std::size_t queued = 0;        // bytes in chunks not yet handed to gpg
  bool eof = false;              // write() is over
  bool cancelled = false;        // the check is abandoned
  bool done = false;             // gpgme_op_verify returned
  gpgme_error_t err = 0;
  std::thread thread;

  // GPGME's read callback, on the verify thread: the next queued bytes, 0 at
  // the end, -1 (ECANCELED) when abandoned.
  static ssize_t read_cb(void* handle, void* buffer, size_t size)
  {
    auto* s = static_cast<State*>(handle);
    try {
      std::unique_lock lock(s->m);
      s->cv.wait(lock, [s] { return s->queued > 0 || s->eof || s->cancelled; });
      if (s->cancelled) {
        errno = ECANCELED;
        return -1;
      }
      if (s->queued == 0) {
        return 0;
      }
      std::size_t n = 0;
      auto* out = static_cast<char*>(buffer);
      while (n < size && !s->chunks.empty()) {
        const std::string& c = s->chunks.front();
        std::size_t take = std::min(size - n, c.size() - s->front_offset);
        std::memcpy(out + n, c.data() + s->front_offset, take);
        n += take;
        s->front_offset += take;
        if (s->front_offset == c.size()) {
          s->chunks.pop_front();
          s->front_offset = 0;
        }
      }
      s->queued -= n;
      lock.unlock();
      s->cv.notify_all();
      return static_cast<ssize_t>(n);
    } catch (...) {
      errno = EIO;
      return -1;
    }
  }
};

DetachedStream::DetachedStream(Verifier& verifier, std::string signature, std::string file)
    : m_verifier(verifier), m_file(std::move(file)), m_state(std::make_unique<State>())
{
  State& s = *m_state;
  // gpgme_data_new_from_mem with copy=1: the signature outlives its argument.
  gpgme_data_t raw = nullptr;
  gpgme_error_t err = gpgme_data_new_from_mem(&raw, signature.data(), signature.size(), 1);
  if (err) {
    throw_environment(m_file, "gpgme: cannot wrap data: " + gpg_message(err));
  }
  s.sig.reset(raw);
  raw = nullptr;
  // Read only: no seek, so GPGME cannot rewind and see other bytes.
  static gpgme_data_cbs cbs{&State::read_cb, nullptr, nullptr, nullptr};
  err = gpgme_data_new_from_cbs(&raw, &cbs, &s);
  if (err) {
    throw_environment(m_file, "gpgme: cannot create a stream: " + gpg_message(err));
  }
  s.data.reset(raw);
  gpgme_ctx_t ctx = m_verifier.m_impl->ctx.get();
  s.thread = std::thread([&s, ctx] {
    gpgme_error_t e = gpgme_op_verify(ctx, s.sig.get(), s.data.get(), nullptr);
    {
      std::lock_guard lock(s.m);
      s.err = e;
      s.done = true;
      s.chunks.clear();
      s.queued = 0;
    }
    s.cv.notify_all();
  });
}

DetachedStream::~DetachedStream()
{
  if (m_state->thread.joinable()) {
    {
      std::lock_guard lock(m_state->m);
      m_state->cancelled = true;
    }
    m_state->cv.notify_all();
    m_state->thread.join();
  }
}

void DetachedStream::write(const void* data, std::size_t n)
{
  if (n == 0) {
    return;
  }
  State& s = *m_state;
  std::unique_lock lock(s.m);
  s.cv.wait(lock, [&s] { return s.queued < k_max_queued || s.done; });
  if (s.done) {
    return;  // gpg stopped reading: finish() says why
  }
  s.chunks.emplace_back(static_cast<const char*>(data), n);
  s.queued += n;
  lock.unlock();
  s.cv.notify_all();
}

SignedText DetachedStream::finish()
{
  State& s = *m_state;
  {
    std::lock_guard lock(s.m);
    s.eof = true;
  }
  s.cv.notify_all();
  s.thread.join();
  return m_verifier.m_impl->judge(s.err, m_file, std::string());
}

// ---- Signing ----------------------------------------------------------------

std::string sign_detached_armored(const std::filesystem::path& data, const std::filesystem::path& gnupg_home,
                                  const std::string& key)
{
  Ctx ctx = make_ctx(gnupg_home.string());
  gpgme_set_armor(ctx.get(), 1);
  gpgme_set_textmode(ctx.get(), 0);
  const std::string where = gnupg_home.empty() ? std::string("gnupg") : gnupg_home.string();
  if (!key.empty()) {
    gpgme_key_t raw = nullptr;
    gpgme_error_t err = gpgme_get_key(ctx.get(), key.c_str(), &raw, 1);
    if (err || !raw) {
      throw_bad_input(where, "no secret key '" + key + "': " + util::to_lower(gpg_message(err)));
    }
    Key k(raw);
    err = gpgme_signers_add(ctx.get(), k.get());
    if (err) {
      throw_environment(where, "cannot use key '" + key + "': " + util::to_lower(gpg_message(err)));
    }
  }
  Fd fd(::open(data.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw_errno(data.string(), "cannot open");
  }
  Data in = data_from_fd(fd.get(), data.string());
  Data out = data_empty(data.string());
  gpgme_error_t err = gpgme_op_sign(ctx.get(), in.get(), out.get(), GPGME_SIG_MODE_DETACH);
  if (err) {
    throw_environment(data.string(), "signing failed: " + util::to_lower(gpg_message(err)));
  }
  gpgme_sign_result_t result = gpgme_op_sign_result(ctx.get());
  if (!result || !result->signatures || result->invalid_signers) {
    throw_environment(data.string(), "signing failed: no signature made");
  }
  return read_all(out.get(), data.string());
}

} // namespace acikit::signature
