// deb822(5) parser. One pass over the text with memchr for line ends; the
// Paragraph (and the capacity of its strings) is reused between paragraphs so
// that a 50 MB Packages index costs no per-field allocations once warmed up.
#include "deb822/deb822.hpp"

#include <cstring>
#include <utility>

#include "util/error.hpp"

namespace acikit::deb822 {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// Trailing blanks (and a CR of CRLF text) are not part of a value: deb822(5).
std::string_view rstrip(std::string_view s)
{
  std::size_t n = s.size();
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
    --n;
  }
  return s.substr(0, n);
}

[[noreturn]] void fail_at(const std::string& file, std::size_t line, const std::string& what)
{
  throw_bad_input(file + ":" + std::to_string(line), what);
}

// Keeps finished Field objects so their strings' buffers are reused.
class FieldPool {
public:
  Field& add(Paragraph& p)
  {
    if (m_spare.empty()) {
      p.fields.emplace_back();
    } else {
      p.fields.push_back(std::move(m_spare.back()));
      m_spare.pop_back();
    }
    return p.fields.back();
  }

  void recycle(Paragraph& p)
  {
    for (auto& f : p.fields) {
      m_spare.push_back(std::move(f));
    }
    p.fields.clear();
  }

private:
  std::vector<Field> m_spare;
};

} // namespace

const Field* Paragraph::find(std::string_view name) const
{
  for (const auto& f : fields) {
    if (iequals(f.name, name)) {
      return &f;
    }
  }
  return nullptr;
}

std::optional<std::string> Paragraph::get(std::string_view name) const
{
  if (const Field* f = find(name)) {
    return f->value;
  }
  return std::nullopt;
}

void for_each_paragraph(std::string_view text, const std::string& file, Comments comments,
                        const std::function<void(const Paragraph&)>& callback)
{
  Paragraph para;
  FieldPool pool;
  para.fields.reserve(32);

  auto finish = [&] {
    if (!para.fields.empty()) {
      callback(para);
      pool.recycle(para);
    }
  };

  const char* p = text.data();
  const char* end = p + text.size();
  std::size_t lineno = 0;
  while (p < end) {
    ++lineno;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    std::string_view line = rstrip(std::string_view(p, static_cast<std::size_t>(line_end - p)));
    p = nl ? nl + 1 : end;

    // A line of only blanks separates paragraphs (deb822(5) "Syntax").
    std::size_t first = 0;
    while (first < line.size() && is_blank(line[first])) {
      ++first;
    }
    if (first == line.size()) {
      finish();
      continue;
    }
    if (comments == Comments::yes && line[0] == '#') {
      continue;
    }
    if (first > 0) {
      // Continuation line: kept with its leading blank, so that " ." and
      // indentation stay visible to the field's own parser.
      if (para.fields.empty()) {
        fail_at(file, lineno, "continuation line before any field");
      }
      Field& f = para.fields.back();
      f.value.push_back('\n');
      f.value.append(line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      fail_at(file, lineno, "expected 'Field: value' or a continuation line");
    }
    std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (is_blank(c)) {
        fail_at(file, lineno, "expected 'Field: value' or a continuation line");
      }
    }
    if (para.fields.empty()) {
      para.line = lineno;
    } else {
      for (const auto& other : para.fields) {
        if (iequals(other.name, name)) {
          fail_at(file, lineno,
                  "duplicate field '" + std::string(name) + "' (first on line " +
                      std::to_string(other.line) + ")");
        }
      }
    }
    std::string_view value = line.substr(colon + 1);
    std::size_t vb = 0;
    while (vb < value.size() && is_blank(value[vb])) {
      ++vb;
    }
    Field& f = pool.add(para);
    f.name.assign(name);
    f.value.assign(value.substr(vb));
    f.line = lineno;
  }
  finish();
}

std::vector<Paragraph> parse(std::string_view text, const std::string& file, Comments comments)
{
  std::vector<Paragraph> out;
  for_each_paragraph(text, file, comments, [&](const Paragraph& p) { out.push_back(p); });
  return out;
}

} // namespace acikit::deb822
