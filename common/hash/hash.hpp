#pragma once
// Streaming SHA-256 / SHA-512 (OpenSSL EVP behind this module only); MD5 only where
// a format requires it (dpkg's md5sums and Conffiles), never for trust.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace acikit::hash {

enum class Algorithm { sha256, sha512, md5 };

class Hasher {
public:
  explicit Hasher(Algorithm algorithm);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(const void* data, std::size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // Lower-case hex digest; the hasher is then reset for reuse.
  std::string hex_digest();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

std::string sha256_hex(std::string_view data);
std::string sha512_hex(std::string_view data);
std::string file_sha256_hex(const std::filesystem::path& path);

} // namespace acikit::hash
