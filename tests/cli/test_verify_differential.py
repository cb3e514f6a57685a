"""Differential test: `actool validate` (the reference validator) and aci-verify
on the whole generated corpus (acicorpus.py). They must agree on every item
except the intended disagreements listed here, each with its reason; an
intended disagreement that stops disagreeing is a failure too (the list must
stay true). Under CI=true the test may not skip."""
import subprocess

import acicorpus
import acitest as t

V = t.tool("aci-verify")
actool = t.find_actool()
if not actool:
    t.skip("actool not found (set ACTOOL or run scripts/setup)")

# corpus item -> why aci-verify refuses what actool accepts
INTENDED = {
    "rootfsx": "spec/aci.md allows only 'manifest' and 'rootfs/' at the top level; actool checks the prefix "
               "'rootfs' as a string, so 'rootfsx' passes",
    "rootfsx-dir": "the same prefix test lets 'rootfsx/...' through",
    "hardlink-missing-target": "a hardlink to a file the image lacks cannot be extracted; actool does not "
                               "check hardlink targets",
    "hardlink-to-later-file": "tar extracts in order: a hardlink to a later entry fails; actool does not check",
    "hardlink-to-directory": "hardlinks to directories cannot exist; actool does not check",
    "trailing-garbage": "bytes after the end-of-archive marker are hashed into the image ID but carry no "
                        "entries; actool's tar reader stops at the marker",
    "garbage-in-end-padding": "likewise, inside the zero blocks after the marker",
    "trailing-garbage-gzip": "likewise, inside the compressed stream",
    "gzip-trailing-after-stream": "data after the last gzip member; Go's gzip reader ignores it",
    "truncated-at-entry-boundary": "a stream that stops between entries, without the end-of-archive marker, "
                                   "is cut short; Go's archive/tar (and libarchive) take it as complete",
    "duplicate-json-key": "two 'name' keys mean different names to different JSON readers (Go keeps the "
                          "last); aci-verify refuses the ambiguity",
    "case-folded-json-key": "Go's encoding/json matches keys case-insensitively, so 'Name' overrides 'name' "
                            "there and not elsewhere",
    "deeply-nested-manifest": "aci-verify bounds JSON nesting at 64 levels (hostile input); the unknown key "
                              "is ignored by actool",
    "huge-manifest": "aci-verify bounds the manifest at 1 MiB (hostile input)",
    "duplicate-root-entry": "two './' entries: which one's mode and owner the extracted root gets is up to "
                            "the extractor; no duplicate entries of any kind (issue 5), the root included; "
                            "actool skips './' entries unchecked",
    "manifest-relative-exec": "spec/aci.md: exec[0] must be an absolute path; actool does not check it",
    "manifest-dependency-short-image-id": "spec/types.md: an image ID is sha512- and the hex digest; actool "
                                          "accepts any non-empty value",
    "manifest-isolator-capability-without-cap-prefix": "capabilities(7) names are CAP_...; a runtime refuses "
                                                       "others, actool accepts any string",
    "manifest-isolator-capabilities-retain-and-remove": "spec/ace.md: the retain set cannot be used in "
                                                        "conjunction with the remove set; actool does not check",
    "manifest-isolator-negative-quantity": "a negative resource limit means nothing; actool's Kubernetes "
                                           "quantity parser accepts a sign",
    "manifest-isolator-empty-syscall": "an empty syscall name names no syscall; actool checks only that the set "
                                       "is non-empty",
}

# corpus item -> why aci-verify accepts what actool refuses
INTENDED_LENIENT = {
    "valid-isolator-unknown": "spec/types.md: an isolator's value may be any JSON value, and spec/ace.md lets an "
                              "executor ignore isolators it does not know; actool 0.8.11 refuses every unknown "
                              "isolator name",
    "valid-isolator-quantity-upper-k": "spec/ace.md lists the metric suffix 'K'; actool's parser knows only "
                                       "'k' (aci-manifest writes neither form it cannot read: it refuses 'K')",
    "valid-created-lower-case-t-z": "RFC 3339 section 5.6 (NOTE) allows 't' and 'z' in lower case; Go's "
                                    "time.RFC3339 layout matches 'T' and 'Z' literally",
    "valid-created-leap-second-60": "RFC 3339 section 5.7 allows second 60 (a leap second); Go's time.Parse "
                                    "refuses it as out of range",
}

d = t.tempdir("verify-differential")
items = acicorpus.build(d)
names = {it.name for it in items}
for n in list(INTENDED) + list(INTENDED_LENIENT):
    t.check(n in names, "intended disagreement %r names a corpus item" % n)
for it in items:
    ours = t.run([V, it.path]).returncode
    # errors="replace": actool echoes the manifest bytes it refused, e.g. a partial BOM
    p = subprocess.run([actool, "validate", it.path], capture_output=True, text=True, errors="replace", timeout=120)
    theirs = p.returncode
    t.check(theirs in (0, 1), "%s: actool exit %d (a crash?): %s" % (it.name, theirs, p.stderr[-300:]))
    t.eq(ours, 0 if it.valid else 1, it.name + ": aci-verify verdict")
    agree = (ours == 0) == (theirs == 0)
    if it.name in INTENDED:
        t.check(not agree and ours != 0, "%s: listed as an intended disagreement (%s) but actool exit %d, "
                "aci-verify exit %d" % (it.name, INTENDED[it.name], theirs, ours))
    elif it.name in INTENDED_LENIENT:
        t.check(not agree and ours == 0, "%s: listed as an intended disagreement (%s) but actool exit %d, "
                "aci-verify exit %d" % (it.name, INTENDED_LENIENT[it.name], theirs, ours))
    else:
        t.check(agree, "%s: aci-verify exit %d, actool exit %d: %s" % (it.name, ours, theirs, p.stderr.strip()))
t.finish()
