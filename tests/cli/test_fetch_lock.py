"""fetch-lock-round-trip: --lock-out writes the canonical lockfile; after the mirror
drops the locked version and re-signs a new InRelease, --lock still fetches the same
bytes from the cache with no request at all; with a cold cache the changed InRelease is
refused; a lock that disagrees with the verified index is refused.
lock-expired-key-and-valid-until: a release signed by a key that has since expired and
whose Valid-Until has passed is refused now, but a --lock build judges both at the time
the lock was made, and says so; --as-of does the same for a plain fetch."""
import email.utils
import json
import os
import re
import time

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-lock")
m, debs = tm.standard_mirror(work)
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
fetch = t.tool("aci-fetch")
cache = os.path.join(work, "cache")
lock = os.path.join(work, "test.lock")
dest = os.path.join(work, "debs")
hello = "hello-acikit_1.10-1_amd64.deb"
tool_deb = "tool-acikit_1%3a2.0+dfsg~rc1-1_amd64.deb"

p = t.run(tm.fetch_cmd(fetch, src, dest, "tool-acikit", "hello-acikit",
                       extra=["--exact", "--cache", cache, "--lock-out", lock]), check=0)
t.eq(p.stdout.splitlines(), [os.path.join(dest, tool_deb), os.path.join(dest, hello)], "stdout")
with open(lock) as f:
    text = f.read()
doc = json.loads(text)
t.eq(list(doc), ["version", "arch", "created", "sources", "packages"], "top-level keys in order")
t.eq(doc["version"], 1, "version")
t.check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["created"]) is not None, "created: " + doc["created"])
t.eq(text, json.dumps(doc, indent=2) + "\n", "2-space indentation, canonical")
inrel = {s: tm.sha256_of(m.path("dists/%s/InRelease" % s)) for s in ("stable", "updates")}
t.eq([(s["uri"], s["suite"], s["components"], s["inrelease_sha256"], s["signer_fingerprint"], s["release_date"])
      for s in doc["sources"]],
     [(srv.url.rstrip("/"), "stable", ["main"], inrel["stable"], m.key.fpr, "2026-12-03T10:00:00Z"),
      (srv.url.rstrip("/"), "updates", ["main"], inrel["updates"], m.key.fpr, "2026-12-03T10:00:00Z")], "sources")
t.eq(list(doc["sources"][0]), ["uri", "suite", "components", "inrelease_sha256", "signer_fingerprint", "signed_at",
                               "release_date"], "source keys in order")
t.eq([(x["name"], x["version"], x["architecture"], x["source"], x["size"], x["sha256"]) for x in doc["packages"]],
     [("hello-acikit", "1.10-1", "amd64", 0, os.path.getsize(debs[("hello-acikit", "1.10-1")]),
       tm.sha256_of(debs[("hello-acikit", "1.10-1")])),
      ("tool-acikit", tm.TOOL_VERSION, "amd64", 1, os.path.getsize(debs[("tool-acikit", tm.TOOL_VERSION)]),
       tm.sha256_of(debs[("tool-acikit", tm.TOOL_VERSION)]))], "packages sorted by name")
t.eq(doc["packages"][0]["filename"], "pool/main/h/hello-acikit/" + hello, "pool path")

# The mirror moves on: 1.10-1 is gone from the pool and the index, InRelease is new.
m.suites["stable"]["main"] = [e for e in m.suites["stable"]["main"] if "1.10-1" not in e[0]]
os.unlink(m.path("pool/main/h/hello-acikit/" + hello))
m.write()
t.check(tm.sha256_of(m.path("dists/stable/InRelease")) != inrel["stable"], "the mirror re-signed stable")
srv.clear_log()
dest2 = os.path.join(work, "debs2")
p = t.run([fetch, "--quiet", "--lock", lock, "--cache", cache, "--dest", dest2, "--keyring", m.key.public], check=0)
t.eq(p.stdout.splitlines(), [os.path.join(dest2, hello), os.path.join(dest2, tool_deb)], "lock build stdout")
for n, deb in ((hello, debs[("hello-acikit", "1.10-1")]), (tool_deb, debs[("tool-acikit", tm.TOOL_VERSION)])):
    t.eq(tm.sha256_of(os.path.join(dest2, n)), tm.sha256_of(deb), "lock build " + n)
t.eq(srv.log(), [], "lock build from the cache: no request at all")

