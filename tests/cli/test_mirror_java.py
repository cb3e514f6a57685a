"""main-job-java: the README's main job. Builds the Java ACI from the machine's
configured mirror with scripts/packages2aci and examples/java/packages, verifies
it (aci-verify and actool), runs app.exec inside the image, and checks that the
version the JVM prints is the one the verified index gave for
openjdk-17-jre-headless, so that a run leaking to the host's Java cannot pass."""
import os
import re
import shutil

import acitest as t

if not t.system_mirror():
    t.skip("the machine's Debian mirror cannot be reached")
if shutil.which("unshare") is None:
    t.skip("unshare is missing: cannot run the image")

work = t.tempdir("main-job-java")
aci = os.path.join(work, "java.aci")
p = t.run([os.path.join(t.SOURCE_DIR, "scripts", "packages2aci"),
           "--list", os.path.join(t.SOURCE_DIR, "examples", "java", "packages"),
           "--name", "example.com/java",
           "--exec", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "--exec-arg", "-version",
           "--work", os.path.join(work, "w"), "--output", aci, "--run"],
          env={"ACIKIT_BIN": t.BIN_DIR}, timeout=1800)
print(p.stdout)
print(p.stderr)
t.eq(p.returncode, 0, "packages2aci exit status")
m = re.search(r"^image: \S+ (sha512-[0-9a-f]{128})$", p.stdout, re.M)
t.check(m is not None, "image ID printed")
t.check(re.search(r"^\S+: valid sha512-[0-9a-f]{128}", p.stdout, re.M) is not None, "valid verdict printed")

debs = sorted(os.listdir(os.path.join(work, "w", "debs")))
jre = [d for d in debs if d.startswith("openjdk-17-jre-headless_")]
t.eq(len(jre), 1, "one openjdk-17-jre-headless .deb fetched")
if jre:
    version = jre[0].split("_")[1].replace("%3a", ":")
    upstream = version.split(":")[-1].rsplit("-", 1)[0]     # e.g. 17.0.15+6
    feature = upstream.split("+")[0]                         # e.g. 17.0.15
    # java -version writes to stderr; run-aci passes it through.
    t.contains(p.stderr, 'openjdk version "%s"' % feature, "java -version inside the image")
    t.contains(p.stderr, "(build %s-" % upstream, "JVM build matches the index version")

actool = t.find_actool()
if actool:
    t.run([actool, "validate", aci], check=0)
else:
    t.skip("actool (the reference validator) is missing: run scripts/setup")
t.finish()
