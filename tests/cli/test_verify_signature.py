"""aci-verify --keyring: a detached armoured signature NAME.aci.asc (or
--signature) over the exact bytes of the .aci; good, bad (tampered),
unknown-key, expired-key and missing signatures. Test keys are generated at
test time in temporary GnuPG homes."""
import os
import shutil
import subprocess

import acicorpus
import acitest as t

V = t.tool("aci-verify")
if not shutil.which("gpg"):
    t.skip("gpg not installed")
d = t.tempdir("verify-sig")
items = {it.name: it for it in acicorpus.build(d)}
env = dict(os.environ)


def gpg(home, *args, input=None):
    return subprocess.run(["gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback",
                           "--passphrase", ""] + list(args), input=input, capture_output=True, check=True)


# The expired key is made and used in 2020 (gpg --faked-system-time), valid for a day.
PAST = ["--faked-system-time", "20200101T000000"]


def new_key(name, expire="never", when=()):
    home = os.path.join(d, "gnupg-" + name)
    os.mkdir(home, 0o700)
    gpg(home, *when, "--quick-gen-key", name + "@example.com", "ed25519", "sign", expire)
    fpr = [l.split(":")[9] for l in gpg(home, "--with-colons", "--list-keys").stdout.decode().split("\n")
           if l.startswith("fpr:")][0]
    ring = os.path.join(d, name + ".gpg")
    with open(ring, "wb") as f:
        f.write(gpg(home, "--export", fpr).stdout)
    return home, fpr, ring


def sign(home, path, out=None, when=()):
    gpg(home, *when, "--armor", "--detach-sign", "--output", out or path + ".asc", path)


home, fpr, ring = new_key("good")
other_home, other_fpr, other_ring = new_key("other")
exp_home, exp_fpr, exp_ring = new_key("expired", "1d", PAST)

img = items["valid-gzip"].path
sign(home, img)
p = t.run([V, "--keyring", ring, img])
t.eq((p.returncode, p.stdout.split("\n")[1:], p.stderr), (0, [img + ": signed by " + fpr, ""], ""), "signature-good")

# --json carries the signer
import json
p = t.run([V, "--json", "--keyring", ring, img])
t.eq(json.loads(p.stdout)["results"][0]["signer"], fpr, "signature-good json signer")

# --signature names the file explicitly
alt = os.path.join(d, "detached.sig")
sign(home, img, alt)
os.unlink(img + ".asc")
p = t.run([V, "--keyring", ring, "--signature", alt, img])
t.eq(p.returncode, 0, "signature-explicit-file")

# missing
p = t.run([V, "--keyring", ring, img])
t.eq((p.returncode, p.stdout), (1, "%s: invalid: signature: %s.asc: missing\n" % (img, img)), "signature-missing")

# unknown key: signed by a key not in the keyring
sign(other_home, img)
p = t.run([V, "--keyring", ring, img])
t.eq(p.returncode, 1, "signature-unknown-key exit")
t.eq(p.stdout, "%s: invalid: signature: %s.asc: no valid signature from a key in %s (signature by %s: no public key)\n"
     % (img, img, ring, other_fpr), "signature-unknown-key report")

# tampered: one byte of the image changed after signing
tampered = os.path.join(d, "tampered.aci")
data = bytearray(open(items["valid-none"].path, "rb").read())
with open(tampered, "wb") as f:
    f.write(data)
sign(home, tampered)
data[data.index(b"#!/bin/true"):][:11]  # rootfs/bin/sh content: the image stays valid
i = data.index(b"#!/bin/true")
data[i + 8] = ord("T")
with open(tampered, "wb") as f:
    f.write(data)
p = t.run([V, "--keyring", ring, tampered])
t.eq(p.returncode, 1, "signature-tampered exit")
t.eq(p.stdout, "%s: invalid: signature: %s.asc: no valid signature from a key in %s (signature by %s: bad signature)\n"
     % (tampered, tampered, ring, fpr), "signature-tampered report")

# expired key
exp_img = os.path.join(d, "expired.aci")
shutil.copy(items["valid-none"].path, exp_img)
sign(exp_home, exp_img, when=PAST)
p = t.run([V, "--keyring", exp_ring, exp_img])
t.eq(p.returncode, 1, "signature-expired-key exit")
t.eq(p.stdout, "%s: invalid: signature: %s.asc: no valid signature from a key in %s (signature by %s: expired key)\n"
     % (exp_img, exp_img, exp_ring, exp_fpr), "signature-expired-key report")

# identity is compared too, and reported next to the signature verdict
p = t.run([V, "--keyring", ring, "--expect-name", "example.com/other", img])
t.eq(p.returncode, 1, "expect-name with a signature")
t.contains(p.stdout, "image name 'example.com/corpus' is not the expected 'example.com/other'", "expect-name report")

