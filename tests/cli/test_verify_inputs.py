"""aci-verify inputs and policy: layout directories, bare manifests, stdin,
many inputs in one JSON document, --strict and --fail-on, and the safety
bounds (compression bombs, entry count)."""
import gzip
import io
import json
import lzma
import os
import tarfile

import acicorpus
import acitest as t

V = t.tool("aci-verify")
d = t.tempdir("verify-inputs")
items = {it.name: it for it in acicorpus.build(d)}

# ---- layout directory: the same checks, no image ID ----
lay = os.path.join(d, "layout")
os.makedirs(os.path.join(lay, "rootfs", "usr", "bin"))
with open(os.path.join(lay, "manifest"), "wb") as f:
    f.write(acicorpus.manifest_bytes())
os.symlink("usr/bin", os.path.join(lay, "rootfs", "bin"))
with open(os.path.join(lay, "rootfs", "usr", "bin", "sh"), "w") as f:
    f.write("#!\n")
os.chmod(os.path.join(lay, "rootfs", "usr", "bin", "sh"), 0o755)
p = t.run([V, lay])
t.eq((p.returncode, p.stdout, p.stderr), (0, lay + ": valid layout\n", ""), "layout-valid")
os.symlink("../../../etc/shadow", os.path.join(lay, "rootfs", "usr", "bin", "up"))
os.chmod(os.path.join(lay, "rootfs", "usr", "bin", "sh"), 0o4755)
p = t.run([V, lay])
t.eq((p.returncode, p.stdout), (0, lay + ": valid layout\n" +
     lay + ": warning: setuid: entry 'rootfs/usr/bin/sh': setuid file (mode 4755)\n" +
     lay + ": warning: symlink-escape: entry 'rootfs/usr/bin/up': symlink to '../../../etc/shadow' points outside "
     "the rootfs\n"), "layout-findings")
with open(os.path.join(lay, "extra"), "w") as f:
    f.write("x")
p = t.run([V, "--fail-on", "setuid", lay])
t.eq((p.returncode, p.stdout), (1, lay + ": invalid: entry 'extra': outside 'rootfs' (only 'manifest' and 'rootfs' "
     "may be at the top level)\n" + lay + ": invalid: setuid: entry 'rootfs/usr/bin/sh': setuid file (mode 4755)\n" +
     lay + ": warning: symlink-escape: entry 'rootfs/usr/bin/up': symlink to '../../../etc/shadow' points outside "
     "the rootfs\n"), "layout-extra-top-level-and-fail-on")
empty = os.path.join(d, "empty-layout")
os.mkdir(empty)
p = t.run([V, empty])
t.eq((p.returncode, p.stdout), (1, empty + ": invalid: missing 'manifest'\n" + empty + ": invalid: missing 'rootfs'\n"),
     "layout-empty")

# ---- bare manifests (first non-blank byte '{') ----
man = os.path.join(d, "m.json")
with open(man, "wb") as f:
    f.write(b"\n  " + acicorpus.manifest_bytes())
p = t.run([V, man])
t.eq((p.returncode, p.stdout), (0, man + ": valid manifest\n"), "manifest-valid")
with open(man, "wb") as f:
    f.write(b'{"acKind": "ImageManifest", "acVersion": "0.8.11"}')
p = t.run([V, man])
t.eq((p.returncode, p.stdout), (1, man + ": invalid: manifest: field 'name': required\n"), "manifest-missing-name")
with open(man, "wb") as f:
    f.write(b"\xef\xbb\xbf" + acicorpus.manifest_bytes())
p = t.run([V, man])
t.eq((p.returncode, p.stdout), (1, man + ": invalid: manifest: invalid JSON: starts with a UTF-8 byte order mark "
     "(RFC 8259 section 8.1: not part of JSON text)\n"), "manifest-file-with-utf8-bom")

# ---- stdin ----
good = open(items["valid-gzip"].path, "rb").read()
p = t.run([V, "-"], input=good)
t.eq(p.returncode, 0, "stdin exit")
t.check(p.stdout.startswith(b"-: valid sha512-"), "stdin report: %r" % p.stdout)
p = t.run([V, "-"], input=open(items["trailing-garbage"].path, "rb").read())
t.eq((p.returncode, p.stdout), (1, b"-: invalid: trailing data after the tar end-of-archive marker\n"), "stdin invalid")

