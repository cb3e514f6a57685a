#include <catch2/catch.hpp>

#include "aci/app.hpp"
#include "aci/image_manifest.hpp"
#include "aci/isolator.hpp"

#include <string>

using namespace acikit;
using namespace acikit::aci;

namespace {

AcIdentifier id(const std::string& s) { return AcIdentifier::parse(s).value(); }

Result<Isolator> iso(const std::string& name, const std::string& value) { return Isolator::parse(id(name), value); }

std::string err(const std::string& name, const std::string& value)
{
  auto r = iso(name, value);
  return r ? std::string("(accepted)") : r.error();
}

std::string manifest_with_isolators(const std::string& isolators)
{
  return R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"x","app":{"exec":["/x"],"user":"0","group":"0","isolators":)" +
         isolators + "}}";
}

} // namespace

TEST_CASE("aci-isolator-valid-values")
{
  auto [name, value] = GENERATE(table<std::string, std::string>({
      {"resource/cpu", R"({"request":"250m","limit":"500m"})"},
      {"resource/cpu", R"({"limit":2})"},
      {"resource/cpu", R"({"limit":"1.5","default":false})"},
      {"resource/cpu", R"({})"},
      {"resource/memory", R"({"request":"1G","limit":"2Gi"})"},
      {"resource/memory", R"({"limit":"128974848"})"},
      {"resource/memory", R"({"limit":"125952Ki","request":null})"},
      {"resource/memory", R"({"limit":"1e9"})"},
      {"resource/memory", R"({"limit":"1K"})"},  // the spec text's suffix: read, not written
      {"resource/memory", R"({"limit":".5"})"},
      {"resource/block-bandwidth", R"({"default":true,"limit":"2M"})"},
      {"resource/block-iops", R"({"default":true,"limit":"1000"})"},
      {"resource/network-bandwidth", R"({"default":true,"limit":"1G"})"},
      {"os/linux/capabilities-retain-set", R"({"set":["CAP_NET_ADMIN","CAP_NET_BIND_SERVICE"]})"},
      {"os/linux/capabilities-remove-set", R"({"set":["CAP_SYS_CHROOT"],"comment":"kept"})"},
      {"os/linux/seccomp-retain-set", R"({"errno":"","set":["accept","bind","@appc.io/all"]})"},
      {"os/linux/seccomp-remove-set", R"({"errno":"ENOTSUP","set":["reboot"]})"},
      {"os/linux/seccomp-remove-set", R"({"set":["reboot"]})"},
      {"os/linux/no-new-privileges", "true"},
      {"os/linux/no-new-privileges", "false"},
      {"os/linux/selinux-context", R"({"user":"system_u","role":"system_r","type":"dhcpc_t","level":"s0-s0:c0.c1023"})"},
      {"os/linux/oom-score-adj", "-1000"},
      {"os/linux/oom-score-adj", "1000"},
      {"os/linux/cpu-shares", "2"},
      {"os/linux/cpu-shares", "262144"},
      {"os/unix/sysctl", R"({"net.ipv4.tcp_mtu_probing":"1"})"},
      // unknown isolators: any JSON value (spec/types.md)
      {"example.com/custom", R"({"anything":[1,2,{"x":null}]})"},
      {"example.com/custom", "42"},
      {"os/linux/apparmor", R"({"profile":"x"})"},
  }));
  CAPTURE(name, value);
  auto r = iso(name, value);
  CHECK(r.ok());
  if (!r.ok()) {
    CAPTURE(r.error());
  }
}

