#include "aci/image_manifest.hpp"

#include "aci/json_strict.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace acikit::aci {

namespace {

using json = nlohmann::json;

// Reading: a failure carries the field path; thrown internally, caught in parse_json.
struct FieldError {
  std::string message;
};

[[noreturn]] void field_fail(const std::string& path, const std::string& what)
{
  throw FieldError{"field '" + path + "': " + what};
}

template <typename T>
T take(Result<T> r, const std::string& path)
{
  if (!r) {
    field_fail(path, r.error());
  }
  return std::move(r).value();
}

const char* type_name(const json& j)
{
  return j.type_name();
}

// An object's members; refuses non-objects, and keys that differ from a known
// key only by case (Go's encoding/json would read them as that key).
const json& object(const json& j, const std::string& path, std::initializer_list<const char*> known)
{
  if (!j.is_object()) {
    field_fail(path, std::string("expected an object, got ") + type_name(j));
  }
  for (const auto& [k, v] : j.items()) {
    bool exact = false;
    for (const char* kn : known) {
      if (k == kn) {
        exact = true;
      }
    }
    if (exact) {
      continue;
    }
    for (const char* kn : known) {
      if (util::to_lower(k) == util::to_lower(kn)) {
        field_fail(path.empty() ? k : path + "." + k,
                   std::string("unknown key (keys are case-sensitive: did you mean '") + kn + "'?)");
      }
    }
  }
  return j;
}

std::string join(const std::string& path, const std::string& key)
{
  return path.empty() ? key : path + "." + key;
}

// A member; null counts as absent (as in Go).
const json* member(const json& obj, const char* key)
{
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

const json& required(const json& obj, const char* key, const std::string& path)
{
  const json* m = member(obj, key);
  if (!m) {
    field_fail(join(path, key), "required");
  }
  return *m;
}

std::string str(const json& j, const std::string& path)
{
  if (!j.is_string()) {
    field_fail(path, std::string("expected a string, got ") + type_name(j));
  }
  return j.get<std::string>();
}

bool boolean(const json& j, const std::string& path)
{
  if (!j.is_boolean()) {
    field_fail(path, std::string("expected a boolean, got ") + type_name(j));
  }
  return j.get<bool>();
}

std::int64_t integer(const json& j, const std::string& path, std::int64_t min, std::int64_t max)
{
  std::int64_t v = 0;
  if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) {
      field_fail(path, std::to_string(u) + " is out of range");
    }
    v = static_cast<std::int64_t>(u);
  } else if (j.is_number_integer()) {
    v = j.get<std::int64_t>();
  } else {
    field_fail(path, std::string("expected an integer, got ") + type_name(j));
  }
  if (v < min || v > max) {
    field_fail(path, std::to_string(v) + " is out of range");
  }
  return v;
}

const json& array(const json& j, const std::string& path)
{
  if (!j.is_array()) {
    field_fail(path, std::string("expected an array, got ") + type_name(j));
  }
  return j;
}

std::string index(const std::string& path, std::size_t i)
{
  return path + "[" + std::to_string(i) + "]";
}

std::vector<std::string> strings(const json& j, const std::string& path)
{
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const auto& e : array(j, path)) {
    out.push_back(str(e, index(path, i++)));
  }
  return out;
}

Labels read_labels(const json& j, const std::string& path)
{
  std::vector<Label> labels;
  std::size_t i = 0;
  for (const auto& e : array(j, path)) {
    auto p = index(path, i++);
    object(e, p, {"name", "value"});
    auto name = take(AcIdentifier::parse(str(required(e, "name", p), p + ".name")), p + ".name");
    auto value = str(required(e, "value", p), p + ".value");
    labels.push_back({std::move(name), std::move(value)});
  }
  return take(Labels::parse(std::move(labels)), path);
}

