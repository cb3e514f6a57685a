#pragma once
// A content-addressed cache of verified files (issue 3, "Transport, cache,
// offline"): InRelease / Release / Release.gpg, index files and .debs, each
// stored as by-hash/SHA256/<hex> of its own bytes, so a name says what the
// content must be and two runs sharing a cache can only ever write the same
// bytes under one name. Every write is a rename of a complete file
// (AtomicFile); every read re-hashes, and an object that does not match its
// name is removed and counts as missing. Beside the objects, releases/ records
// per (URI, suite) the last release that was verified from the network, for
// --offline runs without a lock.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace acikit::cache {

struct ReleaseRecord {
  std::string release_sha256;    // InRelease, or Release when signature_sha256 is set
  std::string signature_sha256;  // Release.gpg; "" for InRelease
};

class Cache {
public:
  // Creates the directory (and by-hash/SHA256/, releases/) when missing;
  // environment error when that fails.
  explicit Cache(std::filesystem::path dir);

  // $XDG_CACHE_HOME/acikit, else $HOME/.cache/acikit.
  static std::filesystem::path default_dir();

  const std::filesystem::path& dir() const { return m_dir; }
  std::filesystem::path object_path(const std::string& sha256) const;

  // The object's path when it is present (of `size` bytes, if given) and hashes
  // to its name; nullopt otherwise (a corrupt object is removed).
  std::optional<std::filesystem::path> find(const std::string& sha256,
                                            std::optional<std::uint64_t> size = std::nullopt) const;
  // The object's verified bytes; nullopt when missing or corrupt.
  std::optional<std::string> read(const std::string& sha256) const;
  // Stores bytes (atomically); returns their SHA256.
  std::string put(std::string_view data) const;

  void record_release(const std::string& uri, const std::string& suite, const ReleaseRecord& record) const;
  std::optional<ReleaseRecord> latest_release(const std::string& uri, const std::string& suite) const;

private:
  std::filesystem::path m_dir;
};

// `to` gets the bytes of `from` under its final name in one rename: a hard link
// when both are on one file system, else a copy (AtomicFile).
void link_or_copy(const std::filesystem::path& from, const std::filesystem::path& to);

} // namespace acikit::cache
