#include "ops/manifest.hpp"

#include "aci/aci_patch.hpp"
#include "aci/aci_reader.hpp"
#include "aci/image_manifest.hpp"
#include "aci/json_strict.hpp"
#include "cli/run.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <filesystem>
#include <iostream>
#include <limits>
#include <set>
#include <tuple>

namespace acikit::ops {

namespace {

template <typename T>
T value_or_throw(Result<T> r, const std::string& flag)
{
  if (!r) {
    throw_bad_input(flag, r.error());
  }
  return std::move(r).value();
}

std::pair<std::string, std::string> split_assignment(const std::string& s, const std::string& flag)
{
  auto eq = s.find('=');
  if (eq == std::string::npos) {
    throw_bad_input(flag, "'" + s + "' is not of the form NAME=VALUE");
  }
  return {s.substr(0, eq), s.substr(eq + 1)};
}

std::pair<std::string, std::string> split_form(const std::string& s, char sep, const std::string& flag,
                                               const std::string& form)
{
  auto at = s.find(sep);
  if (at == std::string::npos) {
    throw_bad_input(flag, "'" + s + "' is not of the form " + form);
  }
  return {s.substr(0, at), s.substr(at + 1)};
}

// A decimal number, digits only (no sign, no blanks), from `min` to `max`.
std::uint64_t number(std::string_view s, const std::string& flag, const std::string& what, std::uint64_t max,
                     std::uint64_t min = 0)
{
  std::uint64_t v = 0;
  bool ok = !s.empty();
  for (char c : s) {
    if (c < '0' || c > '9' || v > (max - static_cast<unsigned>(c - '0')) / 10) {
      ok = false;
      break;
    }
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (!ok || v < min) {
    throw_bad_input(flag, "'" + std::string(s) + "': " + what + " must be a decimal number from " +
                              std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

// patch: the items a flag gives replace those with the same key, at the place
// of the first of them; items with a new key are appended. Several items with
// one key stay (the type's own check refuses duplicates where the spec does).
template <typename Item, typename Key>
void merge_by_key(std::vector<Item>& base, const std::vector<Item>& add, Key key)
{
  std::vector<Item> out;
  std::set<std::string> added, emitted;
  for (const auto& a : add) {
    added.insert(key(a));
  }
  auto emit = [&](const std::string& k) {
    if (emitted.insert(k).second) {
      for (const auto& a : add) {
        if (key(a) == k) {
          out.push_back(a);
        }
      }
    }
  };
  for (auto& b : base) {
    auto k = key(b);
    if (added.count(k)) {
      emit(k);
    } else {
      out.push_back(std::move(b));
    }
  }
  for (const auto& a : add) {
    emit(key(a));
  }
  base = std::move(out);
}

// patch --remove-*: every name must be there (a typo is an error, not a no-op).
template <typename Item, typename Key>
void remove_by_key(std::vector<Item>& base, const std::vector<std::string>& names, Key key, const std::string& flag,
                   const std::string& what)
{
  for (const auto& n : names) {
    auto before = base.size();
    std::erase_if(base, [&](const Item& i) { return key(i) == n; });
    if (base.size() == before) {
      throw_bad_input(flag, "the manifest has no " + what + " '" + n + "'");
    }
  }
}

enum class Mode { generate, patch };

aci::Isolator make_isolator(const std::string& name, const std::string& value_json, const std::string& flag)
{
  auto n = value_or_throw(aci::AcIdentifier::parse(name), flag);
  auto r = aci::Isolator::parse(n, value_json);
  if (!r) {
    throw_bad_input(flag, "isolator '" + name + "': " + r.error());
  }
  if (auto why = aci::isolator_unwritable_reason(r.value()); !why.empty()) {
    throw_bad_input(flag, "isolator '" + name + "': " + why);
  }
  return std::move(r).value();
}

// The isolators the flags give, each with the flag that gave it (so that a
// set rule broken later names the flag the user typed). An isolator name
// given twice is refused: the flags would contradict each other.
using FlagIsolators = std::vector<std::pair<aci::Isolator, std::string>>;

FlagIsolators isolators_from_flags(const ManifestOptions& o)
{
  FlagIsolators out;
  auto add = [&](aci::Isolator i, const std::string& flag) {
    for (const auto& [prev, prev_flag] : out) {
      if (prev.name() == i.name()) {
        throw_bad_input(flag, "isolator '" + i.name().str() + "' given twice");
      }
    }
    out.emplace_back(std::move(i), flag);
  };
  for (const auto& i : o.isolators) {
    auto [n, v] = split_form(i, '=', "--isolator", "NAME=JSON");
    add(make_isolator(n, v, "--isolator"), "--isolator");
  }
  if (!o.capability_retain.empty()) {
    add(make_isolator("os/linux/capabilities-retain-set", nlohmann::json{{"set", o.capability_retain}}.dump(),
                      "--capability-retain"),
        "--capability-retain");
  }
  if (!o.capability_remove.empty()) {
    add(make_isolator("os/linux/capabilities-remove-set", nlohmann::json{{"set", o.capability_remove}}.dump(),
                      "--capability-remove"),
        "--capability-remove");
  }
  if (o.seccomp_mode) {
    if (*o.seccomp_mode != "retain" && *o.seccomp_mode != "remove") {
      throw_usage("--seccomp-mode: '" + *o.seccomp_mode + "' must be 'retain' or 'remove'");
    }
    if (o.seccomp_set.empty()) {
      throw_usage("--seccomp-mode needs at least one --seccomp-set SYSCALL");
    }
    nlohmann::json v{{"set", o.seccomp_set}};
    if (o.seccomp_errno) {
      v["errno"] = *o.seccomp_errno;
    }
    const std::string name = "os/linux/seccomp-" + *o.seccomp_mode + "-set";
    auto r = aci::Isolator::parse(value_or_throw(aci::AcIdentifier::parse(name), "--seccomp-mode"), v.dump());
    if (!r) {
      // A bad errno is --seccomp-errno's; anything else is in the set.
      throw_bad_input(r.error().rfind("value.errno", 0) == 0 ? "--seccomp-errno" : "--seccomp-set",
                      "isolator '" + name + "': " + r.error());
    }
    add(std::move(r).value(), "--seccomp-mode");
  } else if (!o.seccomp_set.empty() || o.seccomp_errno) {
    throw_usage(std::string(o.seccomp_set.empty() ? "--seccomp-errno" : "--seccomp-set") +
                " needs --seccomp-mode retain|remove");
  }
  return out;
}

aci::Port parse_port(const std::string& s)
{
  const std::string flag = "--port", form = "NAME=PROTOCOL:PORT[,count=N][,socketActivated]";
  auto [name, rest] = split_form(s, '=', flag, form);
  // The spec lets the protocol be any string ("typically ... tcp or udp"),
  // which a manifest read keeps; the flag writes only a lower-case token
  // (tcp, udp, sctp, ...), so the one ':' ends it unambiguously.
  auto colon = rest.find(':');
  if (colon == std::string::npos) {
    throw_bad_input(flag, "'" + s + "' is not of the form " + form);
  }
  auto protocol = rest.substr(0, colon);
  if (protocol.empty()) {
    throw_bad_input(flag, "port '" + name + "': protocol must be set");
  }
  if (!std::all_of(protocol.begin(), protocol.end(),
                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; })) {
    throw_bad_input(flag, "port '" + name + "': protocol '" + protocol +
                              "' may hold only lower-case letters, digits and '-' (e.g. tcp, udp, sctp)");
  }
  auto parts = util::split(std::string_view(rest).substr(colon + 1), ',');
  // spec/aci.md: port 1 to 65535, count at least 1, the range ending at 65535.
  auto port = number(parts[0], flag, "port", 65535, 1);
  std::uint64_t count = 1;
  bool socket_activated = false, count_given = false;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].substr(0, 6) == "count=") {
      if (count_given) {
        throw_bad_input(flag, "port '" + name + "': count given twice");
      }
      count_given = true;
      count = number(parts[i].substr(6), flag, "count", 65535, 1);
    } else if (parts[i] == "socketActivated") {
      if (socket_activated) {
        throw_bad_input(flag, "port '" + name + "': socketActivated given twice");
      }
      socket_activated = true;
    } else {
      throw_bad_input(flag, "unknown port option '" + std::string(parts[i]) + "' (count=N, socketActivated)");
    }
  }
  return value_or_throw(aci::Port::parse(value_or_throw(aci::AcName::parse(name), flag), protocol,
                                         static_cast<std::int64_t>(port), static_cast<std::int64_t>(count),
                                         socket_activated),
                        flag);
}

aci::Dependency parse_dependency(const std::string& s)
{
  const std::string flag = "--dependency";
  // IMAGENAME, imageID and size hold no ',' (AC Identifier, sha512-HEX,
  // digits); labels, which may, come from --dependency-label.
  auto parts = util::split(s, ',');
  aci::Dependency d{value_or_throw(aci::AcIdentifier::parse(parts[0]), flag), std::nullopt, aci::Labels{},
                    std::nullopt};
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto field = parts[i].substr(0, parts[i].find('='));
    if ((field == "imageID" && d.image_id) || (field == "size" && d.size)) {
      throw_bad_input(flag, "dependency '" + std::string(parts[0]) + "': " + std::string(field) + " given twice");
    }
    if (parts[i].substr(0, 8) == "imageID=") {
      d.image_id = value_or_throw(aci::ImageId::parse(parts[i].substr(8)), flag);
    } else if (parts[i].substr(0, 5) == "size=") {
      d.size = number(parts[i].substr(5), flag, "size", std::numeric_limits<std::int64_t>::max());
    } else {
      throw_bad_input(flag, "unknown dependency field '" + std::string(parts[i]) +
                                "' (imageID=ID, size=N; labels: --dependency-label " + std::string(parts[0]) +
                                ":NAME=VALUE)");
    }
  }
  return d;
}

void check_typed_annotations(const ManifestOptions& o)
{
  if (o.created && !aci::is_rfc3339_date_time(*o.created)) {
    throw_bad_input("--created", "'" + *o.created + "' is not an RFC 3339 date-time (e.g. 2024-01-02T03:04:05Z)");
  }
  // Written as every reader takes it: RFC 3339 allows 't', 'z' and second 60,
  // which aci-verify accepts on reading, but Go's time.Parse (actool) does not.
  if (o.created && (o.created->find_first_of("tz") != std::string::npos ||
                    (o.created->size() > 18 && o.created->compare(17, 2, "60") == 0))) {
    throw_bad_input("--created", "'" + *o.created +
                                     "': write 'T' and 'Z' in upper case and a second below 60 (readers such as "
                                     "actool refuse the rest)");
  }
  for (auto [v, flag] : {std::pair{&o.homepage, "--homepage"}, std::pair{&o.documentation, "--documentation"}}) {
    if (*v && !aci::is_http_url(**v)) {
      throw_bad_input(flag, "'" + **v + "' is not an http or https URL");
    }
  }
}

// --created, --homepage, --documentation, --authors, then --lock: set (patch)
// or added (generate: a clash with --annotation is a duplicate).
void typed_annotations(std::vector<aci::Annotation>& as, const ManifestOptions& o, Mode mode)
{
  check_typed_annotations(o);
  auto put = [&](const char* name, const std::string& value) {
    aci::Annotation a{aci::AcIdentifier::parse(name).value(), value};
    if (mode == Mode::patch) {
      for (auto& it : as) {
        if (it.name == a.name) {
          it = std::move(a);
          return;
        }
      }
    }
    as.push_back(std::move(a));
  };
  for (auto [v, name] : {std::pair{&o.created, "created"}, std::pair{&o.homepage, "homepage"},
                         std::pair{&o.documentation, "documentation"}, std::pair{&o.authors, "authors"}}) {
    if (*v) {
      put(name, **v);
    }
  }
  if (o.lock) {
    put(k_lock_annotation, lock_annotation(*o.lock));
  }
}

// Dependencies and pathWhitelist (patch: after the removals).
void apply_image_flags(aci::ImageManifestFields& f, const ManifestOptions& o)
{
  auto dep_key = [](const aci::Dependency& d) { return d.image_name.str(); };
  std::vector<aci::Dependency> deps = f.dependencies;
  remove_by_key(deps, o.remove_dependencies, dep_key, "--remove-dependency", "dependency");
  std::vector<aci::Dependency> add;
  std::set<std::string> seen;
  for (const auto& s : o.dependencies) {
    add.push_back(parse_dependency(s));
    if (!seen.insert(add.back().image_name.str()).second) {
      throw_bad_input("--dependency", "'" + add.back().image_name.str() + "' given twice");
    }
  }
  merge_by_key(deps, add, dep_key);
  std::set<std::pair<std::string, std::string>> dep_labels_given;
  for (const auto& s : o.dependency_labels) {
    const std::string flag = "--dependency-label", form = "IMAGENAME:NAME=VALUE";
    auto [image, assignment] = split_form(s, ':', flag, form);
    auto [n, v] = split_form(assignment, '=', flag, form);
    if (!dep_labels_given.emplace(image, n).second) {
      throw_bad_input(flag, "dependency '" + image + "': label '" + n + "' given twice");
    }
    bool found = false;
    for (auto& d : deps) {
      if (d.image_name.str() != image) {
        continue;
      }
      found = true;
      std::vector<aci::Label> labels = d.labels.items();
      aci::Label l{value_or_throw(aci::AcIdentifier::parse(n), flag), v};
      bool replaced = false;
      for (auto& it : labels) {
        if (it.name == l.name) {
          it = l;
          replaced = true;
        }
      }
      if (!replaced) {
        labels.push_back(l);
      }
      d.labels = value_or_throw(aci::Labels::parse(std::move(labels)), flag);
    }
    if (!found) {
      throw_bad_input(flag, "no dependency '" + image + "' (give --dependency " + image + " first)");
    }
  }
  f.dependencies = std::move(deps);

  std::vector<std::string> paths = f.path_whitelist.items();
  remove_by_key(paths, o.remove_path_whitelist, [](const std::string& p) { return p; }, "--remove-path-whitelist",
                "pathWhitelist entry");
  for (const auto& p : o.path_whitelist) {
    if (std::find(paths.begin(), paths.end(), p) == paths.end()) {
      paths.push_back(p);
    }
  }
  f.path_whitelist = value_or_throw(aci::PathWhitelist::parse(std::move(paths)), "--path-whitelist");
}

void event_handler(std::vector<aci::EventHandler>& hs, const char* name, const std::optional<std::string>& path,
                   const std::vector<std::string>& args)
{
  const std::string flag = std::string("--") + name;
  if (!path) {
    if (!args.empty()) {
      throw_usage(flag + "-arg needs " + flag + " PATH");
    }
    return;
  }
  std::vector<std::string> argv{*path};
  argv.insert(argv.end(), args.begin(), args.end());
  merge_by_key(hs, {aci::EventHandler{name, value_or_throw(aci::Exec::parse(std::move(argv)), flag)}},
               [](const aci::EventHandler& h) { return h.name; });
}

// Everything of the app but exec, user, group, workingDirectory and environment.
// Returns the flag of each isolator name the flags gave.
std::map<std::string, std::string> apply_app_flags(aci::AppFields& app, const ManifestOptions& o)
{
  auto gid_key = [](std::uint32_t g) { return std::to_string(g); };
  for (const auto& g : o.remove_supplementary_gids) {
    number(g, "--remove-supplementary-gid", "a group ID", std::numeric_limits<std::uint32_t>::max());
  }
  remove_by_key(app.supplementary_gids, o.remove_supplementary_gids, gid_key, "--remove-supplementary-gid",
                "supplementary GID");
  for (const auto& g : o.supplementary_gids) {
    auto gid = static_cast<std::uint32_t>(
        number(g, "--supplementary-gid", "a group ID", std::numeric_limits<std::uint32_t>::max()));
    if (std::find(app.supplementary_gids.begin(), app.supplementary_gids.end(), gid) == app.supplementary_gids.end()) {
      app.supplementary_gids.push_back(gid);
    }
  }

  remove_by_key(app.event_handlers, o.remove_event_handlers, [](const aci::EventHandler& h) { return h.name; },
                "--remove-event-handler", "event handler");
  event_handler(app.event_handlers, "pre-start", o.pre_start, o.pre_start_args);
  event_handler(app.event_handlers, "post-stop", o.post_stop, o.post_stop_args);

  auto mount_key = [](const aci::MountPoint& m) { return m.name().str(); };
  remove_by_key(app.mount_points, o.remove_mounts, mount_key, "--remove-mount", "mount point");
  std::vector<aci::MountPoint> mounts;
  std::map<std::string, std::string> mount_flags;  // name -> the flag that gave it
  for (auto [list, flag, ro] : {std::tuple{&o.mounts, "--mount", false}, std::tuple{&o.mounts_ro, "--mount-ro", true}}) {
    for (const auto& s : *list) {
      auto [n, path] = split_form(s, '=', flag, "NAME=PATH");
      if (auto [it, fresh] = mount_flags.emplace(n, flag); !fresh) {
        throw_bad_input(flag, it->second == flag ? "duplicate mount point name '" + n + "'"
                                                 : "mount point '" + n + "' is also given to " + it->second);
      }
      mounts.push_back(
          value_or_throw(aci::MountPoint::parse(value_or_throw(aci::AcName::parse(n), flag), path, ro), flag));
    }
  }
  merge_by_key(app.mount_points, mounts, mount_key);

  auto port_key = [](const aci::Port& p) { return p.name().str(); };
  remove_by_key(app.ports, o.remove_ports, port_key, "--remove-port", "port");
  std::vector<aci::Port> ports;
  for (const auto& s : o.ports) {
    ports.push_back(parse_port(s));
  }
  merge_by_key(app.ports, ports, port_key);

  auto iso_key = [](const aci::Isolator& i) { return i.name().str(); };
  remove_by_key(app.isolators, o.remove_isolators, iso_key, "--remove-isolator", "isolator");
  std::vector<aci::Isolator> isolators;
  std::map<std::string, std::string> flags;
  for (auto& [i, flag] : isolators_from_flags(o)) {
    flags[i.name().str()] = flag;
    isolators.push_back(std::move(i));
  }
  merge_by_key(app.isolators, isolators, iso_key);
  return flags;
}

// The flag an App::parse failure most likely comes from. An isolator set
// rule (isolators[N]: ...) is blamed on the flag that gave isolator N, else on
// the flag of the other isolator the message names.
std::string app_flag(const std::string& error, const aci::AppFields& app,
                     const std::map<std::string, std::string>& isolator_flags)
{
  if (error.rfind("isolators", 0) == 0) {
    std::size_t n = 0;
    if (std::sscanf(error.c_str(), "isolators[%zu]", &n) == 1 && n < app.isolators.size()) {
      if (auto it = isolator_flags.find(app.isolators[n].name().str()); it != isolator_flags.end()) {
        return it->second;
      }
    }
    for (const auto& [name, flag] : isolator_flags) {
      if (error.find("'" + name + "'") != std::string::npos) {
        return flag;
      }
    }
    return "--isolator";
  }
  if (error.find("port name") != std::string::npos) {
    return "--port";
  }
  if (error.find("mount point name") != std::string::npos) {
    return "--mount";
  }
  return "--exec";
}

aci::App make_app(aci::AppFields app, const std::map<std::string, std::string>& isolator_flags)
{
  auto r = aci::App::parse(app);
  if (!r) {
    throw_bad_input(app_flag(r.error(), app, isolator_flags), r.error());
  }
  return std::move(r).value();
}

// The manifest is JSON, which holds only UTF-8 text: refuse other bytes in any
// value, naming the flag (rather than failing later in the JSON writer).
void check_utf8(const ManifestOptions& o)
{
  auto check = [](const std::string& v, const char* flag) {
    try {
      (void)nlohmann::json(v).dump();
    } catch (const nlohmann::json::type_error&) {
      auto shown = nlohmann::json(v).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
      throw_bad_input(flag, shown.substr(1, shown.size() - 2) + " is not UTF-8 text (shown with \\ufffd)");
    }
  };
  auto one = [&](const std::optional<std::string>& v, const char* flag) {
    if (v) {
      check(*v, flag);
    }
  };
  auto all = [&](const std::vector<std::string>& vs, const char* flag) {
    for (const auto& v : vs) {
      check(v, flag);
    }
  };
  check(o.name, "--name");
  check(o.os, "--os");
  for (auto [v, flag] : {std::pair{&o.version, "--version"}, std::pair{&o.arch, "--arch"},
                         std::pair{&o.debian_arch, "--debian-arch"}, std::pair{&o.exec, "--exec"},
                         std::pair{&o.user, "--user"}, std::pair{&o.group, "--group"},
                         std::pair{&o.working_directory, "--working-directory"}, std::pair{&o.pre_start, "--pre-start"},
                         std::pair{&o.post_stop, "--post-stop"}, std::pair{&o.seccomp_mode, "--seccomp-mode"},
                         std::pair{&o.seccomp_errno, "--seccomp-errno"}, std::pair{&o.created, "--created"},
                         std::pair{&o.homepage, "--homepage"}, std::pair{&o.documentation, "--documentation"},
                         std::pair{&o.authors, "--authors"}}) {
    one(*v, flag);
  }
  for (auto [v, flag] : {std::pair{&o.exec_args, "--exec-arg"}, std::pair{&o.env, "--env"},
                         std::pair{&o.labels, "--label"}, std::pair{&o.annotations, "--annotation"},
                         std::pair{&o.supplementary_gids, "--supplementary-gid"},
                         std::pair{&o.pre_start_args, "--pre-start-arg"}, std::pair{&o.post_stop_args, "--post-stop-arg"},
                         std::pair{&o.mounts, "--mount"}, std::pair{&o.mounts_ro, "--mount-ro"},
                         std::pair{&o.ports, "--port"}, std::pair{&o.isolators, "--isolator"},
                         std::pair{&o.capability_retain, "--capability-retain"},
                         std::pair{&o.capability_remove, "--capability-remove"},
                         std::pair{&o.seccomp_set, "--seccomp-set"}, std::pair{&o.dependencies, "--dependency"},
                         std::pair{&o.dependency_labels, "--dependency-label"},
                         std::pair{&o.path_whitelist, "--path-whitelist"}}) {
    all(*v, flag);
  }
}

bool has_app_flags(const ManifestOptions& o)
{
  return !o.supplementary_gids.empty() || o.pre_start || !o.pre_start_args.empty() || o.post_stop ||
         !o.post_stop_args.empty() || !o.mounts.empty() || !o.mounts_ro.empty() || !o.ports.empty() ||
         !o.isolators.empty() || !o.capability_retain.empty() || !o.capability_remove.empty() || o.seccomp_mode ||
         !o.seccomp_set.empty() || o.seccomp_errno;
}

bool has_app_removals(const ManifestOptions& o)
{
  return !o.remove_env.empty() || !o.remove_mounts.empty() || !o.remove_ports.empty() ||
         !o.remove_isolators.empty() || !o.remove_event_handlers.empty() || !o.remove_supplementary_gids.empty();
}

} // namespace

