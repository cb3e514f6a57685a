// libFuzzer target: the ACI reader/validator (aci/aci_reader.hpp) on any bytes:
// decompression by magic, tar, the manifest, every check. It must always give
// a verdict; an Error other than bad input, or any other exception, is a bug.
#include "aci/aci_reader.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::size_t at = 0;
  acikit::compress::Input in = [&](void* buf, std::size_t n) {
    std::size_t k = std::min(n, size - at);
    std::memcpy(buf, data + at, k);
    at += k;
    return k;
  };
  acikit::aci::VerifyLimits limits;
  limits.max_size = 64ULL << 20;  // keep a single run short; the bound itself is tested in the CLI tests
  try {
    auto r = acikit::aci::verify_aci_stream(in, "fuzz", limits);
    if (r.valid != r.errors.empty()) {
      std::abort();
    }
  } catch (const acikit::Error& e) {
    std::abort();  // reading memory never fails: every Error here is a bug
  }
  return 0;
}
