#include "aci/mount_point.hpp"

#include "util/strings.hpp"

namespace acikit::aci {

Result<MountPoint> MountPoint::parse(AcName name, std::string path, bool read_only)
{
  const std::string q = "mount point '" + name.str() + "'";
  if (path.empty()) {
    return fail(q + ": path must be set");
  }
  if (path[0] != '/') {
    return fail(q + ": path '" + path + "' must be absolute");
  }
  for (auto part : util::split(path, '/')) {
    if (part == "..") {
      return fail(q + ": path '" + path + "' must not hold '..'");
    }
  }
  return MountPoint(std::move(name), std::move(path), read_only);
}

} // namespace acikit::aci