std::string generate_manifest(const ManifestOptions& o)
{
  check_utf8(o);
  if (o.name.empty()) {
    throw_usage("--name is required");
  }
  if (!o.exec) {
    for (auto [set, flag] : {std::pair{!o.exec_args.empty(), "--exec-arg"}, std::pair{o.user.has_value(), "--user"},
                             std::pair{o.group.has_value(), "--group"},
                             std::pair{o.working_directory.has_value(), "--working-directory"},
                             std::pair{!o.env.empty(), "--env"}}) {
      if (set) {
        throw_usage(std::string(flag) + " needs --exec (it belongs to the manifest's app)");
      }
    }
    if (has_app_flags(o)) {
      throw_usage("app flags (--mount, --port, --isolator, --capability-*, --seccomp-*, --pre-start, "
                  "--post-stop, --supplementary-gid) need --exec (they belong to the manifest's app)");
    }
  }
  for (auto [list, flag] : {std::pair{&o.remove_labels, "--remove-label"},
                            std::pair{&o.remove_annotations, "--remove-annotation"},
                            std::pair{&o.remove_env, "--remove-env"}, std::pair{&o.remove_mounts, "--remove-mount"},
                            std::pair{&o.remove_ports, "--remove-port"},
                            std::pair{&o.remove_isolators, "--remove-isolator"},
                            std::pair{&o.remove_event_handlers, "--remove-event-handler"},
                            std::pair{&o.remove_dependencies, "--remove-dependency"},
                            std::pair{&o.remove_path_whitelist, "--remove-path-whitelist"},
                            std::pair{&o.remove_supplementary_gids, "--remove-supplementary-gid"}}) {
    if (!list->empty()) {
      throw_usage(std::string(flag) + " is for patch");
    }
  }
  if (o.replace_exec) {
    throw_usage("--replace-exec is for patch");
  }
  if (o.arch && o.debian_arch) {
    throw_usage("--arch and --debian-arch are mutually exclusive");
  }

  auto name = value_or_throw(aci::AcIdentifier::parse(o.name), "--name");

  std::vector<aci::Label> labels;
  auto add_label = [&](const std::string& n, const std::string& v, const std::string& flag) {
    labels.push_back({value_or_throw(aci::AcIdentifier::parse(n), flag), v});
  };
  if (o.version) {
    if (o.version->empty()) {
      throw_bad_input("--version", "the version label cannot be empty");
    }
    add_label("version", *o.version, "--version");
  }
  if (o.os.empty()) {
    throw_bad_input("--os", "cannot be empty");
  }
  if (!aci::valid_os(o.os)) {
    throw_bad_input("--os", "unknown os '" + o.os + "' (must be one of: darwin freebsd linux)");
  }
  add_label("os", o.os, "--os");
  std::optional<std::string> arch = o.arch;
  std::string arch_flag = "--arch";
  if (o.debian_arch) {
    arch_flag = "--debian-arch";
    arch = aci::debian_arch_to_aci(*o.debian_arch);
    if (!arch) {
      throw_bad_input("--debian-arch", "Debian architecture '" + *o.debian_arch + "' has no ACI arch name");
    }
  }
  if (arch) {
    if (!aci::valid_os_arch(o.os, *arch)) {
      throw_bad_input(arch_flag, "bad arch '" + *arch + "' for os '" + o.os + "' (must be one of: " +
                                     aci::valid_arches(o.os) + ")");
    }
    add_label("arch", *arch, arch_flag);
  }
  for (const auto& l : o.labels) {
    auto [n, v] = split_assignment(l, "--label");
    add_label(n, v, "--label");
  }
  auto labels_ok = value_or_throw(aci::Labels::parse(std::move(labels)), "--label");

  std::vector<aci::Annotation> annotations;
  for (const auto& a : o.annotations) {
    auto [n, v] = split_assignment(a, "--annotation");
    // Write only what both the spec text (AC Name) and the reference allow.
    value_or_throw(aci::AcName::parse(n), "--annotation");
    annotations.push_back({value_or_throw(aci::AcIdentifier::parse(n), "--annotation"), v});
  }
  typed_annotations(annotations, o, Mode::generate);
  auto annotations_ok = value_or_throw(aci::Annotations::parse(std::move(annotations)), "--annotation");

  aci::ImageManifestFields f{aci::AcVersion::parse(aci::k_ac_version).value(), std::move(name)};
  f.labels = std::move(labels_ok);
  f.annotations = std::move(annotations_ok);
  apply_image_flags(f, o);

  if (o.exec) {
    std::vector<std::string> argv{*o.exec};
    argv.insert(argv.end(), o.exec_args.begin(), o.exec_args.end());
    aci::AppFields app{value_or_throw(aci::Exec::parse(std::move(argv)), "--exec"), o.user.value_or("0"),
                       o.group.value_or("0")};
    if (app.user.empty()) {
      throw_bad_input("--user", "cannot be empty");
    }
    if (app.group.empty()) {
      throw_bad_input("--group", "cannot be empty");
    }
    if (o.working_directory) {
      if (o.working_directory->empty() || (*o.working_directory)[0] != '/') {
        throw_bad_input("--working-directory", "'" + *o.working_directory + "' must be an absolute path");
      }
      app.working_directory = *o.working_directory;
    }
    std::vector<aci::EnvironmentVariable> vars;
    for (const auto& e : o.env) {
      auto [n, v] = split_assignment(e, "--env");
      if (auto r = aci::check_env_name(n); !r) {
        throw_bad_input("--env", r.error());
      }
      if (!aci::env_name_portable(n)) {
        throw_bad_input("--env", "environment variable name '" + n + "' may hold only letters, digits and '_'");
      }
      vars.push_back({n, v});
    }
    app.environment = value_or_throw(aci::Environment::parse(std::move(vars)), "--env");
    auto isolator_flags = apply_app_flags(app, o);
    f.app = make_app(std::move(app), isolator_flags);
  }
  auto m = value_or_throw(aci::ImageManifest::parse(std::move(f)), "manifest");
  return m.to_json();
}