TEST_CASE("aci-isolator-invalid-values-and-messages")
{
  auto [name, value, message] = GENERATE(table<std::string, std::string, std::string>({
      {"resource/cpu", R"("500m")", "value: expected an object, got string"},
      {"resource/cpu", R"({"limit":"-1"})", "value.limit: '-1' must not be negative"},
      {"resource/cpu", R"({"limit":"1x"})", "value.limit: '1x' is not a quantity (e.g. 500m, 2, 1.5, 128M, 1Gi)"},
      {"resource/cpu", R"({"limit":""})", "value.limit: '' is not a quantity (empty)"},
      {"resource/cpu", R"({"limit":"."})", "value.limit: '.' is not a quantity (e.g. 500m, 2, 1.5, 128M, 1Gi)"},
      {"resource/cpu", R"({"limit":"1 G"})", "value.limit: '1 G' is not a quantity (e.g. 500m, 2, 1.5, 128M, 1Gi)"},
      {"resource/cpu", R"({"limit":"1e"})", "value.limit: '1e' is not a quantity (e.g. 500m, 2, 1.5, 128M, 1Gi)"},
      {"resource/cpu", R"({"limit":true})",
       "value.limit: expected a quantity (a string such as \"500m\" or \"1Gi\"), got boolean"},
      {"resource/cpu", R"({"request":-2})", "value.request: '-2' must not be negative"},
      {"resource/cpu", R"({"default":true})", "value.default: must be false"},
      {"resource/memory", R"({"default":"no"})", "value.default: expected a boolean, got string"},
      {"resource/memory", R"({"Limit":"1G"})",
       "value.Limit: unknown member (keys are case-sensitive: did you mean 'limit'?)"},
      {"resource/block-bandwidth", R"({"limit":"2M"})",
       "value.default: must be true (the limit applies to every device)"},
      {"resource/block-iops", R"({"default":true,"request":"1","limit":"2"})",
       "value.request: not supported by this resource (only a limit)"},
      {"resource/network-bandwidth", R"({"default":false})",
       "value.default: must be true (the limit applies to every device)"},
      {"os/linux/capabilities-retain-set", R"({})", "value.set: required (a non-empty list)"},
      {"os/linux/capabilities-retain-set", R"({"set":[]})", "value.set: must not be empty"},
      {"os/linux/capabilities-retain-set", R"({"set":"CAP_KILL"})", "value.set: expected an array, got string"},
      {"os/linux/capabilities-remove-set", R"({"set":["CAP_KILL",7]})", "value.set[1]: expected a string, got number"},
      {"os/linux/capabilities-remove-set", R"({"set":["NET_ADMIN"]})",
       "value.set[0]: 'NET_ADMIN' is not a capability name (CAP_ and upper-case letters, digits, '_')"},
      {"os/linux/capabilities-remove-set", R"({"set":["cap_kill"]})",
       "value.set[0]: 'cap_kill' is not a capability name (CAP_ and upper-case letters, digits, '_')"},
      {"os/linux/capabilities-remove-set", R"(["CAP_KILL"])", "value: expected an object, got array"},
      {"os/linux/seccomp-retain-set", R"({"set":[""]})", "value.set[0]: a syscall name cannot be empty"},
      {"os/linux/seccomp-retain-set", R"({"errno":"ENOTSUP"})", "value.set: required (a non-empty list)"},
      {"os/linux/seccomp-remove-set", R"({"set":["reboot"],"errno":"enotsup"})",
       "value.errno: 'enotsup' is not an errno name (E and upper-case letters or digits, e.g. ENOTSUP)"},
      {"os/linux/seccomp-remove-set", R"({"set":["reboot"],"errno":"NOTSUP"})",
       "value.errno: 'NOTSUP' is not an errno name (E and upper-case letters or digits, e.g. ENOTSUP)"},
      {"os/linux/seccomp-remove-set", R"({"set":["reboot"],"errno":1})", "value.errno: expected a string, got number"},
      {"os/linux/no-new-privileges", R"("true")", "value: expected a boolean, got string"},
      {"os/linux/no-new-privileges", "1", "value: expected a boolean, got number"},
      {"os/linux/selinux-context", R"({"user":"system_u","role":"system_r","type":"t"})", "value.level: required"},
      {"os/linux/selinux-context", R"({"user":"a:b","role":"r","type":"t","level":"s0"})",
       "value.user: 'a:b' must not hold ':'"},
      {"os/linux/selinux-context", R"({"user":"u","role":"","type":"t","level":"s0"})", "value.role: cannot be empty"},
      {"os/linux/oom-score-adj", "1001", "value: 1001 is not in -1000..1000"},
      {"os/linux/oom-score-adj", "-1001", "value: -1001 is not in -1000..1000"},
      {"os/linux/oom-score-adj", "5.0", "value: expected an integer, got number"},
      {"os/linux/cpu-shares", "1", "value: 1 is not in 2..262144"},
      {"os/linux/cpu-shares", "18446744073709551615", "value: 18446744073709551615 is not in 2..262144"},
      {"os/unix/sysctl", R"({"net.core.somaxconn":1024})", "value.net.core.somaxconn: expected a string, got number"},
      {"os/unix/sysctl", R"([])", "value: expected an object of sysctl keys and string values, got array"},
      {"example.com/custom", "{",
       "value: parse error at line 1, column 2: syntax error while parsing object key - unexpected end of input; "
       "expected string literal"},
  }));
  CAPTURE(name, value);
  CHECK(err(name, value) == message);
}

