#pragma once
// Labels (appc spec/aci.md "labels"; reference schema/types/labels.go): names
// are AC Identifiers, unique, never "name"; when "os" is present it must be a
// known OS, and "arch" (meaningful only with "os") one of that OS's arches.
#include "aci/ac_identifier.hpp"
#include "util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acikit::aci {

struct Label {
  AcIdentifier name;
  std::string value;
};

class Labels {
public:
  Labels() = default;
  static Result<Labels> parse(std::vector<Label> labels);
  const std::vector<Label>& items() const { return m_items; }
  bool empty() const { return m_items.empty(); }
  std::optional<std::string> get(std::string_view name) const;

private:
  std::vector<Label> m_items;
};

// The spec's table of valid os/arch combinations (types.ValidOSArch of appc
// v0.8.11, which the spec text defers to; checked against actool 0.8.11).
bool valid_os(std::string_view os);
bool valid_os_arch(std::string_view os, std::string_view arch);
// "amd64 i386 ..." for messages.
std::string valid_arches(std::string_view os);

// Debian architecture → ACI arch label for os "linux": amd64→amd64,
// arm64→aarch64, armhf→armv7l, armel→armv6l, i386→i386, ppc64el→ppc64le,
// s390x→s390x. nullopt for architectures the ACI table has no name for.
std::optional<std::string> debian_arch_to_aci(std::string_view debian_arch);

} // namespace acikit::aci
