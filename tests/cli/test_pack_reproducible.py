"""aci-pack is reproducible: the same layout packed as root (umask 022, LC_ALL=C,
TZ=UTC) and as an unprivileged user (setpriv 65534, umask 077, LC_ALL=C.UTF-8,
TZ=Asia/Tokyo), from the directory and from a tar stream, gives the same image ID and
byte-identical gzip output; the tar has numeric owners, no uname/gname, no
atime/ctime records, mtimes as given (clamped only with SOURCE_DATE_EPOCH), the
directories' own metadata, the source's user.* xattrs and no host-only xattr
(security.selinux); `actool validate` accepts it."""
import hashlib
import os
import subprocess
import tarfile

import acitest as t

P = t.tool("aci-pack")
M = t.tool("aci-manifest")
if os.geteuid() != 0:
    t.skip("needs root to switch users with setpriv")
d = t.tempdir("pack-repro")
os.chmod(d, 0o755)
layout = os.path.join(d, "layout")
rootfs = os.path.join(layout, "rootfs")
NONASCII = "caf\u00e9-\u00fc\u00df-\u65e5\u672c.txt"
os.makedirs(os.path.join(rootfs, "usr", "share", "doc"))
os.makedirs(os.path.join(rootfs, "home", "user", "private"))
os.makedirs(os.path.join(rootfs, "tmp"))
t.run([M, "--name", "example.com/repro", "--exec", "/usr/bin/tool", "--output", os.path.join(layout, "manifest")],
      check=0)


def write(rel, data, mode=0o644):
    p = os.path.join(rootfs, rel)
    with open(p, "wb") as f:
        f.write(data)
    os.chmod(p, mode)
    return p


write("usr/share/doc/" + NONASCII, "non-ASCII name\n".encode())
write("usr/share/doc/README", b"readme\n")
tool = write("usr/tool", b"#!/bin/sh\n", 0o4755)
os.link(tool, os.path.join(rootfs, "usr", "tool-hardlink"))
os.symlink("share/doc/" + NONASCII, os.path.join(rootfs, "usr", "link-to-nonascii"))
write("home/user/private/secret", b"only the owner may read\n", 0o600)
os.chmod(os.path.join(rootfs, "tmp"), 0o1777)
os.chmod(os.path.join(rootfs, "home", "user", "private"), 0o700)
for root, dirs, files in os.walk(os.path.join(rootfs, "home", "user")):
    for n in dirs + files + [""]:
        os.chown(os.path.join(root, n), 65534, 65534)
attrs = {}
for name, value in [("user.mime_type", b"text/plain"), ("user.checksum", b"\x00\x01binary")]:
    try:
        os.setxattr(os.path.join(rootfs, "usr", "share", "doc", "README"), name, value)
        attrs[name] = value
    except OSError:
        pass
try:
    os.setxattr(os.path.join(rootfs, "usr", "share", "doc", "README"), "security.selinux",
                b"unconfined_u:object_r:user_home_t:s0\x00")
    have_selinux_attr = True
except OSError:
    have_selinux_attr = False
# Directory mtimes last, so that they are the ones given (not the children's creation).
stamps = {}
for i, (root, dirs, files) in enumerate(sorted(os.walk(rootfs))):
    for n in files + dirs:
        os.utime(os.path.join(root, n), (1500000000 + i, 1600000000 + i), follow_symlinks=False)
        stamps[os.path.relpath(os.path.join(root, n), rootfs)] = 1600000000 + i
os.utime(rootfs, (1, 1))
os.utime(os.path.join(layout, "manifest"), (2, 2))

AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
# The first run is root's; the second an unprivileged user's in another locale, zone
# and umask.
envs = [({"LC_ALL": "C", "TZ": "UTC"}, [], 0o022),
        ({"LC_ALL": "C.UTF-8", "TZ": "Asia/Tokyo"}, AS_NOBODY, 0o077)]


def pack(n, env, prefix, umask, args, stdin=None):
    out = os.path.join(d, "out-%s" % n)
    os.makedirs(out)
    os.chmod(out, 0o777)
    full = dict(os.environ, **env)
    full.pop("SOURCE_DATE_EPOCH", None)
    old = os.umask(umask)
    try:
        p = subprocess.run(prefix + [P] + args + [os.path.join(out, "image.aci")], env=full, capture_output=True,
                           stdin=stdin)
    finally:
        os.umask(old)
    t.eq((p.returncode, p.stderr), (0, b""), "pack %s exits 0 quietly" % n)
    return p.stdout.decode().strip(), os.path.join(out, "image.aci")


