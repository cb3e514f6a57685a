"""aci-verify, aci-manifest patch and other tar readers see the same entries.

aci-manifest patch walks the tar stream itself (to copy every other entry byte
for byte); aci-verify reads it through libarchive; actool through Go's
archive/tar. Where tar readers could disagree, the image is refused rather than
read one way:
- patch-honours-pax-size: a pax "size" record overrides the ustar size field, so a
  header hidden inside a file's data is never taken for the manifest;
- hardlink-with-nonzero-size: libarchive skips a pax hardlink's "data", Go and GNU
  tar read the next header there (a second, different manifest);
- patch-noop-keeps-image-id: a patch that changes nothing keeps every byte of an
  aci-pack image (the size field's terminator as aci-pack wrote it)."""
import gzip
import hashlib
import io
import json
import os
import tarfile

import acitest as t

M = t.tool("aci-manifest")
V = t.tool("aci-verify")
P = t.tool("aci-pack")
d = t.tempdir("tar-agreement")


def pad(data):
    return data + b"\0" * ((-len(data)) % 512)


def header(name, type=tarfile.REGTYPE, size=0, mode=0o644, linkname="", pax=None):
    ti = tarfile.TarInfo(name)
    ti.type, ti.size, ti.mode, ti.mtime, ti.linkname = type, size, mode, 0, linkname
    if pax:
        ti.pax_headers = pax
        return ti.tobuf(format=tarfile.PAX_FORMAT)
    return ti.tobuf(format=tarfile.USTAR_FORMAT)


def with_ustar_size(buf, size):
    """buf with its last header's ustar size field set to `size` (checksum redone)."""
    b = bytearray(buf)
    h = b[-512:]
    h[124:136] = b"%011o\0" % size
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    b[-512:] = h
    return bytes(b)


def reg(name, data, mode=0o644):
    return header(name, size=len(data), mode=mode) + pad(data)


def manifest(name):
    return json.dumps({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": name,
                       "labels": [{"name": "os", "value": "linux"}],
                       "app": {"exec": ["/bin/sh"], "user": "0", "group": "0"}}).encode()


base = header("rootfs", tarfile.DIRTYPE, mode=0o755) + header("rootfs/bin", tarfile.DIRTYPE, mode=0o755) + \
    reg("rootfs/bin/sh", b"#!", 0o755)

# ---- patch-honours-pax-size ----
# rootfs/f: ustar size 0, pax size = the length of a whole "manifest" entry that
# is its data; rootfs/g: ustar size = the next entry's length, pax size 0.
fake = reg("manifest", manifest("example.com/fake"))
real = reg("manifest", manifest("example.com/real"))
img = base + with_ustar_size(header("rootfs/f", pax={"size": str(len(fake))}), 0) + fake + \
    with_ustar_size(header("rootfs/g", pax={"size": "0"}), len(real)) + real + b"\0" * 1024
path = os.path.join(d, "pax-size.aci")
open(path, "wb").write(gzip.compress(img, mtime=0))
p = t.run([V, "--json", path])
t.eq(json.loads(p.stdout)["results"][0]["name"], "example.com/real", "aci-verify reads the real manifest")
p = t.run([M, "patch", path, "--label", "version=1"])
t.eq((p.returncode, p.stderr), (0, ""), "patch-honours-pax-size: exit status")
new_id = p.stdout.strip()
raw = gzip.decompress(open(path, "rb").read())
t.eq(new_id, "sha512-" + hashlib.sha512(raw).hexdigest(), "printed image ID is the new tar's")
with tarfile.open(path) as tf:
    got_manifest = json.loads(tf.extractfile("manifest").read())
    got_f = tf.extractfile("rootfs/f").read()
t.eq((got_manifest["name"], got_manifest["labels"]),
     ("example.com/real", [{"name": "os", "value": "linux"}, {"name": "version", "value": "1"}]),
     "patch-honours-pax-size: the real manifest is the patched one")
t.eq(got_f, fake, "patch-honours-pax-size: rootfs/f's data copied as it was")
p = t.run([V, path])
t.eq((p.returncode, p.stdout.split()[1:]), (0, ["valid", new_id]), "patched image valid, same ID")

# ---- hardlink-with-nonzero-size ----
body = reg("manifest", manifest("example.com/fake"))
img = base + \
    with_ustar_size(header("rootfs/e", tarfile.LNKTYPE, linkname="rootfs/bin/sh", pax={"size": str(len(body))}),
                    len(body)) + body + reg("manifest", manifest("example.com/real")) + b"\0" * 1024
path = os.path.join(d, "hardlink-size.aci")
open(path, "wb").write(img)
p = t.run([V, path])
t.eq((p.returncode, p.stdout),
     (1, path + ": invalid: entry 'rootfs/e': a hardlink with a non-zero size (%d): tar readers disagree on what "
      "follows it\n" % len(body)), "hardlink-with-nonzero-size: aci-verify")
p = t.run([M, "patch", path, "--label", "version=1"])
t.eq((p.returncode, p.stderr),
     (1, "aci-manifest: error: %s: entry 'rootfs/e': a hardlink with a non-zero size (%d)\n" % (path, len(body))),
     "hardlink-with-nonzero-size: patch refuses")
t.eq(open(path, "rb").read(), img, "refused patch leaves the image as it was")
actool = t.find_actool()
if actool:
    # What makes it matter: Go's reader sees the other manifest.
    p = t.run([actool, "cat-manifest", path])
    t.eq(json.loads(p.stdout)["name"] if p.returncode == 0 else None, "example.com/fake",
         "actool reads the hidden manifest (the disagreement refused above)")

# ---- patch-noop-keeps-image-id ----
layout = os.path.join(d, "layout")
os.makedirs(os.path.join(layout, "rootfs", "bin"))
open(os.path.join(layout, "rootfs", "bin", "sh"), "wb").write(b"#!")
os.chmod(os.path.join(layout, "rootfs", "bin", "sh"), 0o755)
open(os.path.join(layout, "manifest"), "wb").write(manifest("example.com/noop"))
for comp in ("none", "gzip"):
    aci = os.path.join(d, "noop-%s.aci" % comp)
    p = t.run([P, "--compression", comp, layout, aci])
    packed_id = p.stdout.strip()
    before = open(aci, "rb").read()
    p = t.run([M, "patch", aci])
    t.eq((p.returncode, p.stdout.strip()), (0, packed_id), "patch-noop-keeps-image-id (%s)" % comp)
    if comp == "none":
        t.eq(open(aci, "rb").read() == before, True, "patch-noop-keeps-image-id: same bytes (none)")

t.finish()
