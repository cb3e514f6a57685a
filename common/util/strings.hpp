#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace acikit::util {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split_ws(std::string_view s);  // on runs of spaces/tabs
std::vector<std::string_view> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);
std::string to_hex(const unsigned char* data, std::size_t size);
// A path safe to join below a base (URL or directory): not empty, not absolute,
// no empty, "." or ".." component.
bool is_safe_relative_path(std::string_view p);

} // namespace acikit::util
