#include "ops/manifest.hpp"

#include "aci/image_manifest.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <iostream>

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

int manifest(const ManifestOptions& o)
{
  auto text = generate_manifest(o);
  if (o.output == "-") {
    std::cout << text;
  } else {
    util::write_file_atomic(o.output, text);
  }
  return 0;
}

} // namespace acikit::ops