# ---- many inputs, one JSON document ----
paths = [items["valid-xz"].path, lay, man, items["setuid-file"].path]
p = t.run([V, "--json"] + paths)
t.eq(p.returncode, 1, "json exit")
doc = json.loads(p.stdout)
t.eq(list(doc), ["results"], "json document")
r = doc["results"]
t.eq([x["file"] for x in r], paths, "json files")
t.eq([x["kind"] for x in r], ["aci", "layout", "manifest", "aci"], "json kinds")
t.eq([x["valid"] for x in r], [True, False, False, True], "json verdicts")
t.eq([x["compression"] for x in r], ["xz", None, None, "none"], "json compression")
t.eq(r[0]["name"], "example.com/corpus", "json name")
t.eq(r[1]["image_id"], None, "layout has no image ID")
t.eq(r[3]["findings"], [{"kind": "setuid", "entry": "rootfs/bin/su", "fatal": False,
                         "message": "entry 'rootfs/bin/su': setuid file (mode 4755)"}], "json findings")
t.eq(r[0]["entries"], 6, "json entries")
p = t.run([V, "--json", "--strict", items["setuid-file"].path])
t.eq(p.returncode, 1, "strict exit")
x = json.loads(p.stdout)["results"][0]
t.eq((x["valid"], x["errors"], x["findings"][0]["fatal"]),
     (False, ["setuid: entry 'rootfs/bin/su': setuid file (mode 4755)"], True), "strict makes findings failures")

# ---- --fail-on per kind, --strict: every hostile item ----
hostile = [it for it in items.values() if it.valid and it.warnings and ":" in it.warnings[0]
           and it.warnings[0].split(":")[0] in ("symlink-escape", "hardlink-escape", "setuid", "device",
                                                "world-writable", "exec-missing", "through-symlink")]
t.check(len(hostile) >= 10, "hostile items present")
for it in hostile:
    kind = it.warnings[0].split(":")[0]
    p = t.run([V, "--fail-on", kind, it.path])
    t.eq((p.returncode, p.stdout), (1, "%s: invalid: %s\n" % (it.path, it.warnings[0])), "fail-on " + it.name)
    other = "device" if kind != "device" else "setuid"
    p = t.run([V, "--fail-on", other, it.path])
    t.eq(p.returncode, 0, "fail-on other kind leaves " + it.name + " valid")
    p = t.run([V, "--strict", it.path])
    t.eq(p.returncode, 1, "strict " + it.name)
p = t.run([V, "--fail-on", "bogus", items["valid-none"].path])
t.eq((p.returncode, p.stderr), (2, "aci-verify: error: --fail-on: unknown kind 'bogus' (one of: symlink-escape "
     "hardlink-escape setuid device world-writable exec-missing through-symlink)\n"), "fail-on unknown kind")

# ---- exec paths through symlinks that leave the rootfs: findings, never a crash ----
# Resolution stays inside the rootfs ("/.." is "/", as in the container's own
# root), so a link that escapes is a symlink-escape finding, and the exec is
# judged on what it reaches inside.
app = {"exec": ["/bin/esc"], "user": "0", "group": "0",
       "eventHandlers": [{"name": "pre-start", "exec": ["/bin/gone"]}, {"name": "post-stop", "exec": ["/bin/up"]}]}
esc = os.path.join(d, "exec-through-escaping-symlinks.aci")
with open(esc, "wb") as f:
    f.write(acicorpus._tar(acicorpus.manifest_with(app=app) + [
        ("rootfs/bin/esc", tarfile.SYMTYPE, "../../../bin/sh"),
        ("rootfs/bin/gone", tarfile.SYMTYPE, "/../../nothere"),
        ("rootfs/bin/up", tarfile.SYMTYPE, "/bin/../../bin")]))
p = t.run([V, esc])
t.eq(p.returncode, 0, "exec-through-escaping-symlinks exit")
t.eq(p.stdout.split("\n")[1:], [
    esc + ": warning: symlink-escape: entry 'rootfs/bin/esc': symlink to '../../../bin/sh' points outside the rootfs",
    esc + ": warning: symlink-escape: entry 'rootfs/bin/gone': symlink to '/../../nothere' points outside the rootfs",
    esc + ": warning: symlink-escape: entry 'rootfs/bin/up': symlink to '/bin/../../bin' points outside the rootfs",
    esc + ": warning: exec-missing: app.eventHandlers[0].exec '/bin/gone' (pre-start): not in the rootfs (resolved "
    "to 'rootfs/nothere')",
    esc + ": warning: exec-missing: app.eventHandlers[1].exec '/bin/up' (post-stop): not a regular file (resolved "
    "to 'rootfs/bin')",
    ""], "exec-through-escaping-symlinks report")
p = t.run([V, "--fail-on", "exec-missing", esc])
t.eq((p.returncode, [l for l in p.stdout.split("\n") if ": invalid: " in l]), (1, [
    esc + ": invalid: exec-missing: app.eventHandlers[0].exec '/bin/gone' (pre-start): not in the rootfs (resolved "
    "to 'rootfs/nothere')",
    esc + ": invalid: exec-missing: app.eventHandlers[1].exec '/bin/up' (post-stop): not a regular file (resolved "
    "to 'rootfs/bin')"]), "exec-through-escaping-symlinks --fail-on exec-missing")
