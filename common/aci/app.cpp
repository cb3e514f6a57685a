#include "aci/app.hpp"

#include <set>

namespace acikit::aci {

Result<App> App::parse(AppFields f)
{
  if (f.user.empty()) {
    return fail("user is required");
  }
  if (f.group.empty()) {
    return fail("group is required");
  }
  if (!f.working_directory.empty() && f.working_directory[0] != '/') {
    return fail("workingDirectory '" + f.working_directory + "' must be an absolute path");
  }
  std::set<std::string> handlers;
  for (const auto& h : f.event_handlers) {
    if (h.name != "pre-start" && h.name != "post-stop") {
      return fail("eventHandler name '" + h.name + "' must be 'pre-start' or 'post-stop'");
    }
    if (!handlers.insert(h.name).second) {
      return fail("only one eventHandler named '" + h.name + "' is allowed");
    }
  }
  // Ports are keyed by name in the pod manifest; mount points by name too.
  std::set<std::string> names;
  for (const auto& p : f.ports) {
    if (!names.insert(p.name().str()).second) {
      return fail("duplicate port name '" + p.name().str() + "'");
    }
  }
  names.clear();
  for (const auto& m : f.mount_points) {
    if (!names.insert(m.name().str()).second) {
      return fail("duplicate mount point name '" + m.name().str() + "'");
    }
  }
  if (auto set = check_isolator_set(f.isolators); !set) {
    return fail("isolators" + set.error());
  }
  return App(std::move(f));
}

} // namespace acikit::aci
