"""real-mirror-closure-matches-apt: aci-fetch's dependency closure of
openjdk-17-jre-headless (no Recommends) from the machine's apt sources equals,
package by package (name, version, architecture), what
`apt-get install -s --no-install-recommends` computes for an empty system with
its own private apt state. Skips visibly (fails under CI) without the mirror."""
import json
import os
import re
import shutil

import acitest as t

if not t.system_mirror():
    t.skip("the machine's Debian mirror cannot be reached")
if shutil.which("apt-get") is None:
    t.skip("apt-get is missing")
sources = [os.path.join("/etc/apt/sources.list.d", f) for f in sorted(os.listdir("/etc/apt/sources.list.d"))
           if f.endswith(".sources") or f.endswith(".list")]
if os.path.exists("/etc/apt/sources.list") and os.path.getsize("/etc/apt/sources.list") > 0:
    sources.insert(0, "/etc/apt/sources.list")

root = "openjdk-17-jre-headless"
work = t.tempdir("real-mirror-closure")

# apt, with a private state and an empty dpkg status: nothing of the host's apt is used.
state = os.path.join(work, "apt")
for d in ("lists/partial", "cache/archives/partial", "etc/preferences.d", "etc/sources.list.d"):
    os.makedirs(os.path.join(state, d))
open(os.path.join(state, "status"), "w").close()
for s in sources:
    shutil.copy(s, os.path.join(state, "etc", "sources.list.d", os.path.basename(s)))
opts = ["-o", "Dir::State=" + state, "-o", "Dir::State::Lists=" + os.path.join(state, "lists"),
        "-o", "Dir::State::status=" + os.path.join(state, "status"),
        "-o", "Dir::Cache=" + os.path.join(state, "cache"),
        "-o", "Dir::Etc::SourceList=/dev/null",
        "-o", "Dir::Etc::SourceParts=" + os.path.join(state, "etc", "sources.list.d"),
        "-o", "Dir::Etc::Preferences=/dev/null",
        "-o", "Dir::Etc::PreferencesParts=" + os.path.join(state, "etc", "preferences.d"),
        "-o", "APT::Architecture=amd64", "-o", "APT::Architectures=amd64",
        "-o", "Debug::NoLocking=1"]
t.run(["apt-get"] + opts + ["-q", "update"], check=0, timeout=600)
p = t.run(["apt-get"] + opts + ["-s", "--no-install-recommends", "install", root], check=0)
apt = set()
for line in p.stdout.splitlines():
    m = re.match(r"^Inst (\S+) \((\S+) .*\[(\S+)\]\)", line)
    if m:
        apt.add((m.group(1), m.group(2), m.group(3)))
t.check(len(apt) > 20, "apt computed a closure (%d packages)" % len(apt))

# acikit, resolving from the same sources (files it verifies itself).
report = os.path.join(work, "report.json")
env = {"XDG_CACHE_HOME": os.path.join(work, "cache")}
args = [t.tool("aci-fetch"), "--quiet", "--arch", "amd64", "--dest", os.path.join(work, "debs"),
        "--json", report]
for s in sources:
    args += ["--sources", s]
t.run(args + [root], env=env, check=0, timeout=900)
r = json.load(open(report))
ours = set((p["name"], p["version"], p["architecture"]) for p in r["packages"])
t.eq(sorted(ours - apt), [], "packages acikit chose that apt did not")
t.eq(sorted(apt - ours), [], "packages apt chose that acikit did not")
print("closure: %d packages, identical to apt's" % len(ours))
t.finish()