std::string lock_annotation(const std::string& lockfile)
{
  auto parsed = aci::parse_json_strict(util::read_file(lockfile));
  if (!parsed) {
    throw_bad_input(lockfile, parsed.error());
  }
  const auto& j = parsed.value();
  if (!j.is_object() || !j.contains("packages") || !j["packages"].is_array()) {
    throw_bad_input(lockfile, "expected an object with a 'packages' array");
  }
  std::vector<std::tuple<std::string, std::string, std::string>> pkgs;
  std::size_t i = 0;
  for (const auto& p : j["packages"]) {
    std::string where = lockfile + ": packages[" + std::to_string(i++) + "]";
    auto get = [&](const char* key) {
      if (!p.is_object() || !p.contains(key) || !p[key].is_string() || p[key].get<std::string>().empty()) {
        throw_bad_input(where, std::string("'") + key + "' must be a non-empty string");
      }
      return p[key].get<std::string>();
    };
    pkgs.emplace_back(get("name"), get("architecture"), get("version"));
  }
  std::sort(pkgs.begin(), pkgs.end());
  std::string out;
  for (const auto& [name, arch, version] : pkgs) {
    out += (out.empty() ? "" : ", ") + name + "=" + version + ":" + arch;
  }
  return out;
}

namespace {

template <typename Item>
void set_named(std::vector<Item>& items, Item item)
{
  for (auto& it : items) {
    if (it.name == item.name) {
      it = std::move(item);
      return;
    }
  }
  items.push_back(std::move(item));
}

bool is_aci(const std::string& path)
{
  // A manifest starts with '{' after blanks; anything else is taken as an ACI.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw_errno(path, "open");
  }
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  for (ssize_t i = 0; i < n; ++i) {
    if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r') {
      return buf[i] != '{';
    }
  }
  return n > 0;
}

} // namespace

