#pragma once
// app.mountPoints[] (appc spec/aci.md): an AC Name, a path inside the rootfs
// where external data is mounted, and readOnly (default false). The spec does
// not say the path is absolute; the reference requires it non-empty. We require
// it absolute and free of ".." (it is resolved inside the rootfs), which
// everything actool writes satisfies.
#include "aci/ac_name.hpp"
#include "util/result.hpp"

#include <string>

namespace acikit::aci {

class MountPoint {
public:
  static Result<MountPoint> parse(AcName name, std::string path, bool read_only);
  const AcName& name() const { return m_name; }
  const std::string& path() const { return m_path; }
  bool read_only() const { return m_read_only; }

private:
  MountPoint(AcName n, std::string p, bool ro) : m_name(std::move(n)), m_path(std::move(p)), m_read_only(ro) {}
  AcName m_name;
  std::string m_path;
  bool m_read_only;
};

} // namespace acikit::aci
