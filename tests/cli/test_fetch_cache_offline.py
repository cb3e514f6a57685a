"""fetch-cache-repeat: a second run with the same --cache asks the network only for the
signed releases (InRelease); the cache holds every verified file as by-hash/SHA256/<hex>.
fetch-offline: --offline verifies everything from the cache, inside a network namespace
with no interfaces (unshare -n), where any connection attempt would fail; with an empty
cache it is a clear environment error.
fetch-mirror-out: --mirror-out writes a partial mirror in the Debian layout (original
InRelease bytes, the index files used and their by-hash copies, only the selected pool
files); with the server stopped, a file:// source on it verifies the same chain against
the same key and gives the same files, also for a --lock build.
fetch-shared-cache: two runs that overlap on a slow server, sharing one cold cache, both
succeed and leave a consistent cache (every object hashes to its name, no temporaries)."""
import hashlib
import os
import shutil
import subprocess

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-cache")
m, debs = tm.standard_mirror(work)
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
fetch = t.tool("aci-fetch")
cache = os.path.join(work, "cache")
hello = "hello-acikit_1.10-1_amd64.deb"
tool_deb = "tool-acikit_1%3a2.0+dfsg~rc1-1_amd64.deb"
names = [hello, tool_deb]


def cmd(dest, *extra, sources=src):
    return [fetch, "--quiet", "--sources", sources, "--dest", dest] + list(extra) + ["tool-acikit"]


def check_cache(c, label):
    objs = os.listdir(os.path.join(c, "by-hash", "SHA256"))
    bad = [o for o in objs if hashlib.sha256(open(os.path.join(c, "by-hash", "SHA256", o), "rb").read())
           .hexdigest() != o]
    t.eq(bad, [], label + ": every object hashes to its name")
    return objs


p = t.run(cmd(os.path.join(work, "d1"), "--cache", cache, "--mirror-out", os.path.join(work, "mirror-out"),
              "--lock-out", os.path.join(work, "t.lock")), check=0)
t.eq(p.stdout.splitlines(), [os.path.join(work, "d1", n) for n in names], "first run")
objs = check_cache(cache, "first run")
want = {tm.sha256_of(m.path("dists/%s/InRelease" % s)) for s in ("stable", "updates")}
want |= {tm.sha256_of(d) for d in (debs[("hello-acikit", "1.10-1")], debs[("tool-acikit", tm.TOOL_VERSION)])}
want |= {tm.sha256_of(m.path("dists/%s/main/binary-amd64/Packages.xz" % s)) for s in ("stable", "updates")}
t.eq(sorted(objs), sorted(want), "cache objects: 2 InRelease, 2 indexes, 2 .debs")

# fetch-cache-repeat.
srv.clear_log()
p = t.run(cmd(os.path.join(work, "d2"), "--cache", cache), check=0)
t.eq(sorted(r["path"] for r in srv.log()), ["/dists/stable/InRelease", "/dists/updates/InRelease"],
     "a repeated run asks only for InRelease")
for n in names:
    t.eq(tm.sha256_of(os.path.join(work, "d2", n)), tm.sha256_of(os.path.join(work, "d1", n)), "repeat " + n)

# fetch-offline-empty-cache.
p = t.run(cmd(os.path.join(work, "d3"), "--cache", os.path.join(work, "empty"), "--offline"), check=3)
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: offline, and no verified release of %s stable in the "
               "cache %s\n" % (srv.url, srv.url.rstrip("/"), os.path.join(work, "empty")), "offline, empty cache")
t.eq(tm.listing(os.path.join(work, "d3")), [], "nothing fetched")

# fetch-mirror-out: the layout.
mo = os.path.join(work, "mirror-out")
files = [x for x in tm.listing(mo) if os.path.isfile(os.path.join(mo, x))]
expect = []
for s in ("stable", "updates"):
    xz = tm.sha256_of(m.path("dists/%s/main/binary-amd64/Packages.xz" % s))
    expect += ["dists/%s/InRelease" % s, "dists/%s/main/binary-amd64/Packages.xz" % s,
               "dists/%s/main/binary-amd64/by-hash/SHA256/%s" % (s, xz)]
