#pragma once
// app.ports[] (appc spec/aci.md): AC Name, protocol (required, free string),
// port 1..65535, count >= 1 (default 1) with port + count - 1 <= 65535, and
// socketActivated (default false).
#include "aci/ac_name.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>

namespace acikit::aci {

class Port {
public:
  static Result<Port> parse(AcName name, std::string protocol, std::int64_t port,
                            std::int64_t count, bool socket_activated);
  const AcName& name() const { return m_name; }
  const std::string& protocol() const { return m_protocol; }
  std::uint32_t port() const { return m_port; }
  std::uint32_t count() const { return m_count; }
  bool socket_activated() const { return m_socket_activated; }

private:
  Port(AcName n, std::string proto, std::uint32_t port, std::uint32_t count, bool sa)
      : m_name(std::move(n)), m_protocol(std::move(proto)), m_port(port), m_count(count), m_socket_activated(sa) {}
  AcName m_name;
  std::string m_protocol;
  std::uint32_t m_port, m_count;
  bool m_socket_activated;
};

} // namespace acikit::aci
