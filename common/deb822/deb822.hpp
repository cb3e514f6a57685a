#pragma once
// deb822(5) paragraphs: Release, Packages, control, .sources files.
// Field names compare case-insensitively; values keep continuation lines
// (joined with '\n', the first line's leading blanks stripped, trailing blanks
// of each line stripped). Errors are acikit::Error(bad_input) with
// where = "FILE:LINE".
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acikit::deb822 {

enum class Comments { no, yes };  // '#' lines are comments only in apt .sources files

struct Field {
  std::string name;
  std::string value;
  std::size_t line = 0;  // 1-based line of the field name
};

struct Paragraph {
  std::vector<Field> fields;
  std::size_t line = 0;  // 1-based line of the first field

  const Field* find(std::string_view name) const;  // case-insensitive
  std::optional<std::string> get(std::string_view name) const;
};

// Whole text into paragraphs. A duplicate field in one paragraph, a line that is
// neither "Name: value" nor a continuation, or a continuation before any field is
// an error naming FILE:LINE.
std::vector<Paragraph> parse(std::string_view text, const std::string& file,
                             Comments comments = Comments::no);

// Streaming variant for big indexes (Packages: 63 440 paragraphs): the callback
// sees each paragraph as it is completed; the Paragraph object is reused.
void for_each_paragraph(std::string_view text, const std::string& file, Comments comments,
                        const std::function<void(const Paragraph&)>& callback);

} // namespace acikit::deb822
