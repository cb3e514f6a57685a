"""aci-unpack --tar - --allow-overwrite writes each path once: the later package's
entry, as --rootfs leaves it; a hardlink of the earlier package to an overwritten
file keeps the old content (in a directory it keeps the old inode). The stream is
what aci-pack --rootfs-tar - takes (it refuses duplicate paths)."""
import io
import os
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
PACK = acitest.tool("aci-pack")
work = acitest.tempdir("unpack-tar-overwrite")
os.chmod(work, 0o755)


def deb(name, entries):
    return F.build_raw(os.path.join(work, name + ".deb"), name, [F.dir("./")] + entries)


c1 = deb("c1", [F.dir("./etc"), F.file("./etc/x", "1\n"), F.file("./etc/y", "old\n"),
                F.hardlink("./etc/y-link", "./etc/y"), F.dir("./bin"), F.file("./bin/z", "z1\n", mode=0o755)])
c2 = deb("c2", [F.dir("./etc"), F.file("./etc/x", "2\n"), F.symlink("./etc/y", "x"),
                F.dir("./usr"), F.dir("./usr/bin"), F.file("./usr/bin/z", "z2\n", mode=0o755)])
c3 = deb("c3", [F.dir("./etc"), F.file("./etc/x", "3\n")])
DEBS = [c1, c2, c3]


def run(extra=()):
    return subprocess.run([UNPACK, "--allow-overwrite", "--tar", "-"] + list(extra) + DEBS, capture_output=True)


p = run()
eq(p.returncode, 0, "tar-allow-overwrite: exit status (%r)" % p.stderr)
eq([l for l in p.stderr.decode().splitlines() if "overwritten" in l],
   ["aci-unpack: overwritten: etc/x from c1.deb by c2.deb",
    "aci-unpack: overwritten: etc/y from c1.deb by c2.deb",
    "aci-unpack: overwritten: usr/bin/z from c1.deb by c2.deb",
    "aci-unpack: overwritten: etc/x from c2.deb by c3.deb"], "tar-allow-overwrite: report")
names = [m.name for m in tarfile.open(fileobj=io.BytesIO(p.stdout)).getmembers()]
eq(sorted(n for n in names if names.count(n) > 1), [], "tar-allow-overwrite-each-path-once")
got = F.tar_tree(p.stdout)
eq(got["etc/x"]["data"], b"3\n", "tar-allow-overwrite: the last package wins")
eq(got["etc/y"].get("type"), "symlink", "tar-allow-overwrite: a file replaced by a symlink")
eq((got["etc/y-link"]["type"], got["etc/y-link"]["data"]), ("file", b"old\n"),
   "tar-allow-overwrite-hardlink-keeps-old-content")
eq(got["usr/bin/z"]["data"], b"z2\n", "tar-allow-overwrite: merged /usr alias overwritten")
q = subprocess.run([UNPACK, "--allow-overwrite", "--xz-threads", "1", "--quiet", "--tar", "-"] + DEBS,
                   capture_output=True)
eq(q.stdout == p.stdout, True, "tar-allow-overwrite: same bytes with --xz-threads 1")

if os.geteuid() == 0:
    rootfs = os.path.join(work, "rootfs")
    acitest.run([UNPACK, "--quiet", "--allow-overwrite", "--rootfs", rootfs] + DEBS, check=0)
    want = F.tree(rootfs)
    # The directory keeps the hardlink's old inode (nlink 1 once etc/y is replaced).
    eq(got, want, "tar-allow-overwrite: same tree as --rootfs")

if os.path.exists(PACK):
    manifest = os.path.join(work, "manifest")
    with open(manifest, "w") as f:
        f.write('{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/overwrite"}')
    aci = os.path.join(work, "o.aci")
    r = subprocess.run([PACK, "--manifest", manifest, "--rootfs-tar", "-", aci], input=p.stdout,
                       capture_output=True)
    eq((r.returncode, r.stderr), (0, b""), "tar-allow-overwrite: aci-pack --rootfs-tar - takes the stream")

acitest.finish()
