"""aci-pack compression: --compression gzip|none|bzip2|xz with --level N|fast|best.
gzip is block-parallel (independent members): the same bytes for any --threads, read
by gzip -t, Python's gzip, libarchive (through aci-pack --rootfs-tar itself) and
actool; best is smaller than fast; the image ID never depends on compression."""
import gzip
import hashlib
import os
import subprocess

import acitest as t

P = t.tool("aci-pack")
M = t.tool("aci-manifest")
d = t.tempdir("pack-comp")
layout = os.path.join(d, "layout")
os.makedirs(os.path.join(layout, "rootfs", "data"))
t.run([M, "--name", "example.com/comp", "--output", os.path.join(layout, "manifest")], check=0)
# Several MiB of compressible but varied text, so that gzip makes several blocks.
words = [("w%d" % (i * 7919 % 1000)).encode() for i in range(5000)]
for n in range(6):
    with open(os.path.join(layout, "rootfs", "data", "f%d" % n), "wb") as f:
        f.write(b" ".join(words[(n * 31 + k) % 5000] for k in range(200000)))
        f.write(os.urandom(50000))


def pack(name, *args):
    out = os.path.join(d, name)
    p = t.run([P] + list(args) + [layout, out])
    t.eq((p.returncode, p.stderr), (0, ""), name + " packs")
    return p.stdout.strip(), out


image_id, fast = pack("fast.aci", "--level", "fast")
raw = gzip.open(fast).read()
t.eq(image_id, "sha512-" + hashlib.sha512(raw).hexdigest(), "Python's gzip reads every member")
t.eq(subprocess.run(["gzip", "-t", fast]).returncode, 0, "gzip -t")
t.check(raw.count(b"\0") > 0 and open(fast, "rb").read().count(b"\x1f\x8b\x08\x00\x00\x00\x00\x00") >= 2,
        "several gzip members, each without a timestamp")
_, default = pack("default.aci")
_, one = pack("one-thread.aci", "--threads", "1")
_, three = pack("three-threads.aci", "--threads", "3")
same = open(fast, "rb").read()
t.check(open(default, "rb").read() == same, "fast is the default")
t.check(open(one, "rb").read() == same and open(three, "rb").read() == same, "same bytes for any thread count")
_, best = pack("best.aci", "--level", "best")
t.check(os.path.getsize(best) < os.path.getsize(fast), "best is smaller than fast (%d < %d)"
        % (os.path.getsize(best), os.path.getsize(fast)))
ids = {image_id}
for comp, level in [("gzip", "0"), ("gzip", "6"), ("gzip", "12"), ("xz", "fast"), ("xz", "best"), ("xz", "0"),
                    ("bzip2", "best"), ("bzip2", "1"), ("none", None)]:
    args = ["--compression", comp] + (["--level", level] if level else [])
    i, out = pack("%s-%s.aci" % (comp, level), *args)
    ids.add(i)
    if comp == "xz":
        t.eq(subprocess.run(["xz", "-t", out]).returncode, 0, "xz -t " + level)
    if comp == "bzip2":
        t.eq(subprocess.run(["bzip2", "-t", out]).returncode, 0, "bzip2 -t " + level)
t.eq(ids, {image_id}, "one image ID whatever the compression")

# libarchive reads the multi-member gzip: the .aci itself as a tar input.
p = t.run([P, "--compression", "none", "--manifest", os.path.join(layout, "manifest"), "--rootfs-tar", fast,
           os.path.join(d, "nested.aci")])
t.eq((p.returncode, p.stderr), (0, ""), "libarchive reads the gzip ACI to its end")

p = t.run([P, "--level", "quick", layout, os.path.join(d, "x.aci")])
t.eq((p.returncode, p.stderr), (2, "aci-pack: error: --level: 'quick' is not a number, 'fast' or 'best'\n"),
     "bad level word")
p = t.run([P, "--compression", "none", "--level", "best", layout, os.path.join(d, "x.aci")])
t.eq((p.returncode, p.stderr), (2, "aci-pack: error: --level makes no sense with --compression none\n"),
     "level with none")
p = t.run([P, "--compression", "xz", "--level", "10", layout, os.path.join(d, "x.aci")])
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: --level: level 10 is not in 0..9 for xz\n"), "xz level range")
t.check(not os.path.exists(os.path.join(d, "x.aci")), "nothing written")

actool = t.find_actool()
if not actool:
    t.skip("actool not found (set ACTOOL or run scripts/setup)")
for name in ["fast.aci", "best.aci", "xz-fast.aci", "bzip2-best.aci", "none-None.aci"]:
    p = t.run([actool, "validate", os.path.join(d, name)])
    t.eq((p.returncode, p.stderr), (0, ""), "actool validate " + name)
t.finish()
