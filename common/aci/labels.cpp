#include "aci/labels.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

namespace acikit::aci {

namespace {

struct OsArches {
  std::string_view os;
  std::vector<std::string_view> arches;
};

const std::vector<OsArches>& table()
{
  static const std::vector<OsArches> t = {
      {"linux", {"amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l", "armv7b", "ppc64", "ppc64le", "s390x"}},
      {"freebsd", {"amd64", "i386", "arm"}},
      {"darwin", {"x86_64", "i386"}},
  };
  return t;
}

const OsArches* find_os(std::string_view os)
{
  for (const auto& e : table()) {
    if (e.os == os) {
      return &e;
    }
  }
  return nullptr;
}

} // namespace

bool valid_os(std::string_view os) { return find_os(os) != nullptr; }

bool valid_os_arch(std::string_view os, std::string_view arch)
{
  const auto* e = find_os(os);
  return e && std::find(e->arches.begin(), e->arches.end(), arch) != e->arches.end();
}

std::string valid_arches(std::string_view os)
{
  std::string out;
  if (const auto* e = find_os(os)) {
    for (auto a : e->arches) {
      out += (out.empty() ? "" : " ") + std::string(a);
    }
  }
  return out;
}

std::optional<std::string> debian_arch_to_aci(std::string_view debian_arch)
{
  static const std::array<std::pair<std::string_view, std::string_view>, 7> k_map = {{
      {"amd64", "amd64"},
      {"arm64", "aarch64"},
      {"armhf", "armv7l"},
      {"armel", "armv6l"},
      {"i386", "i386"},
      {"ppc64el", "ppc64le"},
      {"s390x", "s390x"},
  }};
  for (const auto& [deb, aci] : k_map) {
    if (deb == debian_arch) {
      return std::string(aci);
    }
  }
  return std::nullopt;
}

Result<Labels> Labels::parse(std::vector<Label> labels)
{
  std::set<std::string> seen;
  for (const auto& l : labels) {
    if (l.name.str() == "name") {
      return fail("label name 'name' is reserved (it would be confused with the image name)");
    }
    if (!seen.insert(l.name.str()).second) {
      return fail("duplicate label '" + l.name.str() + "'");
    }
  }
  Labels out;
  out.m_items = std::move(labels);
  auto os = out.get("os");
  auto arch = out.get("arch");
  if (os) {
    if (!valid_os(*os)) {
      return fail("label 'os': unknown os '" + *os + "' (must be one of: darwin freebsd linux)");
    }
    if (arch && !valid_os_arch(*os, *arch)) {
      return fail("label 'arch': bad arch '" + *arch + "' for os '" + *os + "' (must be one of: " +
                  valid_arches(*os) + ")");
    }
  }
  return out;
}

std::optional<std::string> Labels::get(std::string_view name) const
{
  for (const auto& l : m_items) {
    if (l.name.str() == name) {
      return l.value;
    }
  }
  return std::nullopt;
}

} // namespace acikit::aci
