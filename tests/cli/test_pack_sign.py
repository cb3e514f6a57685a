"""aci-pack --sign --gnupg-home DIR --key ID writes NAME.aci.asc, an ASCII-armoured
detached signature over the committed .aci that `gpg --verify` accepts (a key made
at test time); --overwrite is needed to replace an existing .aci or .asc, and both
are checked before anything is written."""
import os
import shutil
import subprocess
import tempfile

import acitest as t

P = t.tool("aci-pack")
M = t.tool("aci-manifest")
if not shutil.which("gpg"):
    t.skip("gpg not installed")
d = t.tempdir("pack-sign")
# GnuPG's agent socket path must stay short.
home = tempfile.mkdtemp(prefix="gpg.", dir="/tmp")


def cleanup():
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True)
    shutil.rmtree(home, ignore_errors=True)


import atexit
atexit.register(cleanup)
os.chmod(home, 0o700)
subprocess.run(["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
                "--quick-gen-key", "acikit test <test@example.com>", "ed25519", "sign", "never"],
               check=True, capture_output=True)
listing = subprocess.run(["gpg", "--homedir", home, "--with-colons", "--list-secret-keys"],
                         check=True, capture_output=True, text=True).stdout
fpr = [line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")][0]

layout = os.path.join(d, "layout")
os.makedirs(os.path.join(layout, "rootfs", "etc"))
with open(os.path.join(layout, "rootfs", "etc", "hello"), "w") as f:
    f.write("hello\n")
t.run([M, "--name", "example.com/signed", "--output", os.path.join(layout, "manifest")], check=0)

out = os.path.join(d, "signed.aci")
asc = out + ".asc"
p = t.run([P, "--sign", "--gnupg-home", home, "--key", fpr, layout, out])
t.eq((p.returncode, p.stderr), (0, ""), "signed pack exits 0 quietly")
text = open(asc).read()
t.check(text.startswith("-----BEGIN PGP SIGNATURE-----\n") and text.endswith("-----END PGP SIGNATURE-----\n"),
        "ASCII-armoured: %r" % text[:40])
v = subprocess.run(["gpg", "--homedir", home, "--batch", "--status-fd", "1", "--verify", asc, out],
                   capture_output=True, text=True)
t.eq(v.returncode, 0, "gpg --verify accepts the signature (%s)" % v.stderr)
t.contains(v.stdout, "[GNUPG:] VALIDSIG " + fpr, "made by the given key")
t.eq(sorted(n for n in os.listdir(d) if ".tmp." in n), [], "no temporaries left behind")

tampered = os.path.join(d, "tampered.aci")
data = bytearray(open(out, "rb").read())
data[len(data) // 2] ^= 1
open(tampered, "wb").write(data)
v = subprocess.run(["gpg", "--homedir", home, "--batch", "--verify", asc, tampered], capture_output=True)
t.eq(v.returncode, 1, "the oracle refuses a changed .aci")

# --overwrite, both ways, for the .aci and for the .asc.
before = (open(out, "rb").read(), open(asc).read())
p = t.run([P, "--sign", "--gnupg-home", home, "--key", fpr, layout, out])
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: %s: already exists (use --overwrite to replace it)\n" % out),
     "existing .aci refused")
os.rename(out, out + ".moved")
p = t.run([P, "--sign", "--gnupg-home", home, "--key", fpr, layout, out])
t.eq((p.returncode, p.stderr), (1, "aci-pack: error: %s: already exists (use --overwrite to replace it)\n" % asc),
     "existing .asc refused")
t.check(not os.path.exists(out), "nothing written when the .asc exists")
os.rename(out + ".moved", out)
t.eq((open(out, "rb").read(), open(asc).read()), before, "refused runs changed nothing")
with open(os.path.join(layout, "rootfs", "etc", "hello"), "w") as f:
    f.write("changed\n")
p = t.run([P, "--overwrite", "--sign", "--gnupg-home", home, "--key", fpr, layout, out])
t.eq((p.returncode, p.stderr), (0, ""), "--overwrite replaces both")
t.check(open(asc).read() != before[1], "a new signature")
v = subprocess.run(["gpg", "--homedir", home, "--batch", "--verify", asc, out], capture_output=True)
t.eq(v.returncode, 0, "the new signature matches the new .aci")
# Without --sign an existing .asc does not matter; with --overwrite an .aci is replaced.
plain = os.path.join(d, "plain.aci")
open(plain + ".asc", "w").write("unrelated\n")
t.run([P, layout, plain], check=0)
p = t.run([P, layout, plain])
t.eq(p.returncode, 1, "existing unsigned .aci refused")
t.run([P, "--overwrite", layout, plain], check=0)

# Refusals.
p = t.run([P, "--sign", "--gnupg-home", home, "--key", "nobody@example.com", layout, os.path.join(d, "k.aci")])
t.eq(p.returncode, 1, "unknown key: bad input")
t.contains(p.stderr, "aci-pack: error: %s: no secret key 'nobody@example.com'" % home, "unknown key named")
t.check(not os.path.exists(os.path.join(d, "k.aci.asc")), "no signature for an unknown key")
p = t.run([P, "--key", fpr, layout, os.path.join(d, "nosign.aci")])
t.eq((p.returncode, p.stderr), (2, "aci-pack: error: --gnupg-home and --key need --sign\n"), "--key without --sign")
t.finish()
