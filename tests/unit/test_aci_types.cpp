#include <catch2/catch.hpp>

#include "aci/ac_identifier.hpp"
#include "aci/ac_name.hpp"
#include "aci/ac_version.hpp"
#include "aci/annotations.hpp"
#include "aci/app.hpp"
#include "aci/environment.hpp"
#include "aci/exec.hpp"
#include "aci/image_id.hpp"
#include "aci/labels.hpp"
#include "aci/mount_point.hpp"
#include "aci/path_whitelist.hpp"
#include "aci/port.hpp"

#include <string>

using namespace acikit;
using namespace acikit::aci;

namespace {
AcIdentifier id(const char* s) { return AcIdentifier::parse(s).value(); }
AcName nm(const char* s) { return AcName::parse(s).value(); }
} // namespace

TEST_CASE("aci-ac-identifier-table")
{
  auto [s, ok] = GENERATE(table<std::string, bool>({
      {"database", true},
      {"example.com/database", true},
      {"example.com/~user/app_v1", true},
      {"sub-domain.example.com/org/product/release", true},
      {"a", true},
      {"0", true},
      {"a-b.c_d~e/f", true},
      {"", false},
      {"Example.com", false},
      {"-a", false},
      {"a-", false},
      {"/a", false},
      {"a/", false},
      {"a--b", true},  // the reference accepts runs of separators
      {"a/-b", true},
      {"a b", false},
      {"a:b", false},
      {"a@b", false},
      {"é", false},
  }));
  CAPTURE(s);
  CHECK(AcIdentifier::parse(s).ok() == ok);
}

TEST_CASE("aci-ac-identifier-messages")
{
  CHECK(AcIdentifier::parse("").error() == "AC Identifier cannot be empty");
  CHECK(AcIdentifier::parse("Foo").error() == "AC Identifier 'Foo' may hold only lower-case letters, digits and '-._~/'");
  CHECK(AcIdentifier::parse("foo-").error() == "AC Identifier 'foo-' must end with a lower-case letter or digit");
}

TEST_CASE("aci-ac-name-table")
{
  auto [s, ok] = GENERATE(table<std::string, bool>({
      {"database", true},
      {"product-database", true},
      {"product-database-release", true},
      {"8080", true},
      {"", false},
      {"a.b", false},
      {"a_b", false},
      {"a/b", false},
      {"-a", false},
      {"a-", false},
      {"a--b", true},
      {"A", false},
  }));
  CAPTURE(s);
  CHECK(AcName::parse(s).ok() == ok);
}

TEST_CASE("aci-ac-version-semver-table")
{
  auto [s, ok] = GENERATE(table<std::string, bool>({
      {"0.8.11", true},
      {"1.0.0", true},
      {"1.0.0-rc.1", true},
      {"1.0.0-alpha-beta.0a", true},
      {"1.0.0+build.5", true},
      {"1.0.0-rc.1+build.005", true},
      {"", false},
      {"1", false},
      {"1.0", false},
      {"1.0.0.0", false},
      {"01.0.0", false},
      {"1.00.0", false},
      {"v1.0.0", false},
      {"1.0.0-", false},
      {"1.0.0-01", false},
      {"1.0.0-a..b", false},
      {"1.0.0+", false},
      {"1.0.0+a_b", false},
  }));
  CAPTURE(s);
  CHECK(AcVersion::parse(s).ok() == ok);
}

TEST_CASE("aci-image-id-table")
{
  std::string hex(128, 'a');
  CHECK(ImageId::parse("sha512-" + hex).ok());
  CHECK(ImageId::parse("sha512-" + hex.substr(1)).error() == "image ID 'sha512-" + hex.substr(1) + "': expected 128 hex digits, got 127");
  CHECK_FALSE(ImageId::parse("sha512-" + std::string(128, 'A')).ok());
  CHECK(ImageId::parse("sha256-" + hex).error() ==
        "image ID 'sha256-" + hex + "': unsupported hash algorithm 'sha256' (only sha512 is permitted)");
  CHECK_FALSE(ImageId::parse("sha512").ok());
  CHECK_FALSE(ImageId::parse("").ok());
}