Annotations read_annotations(const json& j, const std::string& path)
{
  std::vector<Annotation> items;
  std::size_t i = 0;
  for (const auto& e : array(j, path)) {
    auto p = index(path, i++);
    object(e, p, {"name", "value"});
    auto name = take(AcIdentifier::parse(str(required(e, "name", p), p + ".name")), p + ".name");
    auto value = str(required(e, "value", p), p + ".value");
    items.push_back({std::move(name), std::move(value)});
  }
  return take(Annotations::parse(std::move(items)), path);
}

Exec read_exec(const json& j, const std::string& path)
{
  return take(Exec::parse(strings(j, path)), path);
}

App read_app(const json& j, const std::string& path)
{
  object(j, path,
         {"exec", "user", "group", "supplementaryGIDs", "eventHandlers", "workingDirectory",
          "environment", "isolators", "mountPoints", "ports", "criAnnotations", "criLabels"});
  AppFields f{read_exec(required(j, "exec", path), path + ".exec"),
              str(required(j, "user", path), path + ".user"),
              str(required(j, "group", path), path + ".group")};
  if (const json* g = member(j, "supplementaryGIDs")) {
    auto p = path + ".supplementaryGIDs";
    std::size_t i = 0;
    for (const auto& e : array(*g, p)) {
      f.supplementary_gids.push_back(static_cast<std::uint32_t>(
          integer(e, index(p, i++), 0, std::numeric_limits<std::uint32_t>::max())));
    }
  }
  if (const json* h = member(j, "eventHandlers")) {
    auto p = path + ".eventHandlers";
    std::size_t i = 0;
    for (const auto& e : array(*h, p)) {
      auto ep = index(p, i++);
      object(e, ep, {"name", "exec"});
      f.event_handlers.push_back({str(required(e, "name", ep), ep + ".name"),
                                  read_exec(required(e, "exec", ep), ep + ".exec")});
    }
  }
  if (const json* w = member(j, "workingDirectory")) {
    f.working_directory = str(*w, path + ".workingDirectory");
  }
  if (const json* env = member(j, "environment")) {
    auto p = path + ".environment";
    std::vector<EnvironmentVariable> vars;
    std::size_t i = 0;
    for (const auto& e : array(*env, p)) {
      auto ep = index(p, i++);
      object(e, ep, {"name", "value"});
      vars.push_back({str(required(e, "name", ep), ep + ".name"), str(required(e, "value", ep), ep + ".value")});
    }
    f.environment = take(Environment::parse(std::move(vars)), p);
  }
  if (const json* iso = member(j, "isolators")) {
    auto p = path + ".isolators";
    std::size_t i = 0;
    for (const auto& e : array(*iso, p)) {
      auto ep = index(p, i++);
      object(e, ep, {"name", "value"});
      auto name = take(AcIdentifier::parse(str(required(e, "name", ep), ep + ".name")), ep + ".name");
      auto r = Isolator::parse(std::move(name), required(e, "value", ep).dump());
      if (!r) {
        // "value.set[0]: what" -> field 'app.isolators[2].value.set[0]': what
        const auto& msg = r.error();
        auto sep = msg.find(": ");
        field_fail(ep + "." + msg.substr(0, sep), msg.substr(sep + 2));
      }
      f.isolators.push_back(std::move(r).value());
    }
    if (auto set = check_isolator_set(f.isolators); !set) {
      const auto& msg = set.error();
      auto sep = msg.find(": ");
      field_fail(p + msg.substr(0, sep), msg.substr(sep + 2));
    }
  }
  if (const json* mps = member(j, "mountPoints")) {
    auto p = path + ".mountPoints";
    std::size_t i = 0;
    for (const auto& e : array(*mps, p)) {
      auto ep = index(p, i++);
      object(e, ep, {"name", "path", "readOnly"});
      auto name = take(AcName::parse(str(required(e, "name", ep), ep + ".name")), ep + ".name");
      bool ro = false;
      if (const json* r = member(e, "readOnly")) {
        ro = boolean(*r, ep + ".readOnly");
      }
      f.mount_points.push_back(
          take(MountPoint::parse(std::move(name), str(required(e, "path", ep), ep + ".path"), ro), ep));
    }
  }
  if (const json* ports = member(j, "ports")) {
    auto p = path + ".ports";
    std::size_t i = 0;
    for (const auto& e : array(*ports, p)) {
      auto ep = index(p, i++);
      object(e, ep, {"name", "protocol", "port", "count", "socketActivated"});
      auto name = take(AcName::parse(str(required(e, "name", ep), ep + ".name")), ep + ".name");
      auto proto = str(required(e, "protocol", ep), ep + ".protocol");
      auto port = integer(required(e, "port", ep), ep + ".port", std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max());
      std::int64_t count = 1;
      if (const json* c = member(e, "count")) {
        // The reference treats 0 as "unset" (schema/types/port.go).
        count = integer(*c, ep + ".count", std::numeric_limits<std::int64_t>::min(), 1 << 20);
        if (count == 0) {
          count = 1;
        }
      }
      bool sa = false;
      if (const json* s = member(e, "socketActivated")) {
        sa = boolean(*s, ep + ".socketActivated");
      }
      f.ports.push_back(take(Port::parse(std::move(name), std::move(proto), port, count, sa), ep));
    }
  }
  // criAnnotations / criLabels (added to the reference after 0.8.x) are not
  // part of spec/aci.md: accepted for compatibility, dropped on rewrite.
  return take(App::parse(std::move(f)), path);
}

