"""example-third-party: examples/third-party/third-party.sh on a small image
unpacked from a fixture .deb. The publisher signs with its own GnuPG home; the
consumer accepts the genuine image (report: valid, signer = the publisher's
fingerprint, no errors) and rejects a tampered one (bad signature) and one
signed by another key (no public key), each with exit 1 and the reason in the
report's errors. Also: the consumer rejects a good signature by a key in the
keyring that is not the pinned fingerprint, and a wrong expected name."""
import json
import os
import re
import shutil
import subprocess

import acitest as t
import debfixtures as df

SCRIPT = os.path.join(t.SOURCE_DIR, "examples", "third-party", "third-party.sh")
if not shutil.which("gpg"):
    t.skip("gpg not installed")

work = t.tempdir("example-third-party")
env = {"ACIKIT_BIN": t.BIN_DIR}
NAME = "example.com/hello"

# The image's content: a fixture package with one script.
deb = df.build_raw(os.path.join(work, "hello_1.0_all.deb"), "hello", [
    df.dir("./"), df.dir("./usr/"), df.dir("./usr/bin/"),
    df.file("./usr/bin/hello", b"#!/bin/sh\necho hello\n", mode=0o755)])
layout = os.path.join(work, "layout")
t.run([t.tool("aci-unpack"), "--quiet", "--rootfs", os.path.join(layout, "rootfs"), deb], check=0)
t.run([t.tool("aci-manifest"), "--name", NAME, "--arch", "amd64", "--exec", "/usr/bin/hello",
       "--output", os.path.join(layout, "manifest")], check=0)

demo = os.path.join(work, "demo")
p = t.run([SCRIPT, "demo", demo, layout], env=env, timeout=300)
print(p.stdout)
print(p.stderr)
t.eq(p.returncode, 0, "third-party.sh demo exit status")
m = re.search(r"^publisher: \S+ (sha512-[0-9a-f]{128}), signed by ([0-9A-F]{40})$", p.stdout, re.M)
t.check(m is not None, "publisher line printed")
image_id, fpr = m.groups() if m else ("?", "?")
mallory = re.search(r"^--- consumer: the image signed by another key \(([0-9A-F]{40})\)$", p.stdout, re.M)
t.check(mallory is not None, "other key printed")
mfpr = mallory.group(1) if mallory else "?"
con = os.path.join(demo, "consumer")
t.contains(p.stdout, "accept %s/hello.aci: %s, %s, signed by %s\n" % (con, NAME, image_id, fpr), "genuine accepted")


def report(image):
    return json.load(open(os.path.join(con, image + ".report.json")))["results"][0]


r = report("hello.aci")
t.eq((r["valid"], r["signer"], r["errors"], r["name"], r["image_id"]), (True, fpr, [], NAME, image_id),
     "genuine report")
ring = os.path.join(con, "publisher.gpg")
r = report("tampered.aci")
t.eq((r["valid"], r["signer"], r["errors"], r["name"]),
     (False, None, ["signature: %s/tampered.aci.asc: no valid signature from a key in %s (signature by %s: "
                    "bad signature)" % (con, ring, fpr)], NAME), "tampered report")
t.check(r["image_id"] != image_id, "tampered image has another ID")
t.contains(p.stdout, "reject %s/tampered.aci (aci-verify exit 1):\n  - signature: " % con, "tampered rejected")
r = report("other-key.aci")
t.eq((r["valid"], r["signer"], r["errors"], r["image_id"]),
     (False, None, ["signature: %s/other-key.aci.asc: no valid signature from a key in %s (signature by %s: "
                    "no public key)" % (con, ring, mfpr)], image_id), "other-key report")
t.contains(p.stdout, "reject %s/other-key.aci (aci-verify exit 1):\n  - signature: " % con, "other-key rejected")
t.contains(p.stdout, '"valid": false', "rejected reports printed")

# The consumer step alone: exit codes.
C = lambda *a: t.run([SCRIPT, "consume"] + list(a), env=env)
t.eq(C(ring, fpr, NAME, os.path.join(con, "hello.aci")).returncode, 0, "consume genuine")
t.eq(C(ring, fpr, NAME, os.path.join(con, "tampered.aci")).returncode, 1, "consume tampered")
t.eq(C(ring, fpr, NAME, os.path.join(con, "other-key.aci")).returncode, 1, "consume other-key")
p = C(ring, fpr, "example.com/other", os.path.join(con, "hello.aci"))
t.eq((p.returncode, p.stdout), (1, "reject %s/hello.aci (aci-verify exit 1):\n  - image name '%s' is not the "
                                   "expected 'example.com/other'\n" % (con, NAME)), "consume wrong name")
# A keyring with both keys: the other-key image's signature is good, but not by the pinned key.
both = os.path.join(work, "both.gpg")
with open(both, "wb") as f:
    f.write(open(ring, "rb").read())
    f.write(subprocess.run(["gpg", "--homedir", os.path.join(demo, "mallory", "gnupg"), "--batch", "--export", mfpr],
                           capture_output=True, check=True).stdout)
p = C(both, fpr, NAME, os.path.join(con, "other-key.aci"))
t.eq((p.returncode, p.stdout), (1, "reject %s/other-key.aci (aci-verify exit 0):\n  - signer %s is not the "
                                   "pinned %s\n" % (con, mfpr, fpr)), "consume good signature, unpinned key")
t.eq(C(ring, fpr, NAME, os.path.join(con, "missing.aci")).returncode, 1, "consume missing image")
t.eq(t.run([SCRIPT, "consume", ring]).returncode, 2, "consume usage")
for h in ("publisher", "mallory"):
    t.run(["gpgconf", "--homedir", os.path.join(demo, h, "gnupg"), "--kill", "gpg-agent"])
t.finish()
