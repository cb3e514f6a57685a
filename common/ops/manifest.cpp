#include "ops/manifest.hpp"

#include "aci/aci_patch.hpp"
#include "aci/aci_reader.hpp"
#include "aci/image_manifest.hpp"
#include "aci/json_strict.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
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

} // namespace

std::string generate_manifest(const ManifestOptions& o)
{
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
  if (o.lock) {
    annotations.push_back({aci::AcIdentifier::parse(k_lock_annotation).value(), lock_annotation(*o.lock)});
  }
  auto annotations_ok = value_or_throw(aci::Annotations::parse(std::move(annotations)), "--annotation");

  aci::ImageManifestFields f{aci::AcVersion::parse(aci::k_ac_version).value(), std::move(name)};
  f.labels = std::move(labels_ok);
  f.annotations = std::move(annotations_ok);

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
    f.app = value_or_throw(aci::App::parse(std::move(app)), "--exec");
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
  auto parsed = aci::ImageManifest::parse_json(text);
  if (!parsed) {
    throw_bad_input(o.input + ": manifest", parsed.error());
  }
  aci::ImageManifestFields f = parsed.value().fields();
  if (!o.name.empty()) {
    f.name = value_or_throw(aci::AcIdentifier::parse(o.name), "--name");
  }

  std::vector<aci::Label> labels = f.labels.items();
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
  for (const auto& a : o.annotations) {
    auto [n, v] = split_assignment(a, "--annotation");
    value_or_throw(aci::AcName::parse(n), "--annotation");
    set_named(annotations, aci::Annotation{value_or_throw(aci::AcIdentifier::parse(n), "--annotation"), v});
  }
  if (o.lock) {
    set_named(annotations,
              aci::Annotation{aci::AcIdentifier::parse(k_lock_annotation).value(), lock_annotation(*o.lock)});
  }
  f.annotations = value_or_throw(aci::Annotations::parse(std::move(annotations)), "--annotation");

  bool touches_app = o.exec || !o.exec_args.empty() || o.user || o.group || o.working_directory || !o.env.empty();
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
    f.app = value_or_throw(aci::App::parse(std::move(app)), "--exec");
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
    auto r = aci::replace_manifest(o.input, output,
                                   [&](const std::string& old) { return patch_manifest(old, o); });
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
