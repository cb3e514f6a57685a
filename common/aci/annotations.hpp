#pragma once
// Annotations (appc spec/aci.md "annotations"): unique names; the value of
// "created" is an RFC 3339 date-time, of "homepage" and "documentation" an
// http(s) URL.
//
// Names: the spec text says AC Name, the reference code (actool 0.8.11) accepts
// an AC Identifier. Reading accepts what either allows (AC Identifier, a
// superset); aci-manifest writes only names both allow (annotation_name_writable).
#include "aci/ac_identifier.hpp"
#include "util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acikit::aci {

struct Annotation {
  AcIdentifier name;
  std::string value;
};

class Annotations {
public:
  Annotations() = default;
  static Result<Annotations> parse(std::vector<Annotation> annotations);
  const std::vector<Annotation>& items() const { return m_items; }
  bool empty() const { return m_items.empty(); }
  std::optional<std::string> get(std::string_view name) const;

private:
  std::vector<Annotation> m_items;
};

// Checks behind the typed annotations, exposed for tests and aci-manifest.
bool is_rfc3339_date_time(std::string_view s);
bool is_http_url(std::string_view s);
// True when `name` is also an AC Name (what the spec text demands).
bool annotation_name_writable(std::string_view name);

} // namespace acikit::aci