TEST_CASE("aci-isolator-canonical-value")
{
  CHECK(iso("resource/cpu", R"({ "limit" : "1", "request":"500m" })").value().value_json() ==
        R"({"limit":"1","request":"500m"})");
}

TEST_CASE("aci-isolator-set-rules")
{
  auto seccomp_retain = iso("os/linux/seccomp-retain-set", R"({"set":["read"]})").value();
  auto seccomp_remove = iso("os/linux/seccomp-remove-set", R"({"set":["reboot"]})").value();
  auto cap_retain = iso("os/linux/capabilities-retain-set", R"({"set":["CAP_KILL"]})").value();
  auto cap_remove = iso("os/linux/capabilities-remove-set", R"({"set":["CAP_KILL"]})").value();
  auto shares = iso("os/linux/cpu-shares", "512").value();
  auto cpu = iso("resource/cpu", R"({"limit":"1"})").value();
  CHECK(check_isolator_set({cap_retain, cap_retain, cpu, cpu, seccomp_retain, shares}).ok());
  CHECK(check_isolator_set({cpu, seccomp_retain, seccomp_retain}).error() ==
        "[2]: only one 'os/linux/seccomp-retain-set' isolator is allowed");
  CHECK(check_isolator_set({seccomp_remove, seccomp_retain}).error() ==
        "[1]: 'os/linux/seccomp-retain-set' cannot be used with 'os/linux/seccomp-remove-set'");
  CHECK(check_isolator_set({cap_retain, cap_remove}).error() ==
        "[1]: 'os/linux/capabilities-remove-set' cannot be used with 'os/linux/capabilities-retain-set'");
  CHECK(check_isolator_set({shares, shares}).error() == "[1]: only one 'os/linux/cpu-shares' isolator is allowed");
}

TEST_CASE("aci-isolator-errors-name-the-field-in-a-manifest")
{
  auto r = ImageManifest::parse_json(manifest_with_isolators(
      R"([{"name":"resource/cpu","value":{"limit":"1"}},{"name":"os/linux/no-new-privileges","value":true},)"
      R"({"name":"os/linux/capabilities-retain-set","value":{"set":["KILL"]}}])"));
  REQUIRE(!r.ok());
  CHECK(r.error() ==
        "field 'app.isolators[2].value.set[0]': 'KILL' is not a capability name (CAP_ and upper-case letters, "
        "digits, '_')");
  r = ImageManifest::parse_json(manifest_with_isolators(
      R"([{"name":"os/linux/seccomp-retain-set","value":{"set":["read"]}},)"
      R"({"name":"os/linux/seccomp-remove-set","value":{"set":["reboot"]}}])"));
  REQUIRE(!r.ok());
  CHECK(r.error() ==
        "field 'app.isolators[1]': 'os/linux/seccomp-remove-set' cannot be used with 'os/linux/seccomp-retain-set'");
  r = ImageManifest::parse_json(manifest_with_isolators(R"([{"name":"os/linux/oom-score-adj","value":"5"}])"));
  REQUIRE(!r.ok());
  CHECK(r.error() == "field 'app.isolators[0].value': expected an integer, got string");
}

TEST_CASE("aci-isolator-quantity-table")
{
  auto [q, ok] = GENERATE(table<std::string, bool>({
      {"0", true},     {"1", true},    {"+1", true},    {"500m", true}, {"1.5", true},   {"1.", true},
      {".5", true},    {"123Mi", true}, {"1Ei", true},  {"1k", true},   {"1K", true},    {"2n", true},
      {"3u", true},    {"1e3", true},  {"1E-3", true},  {"1e+3", true}, {"-1", false},   {"", false},
      {"m", false},    {"1mi", false}, {"1KiB", false}, {"1e", false},  {"1e1000", false}, {"0x10", false},
      {"1 ", false},   {" 1", false},  {"1.5.5", false},
  }));
  CAPTURE(q);
  CHECK(quantity_problem(q).empty() == ok);
}

TEST_CASE("aci-isolator-writable")
{
  CHECK(isolator_unwritable_reason(iso("resource/memory", R"({"limit":"1k"})").value()).empty());
  CHECK(isolator_unwritable_reason(iso("resource/memory", R"({"limit":"1K"})").value()) ==
        "value.limit: '1K': write 'k' (or 'Ki') for kilo: the reference reads no upper-case 'K'");
  CHECK(isolator_unwritable_reason(iso("example.com/x", R"({"limit":"1K"})").value()).empty());
  CHECK(is_known_isolator("resource/cpu"));
  CHECK(!is_known_isolator("os/linux/apparmor"));
}
