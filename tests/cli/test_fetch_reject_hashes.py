"""packages-hash-mismatch-same-size and deb-hash-mismatch-same-size: an index whose
bytes differ from the signed Release while its size is right, and a .deb whose bytes
differ from the verified index while its size is right, are refused (exit 1, the
file named, expected and actual SHA256 given), leaving nothing in --dest: not the
bad file, not a temporary, and not the good .debs of the same run."""
import hashlib
import os

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-reject-hashes")
m, debs = tm.standard_mirror(work)
fetch = t.tool("aci-fetch")
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])

# packages-hash-mismatch-same-size (the by-hash copy that is fetched, and the plain one).
rel = "dists/updates/main/binary-amd64/Packages.xz"
want = tm.sha256_of(m.path(rel))
m.corrupt_same_size(rel)
got = tm.sha256_of(m.path(rel))
dest = os.path.join(work, "debs")
p = t.run(tm.fetch_cmd(fetch, src, dest, "acikit-data"), check=1)
t.eq(p.stdout, "", "stdout")
t.eq(p.stderr, "aci-fetch: error: %s%s: SHA256 mismatch: expected %s, got %s (fetched as %s"
               "dists/updates/main/binary-amd64/by-hash/SHA256/%s)\n" % (srv.url, rel, want, got, srv.url, want),
     "Packages.xz stderr")
t.eq(tm.listing(dest), [], "nothing in --dest")
m.write()  # repaired: fresh indexes and signatures

# deb-hash-mismatch-same-size: one bad .deb among good ones.
bad = "pool/main/h/hello-acikit/hello-acikit_1.10-1_amd64.deb"
want = tm.sha256_of(m.path(bad))
size = os.path.getsize(m.path(bad))
m.corrupt_same_size(bad)
t.eq(os.path.getsize(m.path(bad)), size, "same size")
got = tm.sha256_of(m.path(bad))
p = t.run(tm.fetch_cmd(fetch, src, dest, "acikit-data", "hello-acikit", "tool-acikit"), check=1)
t.eq(p.stdout, "", "stdout")
t.eq(p.stderr, "aci-fetch: error: %s%s: SHA256 mismatch: expected %s, got %s\n" % (srv.url, bad, want, got),
     ".deb stderr")
t.eq(tm.listing(dest), [], "nothing in --dest (no good .deb of the failed run, no temporary)")

# deb-size-mismatch: a longer file is refused before it is all read.
with open(m.path(bad), "ab") as f:
    f.write(b"x" * 100)
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit"), check=1)
t.eq(p.stderr, "aci-fetch: error: %s%s: size mismatch: expected %d, got %d\n" % (srv.url, bad, size, size + 100),
     "size mismatch stderr")
t.eq(tm.listing(dest), [], "nothing in --dest")
t.finish()