# Everything is readable by the unprivileged user (home/user is its own).
subprocess.run(["chmod", "-R", "a+rX", os.path.join(rootfs, "usr")], check=True)
results = {}
for i, (env, prefix, umask) in enumerate(envs):
    results["dir-%d" % i] = pack("dir-%d" % i, env, prefix, umask, [layout])
    tar = os.path.join(d, "rootfs-%d.tar" % i)
    subprocess.run(["tar", "-C", rootfs, "--xattrs", "--xattrs-include=*", "--numeric-owner", "--format=pax",
                    "-cf", tar, "."], check=True, env=dict(os.environ, **env))
    with open(tar, "rb") as f:
        results["tar-%d" % i] = pack("tar-%d" % i, env, prefix, umask,
                                     ["--manifest", os.path.join(layout, "manifest"), "--rootfs-tar", "-"], f)

ids = {k: v[0] for k, v in results.items()}
first = ids["dir-0"]
t.check(first.startswith("sha512-"), "an image ID: %r" % first)
t.eq(ids, {k: first for k in ids}, "one image ID for every user, umask, locale, zone and input form")
gz = {k: open(v[1], "rb").read() for k, v in results.items()}
t.eq({k: hashlib.sha256(v).hexdigest() for k, v in gz.items()},
     {k: hashlib.sha256(gz["dir-0"]).hexdigest() for k in gz}, "byte-identical gzip output")
t.eq(gz["dir-0"][4:8], b"\0\0\0\0", "no gzip timestamp")
raw = subprocess.run(["gzip", "-dc", results["dir-0"][1]], capture_output=True, check=True).stdout
t.eq("sha512-" + hashlib.sha512(raw).hexdigest(), first, "image ID is the SHA-512 of the uncompressed tar")

with tarfile.open(results["tar-1"][1]) as tf:
    members = tf.getmembers()
by = {m.name: m for m in members}
for m in members:
    t.eq((m.uname, m.gname), ("", ""), m.name + ": numeric owners only")
    for k in m.pax_headers:
        t.check(k not in ("atime", "ctime", "uname", "gname"), "%s: no %s record" % (m.name, k))
        t.check(k != "SCHILY.xattr.security.selinux", m.name + ": no host SELinux label")
t.check("rootfs/usr/share/doc/" + NONASCII in by, "non-ASCII name stored as UTF-8")
t.eq(by["rootfs/usr/link-to-nonascii"].linkname, "share/doc/" + NONASCII, "non-ASCII symlink target")
t.eq(by["rootfs/tmp"].mode, 0o1777, "sticky directory mode")
t.eq(by["rootfs/home/user/private"].mode, 0o700, "private directory mode")
t.eq((by["rootfs/home/user/private/secret"].uid, by["rootfs/home/user/private/secret"].gid), (65534, 65534),
     "numeric owner kept")
t.eq(by["rootfs/usr/tool"].mode, 0o4755, "setuid kept")
t.check(by["rootfs/usr/tool-hardlink"].islnk(), "hardlink kept")
for rel, mtime in stamps.items():
    t.eq(by["rootfs/" + rel].mtime, mtime, rel + ": mtime as given (directories too)")
newest = max(stamps.values())
t.eq((by["manifest"].mtime, by["rootfs"].mtime), (newest, newest), "manifest and rootfs: the newest mtime")
for name, value in attrs.items():
    got = by["rootfs/usr/share/doc/README"].pax_headers.get("SCHILY.xattr." + name)
    t.eq(got.encode("utf-8", "surrogateescape") if got is not None else None, value, "xattr %s kept" % name)
print("security.selinux set on the input:", have_selinux_attr)
if not have_selinux_attr:
    print("note: this filesystem refused a security.selinux xattr; its exclusion was not exercised")

# SOURCE_DATE_EPOCH clamps; it is the only thing that changes mtimes.
p = t.run([P, layout, os.path.join(d, "sde.aci")], env={"SOURCE_DATE_EPOCH": "1600000003"}, check=0)
with tarfile.open(os.path.join(d, "sde.aci")) as tf:
    got = {m.name: m.mtime for m in tf.getmembers()}
t.eq(max(got.values()), 1600000003, "clamped to SOURCE_DATE_EPOCH")
t.eq(got["rootfs/" + min(stamps, key=stamps.get)], min(stamps.values()), "older mtimes unchanged")

actool = t.find_actool()
if not actool:
    t.skip("actool not found (set ACTOOL or run scripts/setup)")
for k, (_, path) in results.items():
    p = t.run([actool, "validate", path])
    t.eq((p.returncode, p.stderr), (0, ""), "actool validate " + k)
t.finish()
