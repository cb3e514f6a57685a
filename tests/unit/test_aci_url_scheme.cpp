#include <catch2/catch.hpp>

#include "aci/annotations.hpp"
#include "aci/image_manifest.hpp"

#include <string>

using namespace acikit::aci;

// RFC 3986 3.1: a URL scheme is case-insensitive, so the homepage and
// documentation annotations (spec/aci.md: "a URL with scheme HTTP or HTTPS")
// accept HTTPS://... and keep the spelling as written.
TEST_CASE("aci-url-scheme-case-insensitive")
{
  CHECK(is_http_url("HTTPS://x.org"));
  CHECK(is_http_url("Http://x.org/a"));
  CHECK(is_http_url("hTtPs://x.org"));
  CHECK_FALSE(is_http_url("HTTPS://"));
  CHECK_FALSE(is_http_url("FTP://x.org"));
  CHECK_FALSE(is_http_url("HTTPX://x.org"));
  CHECK_FALSE(is_http_url("HTTP:/x.org"));
}

TEST_CASE("aci-url-scheme-upper-case-read-and-kept")
{
  auto m = ImageManifest::parse_json(
      R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","annotations":[{"name":"homepage","value":"HTTPS://x.org/A"}]})");
  REQUIRE(m.ok());
  CHECK(m.value().to_json().find("\"value\": \"HTTPS://x.org/A\"") != std::string::npos);
}
