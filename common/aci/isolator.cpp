#include "aci/isolator.hpp"

#include "aci/json_strict.hpp"

namespace acikit::aci {

Result<Isolator> Isolator::parse(AcIdentifier name, std::string_view value_json)
{
  auto v = parse_json_strict(value_json);
  if (!v) {
    return fail("isolator '" + name.str() + "': value: " + v.error());
  }
  return Isolator(std::move(name), canonical_dump(v.value(), false));
}

} // namespace acikit::aci
