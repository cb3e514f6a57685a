"""aci-verify over the generated corpus (acicorpus.py): each item's verdict and
exact error lines, the --json report, exit statuses, and the image ID equal to
sha512sum of the uncompressed tar."""
import hashlib
import json
import os
import subprocess

import acicorpus
import acitest as t

V = t.tool("aci-verify")
d = t.tempdir("verify")
items = acicorpus.build(d)

for it in items:
    p = t.run([V, it.path])
    warnings = "".join("%s: warning: %s\n" % (it.path, w) for w in it.warnings)
    if it.valid:
        t.eq(p.returncode, 0, it.name + " exit")
        raw = subprocess.run(["sh", "-c", 'xz -dc -f < "$1" 2>/dev/null || cat "$1"', "sh", it.path],
                             capture_output=True).stdout
        if it.name.endswith("gzip"):
            raw = subprocess.run(["gzip", "-dc", it.path], capture_output=True).stdout
        if it.name.endswith("bzip2"):
            raw = subprocess.run(["bzip2", "-dc", it.path], capture_output=True).stdout
        t.eq(p.stdout.split("\n")[0], "%s: valid sha512-%s" % (it.path, hashlib.sha512(raw).hexdigest()),
             it.name + " report")
        t.eq("".join(l + "\n" for l in p.stdout.split("\n")[1:-1]), warnings, it.name + " warnings")
    else:
        t.eq(p.returncode, 1, it.name + " exit")
        if it.errors is None:
            t.check(p.stdout.startswith(it.path + ": invalid: "), it.name + " report: " + p.stdout)
        else:
            t.eq(p.stdout, "".join("%s: invalid: %s\n" % (it.path, e) for e in it.errors) + warnings,
                 it.name + " report")
    t.eq(p.stderr, "", it.name + " stderr")

# The dot-slash layout warns about nothing but is valid; a "./" root entry warns.
# --json over several inputs, one unreadable: exit 3.
paths = [it.path for it in items[:2]] + [os.path.join(d, "missing.aci")]
p = t.run([V, "--json"] + paths)
t.eq(p.returncode, 3, "json exit with an unreadable input")
report = json.loads(p.stdout)["results"]
t.eq([r["file"] for r in report], paths, "json files")
t.eq([r["valid"] for r in report], [True, True, False], "json valid")
t.eq(report[1]["compression"], "gzip", "json compression")
t.check(report[0]["image_id"].startswith("sha512-") and len(report[0]["image_id"]) == 135, "json image_id")
t.eq(report[2]["errors"], [os.path.join(d, "missing.aci") + ": open: No such file or directory"], "json error")
t.eq(report[2]["image_id"], None, "json image_id null")
t.eq(p.stderr, "aci-verify: error: %s: open: No such file or directory\n" % os.path.join(d, "missing.aci"),
     "stderr names the unreadable file")
t.eq([r["verdict"] for r in report], ["valid", "valid", "unreadable"], "json verdict")
# the text verdict word matches the exit status: unreadable (3), not invalid (1)
missing = os.path.join(d, "missing.aci")
p = t.run([V, missing])
t.eq((p.returncode, p.stdout), (3, "%s: unreadable: %s: open: No such file or directory\n" % (missing, missing)),
     "missing-input-verdict-unreadable")
bad = [it for it in items if not it.valid][0]
p = t.run([V, "--json", bad.path])
t.eq((p.returncode, json.loads(p.stdout)["results"][0]["verdict"]), (1, "invalid"), "json verdict invalid")

# Mixed valid + invalid: exit 1.
bad = [it for it in items if not it.valid][0]
p = t.run([V, items[0].path, bad.path])
t.eq(p.returncode, 1, "any invalid → 1")
p = t.run([V])
t.eq((p.returncode, p.stderr), (2, "aci-verify: error: expected at least one INPUT (.aci file, layout directory, manifest or -)\n"), "no inputs → usage")
p = t.run([V, "--frobnicate", items[0].path])
t.eq(p.returncode, 2, "unknown flag → usage")

t.finish()
