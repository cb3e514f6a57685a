"""real-mirror-busybox: build a small ACI (busybox-static) from the machine's own
apt sources, verified with the Debian archive keyring, and run `busybox echo`
inside it. Skips visibly (fails under CI) when the mirror cannot be reached."""
import os
import re
import shutil

import acitest as t

if not t.system_mirror():
    t.skip("the machine's Debian mirror cannot be reached")
if not os.path.exists("/usr/share/keyrings/debian-archive-keyring.gpg"):
    t.skip("no /usr/share/keyrings/debian-archive-keyring.gpg")

work = t.tempdir("real-mirror-busybox")
debs = os.path.join(work, "debs")
p = t.run([t.tool("aci-fetch"), "--arch", "amd64", "--dest", debs, "busybox-static"], check=0, timeout=900)
paths = p.stdout.split()
t.eq(len(paths), 1, "one .deb printed")
t.check(re.search(r"/busybox-static_[^/]+_amd64\.deb$", paths[0]) is not None, "busybox-static .deb path: " + paths[0])
t.check(os.path.isfile(paths[0]), "the .deb exists")

layout = os.path.join(work, "layout")
t.run([t.tool("aci-unpack"), "--rootfs", os.path.join(layout, "rootfs")] + paths, check=0)
t.check(os.path.isfile(os.path.join(layout, "rootfs", "bin", "busybox")), "bin/busybox unpacked")
t.run([t.tool("aci-manifest"), "--name", "example.com/busybox", "--debian-arch", "amd64",
       "--exec", "/bin/busybox", "--exec-arg", "echo", "--exec-arg", "hello from busybox",
       "--output", os.path.join(layout, "manifest")], check=0)
aci = os.path.join(work, "busybox.aci")
p = t.run([t.tool("aci-pack"), layout, aci], check=0)
image_id = p.stdout.strip()
t.check(re.fullmatch(r"sha512-[0-9a-f]{128}", image_id) is not None, "image id printed: " + image_id)
p = t.run([t.tool("aci-verify"), aci], check=0)
t.contains(p.stdout, "valid", "aci-verify verdict")
t.contains(p.stdout, image_id, "aci-verify prints the same image ID")

actool = t.find_actool()
if actool:
    t.run([actool, "validate", aci], check=0)
else:
    t.skip("actool (the reference validator) is missing: run scripts/setup")

if shutil.which("unshare") is None:
    t.skip("unshare is missing: cannot run the image")
p = t.run([os.path.join(t.SOURCE_DIR, "scripts", "run-aci"), aci])
if p.returncode != 0 and "unshare" in p.stderr and os.geteuid() != 0:
    t.skip("user namespaces unavailable: " + p.stderr.strip())
t.eq(p.returncode, 0, "run-aci exit status (stderr: %s)" % p.stderr)
t.eq(p.stdout, "hello from busybox\n", "busybox echo inside the image")
t.finish()
