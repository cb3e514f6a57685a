#pragma once
// The image manifest's "app" (appc spec/aci.md, reference schema/types/app.go).
#include "aci/environment.hpp"
#include "aci/exec.hpp"
#include "aci/isolator.hpp"
#include "aci/mount_point.hpp"
#include "aci/port.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace acikit::aci {

// eventHandlers[]: name "pre-start" or "post-stop", at most one of each.
struct EventHandler {
  std::string name;
  Exec exec;
};

// The parts, before the checks that span fields (App::parse).
struct AppFields {
  Exec exec;
  std::string user;   // required, free form: a name, a number or an absolute path
  std::string group;  // likewise
  std::vector<std::uint32_t> supplementary_gids{};
  std::vector<EventHandler> event_handlers{};
  std::string working_directory{};  // "" = unset; else absolute
  Environment environment{};
  std::vector<Isolator> isolators{};
  std::vector<MountPoint> mount_points{};
  std::vector<Port> ports{};
};

class App {
public:
  static Result<App> parse(AppFields fields);
  const AppFields& fields() const { return m_f; }
  const Exec& exec() const { return m_f.exec; }

private:
  explicit App(AppFields f) : m_f(std::move(f)) {}
  AppFields m_f;
};

} // namespace acikit::aci