std::string patch_manifest(const std::string& text, const ManifestOptions& o)
{
  check_utf8(o);
  auto parsed = aci::ImageManifest::parse_json(text);
  if (!parsed) {
    throw_bad_input(o.input + ": manifest", parsed.error());
  }
  aci::ImageManifestFields f = parsed.value().fields();
  if (!o.name.empty()) {
    f.name = value_or_throw(aci::AcIdentifier::parse(o.name), "--name");
  }

  std::vector<aci::Label> labels = f.labels.items();
  remove_by_key(labels, o.remove_labels, [](const aci::Label& l) { return l.name.str(); }, "--remove-label", "label");
  auto set_label = [&](const std::string& n, const std::string& v, const std::string& flag) {
    set_named(labels, aci::Label{value_or_throw(aci::AcIdentifier::parse(n), flag), v});
  };
  if (o.version) {
    set_label("version", *o.version, "--version");
  }
  if (o.os_given) {
    set_label("os", o.os, "--os");
  }
  if (o.arch && o.debian_arch) {
    throw_usage("--arch and --debian-arch are mutually exclusive");
  }
  if (o.arch) {
    set_label("arch", *o.arch, "--arch");
  }
  if (o.debian_arch) {
    auto arch = aci::debian_arch_to_aci(*o.debian_arch);
    if (!arch) {
      throw_bad_input("--debian-arch", "Debian architecture '" + *o.debian_arch + "' has no ACI arch name");
    }
    set_label("arch", *arch, "--debian-arch");
  }
  for (const auto& l : o.labels) {
    auto [n, v] = split_assignment(l, "--label");
    set_label(n, v, "--label");
  }
  f.labels = value_or_throw(aci::Labels::parse(std::move(labels)), "--label");

  std::vector<aci::Annotation> annotations = f.annotations.items();
  remove_by_key(annotations, o.remove_annotations, [](const aci::Annotation& a) { return a.name.str(); },
                "--remove-annotation", "annotation");
  for (const auto& a : o.annotations) {
    auto [n, v] = split_assignment(a, "--annotation");
    value_or_throw(aci::AcName::parse(n), "--annotation");
    set_named(annotations, aci::Annotation{value_or_throw(aci::AcIdentifier::parse(n), "--annotation"), v});
  }
  typed_annotations(annotations, o, Mode::patch);
  f.annotations = value_or_throw(aci::Annotations::parse(std::move(annotations)), "--annotation");
  apply_image_flags(f, o);

  bool touches_app = o.exec || !o.exec_args.empty() || o.user || o.group || o.working_directory || !o.env.empty() ||
                     has_app_flags(o) || has_app_removals(o);
  if (touches_app) {
    if (!f.app && !o.exec) {
      throw_usage("the manifest has no app: give --exec to add one");
    }
    std::vector<std::string> argv;
    if (o.exec) {
      argv = {*o.exec};
      argv.insert(argv.end(), o.exec_args.begin(), o.exec_args.end());
    } else {
      argv = f.app->exec().argv();
      if (o.replace_exec) {
        argv.resize(1);
      }
      argv.insert(argv.end(), o.exec_args.begin(), o.exec_args.end());
    }
    auto exec = value_or_throw(aci::Exec::parse(std::move(argv)), "--exec");
    aci::AppFields app = f.app ? f.app->fields() : aci::AppFields{exec, "0", "0"};
    app.exec = std::move(exec);
    if (o.user) {
      if (o.user->empty()) {
        throw_bad_input("--user", "cannot be empty");
      }
      app.user = *o.user;
    }
    if (o.group) {
      if (o.group->empty()) {
        throw_bad_input("--group", "cannot be empty");
      }
      app.group = *o.group;
    }
    if (o.working_directory) {
      if (o.working_directory->empty() || (*o.working_directory)[0] != '/') {
        throw_bad_input("--working-directory", "'" + *o.working_directory + "' must be an absolute path");
      }
      app.working_directory = *o.working_directory;
    }
    std::vector<aci::EnvironmentVariable> vars = app.environment.items();
    remove_by_key(vars, o.remove_env, [](const aci::EnvironmentVariable& v) { return v.name; }, "--remove-env",
                  "environment variable");
    for (const auto& e : o.env) {
      auto [n, v] = split_assignment(e, "--env");
      if (auto r = aci::check_env_name(n); !r) {
        throw_bad_input("--env", r.error());
      }
      if (!aci::env_name_portable(n)) {
        throw_bad_input("--env", "environment variable name '" + n + "' may hold only letters, digits and '_'");
      }
      set_named(vars, aci::EnvironmentVariable{n, v});
    }
    app.environment = value_or_throw(aci::Environment::parse(std::move(vars)), "--env");
    auto isolator_flags = apply_app_flags(app, o);
    f.app = make_app(std::move(app), isolator_flags);
  } else if (o.replace_exec) {
    throw_usage("--replace-exec needs --exec-arg");
  }
  return value_or_throw(aci::ImageManifest::parse(std::move(f)), "manifest").to_json();
}

