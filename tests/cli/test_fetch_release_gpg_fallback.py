"""inrelease-missing-release-gpg: without InRelease (404), Release + Release.gpg are
fetched and verified instead; a Release.gpg by a key outside the keyring is refused
naming Release.gpg; without either, the error names InRelease."""
import os

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-release-gpg")
m, debs = tm.standard_mirror(work)
fetch = t.tool("aci-fetch")
for suite in ("stable", "updates"):
    os.unlink(m.path("dists/%s/InRelease" % suite))
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
dest = os.path.join(work, "debs")

p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit"), check=0)
t.eq(p.stdout, os.path.join(dest, "hello-acikit_1.10-1_amd64.deb") + "\n", "stdout")
paths = [(r["path"], r["status"]) for r in srv.log()]
for suite in ("stable", "updates"):
    for want in (("/dists/%s/InRelease" % suite, 404), ("/dists/%s/Release" % suite, 200),
                 ("/dists/%s/Release.gpg" % suite, 200)):
        t.check(want in paths, "%r requested: %r" % (want, paths))
t.eq(tm.sha256_of(os.path.join(dest, "hello-acikit_1.10-1_amd64.deb")),
     tm.sha256_of(debs[("hello-acikit", "1.10-1")]), "SHA256 of the .deb")

# release-gpg-wrong-key
other = tm.make_key(work, "Other Key")
m.sign("updates", sign_key=other, inrelease=False)
dest2 = os.path.join(work, "debs2")
p = t.run(tm.fetch_cmd(fetch, src, dest2, "hello-acikit"), env={"GNUPGHOME": other.home}, check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/updates/Release.gpg: no valid signature from a key in %s "
               "(signature by %s: no public key)\n" % (srv.url, m.key.public, other.fpr), "wrong key stderr")
t.eq(tm.listing(dest2), [], "nothing in --dest")

# release-unsigned: Release without Release.gpg
os.unlink(m.path("dists/updates/Release.gpg"))
p = t.run(tm.fetch_cmd(fetch, src, dest2, "hello-acikit"), check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/updates/Release.gpg: not found (InRelease is missing too)\n" % srv.url,
     "no Release.gpg stderr")
os.unlink(m.path("dists/updates/Release"))
p = t.run(tm.fetch_cmd(fetch, src, dest2, "hello-acikit"), check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/updates/InRelease: not found (nor Release)\n" % srv.url,
     "no release stderr")
t.eq(tm.listing(dest2), [], "nothing in --dest")
t.finish()
