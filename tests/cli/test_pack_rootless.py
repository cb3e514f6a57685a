"""Rootless: `aci-unpack --tar - DEBS | aci-pack --manifest M --rootfs-tar - OUT.aci`
run as an unprivileged user (setpriv 65534) gives the SAME image ID as the root
directory path (`aci-unpack --rootfs DIR` as root, then `aci-pack --manifest M
--rootfs DIR`), for packages with owners other than root, setuid/setgid/sticky
modes, device nodes, a FIFO, hardlinks (one before its target), symlinks, long
names, merged /usr and a directory shipped by two packages."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest as t
import debfixtures as F

UNPACK = t.tool("aci-unpack")
P = t.tool("aci-pack")
M = t.tool("aci-manifest")
if os.geteuid() != 0:
    t.skip("needs root for the directory path (owners, device nodes) and to switch users")
p = t.run([UNPACK, "--help"])
if "--tar" not in p.stdout:
    t.skip("aci-unpack --tar is not available yet")

work = t.tempdir("pack-rootless")
os.chmod(work, 0o755)
debs = os.path.join(work, "debs")
os.makedirs(debs)
a = F.build_raw(os.path.join(debs, "a.deb"), "pkg-a", [
    F.dir("./"), F.dir("./bin"), F.file("./bin/sh", "sh\n", mode=0o755),
    F.hardlink("./bin/early", "./usr/bin/late"),  # before its target
    F.dir("./usr"), F.dir("./usr/bin"), F.file("./usr/bin/late", "late\n", mode=0o4750, gid=7),
    F.hardlink("./usr/bin/alias", "./usr/bin/late"),
    F.file("./usr/bin/sgid", "g\n", mode=0o2755, gid=42),
    F.symlink("./usr/bin/rel", "late"), F.symlink("./usr/bin/abs", "/etc/hostname"),
    F.dir("./var"), F.dir("./var/tmp", mode=0o1777), F.fifo("./var/fifo"),
    F.dir("./srv", uid=1234, gid=5678, mode=0o2770),
    F.file("./srv/" + "n" * 150, "long\n", uid=1234, gid=5678),
    F.dir("./dev"), F.chardev("./dev/null", 1, 3), F.blockdev("./dev/sda", 8, 0),
    F.dir("./usr/share"), F.dir("./usr/share/doc"), F.dir("./usr/share/doc/pkg-a"),
    F.file("./usr/share/doc/pkg-a/copyright", "c\n"),
])
b = F.build_dpkg(os.path.join(debs, "b.deb"), "pkg-b", [
    F.dir("./usr"), F.dir("./usr/lib"), F.file("./usr/lib/b.so", "b\n" * 1000),
    F.dir("./lib"), F.file("./lib/x", "x\n", uid=100, gid=101), F.dir("./etc"),
    F.file("./etc/b.conf", "conf\n", mode=0o640, gid=5),
    F.dir("./usr/share"), F.dir("./usr/share/doc"), F.dir("./usr/share/doc/pkg-b"),
    F.file("./usr/share/doc/pkg-b/big", os.urandom(1 << 20)),
], compress_type="gzip")
for path in (debs, a, b):
    os.chmod(path, 0o755 if os.path.isdir(path) else 0o644)
manifest = os.path.join(work, "manifest")
t.run([M, "--name", "example.com/rootless", "--output", manifest], check=0)
os.chmod(manifest, 0o644)
out_dir = os.path.join(work, "out")
os.makedirs(out_dir)
os.chmod(out_dir, 0o777)

# Root, through a directory.
rootfs = os.path.join(work, "rootfs")
t.run([UNPACK, "--quiet", "--rootfs", rootfs, a, b], check=0)
root_aci = os.path.join(out_dir, "root.aci")
root_id = t.run([P, "--manifest", manifest, "--rootfs", rootfs, root_aci], check=0).stdout.strip()

# Unprivileged, streaming.
AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
stream_aci = os.path.join(out_dir, "stream.aci")
# setpriv execs each tool itself (not through a shell running as nobody): the
# build directory may sit below a 0700 directory (a clone in mktemp -d), which
# only the exec, still privileged, may pass; the tools then run unprivileged.
env = dict(os.environ, TMPDIR=out_dir)
unpack = subprocess.Popen(AS_NOBODY + [UNPACK, "--quiet", "--tar", "-", a, b], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env)
pack = subprocess.Popen(AS_NOBODY + [P, "--manifest", manifest, "--rootfs-tar", "-", stream_aci],
                        stdin=unpack.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
unpack.stdout.close()
pack_out, pack_err = pack.communicate()
unpack_err = unpack.stderr.read()
unpack.wait()
t.eq((unpack.returncode, unpack_err, pack.returncode, pack_err), (0, b"", 0, b""),
     "rootless pipeline exits 0 quietly")
t.eq(os.stat(stream_aci).st_uid, 65534, "made by the unprivileged user")
t.eq(pack_out.decode().strip(), root_id, "rootless-same-image-id-as-root-directory-path")

# What both contain, to make the comparison mean something.
import tarfile
with tarfile.open(stream_aci) as tf:
    by = {m.name: m for m in tf.getmembers()}
t.eq((by["rootfs/dev/null"].ischr(), by["rootfs/dev/null"].devmajor, by["rootfs/dev/null"].devminor),
     (True, 1, 3), "char device kept without root")
t.eq(by["rootfs/usr/bin/late"].mode, 0o4750, "setuid")
t.eq((by["rootfs/srv"].uid, by["rootfs/srv"].gid, by["rootfs/srv"].mode), (1234, 5678, 0o2770), "owners, setgid dir")
t.eq(by["rootfs/var/tmp"].mode, 0o1777, "sticky")
t.check(by["rootfs/var/fifo"].isfifo(), "fifo")
t.eq(by["rootfs/bin"].linkname, "usr/bin", "merged /usr link")
links = {n: m.linkname for n, m in by.items() if m.islnk()}
t.eq(links, {"rootfs/usr/bin/early": "rootfs/usr/bin/alias", "rootfs/usr/bin/late": "rootfs/usr/bin/alias"},
     "hardlinks to the first path in sort order")
t.eq(t.run([P, "--version"]).returncode, 0, "version")

actool = t.find_actool()
if not actool:
    t.skip("actool not found (set ACTOOL or run scripts/setup)")
p = t.run([actool, "validate", stream_aci])
t.eq((p.returncode, p.stderr), (0, ""), "actool validate")
t.finish()
