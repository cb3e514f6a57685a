#include <catch2/catch.hpp>

#include "aci/image_manifest.hpp"

#include <string>

using namespace acikit;
using namespace acikit::aci;

namespace {

const std::string k_minimal = R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x"})";

std::string error_of(const std::string& text)
{
  auto r = ImageManifest::parse_json(text);
  return r ? "valid" : r.error();
}

} // namespace

// nlohmann's lexer takes '\0' for the end of input: without the check,
// "<valid JSON>\0garbage" read as the valid JSON alone.
TEST_CASE("aci-json-strict-nul-byte-after-the-value-is-refused-with-its-offset")
{
  REQUIRE(k_minimal.size() == 58);
  CHECK(error_of(k_minimal + std::string(1, '\0') + "garbage") ==
        "invalid JSON: NUL byte at offset 58 (not allowed in JSON text)");
  CHECK(error_of(k_minimal + std::string(1, '\0')) == "invalid JSON: NUL byte at offset 58 (not allowed in JSON text)");
}

TEST_CASE("aci-json-strict-nul-byte-inside-the-value-is-refused")
{
  std::string text = k_minimal;
  text.insert(1, 1, '\0');
  CHECK(error_of(text) == "invalid JSON: NUL byte at offset 1 (not allowed in JSON text)");
  CHECK(error_of(std::string(1, '\0')) == "invalid JSON: NUL byte at offset 0 (not allowed in JSON text)");
}

TEST_CASE("aci-json-strict-utf8-bom-is-refused")
{
  CHECK(error_of("\xEF\xBB\xBF" + k_minimal) ==
        "invalid JSON: starts with a UTF-8 byte order mark (RFC 8259 section 8.1: not part of JSON text)");
}

TEST_CASE("aci-json-strict-only-whitespace-after-the-value")
{
  CHECK(error_of(k_minimal + " \t\r\n") == "valid");
  CHECK(error_of(k_minimal + " x") ==
        "invalid JSON: parse error at line 1, column 60: syntax error while parsing value - invalid literal; "
        "last read: '\"x\"} x'; expected end of input");
  CHECK(error_of(k_minimal + "{}") ==
        "invalid JSON: parse error at line 1, column 59: syntax error while parsing value - unexpected '{'; "
        "expected end of input");
}
