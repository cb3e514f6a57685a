"""fetch-transient-faults: 503 twice then OK (on InRelease, an index and a .deb), a
connection reset in the middle of a .deb (resumed with Range), a truncated body and a
slow index all still succeed with the right bytes; a server that keeps answering 503
is an environment error (exit 3) after the retries (with a cold cache), leaving nothing
in --dest."""
import os

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-faults")
m, debs = tm.standard_mirror(work)
fetch = t.tool("aci-fetch")
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
dest = os.path.join(work, "debs")
hello = "/pool/main/h/hello-acikit/hello-acikit_1.10-1_amd64.deb"
data = "/pool/main/a/acikit-data/acikit-data_0.1-1_all.deb"
tool_deb = "/pool/main/t/tool-acikit/tool-acikit_1%3a2.0+dfsg~rc1-1_amd64.deb"  # decoded path
with open(m.path("dists/updates/Release")) as f:
    xz = [l.split()[0] for l in f if l.startswith(" ") and l.endswith("Packages.xz\n")][-1]
index = "/dists/updates/main/binary-amd64/by-hash/SHA256/" + xz

srv.faults({
    "/dists/stable/InRelease": {"kind": "status", "code": 503, "times": 2},
    index: {"kind": "slow", "chunk": 100, "delay": 0.02},
    hello: {"kind": "reset", "after": 300, "times": 1},
    data: {"kind": "status", "code": 502, "times": 2},
    tool_deb: {"kind": "truncate", "after": 200, "times": 1},
})
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit", "acikit-data", "tool-acikit", extra=["--exact"]), check=0)
t.eq(p.stdout.splitlines(), [os.path.join(dest, os.path.basename(x)) for x in (hello, data, tool_deb)], "stdout")
for (name, version), deb in debs.items():
    got = os.path.join(dest, os.path.basename(deb))
    if os.path.exists(got):
        t.eq(tm.sha256_of(got), tm.sha256_of(deb), "SHA256 of " + os.path.basename(deb))
log = srv.log()
t.eq([r["status"] for r in log if r["path"] == "/dists/stable/InRelease"], [503, 503, 200], "InRelease retried")
t.eq([r["status"] for r in log if r["path"] == data], [502, 502, 200], "acikit-data retried")
# After a TCP RST the kernel may drop bytes already received: the retry resumes
# from what was kept (a Range request), or starts over when nothing was.
hello_log = [(r["status"], r["range"]) for r in log if r["path"] == hello]
t.check(len(hello_log) == 2 and hello_log[0] == (200, None) and
        (hello_log[1] == (200, None) or (hello_log[1][0] == 206 and hello_log[1][1].startswith("bytes="))),
        "hello retried after the reset: %r" % hello_log)
# A clean close after 200 bytes keeps them all: resumed with Range.
t.eq([(r["status"], r["range"]) for r in log if r["path"] == tool_deb],
     [(200, None), (206, "bytes=200-")], "tool resumed after the truncation")
t.eq(tm.listing(dest), sorted(os.path.basename(x) for x in (hello, data, tool_deb)), "--dest")

# fetch-5xx-forever: exit 3 after the retries (1 + 3 attempts), nothing left behind.
srv.faults({hello: {"kind": "status", "code": 503}})
dest2 = os.path.join(work, "debs2")
p = t.run(tm.fetch_cmd(fetch, src, dest2, "hello-acikit", extra=["--cache", os.path.join(work, "cold")]), check=3)
t.eq(p.stderr, "aci-fetch: error: %s%s: HTTP status 503 (after 4 attempts)\n" % (srv.url.rstrip("/"), hello),
     "5xx forever stderr")
t.eq(tm.listing(dest2), [], "nothing in --dest")

# fetch-connection-refused: environment error naming the URL.
srv.stop()
p = t.run(tm.fetch_cmd(fetch, src, dest2, "hello-acikit"), check=3)
t.check(p.stderr.startswith("aci-fetch: error: %sdists/stable/InRelease: " % srv.url), "refused: " + p.stderr)
t.finish()
