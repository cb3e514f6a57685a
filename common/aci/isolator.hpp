#pragma once
// Isolator (appc spec/types.md "Isolator Type"): an AC Identifier name and a
// JSON value (required). The value is kept as compact canonical JSON text so
// that this header needs no JSON library.
//
// The isolators that spec/ace.md "Isolators" defines have their value checked
// (reference: schema/types/isolator_{linux_specific,resources,unix}.go of
// actool 0.8.11; where we are stricter, the reason is at the check):
//   resource/cpu, resource/memory        {request?, limit?: quantity; default?: false}
//   resource/block-bandwidth, resource/block-iops, resource/network-bandwidth
//                                        {default: true; limit?: quantity; no request}
//   os/linux/capabilities-retain-set, -remove-set   {set: [CAP_NAME, ...] non-empty}
//   os/linux/seccomp-retain-set, -remove-set        {set: [SYSCALL, ...] non-empty; errno?: E[A-Z0-9]*}
//   os/linux/no-new-privileges           true | false
//   os/linux/selinux-context             {user, role, type: non-empty, no ':'; level: non-empty}
//   os/linux/oom-score-adj               integer -1000..1000
//   os/linux/cpu-shares                  integer 2..262144
//   os/unix/sysctl                       {KEY: "VALUE", ...}
// Any other name is accepted with any JSON value (types.md: "value may be an
// arbitrary JSON value"; ace.md: an executor MAY ignore isolators it does not
// understand). actool 0.8.11 refuses unknown isolators: an intended
// disagreement (tests/cli/test_verify_differential.py).
//
// Members of a known isolator's object that it does not use are kept and
// ignored (as the reference does), except those that differ from a used one
// only by case (Go's encoding/json would read them as that member).
#include "aci/ac_identifier.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace acikit::aci {

class Isolator {
public:
  // value_json: a complete JSON value; parse() checks it and compacts it. A
  // failure message starts with the field inside the isolator, then ": ":
  // "value.set[0]: 'NET_ADMIN' is not a capability name (CAP_...)".
  static Result<Isolator> parse(AcIdentifier name, std::string_view value_json);
  const AcIdentifier& name() const { return m_name; }
  const std::string& value_json() const { return m_value; }

private:
  Isolator(AcIdentifier n, std::string v) : m_name(std::move(n)), m_value(std::move(v)) {}
  AcIdentifier m_name;
  std::string m_value;
};

// The rules across one app's isolators (ace.md notes; the reference's
// multipleAllowed() and Conflicts()): at most one of each seccomp set, of
// selinux-context, oom-score-adj, cpu-shares and sysctl; no seccomp retain set
// with a remove set; and (ace.md, not checked by the reference) no capabilities
// retain set with a remove set. A failure message starts with the index:
// "[3]: ...". Returns true when all is well.
Result<bool> check_isolator_set(const std::vector<Isolator>& isolators);

// True for the names listed above.
bool is_known_isolator(std::string_view name);

// A resource quantity (ace.md "Resource Isolators"; the reference parses them
// as Kubernetes quantities): [+]DIGITS[.DIGITS] or .DIGITS, then no suffix, a
// decimal one (n u m k M G T P E, and K, which the spec text lists and the
// reference refuses), a binary one (Ki Mi Gi Ti Pi Ei) or an exponent
// (e|E[+-]DIGITS). Negative quantities are refused (the reference accepts them,
// meaninglessly). Returns the reason when it is not one, else "".
std::string quantity_problem(std::string_view s);

// What aci-manifest writes: what both the spec text and the reference read.
// Today only the upper-case 'K' suffix falls between (the reference's parser
// knows only 'k'): the message says so. Returns "" when writable.
std::string isolator_unwritable_reason(const Isolator& isolator);

} // namespace acikit::aci
