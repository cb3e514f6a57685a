#include "hash/hash.hpp"

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/strings.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace acikit::hash {

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  const EVP_MD* md = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(Algorithm algorithm) : m_impl(std::make_unique<Impl>())
{
  m_impl->ctx = EVP_MD_CTX_new();
  m_impl->md = algorithm == Algorithm::sha256   ? EVP_sha256()
                : algorithm == Algorithm::sha512 ? EVP_sha512()
                                                 : EVP_md5();
  if (!m_impl->ctx || EVP_DigestInit_ex(m_impl->ctx, m_impl->md, nullptr) != 1) {
    throw_environment("openssl", "cannot initialise digest");
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, std::size_t size)
{
  EVP_DigestUpdate(m_impl->ctx, data, size);
}

std::string Hasher::hex_digest()
{
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_impl->ctx, out, &len);
  EVP_DigestInit_ex(m_impl->ctx, m_impl->md, nullptr);
  return util::to_hex(out, len);
}

std::string sha256_hex(std::string_view data)
{
  Hasher h(Algorithm::sha256);
  h.update(data);
  return h.hex_digest();
}

std::string sha512_hex(std::string_view data)
{
  Hasher h(Algorithm::sha512);
  h.update(data);
  return h.hex_digest();
}

std::string file_sha256_hex(const std::filesystem::path& path)
{
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw_errno(path.string(), "cannot open");
  }
  Hasher h(Algorithm::sha256);
  util::read_chunks(fd.get(), path.string(),
                    [&](const char* data, std::size_t n) { h.update(data, n); });
  return h.hex_digest();
}

} // namespace acikit::hash
