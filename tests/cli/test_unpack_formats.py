"""aci-unpack: every .deb form deb(5) allows, and clear errors for the rest."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq, contains
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-formats")

ENTRIES = [F.dir("./"), F.dir("./usr"), F.dir("./usr/share"),
           F.file("./usr/share/hello.txt", "hello\n"),
           F.symlink("./usr/share/link", "hello.txt")]
EXPECTED = {
    "usr": {"type": "dir", "mode": "755", "uid": 0, "gid": 0, "mtime": F.MTIME},
    "usr/share": {"type": "dir", "mode": "755", "uid": 0, "gid": 0, "mtime": F.MTIME},
    "usr/share/hello.txt": {"type": "file", "mode": "644", "uid": 0, "gid": 0, "mtime": F.MTIME,
                            "nlink": 1, "data": b"hello\n"},
    "usr/share/link": {"type": "symlink", "target": "hello.txt", "uid": 0, "gid": 0, "mtime": F.MTIME},
}


def unpack(debs, rootfs, *extra):
    return acitest.run([UNPACK, "--quiet", "--no-merged-usr", "--no-dpkg-database", "--rootfs", rootfs, *extra] + debs)


def expect_ok(name, deb):
    rootfs = os.path.join(work, name + ".rootfs")
    p = unpack([deb], rootfs)
    if eq(p.returncode, 0, name + ": exit status (stderr %r)" % p.stderr):
        got = F.tree(rootfs)
        if os.geteuid() != 0:
            for v in EXPECTED.values():
                pass
            got = {k: {kk: vv for kk, vv in v.items() if kk not in ("uid", "gid")} for k, v in got.items()}
            exp = {k: {kk: vv for kk, vv in v.items() if kk not in ("uid", "gid")} for k, v in EXPECTED.items()}
        else:
            exp = EXPECTED
        eq(got, exp, name + ": tree")


def expect_error(name, deb, message, status=1):
    rootfs = os.path.join(work, name + ".rootfs")
    p = unpack([deb], rootfs)
    eq(p.returncode, status, name + ": exit status")
    eq(p.stderr, "aci-unpack: error: " + message + "\n", name + ": message")


def path(name):
    return os.path.join(work, name + ".deb")


# data.tar compressions (deb(5): none, gz, xz, zst, bz2, lzma); dpkg-deb builds the
# first four, bzip2 and lzma only by hand.
for comp in ["", "gz", "xz", "zst", "bz2", "lzma"]:
    name = "deb-data-tar-" + (comp or "none")
    expect_ok(name, F.build_raw(path(name), "fixture", ENTRIES, data_comp=comp))
# control.tar compressions: none, gz, xz, zst
for comp in ["", "gz", "xz", "zst"]:
    name = "deb-control-tar-" + (comp or "none")
    expect_ok(name, F.build_raw(path(name), "fixture", ENTRIES, control_comp=comp))
# dpkg-deb's own output, each compression it offers
for comp in ["gzip", "xz", "zstd", "none"]:
    name = "deb-dpkg-built-" + comp
    expect_ok(name, F.build_dpkg(path(name), "fixture", ENTRIES[1:], compress_type=comp))
# pax extended headers (dpkg-deb never writes them)
expect_ok("deb-data-tar-pax", F.build_raw(path("deb-data-tar-pax"), "fixture", ENTRIES,
                                          data_fmt=F.tarfile.PAX_FORMAT))
# ar written by GNU ar (member names end in '/')
gnu = os.path.join(work, "gnu-ar")
os.makedirs(gnu)
with open(os.path.join(gnu, "debian-binary"), "wb") as f:
    f.write(b"2.0\n")
with open(os.path.join(gnu, "control.tar.gz"), "wb") as f:
    f.write(F.compress(F.control_tar("fixture"), "gz"))
with open(os.path.join(gnu, "data.tar.xz"), "wb") as f:
    f.write(F.compress(F.make_tar(ENTRIES), "xz"))
subprocess.run(["ar", "rcD", path("deb-gnu-ar-names"), "debian-binary", "control.tar.gz",
                "data.tar.xz"], cwd=gnu, check=True)
expect_ok("deb-gnu-ar-names", path("deb-gnu-ar-names"))

ctar = F.compress(F.control_tar("fixture"), "gz")
dtar = F.compress(F.make_tar(ENTRIES), "xz")
DB = ("debian-binary", b"2.0\n")
# deb(5): members starting with '_' may sit between the required ones; members after
# data.tar are ignored.
expect_ok("deb-underscore-members-ignored", F.build_raw(
    path("deb-underscore-members-ignored"), "", [], members=[
        DB, ("_extension", b"x"), ("control.tar.gz", ctar), ("_more", b"yy"), ("data.tar.xz", dtar)]))
expect_ok("deb-trailing-member-ignored", F.build_raw(
    path("deb-trailing-member-ignored"), "", [], members=[
        DB, ("control.tar.gz", ctar), ("data.tar.xz", dtar), ("signature", b"sig")]))
expect_ok("deb-debian-binary-2.1", F.build_raw(path("deb-debian-binary-2.1"), "fixture", ENTRIES,
                                               debian_binary=b"2.1\n"))

# Errors: each names the file and the member.
expect_error("deb-data-tar-foo", F.build_raw(path("deb-data-tar-foo"), "fixture", ENTRIES,
                                             data_member="data.tar.foo"),
             "deb-data-tar-foo.deb: member 'data.tar.foo': unsupported compression")
expect_error("deb-control-tar-bz2", F.build_raw(path("deb-control-tar-bz2"), "fixture", ENTRIES,
                                                control_comp="bz2"),
             "deb-control-tar-bz2.deb: member 'control.tar.bz2': unsupported compression")
expect_error("deb-debian-binary-3.0", F.build_raw(path("deb-debian-binary-3.0"), "fixture", ENTRIES,
                                                  debian_binary=b"3.0\n"),
             "deb-debian-binary-3.0.deb: member 'debian-binary': unsupported format version '3.0'")
expect_error("deb-debian-binary-no-newline", F.build_raw(
    path("deb-debian-binary-no-newline"), "fixture", ENTRIES, debian_binary=b"2.0"),
    "deb-debian-binary-no-newline.deb: member 'debian-binary': unsupported format version '2.0'")
expect_error("deb-debian-binary-not-first", F.build_raw(
    path("deb-debian-binary-not-first"), "", [], members=[("control.tar.gz", ctar), DB, ("data.tar.xz", dtar)]),
    "deb-debian-binary-not-first.deb: member 'control.tar.gz': expected 'debian-binary' first")
expect_error("deb-data-before-control", F.build_raw(
    path("deb-data-before-control"), "", [], members=[DB, ("data.tar.xz", dtar), ("control.tar.gz", ctar)]),
    "deb-data-before-control.deb: member 'data.tar.xz': expected 'control.tar' here")
expect_error("deb-extra-member-before-data", F.build_raw(
    path("deb-extra-member-before-data"), "", [], members=[DB, ("control.tar.gz", ctar), ("extra", b"x"), ("data.tar.xz", dtar)]),
    "deb-extra-member-before-data.deb: member 'extra': expected 'data.tar' here")
expect_error("deb-missing-data", F.build_raw(
    path("deb-missing-data"), "", [], members=[DB, ("control.tar.gz", ctar)]),
    "deb-missing-data.deb: missing member 'data.tar'")
expect_error("deb-missing-control", F.build_raw(
    path("deb-missing-control"), "", [], members=[DB]),
    "deb-missing-control.deb: missing member 'control.tar'")
expect_error("deb-control-tar-without-control", F.build_raw(
    path("deb-control-tar-without-control"), "", [], members=[
        DB, ("control.tar.gz", F.compress(F.make_tar([F.file("./md5sums", "")]), "gz")), ("data.tar.xz", dtar)]),
    "deb-control-tar-without-control.deb: control.tar.gz: no 'control' file")
expect_error("deb-control-without-package", F.build_raw(
    path("deb-control-without-package"), "fixture", ENTRIES, control="Version: 1\n"),
    "deb-control-without-package.deb: control.tar.gz: control: no 'Package' field")
expect_error("deb-data-tar-xz-holding-gzip", F.build_raw(
    path("deb-data-tar-xz-holding-gzip"), "fixture", ENTRIES, data_comp="gz", data_member="data.tar.xz"),
    "deb-data-tar-xz-holding-gzip.deb: data.tar.xz: not in xz format")
expect_error("deb-data-tar-gz-holding-zstd", F.build_raw(
    path("deb-data-tar-gz-holding-zstd"), "fixture", ENTRIES, data_comp="zst", data_member="data.tar.gz"),
    "deb-data-tar-gz-holding-zstd.deb: data.tar.gz: Unrecognized archive format")
with open(path("deb-not-ar"), "wb") as f:
    f.write(b"this is not an ar archive\n" * 40)
p = unpack([path("deb-not-ar")], os.path.join(work, "not-ar.rootfs"))
eq(p.returncode, 1, "deb-not-ar: exit status")
contains(p.stderr, "aci-unpack: error: deb-not-ar.deb: not a Debian package: ", "deb-not-ar")
truncated = open(path("deb-data-tar-xz"), "rb").read()
with open(path("deb-truncated"), "wb") as f:
    f.write(truncated[: len(truncated) - 100])
p = unpack([path("deb-truncated")], os.path.join(work, "truncated.rootfs"))
eq(p.returncode, 1, "deb-truncated: exit status (stderr %r)" % p.stderr)
contains(p.stderr, "aci-unpack: error: deb-truncated.deb: ", "deb-truncated")
p = unpack([os.path.join(work, "no-such.deb")], os.path.join(work, "missing.rootfs"))
eq(p.returncode, 3, "deb-missing-file: exit status")
eq(p.stderr, "aci-unpack: error: %s: cannot open: No such file or directory\n"
   % os.path.join(work, "no-such.deb"), "deb-missing-file: message")

acitest.finish()