TEST_CASE("aci-labels-rules")
{
  CHECK(Labels::parse({{id("version"), "1"}, {id("os"), "linux"}, {id("arch"), "amd64"}}).ok());
  CHECK(Labels::parse({{id("arch"), "anything"}}).ok());  // arch only means something with os
  CHECK(Labels::parse({{id("name"), "x"}}).error() ==
        "label name 'name' is reserved (it would be confused with the image name)");
  CHECK(Labels::parse({{id("a"), "1"}, {id("a"), "2"}}).error() == "duplicate label 'a'");
  CHECK(Labels::parse({{id("os"), "plan9"}}).error() ==
        "label 'os': unknown os 'plan9' (must be one of: darwin freebsd linux)");
  CHECK(Labels::parse({{id("os"), "linux"}, {id("arch"), "x86_64"}}).error() ==
        "label 'arch': bad arch 'x86_64' for os 'linux' (must be one of: amd64 i386 aarch64 aarch64_be armv6l armv7l "
        "armv7b ppc64 ppc64le s390x)");
  CHECK(Labels::parse({{id("os"), "darwin"}, {id("arch"), "x86_64"}}).ok());
  CHECK(Labels::parse({{id("os"), "freebsd"}, {id("arch"), "arm"}}).ok());
}

TEST_CASE("aci-debian-arch-mapping")
{
  auto [deb, aci] = GENERATE(table<std::string, std::string>({{"amd64", "amd64"},
                                                              {"arm64", "aarch64"},
                                                              {"armhf", "armv7l"},
                                                              {"armel", "armv6l"},
                                                              {"i386", "i386"},
                                                              {"ppc64el", "ppc64le"},
                                                              {"s390x", "s390x"}}));
  CAPTURE(deb);
  REQUIRE(debian_arch_to_aci(deb));
  CHECK(*debian_arch_to_aci(deb) == aci);
  CHECK(valid_os_arch("linux", aci));
  CHECK_FALSE(debian_arch_to_aci("mips64el"));
  CHECK_FALSE(debian_arch_to_aci("riscv64"));
}

TEST_CASE("aci-annotations-typed-values")
{
  CHECK(Annotations::parse({{id("created"), "2014-10-27T19:32:27.67021798Z"},
                            {id("homepage"), "https://example.com"},
                            {id("documentation"), "http://example.com/docs"},
                            {id("authors"), "anything at all"}})
            .ok());
  CHECK(Annotations::parse({{id("created"), "2014-10-27 19:32:27Z"}}).error() ==
        "annotation 'created': '2014-10-27 19:32:27Z' is not an RFC 3339 date-time");
  CHECK(Annotations::parse({{id("homepage"), "ftp://example.com"}}).error() ==
        "annotation 'homepage': 'ftp://example.com' is not an http or https URL");
  CHECK(Annotations::parse({{id("x"), "1"}, {id("x"), "2"}}).error() == "duplicate annotation 'x'");
  // Reading accepts AC Identifiers (the reference); writing wants AC Names (the text).
  CHECK(Annotations::parse({{id("example.com/key"), "v"}}).ok());
  CHECK_FALSE(annotation_name_writable("example.com/key"));
  CHECK(annotation_name_writable("key-1"));
}

TEST_CASE("aci-rfc3339-table")
{
  auto [s, ok] = GENERATE(table<std::string, bool>({
      {"2015-05-18T13:49:28.351729952-04:00", true},
      {"2015-05-18T13:49:28Z", true},
      {"2015-05-18t13:49:28z", true},
      {"2015-05-18T13:49:28+00:00", true},
      {"2015-05-18", false},
      {"2015-05-18T13:49Z", false},
      {"2015-13-18T13:49:28Z", false},
      {"2015-05-18T24:49:28Z", false},
      {"2015-05-18T13:49:28", false},
      {"2015-05-18T13:49:28.Z", false},
      {"2015-05-18T13:49:28+0400", false},
      {"2015-05-18T13:49:28Zjunk", false},
  }));
  CAPTURE(s);
  CHECK(is_rfc3339_date_time(s) == ok);
}

TEST_CASE("aci-environment-names-table")
{
  auto [name, read_ok, portable] = GENERATE(table<std::string, bool, bool>({
      {"DEBUG", true, true},
      {"_0_DEBUG_0_", true, true},
      {"lower_case", true, true},
      {"DEBUG.0", true, false},  // the reference accepts '.' and '-'
      {"DEBUG-0", true, false},
      {"", false, false},
      {"0DEBUG", false, false},
      {"VERBOSE|DEBUG", false, false},
      {"A=B", false, false},
      {".A", false, false},
      {"A B", false, false},
  }));
  CAPTURE(name);
  CHECK(check_env_name(name).ok() == read_ok);
  CHECK(env_name_portable(name) == portable);
}

