#pragma once
// dependencies[] (appc spec/aci.md): imageName (AC Identifier, required),
// imageID (Image ID, optional), labels (as the top-level labels), size (bytes).
#include "aci/ac_identifier.hpp"
#include "aci/image_id.hpp"
#include "aci/labels.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace acikit::aci {

struct Dependency {
  AcIdentifier image_name;
  std::optional<ImageId> image_id;
  Labels labels;
  std::optional<std::uint64_t> size;
};

using Dependencies = std::vector<Dependency>;

} // namespace acikit::aci
