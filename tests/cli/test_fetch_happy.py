"""fetch-happy-path (--exact: packages2aci's list, no dependencies): the highest version across two suites (1.10-1 in "stable" beats
1.2-1 in "updates", which comes last), NAME=VERSION, an epoch / '+' / '~' pool name,
an Architecture: all package; paths on stdout in request order, files byte-identical
to the pool; one kept-alive connection pool; a second run keeps verified files; the
same mirror through file://."""
import os

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-happy")
m, debs = tm.standard_mirror(work)
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
dest = os.path.join(work, "debs")
fetch = t.tool("aci-fetch")

p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit", "tool-acikit", "acikit-data", "hello-acikit=1.2-1",
                       "hello-acikit=1.0-1", extra=["--exact"]), check=0)
names = ["hello-acikit_1.10-1_amd64.deb", "tool-acikit_1%3a2.0+dfsg~rc1-1_amd64.deb", "acikit-data_0.1-1_all.deb",
         "hello-acikit_1.2-1_amd64.deb", "hello-acikit_1.0-1_amd64.deb"]
t.eq(p.stdout, "".join(os.path.join(dest, n) + "\n" for n in names), "paths on stdout, in request order")
t.eq(p.stderr, "", "stderr")
t.eq(tm.listing(dest), sorted(names), "files in --dest (no temporaries)")
for (name, version), deb in debs.items():
    got = os.path.join(dest, os.path.basename(deb))
    t.eq(tm.sha256_of(got), tm.sha256_of(deb), "SHA256 of " + os.path.basename(deb))

log = srv.log()
paths = [r["path"] for r in log]
t.eq(sorted(paths[:2]), ["/dists/stable/InRelease", "/dists/updates/InRelease"], "InRelease first")
t.check(all("/by-hash/SHA256/" in p for p in paths[2:4]), "indexes by hash: %r" % paths[2:4])
t.eq(len(paths), 9, "requests: 2 InRelease + 2 indexes + 5 debs")
t.check(len({r["conn"] for r in log}) <= 4, "at most --jobs (4) connections: %r" % log)
t.check("Release.gpg" not in " ".join(paths), "no Release.gpg when InRelease exists")

# A second run: the files in --dest already match; nothing is downloaded again.
srv.clear_log()
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit"), check=0)
t.eq(p.stdout, os.path.join(dest, "hello-acikit_1.10-1_amd64.deb") + "\n", "second run stdout")
t.check(not any(r["path"].startswith("/pool/") for r in srv.log()), "second run fetched no .deb")

# The same chain from the local file system.
fsrc = m.sources_file(os.path.join(work, "file.sources"), "file://" + m.root, ["stable", "updates"])
fdest = os.path.join(work, "fdebs")
p = t.run(tm.fetch_cmd(fetch, fsrc, fdest, "hello-acikit", "tool-acikit=1:2.0+dfsg~rc1-1"), check=0)
t.eq(p.stdout, os.path.join(fdest, names[0]) + "\n" + os.path.join(fdest, names[1]) + "\n", "file:// stdout")

# --keyring replaces Signed-By; a one-line sources.list works too.
lst = os.path.join(work, "test.list")
with open(lst, "w") as f:
    f.write("deb %s updates main\n" % srv.url)
p = t.run(tm.fetch_cmd(fetch, lst, os.path.join(work, "l"), "hello-acikit", extra=["--keyring", m.key.public]),
          check=0)
t.eq(p.stdout, os.path.join(work, "l", "hello-acikit_1.2-1_amd64.deb") + "\n", "one-line source, --keyring")

# Requests that match nothing, and usage errors.
p = t.run(tm.fetch_cmd(fetch, src, os.path.join(work, "none"), "hello-acikit=9.9-1"), check=1)
t.check(p.stderr.startswith("aci-fetch: error: ") and "hello-acikit" in p.stderr, "no such version: " + p.stderr)
t.eq(tm.listing(os.path.join(work, "none")), [], "nothing left for a failed selection")
p = t.run([fetch, "--sources", src], check=2)
t.eq(p.stderr, "aci-fetch: error: no PACKAGE given (see --help)\n", "no package")
# Verification never leaves a gpg-agent behind (private homes are /tmp/acikit-gpg.*).
agents = t.run(["sh", "-c", "pgrep -a gpg-agent || true"]).stdout
t.check("acikit-gpg." not in agents, "no gpg-agent of a private home: " + agents)
p = t.run([fetch, "--version"], check=0)
t.check(p.stdout.startswith("aci-fetch "), "--version")
t.finish()
