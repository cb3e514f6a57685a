"""aci-manifest cat, patch (manifest files and .aci images) and --lock."""
import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import tarfile

import acicorpus
import acitest as t

M = t.tool("aci-manifest")
V = t.tool("aci-verify")
d = t.tempdir("manifest-sub")
items = {it.name: it for it in acicorpus.build(d)}
actool = t.find_actool()


def raw(path):
    data = open(path, "rb").read()
    for mod in (gzip, bz2, lzma):
        try:
            return mod.decompress(data)
        except Exception:
            pass
    return data


# ---- cat ----
p = t.run([M, "cat", items["valid-gzip"].path])
t.eq((p.returncode, p.stdout, p.stderr), (0, acicorpus.manifest_bytes().decode(), ""), "cat-gzip")
p = t.run([M, "cat", "-"], input=open(items["valid-dot-slash-names"].path, "rb").read())
t.eq((p.returncode, p.stdout), (0, acicorpus.manifest_bytes()), "cat-stdin-dot-slash")
# the manifest comes first: cat reads no further (the rest is cut off)
cut = os.path.join(d, "cut-after-manifest.aci")
with open(cut, "wb") as f:
    f.write(open(items["valid-none"].path, "rb").read()[:2048])
p = t.run([M, "cat", cut])
t.eq((p.returncode, p.stdout), (0, acicorpus.manifest_bytes().decode()), "cat-stops-after-manifest")
t.eq(t.run([V, cut]).returncode, 1, "the cut image itself is invalid")
p = t.run([M, "cat", items["missing-manifest"].path])
t.eq((p.returncode, p.stderr), (1, "aci-manifest: error: %s: no 'manifest' entry\n" % items["missing-manifest"].path),
     "cat-missing-manifest")
p = t.run([M, "cat", items["not-a-tar"].path])
t.eq((p.returncode, p.stderr), (1, "aci-manifest: error: %s: tar: Unrecognized archive format\n"
     % items["not-a-tar"].path), "cat-not-a-tar")

# ---- patch a manifest file ----
man = os.path.join(d, "manifest.json")
with open(man, "wb") as f:
    f.write(acicorpus.manifest_bytes())
p = t.run([M, "patch", "--exec-arg", "-c", "--exec-arg", "echo a  b", "--env", "A=1", "--label", "arch=arm64",
           man])
t.eq(p.returncode, 1, "patch bad arch exit")
p = t.run([M, "patch", "--exec-arg", "-c", "--exec-arg", "echo a  b", "--env", "A=1", "--debian-arch", "arm64",
           "--user", "1000", "--annotation", "authors=A <a@example.com>", man], check=0)
