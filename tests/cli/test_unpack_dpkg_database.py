"""aci-unpack writes the dpkg database: var/lib/dpkg/status with each control
paragraph and "Status: install ok unpacked", info/PKG.list, .md5sums and the other
control files; dpkg-query reads it (the oracle)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-dpkgdb")

MD5 = "b1946ac92492d2347c6235b4d2611184  usr/bin/hello\n"
HELLO = F.build_raw(os.path.join(work, "hello_1.0_amd64.deb"), "hello",
                    [F.dir("./"), F.dir("./usr"), F.dir("./usr/bin"), F.file("./usr/bin/hello", "hello\n", mode=0o755),
                     F.dir("./bin"), F.symlink("./bin/hi", "/usr/bin/hello")],
                    scripts=("postinst",), md5sums=MD5,
                    control=F.control_text("hello", "1.0", "amd64", "Depends: libc6\n"))
LIBC = F.build_raw(os.path.join(work, "libc6_2.36_amd64.deb"), "libc6",
                   [F.dir("./"), F.dir("./lib"), F.file("./lib/libc.so.6", "libc\n")],
                   control=F.control_text("libc6", "2.36", "amd64", "Multi-Arch: same\n"))

rootfs = os.path.join(work, "rootfs")
acitest.run([UNPACK, "--quiet", "--rootfs", rootfs, HELLO, LIBC], check=0,
            env={"SOURCE_DATE_EPOCH": "1234567890"})
db = os.path.join(rootfs, "var", "lib", "dpkg")
eq(open(os.path.join(db, "status")).read(),
   "Package: hello\nStatus: install ok unpacked\nVersion: 1.0\nArchitecture: amd64\n"
   "Maintainer: acikit tests <tests@example.org>\nDescription: fixture hello\nDepends: libc6\n\n"
   "Package: libc6\nStatus: install ok unpacked\nVersion: 2.36\nArchitecture: amd64\n"
   "Maintainer: acikit tests <tests@example.org>\nDescription: fixture libc6\nMulti-Arch: same\n\n",
   "dpkg-status: sorted paragraphs with Status")
eq(open(os.path.join(db, "info", "hello.list")).read(),
   "/.\n/usr\n/usr/bin\n/usr/bin/hello\n/bin\n/bin/hi\n", "dpkg-list: package paths in archive order")
eq(open(os.path.join(db, "info", "hello.md5sums")).read(), MD5, "dpkg-md5sums")
eq(oct(os.stat(os.path.join(db, "info", "hello.postinst")).st_mode & 0o7777), "0o755", "dpkg-info-script-mode")
eq(sorted(os.listdir(os.path.join(db, "info"))),
   ["hello.list", "hello.md5sums", "hello.postinst", "libc6:amd64.list"], "dpkg-info: files (Multi-Arch: same → PKG:ARCH)")
eq(int(os.stat(os.path.join(db, "status")).st_mtime), 1234567890, "dpkg-database-mtime: SOURCE_DATE_EPOCH")

p = acitest.run(["dpkg-query", "--admindir=" + db, "-W", "-f=${Package} ${Version} ${Status}\n"], check=0)
eq(p.stdout, "hello 1.0 install ok unpacked\nlibc6 2.36 install ok unpacked\n", "dpkg-query reads the status")
p = acitest.run(["dpkg-query", "--admindir=" + db, "-L", "hello"], check=0)
eq(p.stdout, "/.\n/usr\n/usr/bin\n/usr/bin/hello\n/bin\n/bin/hi\n", "dpkg-query -L")

# --no-dpkg-database: no var/
r2 = os.path.join(work, "rootfs-nodb")
acitest.run([UNPACK, "--quiet", "--no-dpkg-database", "--rootfs", r2, HELLO], check=0)
check(not os.path.exists(os.path.join(r2, "var")), "no-dpkg-database: no var/")

# the database goes through the safe sink: a var symlink pointing outside is followed
# inside the root only
base = os.path.join(work, "var-symlink")
os.makedirs(base)
canary = F.make_canary(base)
r3 = os.path.join(base, "rootfs")
os.makedirs(r3)
os.symlink(canary, os.path.join(r3, "var"))
before = F.snapshot(base, exclude=["rootfs"])
p = acitest.run([UNPACK, "--quiet", "--rootfs", r3, HELLO])
# var -> (outside) resolves in the root to nothing: a dangling symlink that the
# directory entry var replaces with a directory.
eq(p.returncode, 0, "dpkg-database-var-symlink-outside: exit status (stderr %r)" % p.stderr)
check(os.path.isdir(os.path.join(r3, "var")) and not os.path.islink(os.path.join(r3, "var")),
      "dpkg-database-var-symlink-outside: var is a directory in the root")
check(os.path.isfile(os.path.join(r3, "var/lib/dpkg/status")), "dpkg-database-var-symlink-outside: status inside")
eq(F.snapshot(base, exclude=["rootfs"]), before, "dpkg-database-var-symlink-outside: canary untouched")

# Conffiles (deb-conffiles(5)): listed in the status with the MD5 of the file as
# unpacked (Debian's md5sums leave conffiles out), before Description; a flagged
# line (remove-on-upgrade) names a file not shipped and is left out; dpkg --verify
# then finds nothing changed, and finds a changed conffile.
import hashlib
ctl = F.make_tar([F.dir("./"), F.file("./control", F.control_text("conf", "1.0")),
                  F.file("./conffiles", "/etc/conf/a.conf\n/etc/conf/b.conf\nremove-on-upgrade /etc/conf/old.conf\n"),
                  F.file("./md5sums", "%s  usr/share/conf/x\n" % hashlib.md5(b"x\n").hexdigest())])
data = F.make_tar([F.dir("./"), F.dir("./etc"), F.dir("./etc/conf"), F.file("./etc/conf/a.conf", "a=1\n"),
                   F.file("./etc/conf/b.conf", "b=2\n"), F.dir("./usr"), F.dir("./usr/share"),
                   F.dir("./usr/share/conf"), F.file("./usr/share/conf/x", "x\n")])
CONF = F.build_raw(os.path.join(work, "conf.deb"), "conf", None, members=[
    ("debian-binary", b"2.0\n"), ("control.tar.gz", F.compress(ctl, "gz")), ("data.tar.xz", F.compress(data, "xz"))])
r4 = os.path.join(work, "rootfs-conffiles")
acitest.run([UNPACK, "--quiet", "--rootfs", r4, CONF], check=0)
status = open(os.path.join(r4, "var/lib/dpkg/status")).read()
eq(status, "Package: conf\nStatus: install ok unpacked\nVersion: 1.0\nArchitecture: all\n"
   "Maintainer: acikit tests <tests@example.org>\n"
   "Conffiles:\n /etc/conf/a.conf %s\n /etc/conf/b.conf %s\nDescription: fixture conf\n\n"
   % (hashlib.md5(b"a=1\n").hexdigest(), hashlib.md5(b"b=2\n").hexdigest()), "dpkg-status-conffiles")
p = acitest.run(["dpkg", "--root=" + r4, "--verify"])
eq((p.returncode, p.stdout, p.stderr), (0, "", ""), "dpkg-status-conffiles: dpkg --verify clean")
with open(os.path.join(r4, "etc/conf/b.conf"), "a") as f:
    f.write("changed\n")
p = acitest.run(["dpkg", "--root=" + r4, "--verify"])
eq((p.returncode, p.stdout), (0, "??5?????? c /etc/conf/b.conf\n"), "dpkg-status-conffiles: a changed conffile found (dpkg 1.21 --verify exits 0)")

acitest.finish()
