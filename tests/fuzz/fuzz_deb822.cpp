// libFuzzer target: the deb822(5) reader (deb822/deb822.hpp) on any bytes, with and
// without apt's '#' comments, and the Packages index built on it
// (repo/packages.hpp). Bad input is an acikit::Error(bad_input) naming FILE:LINE;
// anything else (another exit class, another exception, a crash) is a bug. A text
// that parses must give well-formed paragraphs, and writing them back as deb822
// must read back to the same fields.
#include "deb822/deb822.hpp"
#include "repo/packages.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using acikit::deb822::Comments;
using acikit::deb822::Paragraph;

void require(bool ok)
{
  if (!ok) {
    std::abort();
  }
}

void bad_input_only(const acikit::Error& e, const std::string& file)
{
  require(e.code() == acikit::ExitCode::bad_input);
  require(e.where().rfind(file, 0) == 0);
}

std::string write_back(const std::vector<Paragraph>& ps)
{
  std::string out;
  for (const auto& p : ps) {
    for (const auto& f : p.fields) {
      out += f.name + ": ";
      std::size_t start = 0;
      for (;;) {
        auto nl = f.value.find('\n', start);
        out += f.value.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        out += '\n';
        if (nl == std::string::npos) {
          break;
        }
        start = nl + 1;  // a continuation line keeps its leading blank in the value
      }
    }
    out += '\n';
  }
  return out;
}

void check(std::string_view text, Comments comments)
{
  std::vector<Paragraph> ps;
  try {
    ps = acikit::deb822::parse(text, "fuzz", comments);
  } catch (const acikit::Error& e) {
    bad_input_only(e, "fuzz");
    return;
  }
  for (const auto& p : ps) {
    require(!p.fields.empty());
    for (const auto& f : p.fields) {
      require(!f.name.empty() && f.name.find(':') == std::string::npos);
      require(f.line >= p.line);
      require(p.find(f.name) == &f);  // duplicates are refused
    }
  }
  std::vector<Paragraph> again;
  try {
    again = acikit::deb822::parse(write_back(ps), "again", comments);
  } catch (const acikit::Error&) {
    std::abort();
  }
  require(again.size() == ps.size());
  for (std::size_t i = 0; i < ps.size(); ++i) {
    require(again[i].fields.size() == ps[i].fields.size());
    for (std::size_t j = 0; j < ps[i].fields.size(); ++j) {
      require(again[i].fields[j].name == ps[i].fields[j].name);
      require(again[i].fields[j].value == ps[i].fields[j].value);
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(text, Comments::no);
  check(text, Comments::yes);
  try {
    acikit::repo::PackageIndex index;
    index.add(text, "Packages", 0);
    for (const auto& p : index.packages()) {
      require(!index.find(p.name).empty());
      require(p.sha256.size() == 64);
    }
  } catch (const acikit::Error& e) {
    bad_input_only(e, "Packages");
  }
  return 0;
}
