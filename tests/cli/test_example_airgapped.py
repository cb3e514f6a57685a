"""example-airgapped: examples/airgapped/airgapped.sh against the machine's real
mirror. The connected phase fetches the Java closure with --mirror-out and
--lock-out and builds the image; the offline phase runs in `unshare -n` (no
network interface but a down loopback), with its own empty XDG_CACHE_HOME,
fetches the lock from a file:// source on the partial mirror, rebuilds and
verifies: the image IDs must be equal. Then the offline phase is run again with
the mirror moved away, and must fail: the build really came from the mirror."""
import json
import os
import re
import shutil

import acitest as t

SCRIPT = os.path.join(t.SOURCE_DIR, "examples", "airgapped", "airgapped.sh")

if not t.system_mirror():
    t.skip("the machine's Debian mirror cannot be reached")
if shutil.which("unshare") is None or t.run(["unshare", "-n", "true"]).returncode != 0:
    t.skip("unshare -n fails (needs root): cannot make a host without network")

work = t.tempdir("example-airgapped")
env = {"ACIKIT_BIN": t.BIN_DIR}
p = t.run([SCRIPT, "all", work], env=env, timeout=1800)
print(p.stdout)
print(p.stderr)
t.eq(p.returncode, 0, "airgapped.sh all exit status")

ID = r"(sha512-[0-9a-f]{128})"
connected = re.search(r"^connected: " + ID + "; carry ", p.stdout, re.M)
offline = re.search(r"^offline: " + ID + r" \(same image ID as the connected build\)$", p.stdout, re.M)
t.check(connected is not None, "connected image ID printed")
t.check(offline is not None, "offline image ID printed")
if connected and offline:
    t.eq(offline.group(1), connected.group(1), "offline image ID = connected image ID")
    t.eq(open(os.path.join(work, "offline", "java.id")).read().strip(), connected.group(1), "offline java.id")
t.contains(p.stdout, "%s/offline/java.aci: valid " % work, "offline aci-verify verdict")
t.contains(p.stdout, "\noffline: network interfaces: lo\n", "the offline phase had only loopback")

# The lock came from the real (http) mirror; the offline source is the file:// mirror.
lock = json.load(open(os.path.join(work, "transfer", "java.lock")))
t.check(all(s["uri"].startswith("http://") for s in lock["sources"]), "lock sources are the machine's http mirror")
jre = [x for x in lock["packages"] if x["name"] == "openjdk-17-jre-headless"]
t.eq(len(jre), 1, "openjdk-17-jre-headless in the lock")
suites = " ".join(sorted({s["suite"] for s in lock["sources"]}))
t.eq(open(os.path.join(work, "offline", "mirror.sources")).read(),
     "Types: deb\nURIs: file://%s/transfer/mirror\nSuites: %s\nComponents: main\n"
     "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n" % (work, suites), "offline mirror.sources")

# The offline build fetched every locked package, with the locked hashes.
debs = open(os.path.join(work, "offline", "debs.list")).read().split()
t.eq(len(debs), len(lock["packages"]), "offline debs.list has every locked package")
want = sorted(x["sha256"] for x in lock["packages"])
import hashlib
got = sorted(hashlib.sha256(open(d, "rb").read()).hexdigest() for d in debs)
t.eq(got, want, "offline .deb hashes = the lock's")
t.check(os.path.isdir(os.path.join(work, "offline", "cache")), "offline phase had its own cache")

# Without the mirror the offline phase cannot build: nothing else is reachable.
mirror = os.path.join(work, "transfer", "mirror")
os.rename(mirror, mirror + ".away")
p = t.run(["unshare", "-n", SCRIPT, "offline", work], env=env, timeout=600)
print(p.stdout)
print(p.stderr)
t.check(p.returncode != 0, "offline phase without the mirror fails (exit %d)" % p.returncode)
t.check(re.search(r"^aci-fetch: error: .*InRelease", p.stderr, re.M) is not None,
        "aci-fetch names the missing InRelease: %r" % p.stderr)
t.finish()