# layouts carry no signature
p = t.run([V, "--keyring", ring, d + "/nothere.json"])
t.eq(p.returncode, 3, "unreadable input with keyring")
p = t.run([V, "--signature", alt, img])
t.eq((p.returncode, p.stderr), (2, "aci-verify: error: --signature needs --keyring\n"), "signature without keyring")
# stdin: read once, validated and signature-checked on the way (--signature
# names the signature; there is no INPUT.asc for "-")
sign(home, img)
data = open(img, "rb").read()
p = t.run([V, "--keyring", ring, "--signature", img + ".asc", "-"], input=data)
p.stdout, p.stderr = p.stdout.decode(), p.stderr.decode()
import hashlib
raw = subprocess.run(["gzip", "-dc", img], capture_output=True, check=True).stdout
t.eq((p.returncode, p.stdout, p.stderr), (0, "-: valid sha512-%s\n-: signed by %s\n" % (hashlib.sha512(raw).hexdigest(),
     fpr), ""), "signature-stdin-good")
other = open(items["valid-none"].path, "rb").read()
p = t.run([V, "--keyring", ring, "--signature", img + ".asc", "-"], input=other)
p.stdout = p.stdout.decode()
t.eq((p.returncode, p.stdout), (1, "-: invalid: signature: %s.asc: no valid signature from a key in "
     "%s (signature by %s: bad signature)\n" % (img, ring, fpr)), "signature-stdin-other-bytes")
p = t.run([V, "--keyring", ring, "-"], input="")
t.eq((p.returncode, p.stdout, p.stderr), (2, "", "aci-verify: error: --keyring with - (stdin) needs --signature FILE\n"),
     "signature-stdin-needs-signature")
# layouts and manifests carry no signature
lay = os.path.join(d, "layout")
os.makedirs(os.path.join(lay, "rootfs"))
with open(os.path.join(lay, "manifest"), "wb") as f:
    f.write(acicorpus.manifest_bytes())
p = t.run([V, "--keyring", ring, lay])
t.eq((p.returncode, p.stdout.split("\n")[0]), (1, lay + ": invalid: signature: only .aci files are signed (--keyring "
     "given)"), "signature-layout-refused")
# Several signatures in one .asc: the verdict does not depend on their order.
# "bad" is the same trusted key over other bytes (gpg stops at a BAD signature,
# so a good one after it is never seen): both orders fail, as gpgv does.
multi = items["valid-none"].path
elsewhere = os.path.join(d, "elsewhere.txt")
with open(elsewhere, "wb") as f:
    f.write(b"other data\n")


def binary_sig(h, path):
    return gpg(h, "--detach-sign", "--output", "-", path).stdout


good_sig, bad_sig, unknown_sig = binary_sig(home, multi), binary_sig(home, elsewhere), binary_sig(other_home, multi)


def with_sigs(name, *sigs):
    path = os.path.join(d, name + ".sig")
    with open(path, "wb") as f:
        f.write(b"".join(sigs))
    return t.run([V, "--keyring", ring, "--signature", path, multi]), path


p, path = with_sigs("goodbad", good_sig, bad_sig)
t.eq((p.returncode, p.stdout), (1, "%s: invalid: signature: %s: a bad signature beside a good one (signature by %s: "
     "good; %s: bad signature)\n" % (multi, path, fpr, fpr)), "signature-good-then-bad-fails")
p, path = with_sigs("badgood", bad_sig, good_sig)
t.eq((p.returncode, p.stdout), (1, "%s: invalid: signature: %s: no valid signature from a key in %s (signature by "
     "%s: bad signature)\n" % (multi, path, ring, fpr)), "signature-bad-then-good-fails")
# one good plus one by a key not in the keyring: passes in either order (gpgv
# and apt accept it; an archive may sign with keys the keyring lacks)
for name, sigs in [("goodunknown", (good_sig, unknown_sig)), ("unknowngood", (unknown_sig, good_sig))]:
    p, path = with_sigs(name, *sigs)
    t.eq((p.returncode, p.stdout.split("\n")[1:]), (0, [multi + ": signed by " + fpr, ""]),
         "signature-good-and-unknown-key-passes: " + name)

# "-" names stdin, never a signature or keyring file
p = t.run([V, "--keyring", ring, "--signature", "-", img])
t.eq((p.returncode, p.stdout, p.stderr), (2, "", "aci-verify: error: --signature -: the signature cannot be read from "
     "stdin (give its file)\n"), "signature-dash-is-a-usage-error")
p = t.run([V, "--keyring", "-", img])
t.eq((p.returncode, p.stdout, p.stderr), (2, "", "aci-verify: error: --keyring -: the keyring cannot be read from "
     "stdin (give its file)\n"), "keyring-dash-is-a-usage-error")
t.finish()
