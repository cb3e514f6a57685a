"""aci-unpack keeps what the package says: types, modes (setuid/setgid/sticky),
numeric owners, mtimes, hardlinks (also before their target), device nodes, FIFOs,
long names and link targets. dpkg-deb -x is the oracle where it can read the
fixture."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-fidelity")
ROOT = os.geteuid() == 0

LONG_DIR = "./usr/share/" + "d" * 60 + "/" + "e" * 60
LONG_NAME = LONG_DIR + "/" + "f" * 90 + ".txt"
LONG_TARGET = "../../" + "t" * 150
ENTRIES = [
    F.dir("./", mtime=F.MTIME - 10),
    F.dir("./usr", mtime=F.MTIME - 1),
    F.dir("./usr/bin", mtime=F.MTIME - 2),
    F.file("./usr/bin/tool", "#!/bin/sh\necho tool\n", mode=0o755, mtime=F.MTIME - 3),
    F.hardlink("./usr/bin/tool-again", "./usr/bin/tool"),
    F.file("./usr/bin/setuid", "suid\n", mode=0o4755, mtime=F.MTIME - 4),
    F.file("./usr/bin/setgid", "sgid\n", mode=0o2755, gid=42, mtime=F.MTIME - 5),
    F.symlink("./usr/bin/relative", "tool", mtime=F.MTIME - 6),
    F.symlink("./usr/bin/absolute", "/usr/bin/tool", mtime=F.MTIME - 7),
    F.dir("./usr/share", mtime=F.MTIME - 8),
    F.dir("./usr/share/" + "d" * 60, mtime=F.MTIME - 9),
    F.dir(LONG_DIR, mtime=F.MTIME - 11),
    F.file(LONG_NAME, "long name\n", mtime=F.MTIME - 12),
    F.symlink("./usr/share/long-target", LONG_TARGET, mtime=F.MTIME - 13),
    F.fifo("./usr/share/fifo", mode=0o600, mtime=F.MTIME - 14),
    F.dir("./var", mtime=F.MTIME - 15),
    F.dir("./var/tmp", mode=0o1777, mtime=F.MTIME - 16),
    F.dir("./srv", mode=0o2750, uid=1234, gid=5678, mtime=F.MTIME - 17),
    F.file("./srv/private", "owned\n", mode=0o640, uid=1234, gid=5678, mtime=F.MTIME - 18),
    F.file("./srv/empty", "", mode=0o400, mtime=F.MTIME - 19),
    F.dir("./secret", mode=0o500, mtime=F.MTIME - 20),
    F.file("./secret/inside", "ro dir\n", mode=0o444, mtime=F.MTIME - 21),
]
if ROOT:
    ENTRIES += [F.dir("./dev", mtime=F.MTIME - 22),
                F.chardev("./dev/null", 1, 3, mode=0o666, mtime=F.MTIME - 23),
                F.blockdev("./dev/loop0", 7, 0, mode=0o660, gid=6, mtime=F.MTIME - 24)]
EXPECTED = F.expected_tree(ENTRIES, owners=ROOT)


def unpack(name, deb, *extra):
    rootfs = os.path.join(work, name + ".rootfs")
    p = acitest.run([UNPACK, "--quiet", "--no-merged-usr", "--no-dpkg-database", "--rootfs", rootfs, *extra, deb])
    eq(p.returncode, 0, name + ": exit status (stderr %r)" % p.stderr)
    t = F.tree(rootfs)
    if not ROOT:
        t = F.without(t, "uid", "gid")
    return rootfs, t


def oracle(name, deb):
    out = os.path.join(work, name + ".dpkg-deb")
    os.makedirs(out)
    acitest.run(["dpkg-deb", "-x", deb, out], check=0)
    t = F.tree(out)
    return t if ROOT else F.without(t, "uid", "gid")


def compare(name, deb, with_oracle=True):
    rootfs, got = unpack(name, deb)
    eq(got, EXPECTED, name + ": tree")
    if with_oracle:
        # GNU tar (under dpkg-deb -x) creates symlinks last, which changes the
        # mtimes of their directories afterwards: directory mtimes are not compared.
        eq(F.without(got, "mtime", types=["dir"]), F.without(oracle(name, deb), "mtime", types=["dir"]),
           name + ": same as dpkg-deb -x")


compare("fidelity-dpkg-built", F.build_dpkg(os.path.join(work, "fidelity-dpkg-built.deb"),
                                            "fidelity", ENTRIES[1:]))
compare("fidelity-raw-gnu", F.build_raw(os.path.join(work, "fidelity-raw-gnu.deb"), "fidelity", ENTRIES))
compare("fidelity-raw-pax", F.build_raw(os.path.join(work, "fidelity-raw-pax.deb"), "fidelity", ENTRIES,
                                        data_fmt=F.tarfile.PAX_FORMAT), with_oracle=False)
compare("fidelity-raw-ustar-bz2", F.build_raw(os.path.join(work, "fidelity-raw-bz2.deb"), "fidelity",
                                              ENTRIES, data_comp="bz2"))

# hardlink-before-target: tar -x cannot do this; the sink defers the link.
HL = [F.dir("./"), F.dir("./usr"),
      F.hardlink("./usr/early", "./usr/late"),
      F.hardlink("./usr/early2", "./usr/early"),
      F.file("./usr/late", "target\n", mode=0o750, mtime=F.MTIME - 5)]
rootfs, got = unpack("hardlink-before-target",
                     F.build_raw(os.path.join(work, "hardlink-before-target.deb"), "hl", HL))
exp = {"usr": {"type": "dir", "mode": "755", "uid": 0, "gid": 0, "mtime": F.MTIME}}
for p in ("usr/early", "usr/early2", "usr/late"):
    exp[p] = {"type": "file", "mode": "750", "uid": 0, "gid": 0, "mtime": F.MTIME - 5, "nlink": 3,
              "data": b"target\n"}
eq(got, exp if ROOT else F.without(exp, "uid", "gid"), "hardlink-before-target: tree")
ino = {os.lstat(os.path.join(rootfs, p)).st_ino for p in ("usr/early", "usr/early2", "usr/late")}
eq(len(ino), 1, "hardlink-before-target: one inode")

p = acitest.run([UNPACK, "--quiet", "--rootfs", os.path.join(work, "hardlink-target-missing.rootfs"),
                 F.build_raw(os.path.join(work, "hardlink-target-missing.deb"), "hl",
                             [F.hardlink("./usr/x", "./usr/nowhere")])])
eq(p.returncode, 1, "hardlink-target-missing: exit status")
eq(p.stderr, "aci-unpack: error: hardlink-target-missing.deb: usr/x: hardlink target 'usr/nowhere' not found\n",
   "hardlink-target-missing: message")

# Replacing: the same package path twice in one archive, the later wins.
DUP = [F.dir("./"), F.file("./x", "first\n"), F.file("./x", "second\n", mode=0o600)]
rootfs, got = unpack("same-path-twice-in-one-package",
                     F.build_raw(os.path.join(work, "dup.deb"), "dup", DUP))
eq(got.get("x", {}).get("data"), b"second\n", "same-path-twice: later wins")
eq(got.get("x", {}).get("mode"), "600", "same-path-twice: mode of the later")

acitest.finish()
