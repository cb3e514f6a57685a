// libFuzzer target: relationship fields (repo/relation.hpp), Depends-like and
// Provides. Parsing never throws; a parsed field's canonical text parses again to
// the same relations, every version is one Debian accepts, and matching a
// candidate version never fails.
#include "debversion/version.hpp"
#include "repo/relation.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace acikit;

namespace {

void require(bool ok)
{
  if (!ok) {
    std::abort();
  }
}

std::string text_of(const std::vector<repo::Alternatives>& groups)
{
  std::string out;
  for (const auto& g : groups) {
    if (!out.empty()) {
      out += ", ";
    }
    for (std::size_t i = 0; i < g.size(); ++i) {
      out += (i ? " | " : "") + g[i].str();
    }
  }
  return out;
}

void check_relation(const repo::Relation& r, const debversion::Version& candidate)
{
  require(!r.name.empty());
  require((r.op == repo::VersionOp::none) == r.version.empty());
  if (!r.version.empty()) {
    require(bool(debversion::Version::parse(r.version)));
  }
  (void)r.version_matches(candidate);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto candidate = debversion::Version::parse("1:2.3~rc1-4").value();
  auto groups = repo::parse_relations(text);
  if (groups) {
    for (const auto& g : groups.value()) {
      require(!g.empty());
      for (const auto& r : g) {
        check_relation(r, candidate);
      }
    }
    std::string canonical = text_of(groups.value());
    auto again = repo::parse_relations(canonical);
    require(bool(again) && text_of(again.value()) == canonical);
  }
  auto provides = repo::parse_provides(text);
  if (provides) {
    std::string canonical;
    for (const auto& r : provides.value()) {
      check_relation(r, candidate);
      require(r.op == repo::VersionOp::none || r.op == repo::VersionOp::eq);
      canonical += (canonical.empty() ? "" : ", ") + r.str();
    }
    auto again = repo::parse_provides(canonical);
    require(bool(again) && again.value().size() == provides.value().size());
  }
  return 0;
}
