"""Faults end in a correct result or a clear error, and never leave an unverified
file under a final name, in --dest or in the cache:
fetch-wrong-size (a pool file larger than its index says), fetch-wrong-length (a server
announcing and sending more than the file), fetch-truncated-always (every answer cut
short: resumed with Range until complete), fetch-reset-always (exit 3 after the
retries), fetch-missing-inrelease (neither InRelease nor Release), release-weak-hashes
(MD5Sum/SHA1 only), release-valid-until-past at --as-of before it (accepted, and said)."""
import hashlib
import json
import os
import shutil

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-faults-cache")
m, debs = tm.standard_mirror(work)
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
fetch = t.tool("aci-fetch")
hello_pool = "pool/main/h/hello-acikit/hello-acikit_1.10-1_amd64.deb"
hello_size = os.path.getsize(m.path(hello_pool))
n = [0]


def run(*args, check):
    n[0] += 1
    d, c = os.path.join(work, "d%d" % n[0]), os.path.join(work, "c%d" % n[0])
    p = t.run([fetch, "--quiet", "--exact", "--sources", src, "--dest", d, "--cache", c] + list(args), check=check)
    objs = os.path.join(c, "by-hash", "SHA256")
    for o in (os.listdir(objs) if os.path.isdir(objs) else []):
        t.eq(hashlib.sha256(open(os.path.join(objs, o), "rb").read()).hexdigest(), o, "cache object " + o)
    t.eq([x for x in tm.listing(c) + tm.listing(d) if ".tmp." in x], [], "no temporaries")
    if check != 0:
        t.eq(tm.listing(d), [], "nothing in --dest after an error")
    return d, p


# fetch-wrong-size: the pool file grew; the index (verified) says otherwise.
orig = open(m.path(hello_pool), "rb").read()
with open(m.path(hello_pool), "ab") as f:
    f.write(b"x" * 10)
d, p = run("hello-acikit", check=1)
t.eq(p.stderr, "aci-fetch: error: %s%s: size mismatch: expected %d, got %d\n"
     % (srv.url, hello_pool, hello_size, hello_size + 10), "wrong size")
with open(m.path(hello_pool), "wb") as f:
    f.write(orig)

# fetch-wrong-length: announced and sent past the expected size.
srv.faults({"/" + hello_pool: {"kind": "wrong-length", "length": hello_size + 100}})
d, p = run("hello-acikit", check=1)
t.eq(p.stderr, "aci-fetch: error: %s%s: size mismatch: expected %d, got %d\n"
     % (srv.url, hello_pool, hello_size, hello_size + 100), "wrong length")

# fetch-truncated-always: each answer stops after 200 bytes; Range resumes make progress.
srv.faults({"/" + hello_pool: {"kind": "truncate", "after": 200}})
d, p = run("hello-acikit", check=0)
t.eq(tm.sha256_of(os.path.join(d, os.path.basename(hello_pool))), tm.sha256_of(m.path(hello_pool)),
     "truncated always: still the right bytes")

# fetch-reset-always: a reset before any byte, every time: exit 3 after 1 + 3 attempts.
srv.faults({"/" + hello_pool: {"kind": "reset", "after": 0}})
d, p = run("hello-acikit", check=3)
t.check(p.stderr.startswith("aci-fetch: error: %s%s: " % (srv.url, hello_pool)) and
        p.stderr.endswith("(after 4 attempts)\n"), "reset always: " + p.stderr)
srv.faults({})

# fetch-missing-inrelease: neither InRelease nor Release.
srv.faults({"/dists/stable/InRelease": {"kind": "not-found"}, "/dists/stable/Release": {"kind": "not-found"}})
d, p = run("hello-acikit", check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: not found (nor Release)\n" % srv.url, "no InRelease")
srv.faults({})

# release-weak-hashes: correctly signed, but MD5Sum/SHA1 only.
m.write(weak_only=True)
d, p = run("hello-acikit", check=1)
t.check(p.stderr.startswith("aci-fetch: error: %sdists/stable/InRelease" % srv.url) and "SHA256" in p.stderr,
        "weak hashes refused: " + p.stderr)

# release-valid-until-past, judged --as-of a time before it: accepted, and the report says so.
m.write(valid_until="Sat, 01 Jan 2000 00:00:00 UTC")
d, p = run("hello-acikit", check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: expired (Valid-Until is in the past)\n" % srv.url,
     "Valid-Until now")
d, p = run("hello-acikit", "--as-of", "2099-01-01", check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: expired as of 2099-01-01T00:00:00Z (--as-of): "
               "Valid-Until 2000-01-01T00:00:00Z\n" % srv.url, "Valid-Until at --as-of")
d, p = run("hello-acikit", "--as-of", "1999-12-31T12:00:00+01:00", "--json", "-", check=0)
rep = json.loads(p.stdout)
t.eq((rep["check_time"], rep["check_time_basis"], rep["sources"][0]["valid_until"]),
     ("1999-12-31T11:00:00Z", "--as-of", "2000-01-01T00:00:00Z"), "--as-of before Valid-Until")
t.finish()
