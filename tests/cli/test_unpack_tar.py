"""aci-unpack --tar -: the merged rootfs as a tar stream on stdout. It describes the
same tree as --rootfs (types, modes, owners, mtimes, links, devices), is
byte-identical run to run, and needs no root (same bytes as an unprivileged user)."""
import io
import os
import shutil
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-tar")
os.chmod(work, 0o755)
ROOT = os.geteuid() == 0


def fixtures():
    debs = os.path.join(work, "debs")
    os.makedirs(debs, exist_ok=True)
    entries = [F.dir("./"), F.dir("./bin"), F.file("./bin/sh", "sh\n", mode=0o755),
               F.hardlink("./bin/early", "./usr/bin/late"),
               F.dir("./usr"), F.dir("./usr/bin"), F.file("./usr/bin/late", "late\n", mode=0o4750, gid=7),
               F.dir("./var"), F.dir("./var/tmp", mode=0o1777),
               F.fifo("./var/fifo"), F.symlink("./var/abs", "/etc/hostname"),
               F.dir("./srv", uid=1234, gid=5678, mode=0o2770),
               F.file("./srv/" + "n" * 120, "long\n", uid=1234, gid=5678),
               F.dir("./dev"), F.chardev("./dev/null", 1, 3), F.blockdev("./dev/sda", 8, 0)]
    a = F.build_raw(os.path.join(debs, "a.deb"), "pkg-a", entries, scripts=("postinst",),
                    md5sums="0  x\n")
    b = F.build_raw(os.path.join(debs, "b.deb"), "pkg-b",
                    [F.dir("./usr", mode=0o700, mtime=1), F.dir("./usr/lib"), F.file("./usr/lib/b.so", "b\n"),
                     F.dir("./lib"), F.file("./lib/x", "x\n")])
    for d in (debs, a, b):
        os.chmod(d, 0o755 if os.path.isdir(d) else 0o644)
    return [a, b]


DEBS = fixtures()
p1 = subprocess.run([UNPACK, "--tar", "-"] + DEBS, capture_output=True)
eq(p1.returncode, 0, "tar: exit status (stderr %r)" % p1.stderr)
check(p1.stderr.startswith(b"aci-unpack: unpacked 2 packages into a tar stream on stdout: 5 files, "),
      "tar: report on stderr: %r" % p1.stderr)
p2 = subprocess.run([UNPACK, "--quiet", "--tar", "-"] + DEBS, capture_output=True)
eq(p1.stdout == p2.stdout, True, "tar-deterministic: byte-identical run to run")
eq(p2.stderr, b"", "tar-quiet")
p4 = subprocess.run([UNPACK, "--quiet", "--xz-threads", "1", "--tar", "-"] + DEBS, capture_output=True)
eq(p4.stdout == p1.stdout, True, "tar-xz-single-thread: same bytes as the multi-threaded decoder")
got = F.tar_tree(p1.stdout)

eq(got.get("bin"), {"type": "symlink", "target": "usr/bin", "uid": 0, "gid": 0, "mtime": 0}, "tar: merged bin link")
eq(got.get("dev/null", {}).get("rdev"), (1, 3), "tar: char device kept without mknod")
eq(got.get("dev/sda", {}).get("type"), "blockdev", "tar: block device")
eq(got.get("usr/bin/late", {}).get("mode"), "4750", "tar: setuid mode")
eq(got.get("usr/bin/early", {}).get("nlink"), 2, "tar: hardlink before target, held back")
eq(got.get("srv/" + "n" * 120, {}).get("uid"), 1234, "tar: long name, numeric owner")
eq(got.get("usr", {}).get("mode"), "755", "tar: first directory entry wins")
names = [m.name for m in tarfile.open(fileobj=io.BytesIO(p1.stdout)).getmembers()]
eq(len(names), len(set(names)), "tar: no member twice")
check(names.index("usr/bin/late") < names.index("usr/bin/early"), "tar: hardlink after its target")
check(all(not n.startswith(("/", "./")) for n in names), "tar: relative member names")

if ROOT:
    # The same tree as the directory path.
    rootfs = os.path.join(work, "rootfs")
    acitest.run([UNPACK, "--quiet", "--rootfs", rootfs] + DEBS, check=0)
    eq(got, F.tree(rootfs), "tar-same-as-rootfs")
    # Rootless: the same bytes as an unprivileged user.
    if shutil.which("setpriv"):
        p3 = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             UNPACK, "--quiet", "--tar", "-"] + DEBS, capture_output=True)
        eq(p3.returncode, 0, "tar-rootless: exit status (stderr %r)" % p3.stderr)
        eq(p3.stdout == p1.stdout, True, "tar-rootless: same bytes as root")

# Conflicts are checked in the tar path too; --allow-overwrite keeps the later last.
c1 = F.build_raw(os.path.join(work, "c1.deb"), "c1", [F.file("./etc/x", "1\n")])
c2 = F.build_raw(os.path.join(work, "c2.deb"), "c2", [F.file("./etc/x", "2\n")])
p = acitest.run([UNPACK, "--quiet", "--tar", "-", c1, c2])
eq((p.returncode, p.stderr), (1, "aci-unpack: error: c2.deb: etc/x: conflicts with the same path in c1.deb\n"),
   "tar-conflict")
p = subprocess.run([UNPACK, "--quiet", "--allow-overwrite", "--tar", "-", c1, c2], capture_output=True)
eq(F.tar_tree(p.stdout).get("etc/x", {}).get("data"), b"2\n", "tar-allow-overwrite: later wins")
p = acitest.run([UNPACK, "--tar", "out.tar", c1])
eq((p.returncode, p.stderr), (2, "aci-unpack: error: --tar takes '-' (stdout)\n"), "tar-usage-not-dash")
p = acitest.run([UNPACK, "--tar", "-", "--rootfs", work, c1])
eq(p.returncode, 2, "tar-and-rootfs: usage")

acitest.finish()
