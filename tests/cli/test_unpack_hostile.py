"""aci-unpack with hostile packages: chroot semantics. Every case keeps a canary
directory beside the rootfs and checks that it is byte-for-byte untouched and that
nothing new appeared outside the rootfs."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-hostile")
debs = os.path.join(work, "debs")
os.makedirs(debs)


def case(name, entries, status=0, message=None, prepare=None, after=None, data_fmt=F.tarfile.GNU_FORMAT):
    """Unpack a hand-made .deb NAME into base/rootfs beside base/canary."""
    base = os.path.join(work, name)
    os.makedirs(base)
    canary = F.make_canary(base)
    rootfs = os.path.join(base, "rootfs")
    os.makedirs(rootfs)
    if prepare:
        prepare(rootfs, canary)
    before = F.snapshot(base, exclude=["rootfs"])
    outside = os.listdir(os.path.dirname(base))
    deb = F.build_raw(os.path.join(debs, name + ".deb"), name, entries, data_comp="gz",
                      data_fmt=data_fmt)
    p = acitest.run([UNPACK, "--quiet", "--rootfs", rootfs, deb])
    eq(p.returncode, status, name + ": exit status (stderr %r)" % p.stderr)
    if message is not None:
        eq(p.stderr, "aci-unpack: error: " + message + "\n", name + ": message")
    eq(F.snapshot(base, exclude=["rootfs"]), before, name + ": canary and siblings untouched")
    eq(sorted(os.listdir(os.path.dirname(base))), sorted(outside), name + ": nothing new beside base")
    if after:
        after(rootfs, canary)
    return rootfs


def landed(rel, data):
    def f(rootfs, canary):
        p = os.path.join(rootfs, rel)
        check(os.path.isfile(p) and not os.path.islink(p), "%s: expected a file at %s" % (rootfs, rel))
        if os.path.isfile(p):
            eq(open(p, "rb").read(), data, rel + ": content")
    return f


ROOT = [F.dir("./")]

# '..' and absolute member names are refused before anything is written.
case("member-dotdot", ROOT + [F.file("./../canary/pwned", "x")], status=1,
     message="member-dotdot.deb: data.tar.gz: member name with '..': './../canary/pwned'")
case("member-dotdot-deep", ROOT + [F.dir("./a"), F.file("./a/../../../canary/file", "x")], status=1,
     message="member-dotdot-deep.deb: data.tar.gz: member name with '..': './a/../../../canary/file'")
case("member-absolute", ROOT + [F.file("/tmp/acikit-absolute-pwned", "x")], status=1,
     message="member-absolute.deb: data.tar.gz: absolute member name '/tmp/acikit-absolute-pwned'")
check(not os.path.exists("/tmp/acikit-absolute-pwned"), "member-absolute: /tmp untouched")
case("member-pax-path-dotdot", ROOT + [F.file("./harmless", "x", pax={"path": "../canary/file"})],
     status=1, data_fmt=F.tarfile.PAX_FORMAT,
     message="member-pax-path-dotdot.deb: data.tar.gz: member name with '..': '../canary/file'")
case("hardlink-target-dotdot", ROOT + [F.hardlink("./hl", "../canary/file")], status=1,
     message="hardlink-target-dotdot.deb: data.tar.gz: member name with '..': '../canary/file'")
case("hardlink-target-absolute", ROOT + [F.hardlink("./hl", "/etc/passwd")], status=1,
     message="hardlink-target-absolute.deb: data.tar.gz: absolute member name '/etc/passwd'")

# A symlink pointing outside, then a file through it: resolved inside the rootfs.
case("symlink-escape-absolute", ROOT + [F.symlink("./evil", "/CANARY"),
                                        F.file("./evil/pwned", "in root\n")],
     after=landed("CANARY/pwned", b"in root\n"),
     prepare=lambda r, c: os.makedirs(os.path.join(r, "CANARY")))


# the real absolute path of the canary, as an attacker would write it
base_abs = os.path.join(work, "symlink-escape-absolute-real")
case("symlink-escape-absolute-real", ROOT + [F.symlink("./evil", os.path.join(base_abs, "canary")),
                                             F.file("./evil/file", "overwritten?\n")],
     status=1,
     message="symlink-escape-absolute-real.deb: evil/file: parent 'evil' is a dangling symlink")
case("symlink-escape-relative", ROOT + [F.symlink("./evil", "../../../../../../../../canary"),
                                        F.dir("./canary"),
                                        F.file("./evil/file", "in root\n")],
     after=landed("canary/file", b"in root\n"))
case("symlink-escape-chain", ROOT + [F.symlink("./a", "b"), F.symlink("./b", "../.."),
                                     F.dir("./canary"), F.file("./a/canary/file", "in root\n")],
     after=landed("canary/file", b"in root\n"))
case("symlink-escape-dotdot-component", ROOT + [F.dir("./d"), F.symlink("./d/up", ".."),
                                                F.file("./d/up/up2", "x\n")],
     after=landed("up2", b"x\n"))
# A symlink already in the rootfs (not from this archive) pointing outside.
case("symlink-escape-preexisting",
     ROOT + [F.dir("./canary"), F.file("./pre/file", "in root\n")],
     prepare=lambda r, c: (os.symlink(c, os.path.join(r, "pre")),
                           os.makedirs(os.path.join(r, os.path.relpath(c, "/")))),
     after=landed(os.path.relpath(os.path.join(work, "symlink-escape-preexisting", "canary"), "/")
                  + "/file", b"in root\n"))
# A file entry over a symlink pointing outside replaces the symlink, never writes
# through it.
case("symlink-then-file-replaces", ROOT + [F.symlink("./evil", "../canary/file"),
                                           F.file("./evil", "replaced\n")],
     after=landed("evil", b"replaced\n"))
case("symlink-preexisting-then-file-replaces", ROOT + [F.file("./evil", "replaced\n")],
     prepare=lambda r, c: os.symlink(os.path.join(c, "file"), os.path.join(r, "evil")),
     after=landed("evil", b"replaced\n"))
# A directory entry over a symlink to an outside directory follows it inside the
# root only: the outside directory's mode is not changed.
case("symlink-then-dir-entry", ROOT + [F.symlink("./evil", "/"), F.dir("./evil", mode=0o777)])
case("symlink-preexisting-dir-entry", ROOT + [F.dir("./pre", mode=0o700), F.file("./pre/x", "x\n")],
     prepare=lambda r, c: os.symlink(c, os.path.join(r, "pre")))
# Hardlinks: the target resolves inside the root too.
case("hardlink-through-symlink-outside", ROOT + [F.symlink("./d", "../canary"),
                                                 F.hardlink("./hl", "d/file")],
     status=1,
     message="hardlink-through-symlink-outside.deb: hl: hardlink target 'd/file' not found")
case("hardlink-to-symlink-outside", ROOT + [F.symlink("./s", "../canary/file"),
                                            F.hardlink("./hl", "s")],
     after=lambda r, c: (eq(os.readlink(os.path.join(r, "hl")), "../canary/file", "hl is the symlink"),
                         eq(os.lstat(os.path.join(r, "hl")).st_ino, os.lstat(os.path.join(r, "s")).st_ino,
                            "hl and s share an inode")))
case("hardlink-over-preexisting-symlink", ROOT + [F.file("./t", "target\n"), F.hardlink("./evil", "t")],
     prepare=lambda r, c: os.symlink(os.path.join(c, "file"), os.path.join(r, "evil")),
     after=landed("evil", b"target\n"))
# Device nodes and FIFOs land inside too.
case("fifo-through-symlink", ROOT + [F.symlink("./d", "../canary"), F.fifo("./d/fifo")],
     status=1, message="fifo-through-symlink.deb: d/fifo: parent 'd' is a dangling symlink")
case("setuid-through-symlink", ROOT + [F.symlink("./d", "../canary"), F.dir("./canary"),
                                       F.file("./d/file", "root\n", mode=0o4755)],
     after=landed("canary/file", b"root\n"))

acitest.finish()
