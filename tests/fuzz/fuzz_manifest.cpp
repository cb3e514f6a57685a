// libFuzzer target: the image manifest reader (aci/image_manifest.hpp) on any
// bytes. A manifest that parses must serialise canonically and read back to
// the same text (to_json re-validates; a logic_error there is a bug).
#include "aci/image_manifest.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = acikit::aci::ImageManifest::parse_json(text);
  if (m) {
    std::string canonical = m.value().to_json();
    auto again = acikit::aci::ImageManifest::parse_json(canonical);
    if (!again || again.value().to_json() != canonical) {
      std::abort();
    }
  }
  return 0;
}
