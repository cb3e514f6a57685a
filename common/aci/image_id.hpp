#pragma once
// Image ID (appc spec/types.md "Image ID Type", spec/aci.md "Image ID"):
// "sha512-" + the lower-case hex SHA-512 of the uncompressed tar. sha512 is the
// only permitted algorithm. We require the full 128 hex digits; the reference
// code accepts any non-empty value (an intended difference: a shortened or
// upper-case ID cannot be compared with the one we compute).
#include "util/result.hpp"

#include <string>
#include <string_view>

namespace acikit::aci {

class ImageId {
public:
  static Result<ImageId> parse(std::string_view s);
  static ImageId from_sha512_hex(std::string_view hex);  // throws on bad hex (a bug)
  const std::string& str() const { return m_value; }
  friend bool operator==(const ImageId&, const ImageId&) = default;

private:
  explicit ImageId(std::string v) : m_value(std::move(v)) {}
  std::string m_value;
};

} // namespace acikit::aci
