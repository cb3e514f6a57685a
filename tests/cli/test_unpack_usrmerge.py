"""aci-unpack: merged /usr (the default) and conflicts between packages."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-usrmerge")


def deb(name, entries, package=None):
    return F.build_raw(os.path.join(work, name + ".deb"), package or name, entries)


def unpack(name, debs, *extra, status=0):
    rootfs = os.path.join(work, name + ".rootfs")
    p = acitest.run([UNPACK, "--rootfs", rootfs, *extra] + debs)
    eq(p.returncode, status, name + ": exit status (stderr %r)" % p.stderr)
    return rootfs, p


LINKS = {n: {"type": "symlink", "target": "usr/" + n, "uid": 0, "gid": 0, "mtime": 0}
         for n in ("bin", "sbin", "lib", "lib64")}

# usrmerge-layout: bin, sbin, lib, lib64 are symlinks into usr/; /bin/sh lands in usr/bin.
SH = deb("sh", [F.dir("./"), F.dir("./bin"), F.file("./bin/sh", "sh\n", mode=0o755),
                F.dir("./usr"), F.dir("./usr/bin", mode=0o755, mtime=F.MTIME - 1),
                F.file("./usr/bin/env", "env\n", mode=0o755),
                F.dir("./lib"), F.dir("./lib/x86_64-linux-gnu"),
                F.file("./lib/x86_64-linux-gnu/libc.so.6", "libc\n"),
                F.dir("./lib64"), F.symlink("./lib64/ld-linux-x86-64.so.2",
                                            "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")])
rootfs, p = unpack("usrmerge-layout", [SH])
t = F.tree(rootfs)
for n, d in LINKS.items():
    eq(t.get(n), d, "usrmerge-layout: " + n)
eq(t.get("usr/bin/sh", {}).get("data"), b"sh\n", "usrmerge-layout: bin/sh in usr/bin")
eq(t.get("usr/lib/x86_64-linux-gnu/libc.so.6", {}).get("data"), b"libc\n", "usrmerge-layout: lib in usr/lib")
eq(t.get("usr/lib64/ld-linux-x86-64.so.2", {}).get("target"),
   "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "usrmerge-layout: lib64 symlink")
eq(sorted(k for k in t if "/" not in k), ["bin", "lib", "lib64", "sbin", "usr", "var"], "usrmerge-layout: top level")
eq(t["usr/bin"]["mode"], "755", "usrmerge-layout: usr/bin mode")
eq(p.stderr, "aci-unpack: unpacked 1 package into %s: 3 files, 6 directories, 1 symlinks, 0 hardlinks, "
   "0 device nodes, 0 FIFOs\naci-unpack: dpkg database: var/lib/dpkg/status lists the packages as "
   "'install ok unpacked'\naci-unpack: maintainer scripts not run: none\n" % rootfs,
   "usrmerge-layout: report")

# usrmerge-dir-after-symlink: a package with a real lib/ directory, unpacked into a
# rootfs where lib -> usr/lib: the symlink stays.
rootfs, p = unpack("usrmerge-dir-after-symlink", [SH])
pre = os.path.join(work, "usrmerge-dir-after-symlink-no-filter.rootfs")
os.makedirs(os.path.join(pre, "usr", "lib"))
os.symlink("usr/lib", os.path.join(pre, "lib"))
unpack("usrmerge-dir-after-symlink-no-filter", [deb("realdir", [F.dir("./lib", mode=0o700), F.file("./lib/x", "x\n")])],
       "--no-merged-usr")
eq(os.readlink(os.path.join(pre, "lib")), "usr/lib", "usrmerge-dir-after-symlink: lib still a symlink")
eq(open(os.path.join(pre, "usr", "lib", "x")).read(), "x\n", "usrmerge-dir-after-symlink: file in usr/lib")
eq(oct(os.stat(os.path.join(pre, "usr", "lib")).st_mode & 0o7777), "0o755",
   "usrmerge-dir-after-symlink: target directory mode untouched")

# A package shipping the merged link itself (lib64 -> usr/lib64) is fine.
rootfs, p = unpack("usrmerge-package-ships-link", [deb("ships-link", [F.symlink("./lib64", "usr/lib64"),
                                                                     F.file("./lib64/ld.so", "ld\n")])])
eq(os.readlink(os.path.join(rootfs, "lib64")), "usr/lib64", "usrmerge-package-ships-link: link")
eq(open(os.path.join(rootfs, "usr/lib64/ld.so")).read(), "ld\n", "usrmerge-package-ships-link: file")

# --no-merged-usr: real directories.
rootfs, p = unpack("usrmerge-off", [SH], "--no-merged-usr")
t = F.tree(rootfs)
eq(t.get("bin", {}).get("type"), "dir", "usrmerge-off: bin is a directory")
eq(t.get("bin/sh", {}).get("data"), b"sh\n", "usrmerge-off: bin/sh")
check("sbin" not in t, "usrmerge-off: no sbin")

# usrmerge-order-independent: the same tree whatever the package order.
A = deb("order-a", [F.dir("./lib"), F.file("./lib/a.so", "a\n"), F.dir("./usr"), F.dir("./usr/lib")])
B = deb("order-b", [F.dir("./usr"), F.dir("./usr/lib", mode=0o755), F.file("./usr/lib/b.so", "b\n"),
                    F.dir("./lib")])
r1, _ = unpack("usrmerge-order-ab", [A, B])
r2, _ = unpack("usrmerge-order-ba", [B, A])
eq(F.tree(r1), F.tree(r2), "usrmerge-order-independent")

# conflict-two-packages: the same file from two packages.
X1 = deb("conflict-a", [F.dir("./usr"), F.dir("./usr/bin"), F.file("./usr/bin/x", "a\n")], "pkg-a")
X2 = deb("conflict-b", [F.dir("./usr"), F.dir("./usr/bin"), F.file("./usr/bin/x", "b\n")], "pkg-b")
rootfs, p = unpack("conflict-two-packages", [X1, X2], status=1)
eq(p.stderr, "aci-unpack: error: conflict-b.deb: usr/bin/x: conflicts with the same path in conflict-a.deb\n",
   "conflict-two-packages: message")
# conflict-usrmerge-alias: /bin/sh and /usr/bin/sh are the same file.
Y1 = deb("alias-a", [F.dir("./bin"), F.file("./bin/sh", "a\n")])
Y2 = deb("alias-b", [F.dir("./usr"), F.dir("./usr/bin"), F.file("./usr/bin/sh", "b\n")])
rootfs, p = unpack("conflict-usrmerge-alias", [Y1, Y2], status=1)
eq(p.stderr, "aci-unpack: error: alias-b.deb: usr/bin/sh: conflicts with the same path in alias-a.deb\n",
   "conflict-usrmerge-alias: message")
rootfs, p = unpack("conflict-usrmerge-alias-off", [Y1, Y2], "--no-merged-usr")
# conflict-file-vs-symlink
Z = deb("conflict-symlink", [F.dir("./usr"), F.dir("./usr/bin"), F.symlink("./usr/bin/x", "y")])
rootfs, p = unpack("conflict-file-vs-symlink", [X1, Z], status=1)
eq(p.stderr, "aci-unpack: error: conflict-symlink.deb: usr/bin/x: conflicts with the same path in conflict-a.deb\n",
   "conflict-file-vs-symlink: message")
# conflict-allow-overwrite: the later wins, reported.
rootfs, p = unpack("conflict-allow-overwrite", [X1, X2], "--allow-overwrite")
eq(open(os.path.join(rootfs, "usr/bin/x")).read(), "b\n", "conflict-allow-overwrite: later wins")
check("aci-unpack: overwritten: usr/bin/x from conflict-a.deb by conflict-b.deb\n" in p.stderr,
      "conflict-allow-overwrite: reported: %r" % p.stderr)
# directories shared by packages are no conflict
rootfs, p = unpack("shared-directories", [X1, deb("shared", [F.dir("./usr"), F.dir("./usr/bin"),
                                                             F.file("./usr/bin/other", "o\n")])])

acitest.finish()