expect += ["pool/main/h/hello-acikit/" + hello, "pool/main/t/tool-acikit/" + tool_deb]
t.eq(files, sorted(expect), "--mirror-out files")
for f in files:
    t.eq(tm.sha256_of(os.path.join(mo, f)), tm.sha256_of(m.path(f)), "mirror-out " + f + " is the original")

# fetch-offline in a network namespace with no interfaces.
unshare_ok = subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
d4 = os.path.join(work, "d4")
srv.clear_log()
if unshare_ok:
    p = t.run(["unshare", "-n"] + cmd(d4, "--cache", cache, "--offline"), check=0)
    t.eq(p.stdout.splitlines(), [os.path.join(d4, n) for n in names], "offline in a netns")
    # The same without the cache's latest release: it cannot reach the server.
    p = t.run(["unshare", "-n"] + cmd(os.path.join(work, "d5"), "--cache", os.path.join(work, "c5")), check=3)
    t.check(p.stderr.startswith("aci-fetch: error: %sdists/stable/InRelease: " % srv.url),
            "the netns really has no network: " + p.stderr)
else:
    p = t.run(cmd(d4, "--cache", cache, "--offline"), check=0)
    t.eq(p.stdout.splitlines(), [os.path.join(d4, n) for n in names], "offline")
t.eq(srv.log(), [], "offline: no request")

srv.stop()
fsrc = m.sources_file(os.path.join(work, "file.sources"), "file://" + mo, ["stable", "updates"])
p = t.run(cmd(os.path.join(work, "f1"), "--cache", os.path.join(work, "fcache"), sources=fsrc), check=0)
t.eq(p.stdout.splitlines(), [os.path.join(work, "f1", n) for n in names], "file:// mirror-out")
for n in names:
    t.eq(tm.sha256_of(os.path.join(work, "f1", n)), tm.sha256_of(os.path.join(work, "d1", n)), "file:// " + n)
# The air-gapped lock build: the lock names the HTTP source, --sources says where it is now.
p = t.run([fetch, "--quiet", "--lock", os.path.join(work, "t.lock"), "--sources", fsrc, "--dest",
           os.path.join(work, "f2"), "--cache", os.path.join(work, "fcache2")], check=0)
t.eq(p.stdout.splitlines(), [os.path.join(work, "f2", n) for n in names], "lock build from the partial mirror")
# A partial mirror signed by another key is refused like any source.
other = tm.make_key(work, "Other Key")
p = t.run(cmd(os.path.join(work, "f3"), "--cache", os.path.join(work, "fcache3"), "--keyring", other.public,
              sources=fsrc), check=1)
t.eq(p.stderr, "aci-fetch: error: file://%s/dists/stable/InRelease: no valid signature from a key in %s "
               "(signature by %s: no public key)\n" % (mo, other.public, m.key.fpr), "file:// wrong key")

# fetch-shared-cache: two overlapping runs on a slow server, one cold cache.
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
srv.faults({"/pool/main/h/hello-acikit/" + hello: {"kind": "slow", "chunk": 64, "delay": 0.1},
            "/pool/main/t/tool-acikit/" + tool_deb:
                {"kind": "slow", "chunk": 64, "delay": 0.1}})
shared = os.path.join(work, "shared")
procs = [subprocess.Popen(cmd(os.path.join(work, "c%d" % i), "--cache", shared), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) for i in (1, 2)]
outs = [pr.communicate(timeout=300) for pr in procs]
for i, (pr, (out, err)) in enumerate(zip(procs, outs), 1):
    t.eq((pr.returncode, err), (0, ""), "shared-cache run %d" % i)
    t.eq(out.splitlines(), [os.path.join(work, "c%d" % i, n) for n in names], "shared-cache run %d stdout" % i)
    for n in names:
        t.eq(tm.sha256_of(os.path.join(work, "c%d" % i, n)), tm.sha256_of(os.path.join(work, "d1", n)),
             "shared-cache run %d %s" % (i, n))
debs_log = [r for r in srv.log() if r["path"].startswith("/pool/")]
t.check(len(debs_log) == 4, "both runs downloaded both .debs at the same time: %r" % debs_log)
check_cache(shared, "shared cache")
t.eq([x for x in tm.listing(shared) if ".tmp." in x], [], "no temporaries left in the shared cache")
if not unshare_ok:
    t.skip("unshare -n is not available: --offline ran without a network namespace")
t.finish()
