"""aci-unpack's command line: help, version, usage errors, package paths on stdin,
the report (maintainer scripts not run), --quiet."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq, contains
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-cli")

p = acitest.run([UNPACK, "--help"])
eq(p.returncode, 0, "--help: exit status")
contains(p.stdout, "Usage: aci-unpack [OPTIONS] --rootfs DIR [DEB...]", "--help")
for opt in ("--rootfs", "--no-merged-usr", "--allow-overwrite", "--quiet", "--version"):
    contains(p.stdout, opt, "--help lists " + opt)
p = acitest.run([UNPACK, "--version"])
eq((p.returncode, p.stdout), (0, "aci-unpack 0.1.0\n"), "--version")

p = acitest.run([UNPACK, "x.deb"])
eq((p.returncode, p.stderr), (2, "aci-unpack: error: exactly one of --rootfs DIR and --tar - is required\n"), "usage-no-rootfs")
p = acitest.run([UNPACK, "--rootfs", os.path.join(work, "r"), "--bogus"])
eq(p.returncode, 2, "usage-unknown-option: exit status")
contains(p.stderr, "aci-unpack: error: unrecognised option '--bogus'", "usage-unknown-option")
p = acitest.run([UNPACK, "--rootfs", os.path.join(work, "r")], input="")
eq((p.returncode, p.stderr), (2, "aci-unpack: error: no packages given (arguments or paths on stdin)\n"),
   "usage-no-packages")

A = F.build_raw(os.path.join(work, "a_1.0_all.deb"), "pkg-a",
                [F.dir("./"), F.dir("./etc"), F.file("./etc/a", "a\n")], scripts=("postinst", "preinst"))
B = F.build_dpkg(os.path.join(work, "b_2.0_all.deb"), "pkg-b", [F.dir("./etc"), F.file("./etc/b", "b\n")],
                 scripts=("postrm", "config"), version="2.0")
C = F.build_raw(os.path.join(work, "c_1_all.deb"), "pkg-c", [F.file("./etc/c", "c\n")])

# stdin-paths: no DEB arguments; '-' mixes arguments and stdin; blank lines ignored.
rootfs = os.path.join(work, "stdin.rootfs", "nested")  # created with its parents
p = acitest.run([UNPACK, "--rootfs", rootfs], input="%s\n\n  %s  \n" % (A, B))
eq(p.returncode, 0, "stdin-paths: exit status (stderr %r)" % p.stderr)
eq(p.stderr, "aci-unpack: unpacked 2 packages into %s: 2 files, 2 directories, 0 symlinks, 0 hardlinks, "
   "0 device nodes, 0 FIFOs\n"
   "aci-unpack: dpkg database: var/lib/dpkg/status lists the packages as 'install ok unpacked'\n"
   "aci-unpack: maintainer scripts not run: pkg-a (preinst, postinst), pkg-b (postrm, config)\n" % rootfs,
   "stdin-paths: report")
eq(sorted(os.listdir(os.path.join(rootfs, "etc"))), ["a", "b"], "stdin-paths: files")
rootfs = os.path.join(work, "dash.rootfs")
p = acitest.run([UNPACK, "--rootfs", rootfs, C, "-"], input=A + "\n")
eq(p.returncode, 0, "stdin-dash: exit status (stderr %r)" % p.stderr)
eq(sorted(os.listdir(os.path.join(rootfs, "etc"))), ["a", "c"], "stdin-dash: files")

# --quiet: nothing on stderr or stdout
p = acitest.run([UNPACK, "--quiet", "--rootfs", os.path.join(work, "quiet.rootfs"), A])
eq((p.returncode, p.stdout, p.stderr), (0, "", ""), "quiet")

# unpacking twice into the same rootfs replaces files (same package, no conflict)
r = os.path.join(work, "twice.rootfs")
acitest.run([UNPACK, "-q", "--rootfs", r, A], check=0)
acitest.run([UNPACK, "-q", "--rootfs", r, A], check=0)
eq(open(os.path.join(r, "etc", "a")).read(), "a\n", "unpack-twice")

# rootfs that is a file: environment error
f = os.path.join(work, "a-file")
open(f, "w").close()
p = acitest.run([UNPACK, "-q", "--rootfs", f, A])
eq(p.returncode, 3, "rootfs-is-a-file: exit status")
contains(p.stderr, "aci-unpack: error: %s: cannot " % f, "rootfs-is-a-file")

acitest.finish()
