#pragma once
// OpenPGP signatures through GPGME, in a private temporary GnuPG home that holds
// only the given keyring (DESIGN.md, Trust 1). The user's own keyring is never
// consulted. Trust is decided by each signature's own status and its signer's
// fingerprint being in the given keyring, never by GPGME's validity summary.
#include <cstddef>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acikit::signature {

struct SignatureReport {
  std::string fingerprint;  // as reported by GPGME (signing subkey or primary)
  std::string status;       // "good", "bad signature", "no public key", "expired key", "revoked key", ...
  bool good = false;        // valid and made by a key of the given keyring
  std::time_t created = 0;
  std::time_t key_expires = 0;  // signing key's expiry (the earlier of subkey and primary); 0 = never
};

// Verified plaintext plus who signed it. Only verify_*() can make one (and
// testing::make_signed_text, for unit tests of the parsers above this module).
class SignedText {
public:
  const std::string& plaintext() const { return m_plaintext; }
  const std::vector<SignatureReport>& signatures() const { return m_signatures; }
  // The first good signature.
  const SignatureReport& signer() const;

private:
  SignedText() = default;
  friend class Verifier;
  friend SignedText make_signed_text_for_testing(std::string plaintext, std::string fingerprint);
  std::string m_plaintext;
  std::vector<SignatureReport> m_signatures;
};

// A keyring: an OpenPGP key file (binary, as /usr/share/keyrings/*.gpg, or
// ASCII-armoured), or an inline armoured block (apt's Signed-By with a key).
class Keyring {
public:
  static Keyring from_file(const std::filesystem::path& path);
  static Keyring from_armored(std::string block, std::string origin);
  // Several files merged (apt's trusted.gpg.d).
  static Keyring from_files(const std::vector<std::filesystem::path>& paths);

  const std::string& origin() const { return m_origin; }  // for messages
  // Binary OpenPGP packets of all keys (armour removed).
  const std::string& packets() const { return m_packets; }

private:
  std::string m_origin;
  std::string m_packets;
};

class Verifier {
public:
  explicit Verifier(const Keyring& keyring);
  ~Verifier();  // removes the private home; no agent is left running
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Fingerprints (primary and subkeys) of every key in the keyring.
  const std::vector<std::string>& fingerprints() const;

  // Judge key expiry at `t` instead of now (a build from a lock, --as-of).
  // GPGME has no "verify as of" (NOTES-debian12.md), so expiry is decided here
  // from the signing subkey's and its primary key's expiration timestamps: a
  // signature counts when its key was unexpired at the check time, also when
  // its only problem for gpg is "expired key" (expired now); a key that expires
  // before the check time is refused even when gpg calls it good. Revocation,
  // bad signatures and unknown keys stay fatal whatever the time.
  void set_check_time(std::optional<std::time_t> t);

  // A clearsigned document (InRelease). Throws bad_input naming `file` unless at
  // least one signature is good and none is bad (a key of the keyring over other
  // bytes), whatever their order; one by a key not in the keyring, or expired,
  // does not undo a good one (as apt). The same rule for every verify_* and
  // DetachedStream. "Bad data" (e.g. two concatenated blocks) is fatal.
  SignedText verify_clearsigned(std::string_view data, const std::string& file);
  // A detached signature (Release + Release.gpg) over bytes in memory; the
  // plaintext of the result is exactly `data`. `file` names the signed file.
  SignedText verify_detached(std::string_view data, std::string_view signature,
                             const std::string& file);
  // A detached signature (NAME.aci + NAME.aci.asc) over a file, streamed from
  // disk. The plaintext of the result is empty: only the signer is reported (the
  // file may be gigabytes; re-reading it would also open a time-of-check gap).
  SignedText verify_detached_file(const std::filesystem::path& data,
                                  std::string_view signature, const std::string& file);

private:
  friend class DetachedStream;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// A detached signature checked over bytes handed over as the caller reads them
// for its own purpose (aci-verify: the same single read of an .aci is validated,
// hashed for the image ID and signature-checked, so no other bytes, e.g. of a
// file swapped in between two reads, can be checked than those validated).
// gpg runs on a thread of its own and pulls the bytes from a bounded queue
// (at most k_max_queued bytes are held); write() blocks while the queue is full.
// The Verifier must outlive the stream and is not to be used meanwhile.
class DetachedStream {
public:
  static constexpr std::size_t k_max_queued = 4u << 20;

  DetachedStream(Verifier& verifier, std::string signature, std::string file);
  // Without finish(): the check is abandoned (gpg is stopped, nothing thrown).
  ~DetachedStream();
  DetachedStream(const DetachedStream&) = delete;
  DetachedStream& operator=(const DetachedStream&) = delete;

  // The next `n` bytes of the signed data. Once gpg has given up (e.g. a
  // malformed signature) the bytes are dropped: finish() reports why.
  void write(const void* data, std::size_t n);
  // The end of the data: waits for gpg and judges as verify_detached() does
  // (throws bad_input naming `file`); the plaintext of the result is empty.
  SignedText finish();

private:
  struct State;
  Verifier& m_verifier;
  std::string m_file;
  std::unique_ptr<State> m_state;
};

// An ASCII-armoured detached signature of `data` made with the secret key `key`
// (fingerprint, key id or user id) from the GnuPG home `gnupg_home` ("" = default).
std::string sign_detached_armored(const std::filesystem::path& data,
                                  const std::filesystem::path& gnupg_home,
                                  const std::string& key);

SignedText make_signed_text_for_testing(std::string plaintext, std::string fingerprint);

} // namespace acikit::signature
