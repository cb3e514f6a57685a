"""inrelease-wrong-key and inrelease-tampered: an InRelease signed by a key that is in
the user's default GnuPG home ($GNUPGHOME) but not in the given keyring, and an
InRelease changed after signing, are both refused (exit 1, the file named), with no
fall-back to Release + Release.gpg and nothing left in --dest."""
import os
import shutil

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-reject-inrelease")
m, debs = tm.standard_mirror(work)
fetch = t.tool("aci-fetch")
other = tm.make_key(work, "Other Key")

# inrelease-wrong-key: "stable" signed by the other key, which $GNUPGHOME holds.
m.sign("stable", sign_key=other)
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
dest = os.path.join(work, "debs")
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit"), env={"GNUPGHOME": other.home}, check=1)
t.eq(p.stdout, "", "stdout")
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: no valid signature from a key in %s "
               "(signature by %s: no public key)\n" % (srv.url, m.key.public, other.fpr), "wrong-key stderr")
t.eq(tm.listing(dest), [], "nothing in --dest")
t.check(not any("Release.gpg" in r["path"] or r["path"].endswith("/Release") for r in srv.log()),
        "no fall-back to Release + Release.gpg: %r" % srv.log())
srv.stop()

# inrelease-tampered: one byte of the signed text changed.
m.sign("stable")
m.tamper_inrelease("updates")
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit"), check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/updates/InRelease: no valid signature from a key in %s "
               "(signature by %s: bad signature)\n" % (srv.url, m.key.public, m.key.fpr), "tampered stderr")
t.eq(tm.listing(dest), [], "nothing in --dest")
t.check(not any(r["path"].startswith("/pool/") or "binary-" in r["path"] for r in srv.log()),
        "no index or .deb fetched after a bad InRelease")

# inrelease-suite-mismatch: a verified release for another suite is refused.
m.sign("updates")
shutil.copytree(os.path.join(m.root, "dists", "updates"), os.path.join(m.root, "dists", "other"))
src = m.sources_file(os.path.join(work, "other.sources"), srv.url, ["other"])
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit"), check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/other/InRelease: is for Suite 'updates', Codename 'acikit-updates', "
               "not 'other' (%s:1)\n" % (srv.url, src), "suite mismatch stderr")
t.eq(tm.listing(dest), [], "nothing in --dest")

# release-valid-until-past: a correctly signed but expired release is refused.
m.write(valid_until="Sat, 01 Jan 2000 00:00:00 UTC")
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable"])
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit"), check=1)
t.eq(p.stderr, "aci-fetch: error: %sdists/stable/InRelease: expired (Valid-Until is in the past)\n" % srv.url,
     "Valid-Until stderr")
t.eq(tm.listing(dest), [], "nothing in --dest")
t.finish()
