#pragma once
// Decompress an index file (xz, gz, or uncompressed by name) into memory.
#include <cstddef>
#include <string>
#include <string_view>

namespace acikit::repo {

// `file` decides the format by suffix (".xz", ".gz"; also ".bz2", ".lzma",
// ".zst"; anything else is uncompressed) and names errors. bad_input when the
// data is not in that format ("FILE: not xz data"), is corrupt or truncated
// ("FILE: cannot decompress: ..."), or the output would be larger than
// `max_size` bytes, a decompression bomb ("FILE: decompressed data larger than
// N bytes").
std::string decompress_index(std::string_view data, const std::string& file,
                             std::size_t max_size = std::size_t{1} << 31);

} // namespace acikit::repo