m = json.loads(p.stdout)
t.eq(m["app"]["exec"], ["/bin/sh", "-c", "echo a  b"], "patch-append-args-never-split")
t.eq(m["app"]["environment"], [{"name": "A", "value": "1"}], "patch-env")
t.eq(m["app"]["user"], "1000", "patch-user")
t.eq(m["labels"], [{"name": "arch", "value": "aarch64"}, {"name": "os", "value": "linux"}], "patch-arch-replaced")
t.eq(m["annotations"], [{"name": "authors", "value": "A <a@example.com>"}], "patch-annotation")
t.eq(p.stdout, json.dumps(m, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "patch output canonical")
with open(man, "w") as f:
    f.write(p.stdout)
m2 = json.loads(t.run([M, "patch", "--exec-arg", "-x", "--replace-exec", "--env", "A=2", man], check=0).stdout)
t.eq((m2["app"]["exec"], m2["app"]["environment"]), (["/bin/sh", "-x"], [{"name": "A", "value": "2"}]),
     "patch-replace-exec-args-and-env")
m3 = json.loads(t.run([M, "patch", "--exec", "/usr/bin/env", "--name", "example.com/new", man], check=0).stdout)
t.eq((m3["app"]["exec"], m3["name"]), (["/usr/bin/env"], "example.com/new"), "patch-exec-replaces-command-line")
out = os.path.join(d, "patched.json")
t.run([M, "patch", "--label", "channel=beta", "--output", out, man], check=0)
t.eq([l for l in json.load(open(out))["labels"] if l["name"] == "channel"], [{"name": "channel", "value": "beta"}],
     "patch --output")
noapp = os.path.join(d, "noapp.json")
with open(noapp, "w") as f:
    f.write(t.run([M, "--name", "x"], check=0).stdout)
p = t.run([M, "patch", "--user", "1", noapp])
t.eq((p.returncode, p.stderr), (2, "aci-manifest: error: the manifest has no app: give --exec to add one\n"),
     "patch-no-app")

# ---- patch an .aci: every other entry byte for byte, same compression ----
for name in ["valid-none", "valid-gzip", "valid-bzip2", "valid-xz", "valid-long-names-gnu", "valid-long-names-pax",
             "valid-long-names-ustar", "valid-dot-slash-names", "setuid-file"]:
    src = items[name].path
    before = raw(src)
    with tarfile.open(fileobj=io.BytesIO(before)) as tf:
        mi = [x for x in tf.getmembers() if x.name.lstrip("./") == "manifest"][0]
        old_end = mi.offset_data + (mi.size + 511) // 512 * 512
        old_head = mi.offset
    dst = os.path.join(d, "patched-" + name + ".aci")
    p = t.run([M, "patch", "--exec-arg", "-e", "--output", dst, src])
    t.eq(p.returncode, 0, name + " patch exit")
    after = raw(dst)
    t.eq(p.stdout, "sha512-" + hashlib.sha512(after).hexdigest() + "\n", name + " prints the new image ID")
    t.eq(open(dst, "rb").read()[:3], open(src, "rb").read()[:3], name + " same compression")
    with tarfile.open(fileobj=io.BytesIO(after)) as tf:
        mi2 = [x for x in tf.getmembers() if x.name.lstrip("./") == "manifest"][0]
        new_end = mi2.offset_data + (mi2.size + 511) // 512 * 512
        t.eq(json.loads(tf.extractfile(mi2).read())["app"]["exec"], ["/bin/sh", "-e"], name + " new manifest")
        t.eq((mi2.mode, mi2.uid, mi2.mtime, mi2.name), (mi.mode, mi.uid, mi.mtime, mi.name), name + " manifest header")
    t.eq(after[:old_head], before[:old_head], name + " bytes before the manifest")
    t.check(after[new_end:] == before[old_end:], name + " every other entry byte-identical")
    t.eq(t.run([V, dst]).returncode, 0, name + " patched image valid")
    if actool:
        t.run([actool, "validate", dst], check=0)
# in place, atomically
inplace = os.path.join(d, "inplace.aci")
with open(inplace, "wb") as f:
    f.write(open(items["valid-xz"].path, "rb").read())
p = t.run([M, "patch", "--name", "example.com/renamed", inplace], check=0)
t.eq(json.loads(t.run([M, "cat", inplace], check=0).stdout)["name"], "example.com/renamed", "patch in place")
t.eq(sorted(x for x in os.listdir(d) if x.startswith("inplace")), ["inplace.aci"], "no temporaries left")
# in place beside a detached signature: the signature is kept and called stale (--quiet: no warning)
signed = os.path.join(d, "signed.aci")
with open(signed, "wb") as f:
    f.write(open(items["valid-gzip"].path, "rb").read())
with open(signed + ".asc", "w") as f:
    f.write("old signature\n")
p = t.run([M, "patch", "--label", "channel=beta", signed])
t.eq((p.returncode, p.stderr), (0, "aci-manifest: warning: %s.asc: signs the old image; re-sign it "
     "(aci-pack --sign / gpg --detach-sign)\n" % signed), "patch-in-place-stale-signature-warned")
t.eq(open(signed + ".asc").read(), "old signature\n", "the signature file is left alone")
p = t.run([M, "patch", "-q", "--label", "channel=gamma", signed])
t.eq((p.returncode, p.stderr), (0, ""), "patch-in-place-stale-signature-quiet")
p = t.run([M, "patch", "--label", "channel=beta", "-o", os.path.join(d, "unsigned-copy.aci"), signed])
t.eq((p.returncode, p.stderr), (0, ""), "patch to another file: no signature there, no warning")
# in place through a symlink: the target gets the new image, the link stays a link
os.makedirs(os.path.join(d, "real"), exist_ok=True)
target = os.path.join(d, "real", "t.aci")
with open(target, "wb") as f:
    f.write(open(items["valid-xz"].path, "rb").read())
link = os.path.join(d, "lnk.aci")
os.symlink(os.path.join("real", "t.aci"), link)
p = t.run([M, "patch", "--name", "example.com/via-link", link])
t.eq((p.returncode, p.stderr), (0, ""), "patch-in-place-through-symlink exit")
t.check(os.path.islink(link), "the symlink is still a symlink")
t.eq(json.loads(t.run([M, "cat", target], check=0).stdout)["name"], "example.com/via-link",
     "patch-in-place-through-symlink: the target is patched")
t.eq(p.stdout, "sha512-" + hashlib.sha512(raw(target)).hexdigest() + "\n", "prints the target's new image ID")
t.eq(sorted(os.listdir(os.path.join(d, "real"))), ["t.aci"], "no temporaries beside the target")
# an output that is a directory: refused before anything is read or written
p = t.run([M, "patch", "--name", "x", "-o", d, items["valid-gzip"].path])
t.eq((p.returncode, p.stderr), (2, "aci-manifest: error: --output: '%s' is a directory (give the file to write)\n"
     % d), "patch-aci-output-directory")
t.eq([x for x in os.listdir(os.path.dirname(d)) if ".tmp." in x], [], "no temporary beside the directory")
p = t.run([M, "patch", "--name", "x", "--output", os.path.join(d, "never.aci"), items["missing-manifest"].path])
t.eq((p.returncode, p.stderr), (1, "aci-manifest: error: %s: no 'manifest' entry\n" % items["missing-manifest"].path),
     "patch-aci-without-manifest")
t.check(not os.path.exists(os.path.join(d, "never.aci")), "nothing written on failure")

# ---- patch of an .aci under aci-verify's limits (--max-size, --max-ratio; same defaults) ----
bomb = os.path.join(d, "bomb-ratio.aci")
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
    for name, data in [("manifest", acicorpus.manifest_bytes()), ("rootfs/zeros", b"\0" * (32 << 20))]:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
with open(bomb, "wb") as f:
    f.write(gzip.compress(buf.getvalue(), 9))
before = open(bomb, "rb").read()
p = t.run([M, "patch", "--label", "channel=beta", "--max-ratio", "100", bomb])
t.eq((p.returncode, p.stderr), (1, "aci-manifest: error: %s: compression ratio exceeds 100:1 (a compression bomb? "
     "raise --max-ratio)\n" % bomb), "patch-aci-max-ratio")
p = t.run([M, "patch", "--label", "channel=beta", "--max-size", "16M", bomb])
t.eq((p.returncode, p.stderr), (1, "aci-manifest: error: %s: uncompressed size exceeds 16777216 bytes (a compression "
     "bomb? raise --max-size)\n" % bomb), "patch-aci-max-size")
t.check(open(bomb, "rb").read() == before, "a refused bomb is left as it was")
t.eq(sorted(x for x in os.listdir(d) if x.startswith("bomb-ratio")), ["bomb-ratio.aci"], "no temporaries left")
p = t.run([M, "patch", "--label", "channel=beta", "--max-ratio", "0", "-o", os.path.join(d, "bomb-ok.aci"), bomb])
t.eq((p.returncode, p.stderr), (0, ""), "patch-aci-max-ratio-0-is-no-cap")
p = t.run([M, "--name", "x", "--max-size", "1K"])
t.eq((p.returncode, p.stderr), (2, "aci-manifest: error: --max-size: only patch of an .aci reads a whole image\n"),
     "max-size-is-for-patch")
p = t.run([M, "patch", "--max-size", "1X", bomb])
t.eq((p.returncode, p.stderr), (2, "aci-manifest: error: --max-size: '1X' is not a number (optionally with K, M, G "
     "or T)\n"), "max-size-bad-number")

# ---- --lock: the Debian packages in an annotation ----
lock = os.path.join(d, "java.lock")
with open(lock, "w") as f:
    json.dump({"version": 1, "sources": [{"uri": "x"}], "packages": [
        {"name": "zlib1g", "version": "1:1.2.13.dfsg-1", "architecture": "amd64", "sha256": "ab" * 32, "size": 1},
        {"name": "libc6", "version": "2.36-9+deb12u4", "architecture": "amd64", "sha256": "cd" * 32},
        {"name": "base-files", "version": "12.4+deb12u5", "architecture": "all", "sha256": "ef" * 32}]}, f)
m = json.loads(t.run([M, "--name", "example.com/java", "--lock", lock], check=0).stdout)
t.eq(m["annotations"], [{"name": "debian-packages", "value": "base-files=12.4+deb12u5:all, "
                         "libc6=2.36-9+deb12u4:amd64, zlib1g=1:1.2.13.dfsg-1:amd64"}], "lock-annotation")
bad = os.path.join(d, "bad.lock")
with open(bad, "w") as f:
    json.dump({"packages": [{"name": "x", "architecture": "amd64"}]}, f)
p = t.run([M, "--name", "x", "--lock", bad])
t.eq((p.returncode, p.stderr), (1, "aci-manifest: error: %s: packages[0]: 'version' must be a non-empty string\n"
     % bad), "lock-missing-version")
if actool:
    lm = os.path.join(d, "lock-manifest")
    t.run([M, "--name", "example.com/java", "--lock", lock, "--output", lm], check=0)
    t.run([actool, "validate", "--type=manifest", lm], check=0)
t.finish()
