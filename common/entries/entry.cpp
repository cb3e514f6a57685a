#include "entries/entry.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

namespace acikit::entries {

std::string normalise_path(const std::string& name, const std::string& where, Absolute absolute)
{
  if (name.empty()) {
    throw_bad_input(where, "empty member name");
  }
  if (name[0] == '/' && absolute == Absolute::refuse) {
    throw_bad_input(where, "absolute member name '" + name + "'");
  }
  std::string out;
  for (auto part : util::split(name, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      throw_bad_input(where, "member name with '..': '" + name + "'");
    }
    if (!out.empty()) {
      out.push_back('/');
    }
    out.append(part);
  }
  return out;
}

} // namespace acikit::entries
