#pragma once
// The image manifest (appc spec/aci.md "Image Manifest Schema"), valid by
// construction: ImageManifest::parse / parse_json are the only ways to get one,
// and to_json() re-validates what it writes.
//
// Canonical serialisation (to_json, used by aci-manifest and aci-pack): keys
// sorted in byte order at every level, 2-space indent, a final newline, UTF-8
// unescaped; optional fields omitted when empty/unset; port "count" and
// "socketActivated" and mount point "readOnly" always written; lists the spec
// treats as sets keyed by name (labels, annotations) sorted by name; other
// lists (exec, environment, isolators, ports, mountPoints, dependencies,
// pathWhitelist, eventHandlers) keep their order. Unknown keys are dropped.
#include "aci/ac_identifier.hpp"
#include "aci/ac_version.hpp"
#include "aci/annotations.hpp"
#include "aci/app.hpp"
#include "aci/dependencies.hpp"
#include "aci/labels.hpp"
#include "aci/path_whitelist.hpp"
#include "util/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace acikit::aci {

struct ImageManifestFields {
  AcVersion ac_version;
  AcIdentifier name;
  Labels labels{};
  std::optional<App> app{};
  Annotations annotations{};
  Dependencies dependencies{};
  PathWhitelist path_whitelist{};
};

// Bounds on a manifest read from an untrusted image.
inline constexpr std::size_t k_max_manifest_size = 1 << 20;

class ImageManifest {
public:
  static Result<ImageManifest> parse(ImageManifestFields fields);
  // The JSON text of a manifest. Errors name the field: "field 'app.exec': ...".
  static Result<ImageManifest> parse_json(std::string_view text);

  const ImageManifestFields& fields() const { return m_f; }
  const AcIdentifier& name() const { return m_f.name; }
  // Canonical JSON text (see above), ending in a newline.
  std::string to_json() const;

private:
  explicit ImageManifest(ImageManifestFields f) : m_f(std::move(f)) {}
  ImageManifestFields m_f;
};

} // namespace acikit::aci