TEST_CASE("aci-environment-duplicates")
{
  CHECK(Environment::parse({{"A", "1"}, {"A", "2"}}).error() == "duplicate environment variable 'A'");
  CHECK(Environment::parse({{"0A", "1"}}).error() == "environment variable name '0A' must not start with a digit");
}

TEST_CASE("aci-exec-table")
{
  CHECK(Exec::parse({"/usr/bin/reduce-worker", "--quiet"}).ok());
  CHECK(Exec::parse({"/bin/sh", "-c", "echo a b"}).value().argv().size() == 3);
  CHECK(Exec::parse({}).error() == "exec must not be empty");
  CHECK(Exec::parse({"bin/sh"}).error() == "exec[0] 'bin/sh' must be an absolute path");
  CHECK(Exec::parse({""}).error() == "exec[0] '' must be an absolute path");
  CHECK_FALSE(Exec::parse({"/bin/sh", std::string("a\0b", 3)}).ok());
}

TEST_CASE("aci-port-table")
{
  auto [port, count, ok] = GENERATE(table<std::int64_t, std::int64_t, bool>({
      {1, 1, true},
      {65535, 1, true},
      {20000, 1000, true},
      {65000, 536, true},
      {65000, 537, false},
      {0, 1, false},
      {65536, 1, false},
      {-1, 1, false},
      {80, 0, false},
  }));
  CAPTURE(port, count);
  CHECK(Port::parse(nm("http"), "tcp", port, count, false).ok() == ok);
}

TEST_CASE("aci-port-messages")
{
  CHECK(Port::parse(nm("http"), "", 80, 1, false).error() == "port 'http': protocol must be set");
  CHECK(Port::parse(nm("http"), "tcp", 0, 1, false).error() == "port 'http': port 0 is not in 1-65535");
  CHECK(Port::parse(nm("ftp"), "tcp", 65000, 1000, false).error() ==
        "port 'ftp': range 65000+1000 ends beyond port 65535");
}

TEST_CASE("aci-mount-point-and-path-whitelist")
{
  CHECK(MountPoint::parse(nm("work"), "/var/lib/work", false).ok());
  CHECK(MountPoint::parse(nm("work"), "", false).error() == "mount point 'work': path must be set");
  CHECK(MountPoint::parse(nm("work"), "var", false).error() == "mount point 'work': path 'var' must be absolute");
  CHECK(MountPoint::parse(nm("work"), "/a/../b", true).error() == "mount point 'work': path '/a/../b' must not hold '..'");
  CHECK(PathWhitelist::parse({"/etc/systemd/system/", "/usr/bin/x"}).ok());
  CHECK(PathWhitelist::parse({"etc"}).error() == "pathWhitelist entry 'etc' must be an absolute path");
  CHECK(PathWhitelist::parse({"/a", "/a"}).error() == "duplicate pathWhitelist entry '/a'");
}

TEST_CASE("aci-app-rules")
{
  auto exec = Exec::parse({"/bin/sh"}).value();
  CHECK(App::parse(AppFields{exec, "0", "0"}).ok());
  CHECK(App::parse(AppFields{exec, "", "0"}).error() == "user is required");
  CHECK(App::parse(AppFields{exec, "0", ""}).error() == "group is required");
  AppFields wd{exec, "0", "0"};
  wd.working_directory = "opt";
  CHECK(App::parse(wd).error() == "workingDirectory 'opt' must be an absolute path");
  AppFields eh{exec, "root", "root"};
  eh.event_handlers = {{"pre-start", exec}, {"pre-start", exec}};
  CHECK(App::parse(eh).error() == "only one eventHandler named 'pre-start' is allowed");
  eh.event_handlers = {{"on-crash", exec}};
  CHECK(App::parse(eh).error() == "eventHandler name 'on-crash' must be 'pre-start' or 'post-stop'");
  AppFields ports{exec, "0", "0"};
  ports.ports = {Port::parse(nm("http"), "tcp", 80, 1, false).value(), Port::parse(nm("http"), "udp", 81, 1, false).value()};
  CHECK(App::parse(ports).error() == "duplicate port name 'http'");
}
