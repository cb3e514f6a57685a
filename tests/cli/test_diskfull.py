"""disk-full: a 2 MiB tmpfs as the output directory. aci-pack (an 8 MiB image),
aci-unpack (6 MiB of package data) and aci-fetch (4.5 MiB of .debs into --dest, with
the cache on the same full file system or on another one, and --mirror-out) each
fail with a clear error ("...: No space left on device"), exit status 3, and leave
no partial output: no final name holds a partial file, no temporary is left, and
what they create only to write into is gone. Needs root to mount the tmpfs; skipped
(visibly) when mounting fails."""
import atexit
import hashlib
import os
import random
import re
import subprocess

import acitest as t
import debfixtures as df
import testmirror as tm

work = t.tempdir("diskfull")
full = os.path.join(work, "full")
os.makedirs(full)
if os.geteuid() != 0:
    t.skip("disk-full: mounting a tmpfs needs root")
p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", full], capture_output=True, text=True)
if p.returncode != 0:
    t.skip("disk-full: cannot mount a tmpfs: " + p.stderr.strip())
atexit.register(subprocess.run, ["umount", "-l", full], capture_output=True)
rng = random.Random(7)
ENOSPC = os.strerror(28)  # "No space left on device"


def rand_bytes(n):
    return rng.getrandbits(8 * n).to_bytes(n, "little")


def listing(d):
    return tm.listing(d)


def temps(d):
    return [x for x in listing(d) if ".tmp." in os.path.basename(x)]


def clear(d):
    subprocess.run(["sh", "-c", 'rm -rf "$1"/* "$1"/.[!.]*', "-", d], check=True)


def check_error(tool, p, place_pattern):
    """Exit 3 and one line 'aci-TOOL: error: PLACE: ...No space left on device'."""
    t.eq(p.returncode, 3, "%s: exit status on a full disk (stderr %r)" % (tool, p.stderr))
    t.check(re.fullmatch(r"%s: error: %s: [^\n]*%s\n" % (re.escape(tool), place_pattern, re.escape(ENOSPC)),
                         p.stderr) is not None,
            "%s: a clear error naming the output and ENOSPC: %r" % (tool, p.stderr))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---- aci-pack --------------------------------------------------------------------
pack, manifest = t.tool("aci-pack"), t.tool("aci-manifest")
layout = os.path.join(work, "layout")
os.makedirs(os.path.join(layout, "rootfs", "data"))
t.run([manifest, "--name", "example.com/full", "--exec", "/bin/true", "--output",
       os.path.join(layout, "manifest")], check=0)
for i in range(4):
    with open(os.path.join(layout, "rootfs", "data", "f%d" % i), "wb") as f:
        f.write(rand_bytes(2 * 1024 * 1024))
aci = os.path.join(full, "full.aci")
p = t.run([pack, layout, aci])
print("aci-pack on a full disk: %r" % p.stderr)
check_error("aci-pack", p, re.escape(aci))
t.eq(listing(full), [], "aci-pack: nothing left on the full disk")
p = t.run([pack, "--compression", "none", layout, aci])
check_error("aci-pack", p, re.escape(aci))
t.eq(listing(full), [], "aci-pack --compression none: nothing left on the full disk")
clear(full)

# ---- aci-unpack --------------------------------------------------------------------
unpack = t.tool("aci-unpack")
debs = []
for i in range(3):
    name = "full-%d" % i
    debs.append(df.build_raw(os.path.join(work, name + "_1.0_all.deb"), name,
                             [df.dir("./usr/"), df.dir("./usr/share/"), df.dir("./usr/share/%s/" % name),
                              df.file("./usr/share/%s/small" % name, "small file\n"),
                              df.file("./usr/share/%s/blob" % name, rand_bytes(2 * 1024 * 1024))],
                             data_comp="gz"))
