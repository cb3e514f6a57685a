#include <catch2/catch.hpp>

#include "aci/image_manifest.hpp"

#include <string>

using namespace acikit;
using namespace acikit::aci;

namespace {

// The spec's own example (spec/aci.md "Image Manifest Schema"), with a full image ID.
const std::string k_spec_example = R"({
    "acKind": "ImageManifest",
    "acVersion": "0.5.2",
    "name": "example.com/reduce-worker",
    "labels": [
        {"name": "version", "value": "1.0.0"},
        {"name": "arch", "value": "amd64"},
        {"name": "os", "value": "linux"}
    ],
    "app": {
        "exec": ["/usr/bin/reduce-worker", "--quiet"],
        "user": "100",
        "group": "300",
        "eventHandlers": [
            {"exec": ["/usr/bin/data-downloader"], "name": "pre-start"},
            {"exec": ["/usr/bin/deregister-worker", "--verbose"], "name": "post-stop"}
        ],
        "workingDirectory": "/opt/work",
        "environment": [{"name": "REDUCE_WORKER_DEBUG", "value": "true"}],
        "isolators": [
            {"name": "resource/cpu", "value": {"request": "250", "limit": "500"}},
            {"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_BIND_SERVICE"]}}
        ],
        "mountPoints": [{"name": "work", "path": "/var/lib/work", "readOnly": false}],
        "ports": [
            {"name": "health", "port": 4000, "protocol": "tcp", "socketActivated": true},
            {"name": "ftp-data", "port": 20000, "count": 1000, "protocol": "tcp"}
        ]
    },
    "dependencies": [
        {
            "imageName": "example.com/reduce-worker-base",
            "imageID": "sha512-)" + std::string(128, 'e') + R"(",
            "labels": [{"name": "os", "value": "linux"}, {"name": "env", "value": "canary"}],
            "size": 22017258
        }
    ],
    "pathWhitelist": ["/etc/ca/example.com/crt", "/etc/systemd/system/"],
    "annotations": [
        {"name": "authors", "value": "Carly Container <carly@example.com>"},
        {"name": "created", "value": "2014-10-27T19:32:27.67021798Z"},
        {"name": "documentation", "value": "https://example.com/docs"},
        {"name": "homepage", "value": "https://example.com"}
    ]
})";

std::string error_of(const std::string& text)
{
  auto r = ImageManifest::parse_json(text);
  return r ? "valid" : r.error();
}

std::string with_app(const std::string& app)
{
  return R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","app":)" + app + "}";
}

} // namespace

TEST_CASE("aci-manifest-spec-example-reads-and-round-trips")
{
  auto m = ImageManifest::parse_json(k_spec_example);
  REQUIRE(m.ok());
  CHECK(m->name().str() == "example.com/reduce-worker");
  REQUIRE(m->fields().app);
  CHECK(m->fields().app->fields().ports[1].count() == 1000);
  auto text = m->to_json();
  auto again = ImageManifest::parse_json(text);
  REQUIRE(again.ok());
  CHECK(again->to_json() == text);  // canonical form is a fixed point
  // Labels are sorted by name in the canonical form.
  CHECK(text.rfind(R"("name": "arch")") < text.rfind(R"("name": "os")"));
  CHECK(text.back() == '\n');
}

TEST_CASE("aci-manifest-canonical-text-of-a-minimal-manifest")
{
  auto m = ImageManifest::parse_json(R"({"name":"x","acVersion":"0.8.11","acKind":"ImageManifest",
    "app":{"user":"0","group":"0","exec":["/bin/sh"],"ports":[{"name":"p","port":1,"protocol":"tcp"}]}})");
  REQUIRE(m.ok());
  CHECK(m->to_json() == R"({
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "app": {
    "exec": [
      "/bin/sh"
    ],
    "group": "0",
    "ports": [
      {
        "count": 1,
        "name": "p",
        "port": 1,
        "protocol": "tcp",
        "socketActivated": false
      }
    ],
    "user": "0"
  },
  "name": "x"
}
)");
}

