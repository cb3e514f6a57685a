"""example-java-makefile: examples/java/Makefile builds the Java ACI step by step
from the machine's mirror, each step a target with real file dependencies: a
second `make` rebuilds nothing (only the phony verify runs), and `make run`
prints the JVM's version from inside the image. Skips visibly (fails under CI)
without the mirror."""
import os
import shutil

import acitest as t

if not t.system_mirror():
    t.skip("the machine's Debian mirror cannot be reached")
if shutil.which("make") is None or shutil.which("unshare") is None:
    t.skip("make or unshare is missing")

work = t.tempdir("example-java-makefile")
ex = os.path.join(work, "java")
shutil.copytree(os.path.join(t.SOURCE_DIR, "examples", "java"), ex)
make = ["make", "-C", ex, "ACIKIT_BIN=" + t.BIN_DIR, "TOP=" + t.SOURCE_DIR]
env = {"XDG_CACHE_HOME": os.path.join(work, "cache")}

p = t.run(make, env=env, timeout=1200)
t.eq(p.returncode, 0, "make (stderr: %s)" % p.stderr[-2000:])
for f in ("java.lock", "debs.list", "layout/manifest", "java.aci", "java.id"):
    t.check(os.path.isfile(os.path.join(ex, f)), f + " made")
image_id = open(os.path.join(ex, "java.id")).read().strip()
t.contains(p.stdout, "java.aci: valid " + image_id, "aci-verify verdict")

# Nothing changed: only the phony verify target runs again.
p = t.run(make, env=env, check=0)
for tool in ("aci-fetch", "aci-unpack", "aci-manifest", "aci-pack"):
    t.check(tool not in p.stdout, "second make does not run " + tool)
t.contains(p.stdout, "aci-verify java.aci", "second make verifies")

p = t.run(make + ["run"], env=env, check=0)
t.contains(p.stderr, 'openjdk version "17.', "java -version inside the image")
t.finish()