Dependencies read_dependencies(const json& j, const std::string& path)
{
  Dependencies out;
  std::size_t i = 0;
  for (const auto& e : array(j, path)) {
    auto p = index(path, i++);
    object(e, p, {"imageName", "imageID", "labels", "size"});
    Dependency d{take(AcIdentifier::parse(str(required(e, "imageName", p), p + ".imageName")), p + ".imageName"),
                 std::nullopt, Labels{}, std::nullopt};
    if (const json* id = member(e, "imageID")) {
      d.image_id = take(ImageId::parse(str(*id, p + ".imageID")), p + ".imageID");
    }
    if (const json* l = member(e, "labels")) {
      d.labels = read_labels(*l, p + ".labels");
    }
    if (const json* s = member(e, "size")) {
      d.size = static_cast<std::uint64_t>(integer(*s, p + ".size", 0, std::numeric_limits<std::int64_t>::max()));
    }
    out.push_back(std::move(d));
  }
  return out;
}

json labels_json(const Labels& labels)
{
  std::vector<const Label*> sorted;
  for (const auto& l : labels.items()) {
    sorted.push_back(&l);
  }
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name.str() < b->name.str(); });
  json out = json::array();
  for (const auto* l : sorted) {
    out.push_back({{"name", l->name.str()}, {"value", l->value}});
  }
  return out;
}

json app_json(const App& app)
{
  const auto& f = app.fields();
  json j = {{"exec", f.exec.argv()}, {"user", f.user}, {"group", f.group}};
  if (!f.supplementary_gids.empty()) {
    j["supplementaryGIDs"] = f.supplementary_gids;
  }
  if (!f.event_handlers.empty()) {
    json hs = json::array();
    for (const auto& h : f.event_handlers) {
      hs.push_back({{"name", h.name}, {"exec", h.exec.argv()}});
    }
    j["eventHandlers"] = hs;
  }
  if (!f.working_directory.empty()) {
    j["workingDirectory"] = f.working_directory;
  }
  if (!f.environment.empty()) {
    json env = json::array();
    for (const auto& v : f.environment.items()) {
      env.push_back({{"name", v.name}, {"value", v.value}});
    }
    j["environment"] = env;
  }
  if (!f.isolators.empty()) {
    json iso = json::array();
    for (const auto& i : f.isolators) {
      iso.push_back({{"name", i.name().str()}, {"value", json::parse(i.value_json())}});
    }
    j["isolators"] = iso;
  }
  if (!f.mount_points.empty()) {
    json mps = json::array();
    for (const auto& m : f.mount_points) {
      mps.push_back({{"name", m.name().str()}, {"path", m.path()}, {"readOnly", m.read_only()}});
    }
    j["mountPoints"] = mps;
  }
  if (!f.ports.empty()) {
    json ps = json::array();
    for (const auto& p : f.ports) {
      ps.push_back({{"name", p.name().str()},
                    {"protocol", p.protocol()},
                    {"port", p.port()},
                    {"count", p.count()},
                    {"socketActivated", p.socket_activated()}});
    }
    j["ports"] = ps;
  }
  return j;
}

} // namespace

