#pragma once
// Isolator (appc spec/types.md "Isolator Type"): an AC Identifier name and an
// arbitrary JSON value (required). The value is kept as compact JSON text so
// that this header needs no JSON library; the well-known isolators' value
// schemas (resource/cpu, os/linux/capabilities-*...) are not checked yet.
#include "aci/ac_identifier.hpp"
#include "util/result.hpp"

#include <string>

namespace acikit::aci {

class Isolator {
public:
  // value_json: a complete JSON value; parse() checks and compacts it.
  static Result<Isolator> parse(AcIdentifier name, std::string_view value_json);
  const AcIdentifier& name() const { return m_name; }
  const std::string& value_json() const { return m_value; }

private:
  Isolator(AcIdentifier n, std::string v) : m_name(std::move(n)), m_value(std::move(v)) {}
  AcIdentifier m_name;
  std::string m_value;
};

} // namespace acikit::aci
