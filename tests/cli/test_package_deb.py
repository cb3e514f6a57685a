"""acikit's own .deb: scripts/build-deb builds it with dpkg-buildpackage; a
scratch Debian root made by mmdebstrap (variant essential, plus the libraries
the package is expected to depend on, from the machine's apt mirror) gets it
with `dpkg -i`, and the installed tools run there under chroot, so that
libraries of the host cannot make the test pass: each tool's --version, then
manifest -> pack -> verify, and a signature checked with gpg and no gpg-agent
(the package Depends on gpg, only Recommends gpg-agent).

The build and the scratch root run in parallel (one is CPU, the other network
and disk). ACIKIT_DEB=PATH uses an already built .deb instead of building one.
Needs root, dpkg-buildpackage, debhelper, fakeroot, mmdebstrap and the mirror;
skips visibly otherwise (a failure under CI=true)."""
import glob
import os
import re
import shutil
import subprocess
import time

import acitest as t

TOOLS = ["aci-fetch", "aci-manifest", "aci-pack", "aci-unpack", "aci-verify"]
# What dpkg-shlibdeps finds (debian/control: ${shlibs:Depends}) plus gpg, by name.
DEPENDS = ["libarchive13", "libboost-program-options1.74.0", "libbz2-1.0", "libc6", "libcurl4",
           "libdeflate0", "libgcc-s1", "libgpgme11", "libisal2", "liblzma5", "libssl3", "libstdc++6", "gpg"]

if os.geteuid() != 0:
    t.skip("needs root (mmdebstrap --mode=root, chroot)")
for prog in ["dpkg-buildpackage", "dh", "fakeroot", "mmdebstrap", "chroot", "dpkg-deb", "gpg"]:
    if not shutil.which(prog):
        t.skip(prog + " not installed (scripts/setup installs it)")
mirror = t.system_mirror()
if not mirror:
    t.skip("no Debian mirror in the machine's apt sources answers")
uri, suite = mirror

d = t.tempdir("package-deb")
root = os.path.join(d, "root")
os.mkdir(root)
out = os.path.join(d, "deb")
times = {}
started = time.monotonic()

# The scratch root: Essential: yes packages and the expected dependencies.
mm_log = open(os.path.join(d, "mmdebstrap.log"), "w")
mm = subprocess.Popen(["mmdebstrap", "--mode=root", "--variant=essential", "--include=" + ",".join(DEPENDS),
                       suite, root, uri], stdout=mm_log, stderr=subprocess.STDOUT)

prebuilt = os.environ.get("ACIKIT_DEB")
if prebuilt:
    deb = prebuilt
else:
    env = dict(os.environ, DEB_BUILD_OPTIONS="noddebs")
    b = t.run([os.path.join(t.SOURCE_DIR, "scripts", "build-deb"), out], env=env, timeout=1200)
    times["build-deb"] = time.monotonic() - started
    t.eq(b.returncode, 0, "scripts/build-deb exit status (stderr: %s)" % b.stderr[-2000:])
    deb = b.stdout.strip()
    t.eq(sorted(os.listdir(out)), sorted(["build.log", os.path.basename(deb),
                                          os.path.basename(deb)[:-4] + ".buildinfo",
                                          os.path.basename(deb)[:-4] + ".changes"]),
         "build-deb output (noddebs: no -dbgsym)")
    t.eq(os.path.isdir(os.path.join(t.SOURCE_DIR, "obj-x86_64-linux-gnu")), False, "work tree not built in")

mm.wait()
mm_log.close()
times["mmdebstrap"] = time.monotonic() - started
if mm.returncode != 0:
    print(open(os.path.join(d, "mmdebstrap.log")).read()[-3000:])
t.eq(mm.returncode, 0, "mmdebstrap exit status")
if not os.path.isfile(deb) or mm.returncode != 0:
    t.finish()

# The package's metadata and contents.
version = t.run(["dpkg-parsechangelog", "-l", os.path.join(t.SOURCE_DIR, "debian", "changelog"), "-S", "Version"],
                check=0).stdout.strip()
arch = t.run(["dpkg", "--print-architecture"], check=0).stdout.strip()
t.eq(os.path.basename(deb), "acikit_%s_%s.deb" % (version, arch), ".deb name")
fields = {}
for f in ["Package", "Version", "Architecture", "Depends", "Recommends"]:
    fields[f] = t.run(["dpkg-deb", "-f", deb, f], check=0).stdout.strip()
t.eq((fields["Package"], fields["Version"], fields["Architecture"], fields["Recommends"]),
     ("acikit", version, arch, "gpg-agent"), "control fields")
depends = [re.sub(r"\s*\(.*\)", "", x.split("|")[0]).strip() for x in fields["Depends"].split(",")]
t.eq(sorted(depends), sorted(DEPENDS), "Depends (names): " + fields["Depends"])
contents = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
files = sorted(l.split()[-1].lstrip(".") for l in contents.splitlines() if not l.startswith("d"))
# Every file of examples/ is shipped; dh_compress gzips the docs over 4 KiB
# (README.md, larger examples), so names are compared without that suffix.
examples_dir = os.path.join(t.SOURCE_DIR, "examples")
examples = ["examples/" + os.path.relpath(os.path.join(r, f), examples_dir)
            for r, _, fs in os.walk(examples_dir) for f in fs]