# lock-cold-cache: the recorded InRelease is neither cached nor served any more.
p = t.run([fetch, "--quiet", "--lock", lock, "--cache", os.path.join(work, "cold"), "--dest",
           os.path.join(work, "debs3"), "--keyring", m.key.public], check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: SHA256 is %s, not the recorded InRelease (SHA256 %s, "
               "%s: sources[0]), which is not in the cache %s\n"
     % (srv.url, tm.sha256_of(m.path("dists/stable/InRelease")), inrel["stable"], lock, os.path.join(work, "cold")),
     "cold cache stderr")
t.eq(tm.listing(os.path.join(work, "debs3")), [], "nothing fetched")

# lock-disagrees-with-index: a lock whose SHA256 the verified index does not confirm.
bad = dict(doc)
bad["packages"] = [dict(doc["packages"][0], sha256="0" * 64)] + doc["packages"][1:]
badlock = os.path.join(work, "bad.lock")
with open(badlock, "w") as f:
    json.dump(bad, f, indent=2)
p = t.run([fetch, "--quiet", "--lock", badlock, "--cache", cache, "--dest", os.path.join(work, "debs4"),
           "--keyring", m.key.public], check=1)
t.eq(p.stderr, "aci-fetch: error: %s: packages[0]: package hello-acikit 1.10-1 (amd64): the lock says "
               "pool/main/h/hello-acikit/%s (%d bytes, SHA256 %s), the verified index "
               "%sdists/stable/main/binary-amd64/Packages.xz:1 says pool/main/h/hello-acikit/%s (%d bytes, SHA256 %s)\n"
     % (badlock, hello, doc["packages"][0]["size"], "0" * 64, srv.url, hello, doc["packages"][0]["size"],
        doc["packages"][0]["sha256"]), "bad lock stderr")
p = t.run([fetch, "--lock", badlock, "hello-acikit"], check=2)
t.eq(p.stderr, "aci-fetch: error: --lock fetches exactly the lockfile's packages: give no PACKAGE\n", "lock + pkg")

# lock-expired-key-and-valid-until: both expire a few seconds after the lock is made.
short = tm.make_key(work, "Short Key", expire="seconds=8")
m2 = tm.Mirror(os.path.join(work, "mirror2"), short)
m2.add("stable", debs[("hello-acikit", "1.0-1")])
m2.write(valid_until=email.utils.formatdate(time.time() + 8, usegmt=True))
srv2 = tm.serve(m2.root)
src2 = m2.sources_file(os.path.join(work, "short.sources"), srv2.url, ["stable"])
lock2 = os.path.join(work, "short.lock")
cache2 = os.path.join(work, "cache2")
p = t.run(tm.fetch_cmd(fetch, src2, os.path.join(work, "s1"), "hello-acikit",
                       extra=["--exact", "--cache", cache2, "--lock-out", lock2]), check=0)
created = json.load(open(lock2))["created"]
time.sleep(max(0.0, 9.5 - (time.time() - os.path.getmtime(short.public))))
p = t.run(tm.fetch_cmd(fetch, src2, os.path.join(work, "s2"), "hello-acikit", extra=["--exact", "--cache", cache2]),
          check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: no valid signature from a key in %s "
               "(signature by %s: expired key)\n" % (srv2.url, short.public, short.fpr), "expired key now")
p = t.run([fetch, "--lock", lock2, "--cache", cache2, "--dest", os.path.join(work, "s3"), "--sources", src2,
           "--json", os.path.join(work, "s3.json")], check=0)
t.eq(p.stdout, os.path.join(work, "s3", "hello-acikit_1.0-1_amd64.deb") + "\n", "lock build with an expired key")
t.eq(p.stderr, "aci-fetch: Valid-Until and key expiry judged as of %s (the time the lockfile was made), not now\n"
     % created, "lock build says so")
rep = json.load(open(os.path.join(work, "s3.json")))
t.eq((rep["check_time"], rep["check_time_basis"]), (created, "lock created"), "report: check time")
# --as-of: the same judgement for a plain fetch, at a time the user names.
p = t.run(tm.fetch_cmd(fetch, src2, os.path.join(work, "s4"), "hello-acikit",
                       extra=["--exact", "--cache", cache2, "--as-of", created, "--json", "-"]), check=0)
rep = json.loads(p.stdout)
t.eq((rep["check_time"], rep["check_time_basis"], [x["name"] for x in rep["packages"]]),
     (created, "--as-of", ["hello-acikit"]), "--as-of report on stdout")
t.eq(rep["sources"][0]["signatures"][0]["status"], "good", "good as of then")
p = t.run(tm.fetch_cmd(fetch, src2, os.path.join(work, "s5"), "hello-acikit",
                       extra=["--exact", "--cache", cache2, "--as-of", "2100-01-01"]), check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: no valid signature from a key in %s "
               "(signature by %s: expired key)\n" % (srv2.url, short.public, short.fpr), "--as-of after expiry")
p = t.run([fetch, "--as-of", "2026-13-01", "x"], check=2)
t.eq(p.stderr, "aci-fetch: error: --as-of '2026-13-01': expected YYYY-MM-DD or an RFC 3339 date "
               "(2026-12-03T10:00:00Z)\n", "bad --as-of")
t.finish()
