#pragma once
// pathWhitelist (appc spec/aci.md): absolute paths that exist in the rendered
// rootfs; an empty list is the same as none.
#include "util/result.hpp"

#include <string>
#include <vector>

namespace acikit::aci {

class PathWhitelist {
public:
  PathWhitelist() = default;
  static Result<PathWhitelist> parse(std::vector<std::string> paths);
  const std::vector<std::string>& items() const { return m_items; }
  bool empty() const { return m_items.empty(); }

private:
  std::vector<std::string> m_items;
};

} // namespace acikit::aci