namespace {

void write_out(const ManifestOptions& o, const std::string& text)
{
  if (o.output == "-") {
    std::cout << text;
  } else {
    util::write_file_atomic(o.output, text);
  }
}

} // namespace

int manifest(const ManifestOptions& o)
{
  if ((o.max_size || o.max_ratio) && o.command != ManifestCommand::patch) {
    throw_usage(std::string(o.max_size ? "--max-size" : "--max-ratio") + ": only patch of an .aci reads a whole image");
  }
  if (std::error_code ec; o.output != "-" && std::filesystem::is_directory(o.output, ec)) {
    // Refused before anything is read or written (the final rename would fail last).
    throw_usage("--output: '" + o.output + "' is a directory (give the file to write)");
  }
  switch (o.command) {
  case ManifestCommand::generate:
    write_out(o, generate_manifest(o));
    return 0;
  case ManifestCommand::cat: {
    if (o.input.empty()) {
      throw_usage("cat: expected an INPUT.aci");
    }
    std::string text;
    if (o.input == "-") {
      text = aci::read_manifest_text(aci::fd_input(STDIN_FILENO, "-"), "-");
    } else {
      int fd = ::open(o.input.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        throw_errno(o.input, "open");
      }
      struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
      } closer{fd};
      text = aci::read_manifest_text(aci::fd_input(fd, o.input), o.input);
    }
    write_out(o, text);
    return 0;
  }
  case ManifestCommand::patch: {
    if (o.input.empty()) {
      throw_usage("patch: expected an INPUT (a manifest file or an .aci)");
    }
    if (!is_aci(o.input)) {
      if (o.json) {
        throw_usage("--json: only patch of an .aci reports (its new image ID)");
      }
      write_out(o, patch_manifest(util::read_file(o.input), o));
      return 0;
    }
    std::string output = o.output_given && o.output != "-" ? o.output : o.input;
    if (o.output_given && o.output == "-") {
      throw_usage("patch: an .aci is written to a file (--output FILE, default: the input, replaced atomically)");
    }
    std::error_code ec;
    // In place through a symlink: replace the file it names, not the link
    // (which would leave the target with the old image).
    std::filesystem::path target = output;
    if (std::filesystem::is_symlink(output, ec)) {
      target = std::filesystem::weakly_canonical(output);
    }
    // aci-verify's limits: a compression bomb is refused as the rewrite reaches
    // them, before it has expanded (and recompressed) all of it.
    aci::VerifyLimits limits;
    limits.max_size = o.max_size.value_or(limits.max_size);
    limits.max_ratio = o.max_ratio.value_or(limits.max_ratio);
    auto r = aci::replace_manifest(
        o.input, target, [&](const std::string& old) { return patch_manifest(old, o); }, limits);
    // A detached signature beside the image (aci-pack --sign writes X.aci.asc)
    // signed the old bytes: say so, but leave the user's file alone.
    if (!o.quiet) {
      std::set<std::string> sigs{output + ".asc", target.string() + ".asc"};
      for (const auto& sig : sigs) {
        if (std::filesystem::exists(sig, ec)) {
          cli::warn("aci-manifest", sig + ": signs the old image; re-sign it (aci-pack --sign / gpg --detach-sign)");
        }
      }
    }
    if (o.json) {
      // Key style as aci-pack --json (README.md, "Machine-readable output").
      std::string report = nlohmann::ordered_json{{"aci", output}, {"image_id", r.image_id}}.dump(2) + "\n";
      if (*o.json == "-") {
        std::cout << report << std::flush;
      } else {
        util::write_file_atomic(*o.json, report);
      }
    } else {
      std::cout << r.image_id << '\n';
    }
    return 0;
  }
  }
  return 0;
}

} // namespace acikit::ops