ref = os.path.join(work, "ref-rootfs")
t.run([unpack, "--quiet", "--rootfs", ref] + debs, check=0)
rootfs = os.path.join(full, "rootfs")
p = t.run([unpack, "--quiet", "--rootfs", rootfs] + debs)
# WHERE: the rootfs, or the package and the entry being written.
check_error("aci-unpack", p, r"(%s|full-0_1\.0_all\.deb)[^\n]*" % re.escape(rootfs))
partial = []
for rel in listing(rootfs):
    path = os.path.join(rootfs, rel)
    if os.path.isfile(path) and not os.path.islink(path):
        refp = os.path.join(ref, rel)
        if not os.path.isfile(refp) or sha256(refp) != sha256(path):
            partial.append(rel)
t.eq(partial, [], "aci-unpack: no partial file under a final name in the rootfs")
t.eq(temps(full), [], "aci-unpack: no temporary left")
print("aci-unpack left (complete files only): %r" % listing(rootfs))
clear(full)

# ---- aci-fetch ---------------------------------------------------------------------
fetch = t.tool("aci-fetch")
key = tm.make_key(work, "Full Key")
mirror = tm.Mirror(os.path.join(work, "mirror"), key)
for name in ("full-a", "full-b", "full-c"):
    deb = df.build_raw(os.path.join(work, name + "_1.0_all.deb"), name,
                       [df.dir("./usr/"), df.file("./usr/blob-" + name, rand_bytes(1536 * 1024))], data_comp="gz")
    mirror.add("stable", deb)
mirror.write()
srv = tm.serve(mirror.root)
sources = mirror.sources_file(os.path.join(work, "full.sources"), srv.url, ["stable"])
helptext = t.run([fetch, "--help"]).stdout
dest = os.path.join(full, "debs")
base = [fetch, "--quiet", "--sources", sources, "--dest", dest, "full-a", "full-b", "full-c"]


def check_cache(cache):
    objects = os.path.join(cache, "by-hash", "SHA256")
    bad = [n for n in (os.listdir(objects) if os.path.isdir(objects) else [])
           if ".tmp." in n or sha256(os.path.join(objects, n)) != n]
    t.eq(bad, [], "aci-fetch: every cache object complete and verified")


if "--cache" in helptext:
    # The cache on the same full file system: the downloads themselves fail.
    cache = os.path.join(full, "cache")
    p = t.run(base + ["--cache", cache])
    print("aci-fetch, cache on a full disk: %r" % p.stderr)
    check_error("aci-fetch", p, re.escape(full) + r"/[^\n]*")
    t.eq([x for x in listing(dest)], [], "aci-fetch (cache on the full disk): nothing in --dest")
    t.eq(temps(full), [], "aci-fetch (cache on the full disk): no temporary left")
    check_cache(cache)
    clear(full)
    # The cache elsewhere: copying into --dest fails.
    cache = os.path.join(work, "cache")
    p = t.run(base + ["--cache", cache])
    print("aci-fetch, --dest on a full disk: %r" % p.stderr)
    check_error("aci-fetch", p, re.escape(dest) + r"/[^\n]*")
    t.eq(listing(dest), [], "aci-fetch (cache elsewhere): nothing in --dest")
    check_cache(cache)
    clear(full)
else:
    p = t.run(base)
    check_error("aci-fetch", p, re.escape(dest) + r"/[^\n]*")
    t.eq(listing(dest), [], "aci-fetch: nothing in --dest")
    clear(full)

if "--mirror-out" in helptext:
    # --dest on a roomy disk, the partial mirror on the full one.
    mout = os.path.join(full, "mirror")
    p = t.run([fetch, "--quiet", "--sources", sources, "--dest", os.path.join(work, "debs"),
               "--cache", os.path.join(work, "cache"), "--mirror-out", mout, "full-a", "full-b", "full-c"])
    print("aci-fetch, --mirror-out on a full disk: %r" % p.stderr)
    check_error("aci-fetch", p, re.escape(mout) + r"/[^\n]*")
    t.eq(temps(full), [], "aci-fetch --mirror-out: no temporary left")
    for rel in listing(mout):
        path = os.path.join(mout, rel)
        if os.path.isfile(path):
            t.eq(sha256(path), sha256(mirror.path(rel)), "aci-fetch --mirror-out: %s complete" % rel)
    clear(full)
t.finish()
