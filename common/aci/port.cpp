#include "aci/port.hpp"

namespace acikit::aci {

Result<Port> Port::parse(AcName name, std::string protocol, std::int64_t port, std::int64_t count,
                         bool socket_activated)
{
  const std::string q = "port '" + name.str() + "'";
  if (protocol.empty()) {
    return fail(q + ": protocol must be set");
  }
  if (port < 1 || port > 65535) {
    return fail(q + ": port " + std::to_string(port) + " is not in 1-65535");
  }
  if (count < 1) {
    return fail(q + ": count " + std::to_string(count) + " must be at least 1");
  }
  if (port + count - 1 > 65535) {
    return fail(q + ": range " + std::to_string(port) + "+" + std::to_string(count) +
                " ends beyond port 65535");
  }
  return Port(std::move(name), std::move(protocol), static_cast<std::uint32_t>(port),
              static_cast<std::uint32_t>(count), socket_activated);
}

} // namespace acikit::aci