# A layout: the same resolution over symlinks on disk, never the host's.
lay2 = os.path.join(d, "layout-exec")
os.makedirs(os.path.join(lay2, "rootfs", "bin"))
with open(os.path.join(lay2, "manifest"), "wb") as f:
    f.write(acicorpus.manifest_bytes(dict(acicorpus.MANIFEST, app={
        "exec": ["/bin/sh"], "user": "0", "group": "0",
        "eventHandlers": [{"name": "pre-start", "exec": ["/bin/host-sh"]}]})))
os.symlink("/bin/sh", os.path.join(lay2, "rootfs", "bin", "host-sh"))  # the host has /bin/sh; the image not
os.symlink("host-sh", os.path.join(lay2, "rootfs", "bin", "sh"))
p = t.run([V, lay2])
t.eq((p.returncode, p.stdout), (0, lay2 + ": valid layout\n" +
     lay2 + ": warning: exec-missing: app.exec '/bin/sh': too many levels of symbolic links in the rootfs\n" +
     lay2 + ": warning: exec-missing: app.eventHandlers[0].exec '/bin/host-sh' (pre-start): too many levels of "
     "symbolic links in the rootfs\n"), "layout-exec-symlinks-resolved-in-the-rootfs")

# ---- safety bounds ----
def tar_with_zeros(n):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, kind, data, *rest in acicorpus.good_members():
            ti = acicorpus._info(name, kind, size=len(data) if kind == tarfile.REGTYPE else 0,
                                 linkname=data if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else "",
                                 mode=rest[0] if rest else (0o755 if kind == tarfile.DIRTYPE else 0o644))
            tf.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        ti = acicorpus._info("rootfs/zeros", size=n)
        tf.addfile(ti, io.BytesIO(bytes(n)))
    return buf.getvalue()

bomb = os.path.join(d, "bomb-xz-ratio.aci")
with open(bomb, "wb") as f:
    f.write(lzma.compress(tar_with_zeros(64 << 20)))
p = t.run([V, bomb])
t.eq((p.returncode, p.stdout), (1, bomb + ": invalid: compression ratio exceeds 1000:1 (a compression "
     "bomb? raise --max-ratio)\n"), "bomb-xz-ratio")
p = t.run([V, "--max-ratio", "0", bomb])
t.eq(p.returncode, 0, "bomb-xz-ratio accepted with --max-ratio 0")
p = t.run([V, "--max-ratio", "0", "--max-size", "16M", bomb])
t.eq((p.returncode, p.stdout), (1, bomb + ": invalid: uncompressed size exceeds 16777216 bytes "
     "(a compression bomb? raise --max-size)\n"), "bomb-max-size")
small = os.path.join(d, "small-gzip-zeros.aci")
with open(small, "wb") as f:
    f.write(gzip.compress(tar_with_zeros(4 << 20), mtime=0))
p = t.run([V, small])
t.eq(p.returncode, 0, "ratio not enforced within the first 8 MiB")
p = t.run([V, "--max-entries", "3", items["valid-none"].path])
t.eq((p.returncode, p.stdout), (1, items["valid-none"].path + ": invalid: more than 3 entries (--max-entries)\n"),
     "max-entries")
p = t.run([V, "--max-size", "12Q", bomb])
t.eq((p.returncode, p.stderr), (2, "aci-verify: error: --max-size: '12Q' is not a number (optionally with K, M, G "
     "or T)\n"), "max-size syntax")

# ---- --expect-id / --expect-name ----
it = items["valid-none"]
import hashlib
real = "sha512-" + hashlib.sha512(open(it.path, "rb").read()).hexdigest()
p = t.run([V, "--expect-id", real, "--expect-name", "example.com/corpus", it.path])
t.eq(p.returncode, 0, "expect-id/name match")
wrong = "sha512-" + "0" * 128
p = t.run([V, "--expect-id", wrong, "--expect-name", "example.com/other", it.path])
t.eq((p.returncode, p.stdout), (1, "%s: invalid: image ID %s is not the expected %s\n"
     "%s: invalid: image name 'example.com/corpus' is not the expected 'example.com/other'\n"
     % (it.path, real, wrong, it.path)), "expect-id/name mismatch")
p = t.run([V, "--expect-id", "sha512-abc", it.path])
t.eq((p.returncode, p.stderr), (2, "aci-verify: error: --expect-id: image ID 'sha512-abc': expected 128 hex digits, "
     "got 3\n"), "expect-id syntax")
t.finish()