files = sorted(f[:-3] if f.startswith("/usr/share/doc/acikit/") and f.endswith(".gz")
               and not f.endswith("/changelog.gz") else f for f in files)
t.eq(files, sorted(["/usr/bin/" + x for x in TOOLS] + ["/usr/share/man/man1/%s.1.gz" % x for x in TOOLS]
                   + ["/usr/share/doc/acikit/" + x for x in ["README.md", "changelog.gz", "copyright"] + examples]),
     "files in the .deb")

# Install it in the scratch root with dpkg (no apt: the dependencies are there or dpkg refuses).
shutil.copy(deb, os.path.join(root, "tmp", "acikit.deb"))


def chroot(*args, input=None):
    return subprocess.run(["chroot", root, "/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8",
                           "HOME=/root"] + list(args), input=input, capture_output=True, text=True, timeout=300)


t0 = time.monotonic()
p = chroot("dpkg", "-i", "/tmp/acikit.deb")
times["dpkg -i"] = time.monotonic() - t0
t.eq(p.returncode, 0, "dpkg -i in the scratch root (stderr: %s)" % p.stderr[-2000:])
if p.returncode != 0:
    t.finish()
t.eq(chroot("dpkg-query", "-W", "-f", "${Status} ${Version}", "acikit").stdout, "install ok installed " + version,
     "acikit installed")
t.eq(os.path.exists(os.path.join(root, "usr", "bin", "gpg-agent")), False, "no gpg-agent in the scratch root")

for x in TOOLS:
    p = chroot(x, "--version")
    t.eq((p.returncode, p.stdout, p.stderr), (0, "%s %s\n" % (x, version), ""), x + " --version in the chroot")
    p = chroot("ldd", "/usr/bin/" + x)
    t.eq((p.returncode, [l for l in p.stdout.splitlines() if "not found" in l]), (0, []), x + ": ldd in the chroot")

# A small image made and checked inside the root: libarchive, ISA-L, OpenSSL, JSON.
os.makedirs(os.path.join(root, "tmp", "layout", "rootfs"))
with open(os.path.join(root, "tmp", "layout", "rootfs", "hello"), "w") as f:
    f.write("#!/bin/sh\necho hello\n")
os.chmod(os.path.join(root, "tmp", "layout", "rootfs", "hello"), 0o755)
p = chroot("aci-manifest", "--name", "example.com/hello", "--exec", "/hello", "--output", "/tmp/layout/manifest")
t.eq((p.returncode, p.stderr), (0, ""), "aci-manifest in the chroot")
p = chroot("aci-pack", "/tmp/layout", "/tmp/hello.aci")
image_id = p.stdout.strip()
t.eq((p.returncode, bool(re.fullmatch(r"sha512-[0-9a-f]{128}", image_id))), (0, True), "aci-pack in the chroot: " + p.stderr)
p = chroot("aci-verify", "--expect-id", image_id, "/tmp/hello.aci")
t.eq((p.returncode, p.stdout.split("\n")[0]), (0, "/tmp/hello.aci: valid " + image_id), "aci-verify in the chroot")

# A signature made on the host, checked in the root by GPGME -> gpg, without gpg-agent.
home = os.path.join(d, "gnupg")
os.mkdir(home, 0o700)
gpg = ["gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", ""]
subprocess.run(gpg + ["--quick-gen-key", "builder@example.com", "ed25519", "sign", "never"], capture_output=True, check=True)
fpr = [l.split(":")[9] for l in subprocess.run(gpg + ["--with-colons", "--list-keys"], capture_output=True, text=True,
                                               check=True).stdout.splitlines() if l.startswith("fpr:")][0]
with open(os.path.join(root, "tmp", "builder.gpg"), "wb") as f:
    f.write(subprocess.run(gpg + ["--export", fpr], capture_output=True, check=True).stdout)
subprocess.run(gpg + ["--armor", "--detach-sign", "--output", os.path.join(root, "tmp", "hello.aci.asc"),
                      os.path.join(root, "tmp", "hello.aci")], capture_output=True, check=True)
subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True)
p = chroot("aci-verify", "--keyring", "/tmp/builder.gpg", "/tmp/hello.aci")
t.eq((p.returncode, p.stdout.split("\n")[1:], p.stderr), (0, ["/tmp/hello.aci: signed by " + fpr, ""], ""),
     "aci-verify --keyring in the chroot")
t.eq(os.path.exists(os.path.join(root, "usr", "bin", "gpg-agent")), False, "still no gpg-agent")

times["total"] = time.monotonic() - started
print("timings: " + ", ".join("%s %.0fs" % (k, v) for k, v in times.items()))
t.finish()
