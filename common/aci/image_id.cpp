#include "aci/image_id.hpp"

#include <stdexcept>

namespace acikit::aci {

Result<ImageId> ImageId::parse(std::string_view s)
{
  const std::string q = "image ID '" + std::string(s) + "'";
  auto dash = s.find('-');
  if (dash == std::string_view::npos) {
    return fail(q + " is not of the form sha512-HEX");
  }
  if (s.substr(0, dash) != "sha512") {
    return fail(q + ": unsupported hash algorithm '" + std::string(s.substr(0, dash)) +
                "' (only sha512 is permitted)");
  }
  auto hex = s.substr(dash + 1);
  if (hex.size() != 128) {
    return fail(q + ": expected 128 hex digits, got " + std::to_string(hex.size()));
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return fail(q + ": expected lower-case hex digits");
    }
  }
  return ImageId(std::string(s));
}

ImageId ImageId::from_sha512_hex(std::string_view hex)
{
  auto r = parse("sha512-" + std::string(hex));
  if (!r) {
    throw std::logic_error(r.error());
  }
  return r.value();
}

} // namespace acikit::aci
