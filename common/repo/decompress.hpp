#pragma once
// Decompress an index file (xz, gz, or uncompressed by name) into memory.
#include <string>
#include <string_view>

namespace acikit::repo {

// `file` decides the format by suffix (".xz", ".gz", else none) and names errors.
// Refuses output larger than `max_size` bytes (a decompression bomb).
std::string decompress_index(std::string_view data, const std::string& file,
                             std::size_t max_size = std::size_t{1} << 31);

} // namespace acikit::repo