TEST_CASE("aci-manifest-refusals")
{
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"", "invalid JSON: parse error at line 1, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"},
      {"[]", "field '': expected an object, got array"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11"})", "field 'name': required"},
      {R"({"acKind":"PodManifest","acVersion":"0.8.11","name":"x"})", "field 'acKind': must be 'ImageManifest', got 'PodManifest'"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8","name":"x"})", "field 'acVersion': AC Version '0.8' is not a semantic version MAJOR.MINOR.PATCH"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"X"})", "field 'name': AC Identifier 'X' may hold only lower-case letters, digits and '-._~/'"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","name":"y"})", "invalid JSON: duplicate key 'name' (keys equal but for case count as duplicates)"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","Name":"y"})", "invalid JSON: duplicate key 'Name' (keys equal but for case count as duplicates)"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","Labels":[],"name":"x"})", "field 'Labels': unknown key (keys are case-sensitive: did you mean 'labels'?)"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","labels":[{"name":"name","value":"v"}]})", "field 'labels': label name 'name' is reserved (it would be confused with the image name)"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","labels":[{"name":"os","value":"linux"},{"name":"arch","value":"arm64"}]})", "field 'labels': label 'arch': bad arch 'arm64' for os 'linux' (must be one of: amd64 i386 aarch64 aarch64_be armv6l armv7l armv7b ppc64 ppc64le s390x)"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","annotations":[{"name":"created","value":"yesterday"}]})", "field 'annotations': annotation 'created': 'yesterday' is not an RFC 3339 date-time"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","pathWhitelist":["etc"]})", "field 'pathWhitelist': pathWhitelist entry 'etc' must be an absolute path"},
      {R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","dependencies":[{"imageName":"y","imageID":"sha512-abc"}]})", "field 'dependencies[0].imageID': image ID 'sha512-abc': expected 128 hex digits, got 3"},
      {with_app(R"({"exec":["sh"],"user":"0","group":"0"})"), "field 'app.exec': exec[0] 'sh' must be an absolute path"},
      {with_app(R"({"exec":"/bin/sh","user":"0","group":"0"})"), "field 'app.exec': expected an array, got string"},
      {with_app(R"({"exec":["/bin/sh"],"group":"0"})"), "field 'app.user': required"},
      {with_app(R"({"exec":["/bin/sh"],"user":0,"group":"0"})"), "field 'app.user': expected a string, got number"},
      {with_app(R"({"exec":["/bin/sh"],"user":"0","group":"0","workingDirectory":"w"})"), "field 'app': workingDirectory 'w' must be an absolute path"},
      {with_app(R"({"exec":["/bin/sh"],"user":"0","group":"0","environment":[{"name":"1A","value":""}]})"), "field 'app.environment': environment variable name '1A' must not start with a digit"},
      {with_app(R"({"exec":["/bin/sh"],"user":"0","group":"0","ports":[{"name":"p","port":70000,"protocol":"tcp"}]})"), "field 'app.ports[0]': port 'p': port 70000 is not in 1-65535"},
      {with_app(R"({"exec":["/bin/sh"],"user":"0","group":"0","mountPoints":[{"name":"a_b","path":"/x"}]})"), "field 'app.mountPoints[0].name': AC Name 'a_b' may hold only lower-case letters, digits and '-'"},
      {with_app(R"({"exec":["/bin/sh"],"user":"0","group":"0","isolators":[{"name":"resource/cpu"}]})"), "field 'app.isolators[0].value': required"},
      {with_app(R"({"exec":["/bin/sh"],"user":"0","group":"0","supplementaryGIDs":[-1]})"), "field 'app.supplementaryGIDs[0]': -1 is out of range"},
  }));
  CAPTURE(text);
  CHECK(error_of(text) == message);
}

TEST_CASE("aci-manifest-json-depth-limit-and-utf8")
{
  std::string deep = R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","app":{"exec":["/x"],"user":"0","group":"0","isolators":[{"name":"a","value":)";
  deep += std::string(100, '[') + std::string(100, ']') + "}]}}";
  CHECK(error_of(deep) == "invalid JSON: nesting deeper than 64 levels");
  // nlohmann's lexer refuses ill-formed UTF-8 itself (RFC 8259 §8.1).
  CHECK(error_of("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"x\",\"labels\":[{\"name\":\"a\",\"value\":\"\xff\"}]}")
            .rfind("invalid JSON: parse error at line 1, column 90: syntax error while parsing value - invalid string: ill-formed UTF-8 byte", 0) == 0);
  CHECK(error_of(R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x"} trailing)").rfind("invalid JSON: parse error", 0) == 0);
}
