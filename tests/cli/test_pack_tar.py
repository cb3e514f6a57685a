"""aci-pack --rootfs-tar FILE|-: a tar stream (any order, any compression) gives the
same image as the directory it was made from: sorted entries, hardlinks to the first
path in sort order, xattrs kept; a path given twice is an error naming it; refusals."""
import io
import os
import subprocess
import tarfile

import acitest as t

P = t.tool("aci-pack")
M = t.tool("aci-manifest")
d = t.tempdir("pack-tar")

manifest = os.path.join(d, "manifest")
t.run([M, "--name", "example.com/pack-tar", "--output", manifest], check=0)
rootfs = os.path.join(d, "rootfs")
os.makedirs(os.path.join(rootfs, "usr", "bin"))
os.makedirs(os.path.join(rootfs, "etc", "sub"))
with open(os.path.join(rootfs, "usr", "bin", "tool"), "w") as f:
    f.write("#!/bin/sh\n")
os.chmod(os.path.join(rootfs, "usr", "bin", "tool"), 0o4755)
# The tar names zz first; the ACI's data must sit under the first path in sort order.
os.link(os.path.join(rootfs, "usr", "bin", "tool"), os.path.join(rootfs, "etc", "tool-link"))
os.symlink("/usr/bin/tool", os.path.join(rootfs, "etc", "abs"))
with open(os.path.join(rootfs, "etc", "sub", "big"), "wb") as f:
    f.write(os.urandom(3 << 20))
try:
    os.setxattr(os.path.join(rootfs, "etc", "sub", "big"), "user.acikit", b"kept")
    have_xattr = True
except OSError:
    have_xattr = False
for root, dirs, files in os.walk(rootfs):
    for n in dirs + files:
        os.utime(os.path.join(root, n), (1650000000, 1650000000), follow_symlinks=False)



def run_in(args, data):
    """t.run with bytes on stdin; stdout and stderr as text."""
    p = t.run(args, input=data)
    p.stdout, p.stderr = p.stdout.decode(), p.stderr.decode()
    return p


dir_id = t.run([P, "--manifest", manifest, "--rootfs", rootfs, os.path.join(d, "dir.aci")], check=0).stdout

# GNU tar in its own (unsorted) order, xattrs as SCHILY.xattr records.
raw = subprocess.run(["tar", "-C", rootfs, "--xattrs", "--xattrs-include=user.*", "--numeric-owner",
                      "--format=pax", "-cf", "-", "."],
                     capture_output=True, check=True).stdout
p = run_in([P, "--manifest", manifest, "--rootfs-tar", "-", os.path.join(d, "stdin.aci")], raw)
t.eq(p.stdout, dir_id, "tar on stdin gives the directory's image ID")
tar_file = os.path.join(d, "rootfs.tar.xz")
subprocess.run(["xz", "-T1"], input=raw, stdout=open(tar_file, "wb"), check=True)
p = t.run([P, "--manifest", manifest, "--rootfs-tar", tar_file, os.path.join(d, "file.aci")], check=0)
t.eq(p.stdout, dir_id, "xz-compressed tar file gives the same image ID")

with tarfile.open(os.path.join(d, "stdin.aci")) as tf:
    by = {m.name: m for m in tf.getmembers()}
    names = [m.name for m in tf.getmembers()]
t.eq(names[2:], sorted(names[2:], key=lambda s: s.encode()), "sorted")
t.check(by["rootfs/usr/bin/tool"].islnk() and by["rootfs/usr/bin/tool"].linkname == "rootfs/etc/tool-link",
        "hardlink re-pointed to the first path in sort order")
t.eq(by["rootfs/etc/tool-link"].mode, 0o4755, "setuid kept")
if have_xattr:
    t.eq(by["rootfs/etc/sub/big"].pax_headers.get("SCHILY.xattr.user.acikit"), "kept", "xattr from the tar kept")


def tar_of(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            if data is None:
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                tf.addfile(ti)
            else:
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


out = os.path.join(d, "dup.aci")
p = run_in([P, "--manifest", manifest, "--rootfs-tar", "-", out], tar_of([("etc", None), ("etc/a", b"1"),
                                                                                 ("./etc/a", b"2")]))
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: stdin: ./etc/a: 'etc/a' appears twice in the stream\n"),
     "a file twice is an error naming it")
t.check(not os.path.exists(out), "nothing written")
p = run_in([P, "--manifest", manifest, "--rootfs-tar", "-", out], tar_of([("etc", None), ("etc/a", b"1"),
                                                                                 ("etc/", None)]))
t.eq(p.returncode, 0, "a directory twice is fine")
p = run_in([P, "--manifest", manifest, "--rootfs-tar", "-", os.path.join(d, "junk.aci")], b"x" * 4096)
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: stdin: Unrecognized archive format\n"), "not a tar")
p = t.run([P, "--manifest", manifest, "--rootfs-tar", os.path.join(d, "missing.tar"), os.path.join(d, "m.aci")])
t.eq((p.returncode, p.stderr),
     (3, "aci-pack: error: %s: cannot open: No such file or directory\n" % os.path.join(d, "missing.tar")),
     "missing tar file")
p = t.run([P, "--manifest", manifest, "--rootfs", rootfs, "--rootfs-tar", "-", os.path.join(d, "u.aci")])
t.eq((p.returncode, p.stderr), (2, "aci-pack: error: give --rootfs DIR or --rootfs-tar FILE|-, not both\n"),
     "both inputs")
p = t.run([P, "--rootfs-tar", "-", os.path.join(d, "u.aci")])
t.eq((p.returncode, p.stderr),
     (2, "aci-pack: error: give LAYOUT_DIR, or --manifest FILE with --rootfs DIR or --rootfs-tar FILE|-\n"),
     "no manifest")
t.eq(sorted(n for n in os.listdir(d) if ".tmp." in n), [], "no temporaries left behind")

actool = t.find_actool()
if not actool:
    t.skip("actool not found (set ACTOOL or run scripts/setup)")
p = t.run([actool, "validate", os.path.join(d, "stdin.aci")])
t.eq((p.returncode, p.stderr), (0, ""), "actool validate")
t.finish()
