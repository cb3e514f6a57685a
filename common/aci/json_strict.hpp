#pragma once
// Internal to common/aci (include from .cpp files only: nlohmann is heavy).
//
// nlohmann's DOM parser keeps the last of duplicate keys silently, and Go's
// encoding/json (the reference implementation) matches keys case-insensitively,
// so {"name": "a", "Name": "b"} means different things to different readers.
// parse_json_strict reads through the SAX interface and refuses duplicate keys,
// keys equal but for ASCII case, nesting deeper than max_depth, and strings that
// are not UTF-8.
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace acikit::aci {

inline constexpr std::size_t k_max_json_depth = 64;

Result<nlohmann::json> parse_json_strict(std::string_view text, std::size_t max_depth = k_max_json_depth);

// The canonical text: keys sorted (nlohmann's std::map order, i.e. byte order),
// UTF-8 unescaped; pretty = 2-space indent.
std::string canonical_dump(const nlohmann::json& j, bool pretty);

} // namespace acikit::aci
