"""aci-unpack decodes data.tar.xz members ahead on worker threads, block by block
(deb/prefetch.hpp). The output must not depend on it: the same tar bytes and the
same tree as the single-threaded decoder (--xz-threads 1), whatever the thread
count; the same errors for damaged packages; a package the prefetcher does not take
(several xz streams, no usable index, no spool directory) is decoded as before."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acitest
from acitest import check, eq
import debfixtures as F

UNPACK = acitest.tool("aci-unpack")
work = acitest.tempdir("unpack-parallel")


def xz_blocks(data, block_size="16KiB"):
    return subprocess.run(["xz", "-q", "-c", "-6", "--block-size=" + block_size], input=data,
                          capture_output=True, check=True).stdout


def payload(seed, n):
    # Poorly compressible, so that blocks stay large after compression.
    out = bytearray()
    x = seed
    while len(out) < n:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out += x.to_bytes(4, "little")
    return bytes(out[:n])


def deb(name, package, entries, dtar_xz=None):
    path = os.path.join(work, name)
    data = dtar_xz if dtar_xz is not None else xz_blocks(F.make_tar(entries))
    return F.build_raw(path, package, None, members=[
        ("debian-binary", b"2.0\n"),
        ("control.tar.gz", F.compress(F.control_tar(package), "gz")),
        ("data.tar.xz", data)])


def entries_for(i):
    es = [F.dir("./"), F.dir("./usr"), F.dir("./usr/share"), F.dir("./usr/share/p%d" % i)]
    for j in range(12):
        es.append(F.file("./usr/share/p%d/f%d" % (i, j), payload(i * 100 + j, 5000 + 9000 * j)))
    es.append(F.hardlink("./usr/share/p%d/link" % i, "./usr/share/p%d/f3" % i))
    es.append(F.symlink("./usr/share/p%d/sym" % i, "f1"))
    return es


DEBS = [deb("p%d.deb" % i, "p%d" % i, entries_for(i)) for i in range(6)]
# One block only, and a multi-stream member (concatenated: not prefetched).
DEBS.append(deb("single.deb", "single", None, dtar_xz=F.compress(F.make_tar(entries_for(6)), "xz")))
tar7 = F.make_tar(entries_for(7))
half = len(tar7) // 2
DEBS.append(deb("streams.deb", "streams", None, dtar_xz=xz_blocks(tar7[:half]) + xz_blocks(tar7[half:])))

sample = os.path.join(work, "sample.xz")
with open(sample, "wb") as f:
    f.write(xz_blocks(F.make_tar(entries_for(0))))
listing = subprocess.run(["xz", "--robot", "--list", sample], capture_output=True, text=True).stdout
blocks = int([l for l in listing.splitlines() if l.startswith("file")][0].split("\t")[2])
check(blocks > 4, "fixture: data.tar.xz has several blocks (%d)" % blocks)


def err(args):
    p = subprocess.run(args, capture_output=True)
    return p.returncode, p.stderr.decode()


def unpack_tar(threads, env=None, debs=DEBS):
    args = [UNPACK, "--quiet", "--tar", "-"] + (["--xz-threads", str(threads)] if threads is not None else []) + debs
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run(args, capture_output=True, env=full)


ref = unpack_tar(1)
eq((ref.returncode, ref.stderr), (0, b""), "parallel: single-threaded reference")
for threads in (None, 2, 3, 8):
    p = unpack_tar(threads)
    eq(p.returncode, 0, "parallel-threads-%s: exit status (%r)" % (threads, p.stderr))
    eq(p.stdout == ref.stdout, True, "parallel-threads-%s: same tar bytes as --xz-threads 1" % threads)
# The spool directory missing: the packages are decoded in the reading thread.
p = unpack_tar(2, env={"TMPDIR": os.path.join(work, "missing")})
eq((p.returncode, p.stdout == ref.stdout), (0, True), "parallel-no-spool-dir: same bytes")
# Packages from stdin, and lookahead across many packages.
p = subprocess.run([UNPACK, "--quiet", "--tar", "-"], input="\n".join(DEBS * 1).encode(), capture_output=True)
eq(p.stdout == ref.stdout, True, "parallel-paths-on-stdin: same bytes")

# The directory path gives the same tree.
r1, r2 = os.path.join(work, "r1"), os.path.join(work, "r2")
acitest.run([UNPACK, "--quiet", "--xz-threads", "1", "--rootfs", r1] + DEBS, check=0)
acitest.run([UNPACK, "--quiet", "--rootfs", r2] + DEBS, check=0)
eq(F.tree(r2), F.tree(r1), "parallel-rootfs: same tree as --xz-threads 1")

# Damage in a later block of one file: the same error as the sequential decoder.
big = [F.dir("./"), F.file("./big", payload(42, 300000))]
good = xz_blocks(F.make_tar(big))
bad = bytearray(good)
bad[len(bad) * 2 // 3] ^= 0x55
corrupt = deb("corrupt.deb", "corrupt", None, dtar_xz=bytes(bad))
seq = err([UNPACK, "--quiet", "--xz-threads", "1", "--tar", "-", DEBS[0], corrupt])
par = err([UNPACK, "--quiet", "--tar", "-", DEBS[0], corrupt])
# Where the error shows (at big's data or at the next header) depends on how much
# of the damaged block each decoder hands over before failing; the failure does not.
eq(seq[0], 1, "parallel-corrupt-block: sequential exit status")
check(seq[1] in ("aci-unpack: error: corrupt.deb: data.tar.xz: big: corrupt xz data\n",
                 "aci-unpack: error: corrupt.deb: data.tar.xz: corrupt xz data\n"), "sequential: %r" % seq[1])
eq(par, (1, "aci-unpack: error: corrupt.deb: data.tar.xz: big: corrupt xz data\n"), "parallel-corrupt-block: error")
eq([err([UNPACK, "--quiet", "--tar", "-", DEBS[0], corrupt]) for _ in range(3)], [par] * 3,
   "parallel-corrupt-block: the same error every run")
# Truncated: no index at the end, left to the sequential decoder.
trunc = deb("truncated.deb", "truncated", None, dtar_xz=good[:len(good) // 2])
seq = err([UNPACK, "--quiet", "--xz-threads", "1", "--tar", "-", trunc])
par = err([UNPACK, "--quiet", "--tar", "-", trunc])
eq(seq[0], 1, "parallel-truncated: bad input")
eq(par, seq, "parallel-truncated: same error")

acitest.finish()
