"""aci-pack: a small layout (files, dirs, symlinks, hardlinks, setuid, long
names, xattrs) into an ACI that aci-verify and `actool validate` accept;
reproducible image IDs; the image ID is the SHA-512 of the uncompressed tar;
compression choices; atomic, no-overwrite output; usage errors."""
import hashlib
import json
import os
import subprocess
import tarfile

import acitest as t

P = t.tool("aci-pack")
V = t.tool("aci-verify")
M = t.tool("aci-manifest")
d = t.tempdir("pack")

layout = os.path.join(d, "layout")
rootfs = os.path.join(layout, "rootfs")
os.makedirs(os.path.join(rootfs, "usr", "bin"))
os.makedirs(os.path.join(rootfs, "etc"))
t.run([M, "--name", "example.com/pack-test", "--exec", "/usr/bin/tool", "--exec-arg", "a b",
       "--output", os.path.join(layout, "manifest")], check=0)
with open(os.path.join(rootfs, "usr", "bin", "tool"), "w") as f:
    f.write("#!/bin/sh\necho hi\n")
os.chmod(os.path.join(rootfs, "usr", "bin", "tool"), 0o4755)  # setuid survives
os.link(os.path.join(rootfs, "usr", "bin", "tool"), os.path.join(rootfs, "usr", "bin", "tool2"))
os.symlink("../usr/bin/tool", os.path.join(rootfs, "etc", "link"))
with open(os.path.join(rootfs, "etc", "a.b"), "w") as f:
    f.write("dot sorts before slash\n")
long_dir = os.path.join(rootfs, "d" * 120, "e" * 110)
os.makedirs(long_dir)
with open(os.path.join(long_dir, "f" * 100), "w") as f:
    f.write("long\n")
os.makedirs(os.path.join(rootfs, "a"))
try:
    os.setxattr(os.path.join(rootfs, "etc", "a.b"), "user.acikit", b"v1")
    have_xattr = True
except OSError:
    have_xattr = False
for root, dirs, files in os.walk(layout):
    for n in dirs + files:
        os.utime(os.path.join(root, n), (1600000000, 1600000000), follow_symlinks=False)

out = os.path.join(d, "out.aci")
p = t.run([P, layout, out], check=0)
image_id = p.stdout.strip()
t.check(image_id.startswith("sha512-") and len(image_id) == 135, "image id printed: %r" % p.stdout)
t.eq(p.stderr, "", "quiet")

raw = subprocess.run(["gzip", "-dc", out], capture_output=True, check=True).stdout
t.eq(image_id, "sha512-" + hashlib.sha512(raw).hexdigest(), "image ID = sha512sum of the uncompressed tar")
t.eq(open(out, "rb").read(8)[4:8], b"\0\0\0\0", "gzip mtime 0")

with tarfile.open(out) as tf:
    members = tf.getmembers()
names = [m.name for m in members]
t.eq(names[:2], ["manifest", "rootfs"], "manifest then rootfs first")
t.eq(names[2:], sorted(names[2:], key=lambda s: s.encode()), "rootfs entries sorted by bytes")
t.check(names.index("rootfs/etc/a.b") < names.index("rootfs/etc/link"), "a.b before link")
by = {m.name: m for m in members}
t.eq(by["rootfs/usr/bin/tool"].mode, 0o4755, "setuid kept")
t.check(by["rootfs/usr/bin/tool2"].islnk() and by["rootfs/usr/bin/tool2"].linkname == "rootfs/usr/bin/tool",
        "hardlink to the first path in sort order")
t.eq(by["rootfs/etc/link"].linkname, "../usr/bin/tool", "symlink target as stored")
t.eq((by["rootfs/etc/a.b"].uname, by["rootfs/etc/a.b"].gname), ("", ""), "no owner names")
t.eq(by["rootfs/etc/a.b"].mtime, 1600000000, "mtime kept")
t.check(any(n.endswith("f" * 100) for n in names), "long name kept")
if have_xattr:
    t.eq(by["rootfs/etc/a.b"].pax_headers.get("SCHILY.xattr.user.acikit"), "v1", "xattr kept")
manifest = json.loads(tarfile.open(out).extractfile("manifest").read())
t.eq(manifest["app"]["exec"], ["/usr/bin/tool", "a b"], "manifest content")

p = t.run([V, out], check=0)
t.eq(p.stdout.splitlines()[0], "%s: valid %s" % (out, image_id), "aci-verify says valid (warnings may follow)")

