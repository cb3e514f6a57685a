#include "util/temp_dir.hpp"

#include "util/error.hpp"

#include <cstdlib>
#include <system_error>
#include <vector>

namespace acikit::util {

TempDir::TempDir(const std::string& prefix, const std::filesystem::path& parent)
{
  std::filesystem::path base = parent;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = (t && *t) ? t : "/tmp";
  }
  std::string tmpl = (base / (prefix + ".XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) {
    throw_errno(tmpl, "cannot create temporary directory");
  }
  m_path = buf.data();
}

TempDir::~TempDir()
{
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

} // namespace acikit::util