Result<ImageManifest> ImageManifest::parse(ImageManifestFields fields)
{
  return ImageManifest(std::move(fields));
}

Result<ImageManifest> ImageManifest::parse_json(std::string_view text)
{
  if (text.size() > k_max_manifest_size) {
    return fail("larger than " + std::to_string(k_max_manifest_size) + " bytes");
  }
  auto parsed = parse_json_strict(text);
  if (!parsed) {
    return fail("invalid JSON: " + parsed.error());
  }
  const json& j = parsed.value();
  try {
    object(j, "", {"acKind", "acVersion", "name", "labels", "app", "annotations", "dependencies", "pathWhitelist"});
    auto kind = str(required(j, "acKind", ""), "acKind");
    if (kind != "ImageManifest") {
      field_fail("acKind", "must be 'ImageManifest', got '" + kind + "'");
    }
    ImageManifestFields f{take(AcVersion::parse(str(required(j, "acVersion", ""), "acVersion")), "acVersion"),
                          take(AcIdentifier::parse(str(required(j, "name", ""), "name")), "name")};
    if (const json* l = member(j, "labels")) {
      f.labels = read_labels(*l, "labels");
    }
    if (const json* a = member(j, "app")) {
      f.app = read_app(*a, "app");
    }
    if (const json* a = member(j, "annotations")) {
      f.annotations = read_annotations(*a, "annotations");
    }
    if (const json* d = member(j, "dependencies")) {
      f.dependencies = read_dependencies(*d, "dependencies");
    }
    if (const json* w = member(j, "pathWhitelist")) {
      f.path_whitelist = take(PathWhitelist::parse(strings(*w, "pathWhitelist")), "pathWhitelist");
    }
    return parse(std::move(f));
  } catch (const FieldError& e) {
    return fail(e.message);
  }
}

std::string ImageManifest::to_json() const
{
  json j = {{"acKind", "ImageManifest"}, {"acVersion", m_f.ac_version.str()}, {"name", m_f.name.str()}};
  if (!m_f.labels.empty()) {
    j["labels"] = labels_json(m_f.labels);
  }
  if (m_f.app) {
    j["app"] = app_json(*m_f.app);
  }
  if (!m_f.annotations.empty()) {
    std::vector<const Annotation*> sorted;
    for (const auto& a : m_f.annotations.items()) {
      sorted.push_back(&a);
    }
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name.str() < b->name.str(); });
    json as = json::array();
    for (const auto* a : sorted) {
      as.push_back({{"name", a->name.str()}, {"value", a->value}});
    }
    j["annotations"] = as;
  }
  if (!m_f.dependencies.empty()) {
    json ds = json::array();
    for (const auto& d : m_f.dependencies) {
      json dj = {{"imageName", d.image_name.str()}};
      if (d.image_id) {
        dj["imageID"] = d.image_id->str();
      }
      if (!d.labels.empty()) {
        dj["labels"] = labels_json(d.labels);
      }
      if (d.size) {
        dj["size"] = *d.size;
      }
      ds.push_back(dj);
    }
    j["dependencies"] = ds;
  }
  if (!m_f.path_whitelist.empty()) {
    j["pathWhitelist"] = m_f.path_whitelist.items();
  }
  std::string text = canonical_dump(j, true) + "\n";
  // The writer re-validates: what we emit must read back as a valid manifest.
  if (auto check = parse_json(text); !check) {
    throw std::logic_error("canonical manifest does not validate: " + check.error());
  }
  return text;
}

} // namespace acikit::aci