# Reproducible: the same input gives the same image ID, whatever the compression.
ids = {}
for comp in ["gzip", "none", "xz", "bzip2"]:
    o = os.path.join(d, "again-%s.aci" % comp)
    ids[comp] = t.run([P, "--compression", comp, layout, o], check=0).stdout.strip()
    t.eq(t.run([V, "--json", o], check=0).stdout.count('"valid": true'), 1, comp + " verifies")
t.eq(set(ids.values()), {image_id}, "image ID independent of compression")
t.eq(hashlib.sha512(open(os.path.join(d, "again-none.aci"), "rb").read()).hexdigest(), image_id[7:],
     "uncompressed ACI hashes to its ID")
o2 = os.path.join(d, "again-gzip-2.aci")
t.run([P, layout, o2], check=0)
t.eq(open(o2, "rb").read(), open(os.path.join(d, "again-gzip.aci"), "rb").read(), "byte-identical gzip output")

# --manifest + --rootfs is the same image.
o3 = os.path.join(d, "split.aci")
t.eq(t.run([P, "--manifest", os.path.join(layout, "manifest"), "--rootfs", rootfs, o3], check=0).stdout.strip(),
     image_id, "--manifest/--rootfs same ID")

# SOURCE_DATE_EPOCH clamps mtimes.
o4 = os.path.join(d, "sde.aci")
t.run([P, layout, o4], env={"SOURCE_DATE_EPOCH": "1500000000"}, check=0)
with tarfile.open(o4) as tf:
    t.eq({m.mtime for m in tf.getmembers()}, {1500000000}, "all mtimes clamped")

# A non-canonical manifest is rewritten canonically.
alt = os.path.join(d, "alt")
os.makedirs(alt)
os.symlink(rootfs, os.path.join(alt, "rootfs"))
with open(os.path.join(alt, "manifest"), "w") as f:
    f.write('{"name":"x","acVersion":"0.8.11","acKind":"ImageManifest"}')
o5 = os.path.join(d, "alt.aci")
t.run([P, "--manifest", os.path.join(alt, "manifest"), "--rootfs", rootfs, o5], check=0)
text = tarfile.open(o5).extractfile("manifest").read().decode()
t.eq(text, '{\n  "acKind": "ImageManifest",\n  "acVersion": "0.8.11",\n  "name": "x"\n}\n', "canonical manifest")

# Refusals.
p = t.run([P, layout, out])
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: %s: already exists (use --overwrite to replace it)\n" % out),
     "no overwrite")
t.run([P, "--overwrite", layout, out], check=0)
with open(os.path.join(alt, "manifest"), "w") as f:
    f.write('{"name":"x","acVersion":"0.8.11","acKind":"ImageManifest","name":"y"}')
bad_out = os.path.join(d, "bad.aci")
p = t.run([P, "--manifest", os.path.join(alt, "manifest"), "--rootfs", rootfs, bad_out])
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: %s: invalid JSON: duplicate key 'name' (keys equal but for case "
                                   "count as duplicates)\n" % os.path.join(alt, "manifest")), "bad manifest")
t.check(not os.path.exists(bad_out), "nothing written for a bad manifest")
p = t.run([P, "--level", "13", layout, os.path.join(d, "lvl.aci")])
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: --level: level 13 is not in 0..12 for gzip\n"), "bad level")
p = t.run([P, "--compression", "zstd", layout, os.path.join(d, "z.aci")])
t.eq((p.returncode, p.stderr), (2, "aci-pack: error: --compression: unknown compression 'zstd' (gzip, xz, bzip2 or none)\n"),
     "bad compression")
p = t.run([P, layout])
t.eq((p.returncode, p.stderr), (2, "aci-pack: error: expected two arguments: LAYOUT_DIR OUTPUT.aci\n"), "one arg")
p = t.run([P, layout, os.path.join(d, "e.aci")], env={"SOURCE_DATE_EPOCH": "yesterday"})
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: SOURCE_DATE_EPOCH: 'yesterday' is not a non-negative integer\n"),
     "bad SOURCE_DATE_EPOCH")
left = sorted(n for n in os.listdir(d) if ".tmp." in n)
t.eq(left, [], "no temporaries left behind")

# Interop with the reference validator.
actool = t.find_actool()
if not actool:
    t.skip("actool not found (set ACTOOL or run scripts/setup)")
for o in [out] + [os.path.join(d, "again-%s.aci" % c) for c in ids]:
    p = t.run([actool, "validate", o])
    t.eq((p.returncode, p.stderr), (0, ""), "actool validate " + os.path.basename(o))
t.finish()
