"""aci-unpack --exclude/--include: dpkg path-exclude style filters, applied in
command-line order (the last match wins); excluded directories stay when an include
pattern needs them; excluded paths are not in the dpkg .list."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-exclude")

DEB = F.build_raw(os.path.join(work, "docs.deb"), "docs", [
    F.dir("./"), F.dir("./usr"), F.dir("./usr/bin"), F.file("./usr/bin/x", "x\n", mode=0o755),
    F.dir("./usr/share"), F.dir("./usr/share/doc"), F.dir("./usr/share/doc/docs"),
    F.file("./usr/share/doc/docs/copyright", "c\n"), F.file("./usr/share/doc/docs/changelog.gz", "z"),
    F.dir("./usr/share/man"), F.dir("./usr/share/man/man1"), F.file("./usr/share/man/man1/x.1.gz", "m"),
    F.dir("./usr/share/locale"), F.dir("./usr/share/locale/de"), F.dir("./usr/share/locale/de/LC_MESSAGES"),
    F.file("./usr/share/locale/de/LC_MESSAGES/x.mo", "mo"),
    F.dir("./bin"), F.file("./bin/y", "y\n")])


def files(rootfs):
    return sorted(p for p in F.tree(rootfs) if not p.startswith("var/"))


rootfs = os.path.join(work, "docs-man-locale")
p = acitest.run([UNPACK, "--rootfs", rootfs, "--exclude", "/usr/share/doc/*",
                 "--include", "/usr/share/doc/*/copyright", "--exclude", "/usr/share/man/*",
                 "--exclude=/usr/share/locale/*", DEB])
eq(p.returncode, 0, "exclude-docs: exit status (stderr %r)" % p.stderr)
eq(files(rootfs), ["bin", "lib", "lib64", "sbin", "usr", "usr/bin", "usr/bin/x", "usr/bin/y", "usr/lib", "usr/lib64",
                   "usr/sbin", "usr/share", "usr/share/doc", "usr/share/doc/docs",
                   "usr/share/doc/docs/copyright", "usr/share/locale", "usr/share/man", "var"],
   "exclude-docs-keep-copyright: tree")
check("aci-unpack: excluded by path filters: 6 entries\n" in p.stderr, "exclude-docs: report %r" % p.stderr)
eq(open(os.path.join(rootfs, "var/lib/dpkg/info/docs.list")).read(),
   "/.\n/usr\n/usr/bin\n/usr/bin/x\n/usr/share\n/usr/share/doc\n/usr/share/doc/docs\n"
   "/usr/share/doc/docs/copyright\n/usr/share/man\n/usr/share/locale\n/bin\n/bin/y\n",
   "exclude-docs: .list without excluded paths")

# Order matters: an include before the exclude is overridden by it.
rootfs = os.path.join(work, "include-first")
acitest.run([UNPACK, "-q", "--no-dpkg-database", "--rootfs", rootfs, "--include", "/usr/share/doc/*/copyright",
             "--exclude", "/usr/share/doc/*", DEB], check=0)
check(not os.path.exists(os.path.join(rootfs, "usr/share/doc/docs/copyright")), "exclude-order: last match wins")
check(os.path.isdir(os.path.join(rootfs, "usr/share/doc/docs")),
      "exclude-order: directory kept for the include pattern (as dpkg)")

# Patterns match package paths (before merged /usr): /bin/* excludes bin/y.
rootfs = os.path.join(work, "package-paths")
acitest.run([UNPACK, "-q", "--no-dpkg-database", "--rootfs", rootfs, "--exclude", "/bin/*", DEB], check=0)
check(not os.path.exists(os.path.join(rootfs, "usr/bin/y")), "exclude-package-path: /bin/y dropped")
check(os.path.exists(os.path.join(rootfs, "usr/bin/x")), "exclude-package-path: /usr/bin/x kept")

p = acitest.run([UNPACK, "--rootfs", rootfs, "--exclude", "usr/share/*", DEB])
eq((p.returncode, p.stderr), (2, "aci-unpack: error: --exclude: pattern must start with '/': 'usr/share/*'\n"),
   "exclude-relative-pattern: usage")

acitest.finish()
