#include "entries/merged_usr.hpp"

#include <algorithm>

namespace acikit::entries {

std::vector<std::string> merged_usr_dirs(const std::string& architecture)
{
  std::vector<std::string> dirs = {"bin", "sbin", "lib"};
  if (architecture == "amd64" || architecture == "arm64" || architecture == "ppc64el" ||
      architecture == "s390x" || architecture == "riscv64" || architecture == "loong64") {
    dirs.emplace_back("lib64");
  }
  return dirs;
}

std::string merged_usr_path(const std::string& path, const std::vector<std::string>& dirs)
{
  auto slash = path.find('/');
  std::string first = path.substr(0, slash);
  if (std::find(dirs.begin(), dirs.end(), first) == dirs.end()) {
    return path;
  }
  return "usr/" + path;
}

bool MergedUsrFilter::next(Entry& entry)
{
  while (m_inner.next(entry)) {
    if (entry.type == Type::symlink &&
        std::find(m_dirs.begin(), m_dirs.end(), entry.path) != m_dirs.end()) {
      std::string t = entry.link_target;
      while (!t.empty() && t.back() == '/') {
        t.pop_back();
      }
      if (t == "usr/" + entry.path || t == "/usr/" + entry.path ||
          t == "./usr/" + entry.path) {
        continue;
      }
    }
    entry.path = merged_usr_path(entry.path, m_dirs);
    if (entry.type == Type::hardlink) {
      entry.link_target = merged_usr_path(entry.link_target, m_dirs);
    }
    return true;
  }
  return false;
}

} // namespace acikit::entries
