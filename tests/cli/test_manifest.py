"""aci-manifest: flags to a canonical manifest, and every refusal with its message."""
import json
import os

import acitest as t

M = t.tool("aci-manifest")
d = t.tempdir("manifest")


def gen(*args, rc=0):
    return t.run([M] + list(args), check=rc)


# A full manifest; exec arguments are kept whole, never split on spaces.
p = gen("--name", "example.com/java", "--version", "17.0.9", "--debian-arch", "arm64",
        "--exec", "/usr/bin/java", "--exec-arg", "-version", "--exec-arg", "a b  c",
        "--user", "daemon", "--group", "1", "--working-directory", "/srv",
        "--env", "JAVA_HOME=/usr/lib/jvm", "--env", "EMPTY=", "--env", "EQ=a=b",
        "--label", "channel=stable", "--annotation", "authors=Me <me@example.com>")
m = json.loads(p.stdout)
t.eq(m["acKind"], "ImageManifest", "acKind")
t.eq(m["acVersion"], "0.8.11", "acVersion")
t.eq(m["name"], "example.com/java", "name")
t.eq(m["labels"], [{"name": "arch", "value": "aarch64"}, {"name": "channel", "value": "stable"},
                   {"name": "os", "value": "linux"}, {"name": "version", "value": "17.0.9"}], "labels sorted")
t.eq(m["app"]["exec"], ["/usr/bin/java", "-version", "a b  c"], "exec args not split")
t.eq(m["app"]["user"], "daemon", "user")
t.eq(m["app"]["group"], "1", "group")
t.eq(m["app"]["workingDirectory"], "/srv", "workingDirectory")
t.eq(m["app"]["environment"], [{"name": "JAVA_HOME", "value": "/usr/lib/jvm"}, {"name": "EMPTY", "value": ""},
                               {"name": "EQ", "value": "a=b"}], "environment in order")
t.eq(m["annotations"], [{"name": "authors", "value": "Me <me@example.com>"}], "annotations")
t.eq(p.stdout, json.dumps(m, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "canonical text = sorted, 2-space")
t.eq(p.stderr, "", "quiet on success")

# Defaults: user/group 0, os linux; no --exec means no app.
m = json.loads(gen("--name", "x", "--exec", "/bin/sh").stdout)
t.eq((m["app"]["user"], m["app"]["group"]), ("0", "0"), "default user/group")
t.eq(m["labels"], [{"name": "os", "value": "linux"}], "default os")
m = json.loads(gen("--name", "x").stdout)
t.check("app" not in m, "no app without --exec")

# Every Debian architecture mapping of the brief.
for deb, aci in [("amd64", "amd64"), ("arm64", "aarch64"), ("armhf", "armv7l"), ("i386", "i386"),
                 ("ppc64el", "ppc64le"), ("s390x", "s390x")]:
    m = json.loads(gen("--name", "x", "--debian-arch", deb).stdout)
    t.eq([l["value"] for l in m["labels"] if l["name"] == "arch"], [aci], "debian arch " + deb)

# --output: atomic file, nothing on stdout.
out = os.path.join(d, "manifest")
p = gen("--name", "x", "--output", out)
t.eq(p.stdout, "", "stdout empty with --output")
t.eq(json.load(open(out))["name"], "x", "--output content")
t.eq(sorted(os.listdir(d)), ["manifest"], "no temporaries left")

# The result passes the reference validator.
actool = t.find_actool()
if actool:
    out2 = os.path.join(d, "full")
    gen("--name", "example.com/app", "--exec", "/bin/sh", "--exec-arg", "-c", "--env", "A=1", "--output", out2,
        "--debian-arch", "ppc64el", "--annotation", "created=2024-01-02T03:04:05Z")
    t.run([actool, "validate", "--type=manifest", out2], check=0)

# Refusals: exit 1 for values, 2 for usage; the message names the flag.
refusals = [
    (["--name", "Example.com/x"], 1,
     "aci-manifest: error: --name: AC Identifier 'Example.com/x' may hold only lower-case letters, digits and '-._~/'\n"),
    (["--name", "x/"], 1, "aci-manifest: error: --name: AC Identifier 'x/' must end with a lower-case letter or digit\n"),
    (["--name", "x", "--exec", "bin/sh"], 1, "aci-manifest: error: --exec: exec[0] 'bin/sh' must be an absolute path\n"),
    (["--name", "x", "--arch", "x86_64"], 1,
     "aci-manifest: error: --arch: bad arch 'x86_64' for os 'linux' (must be one of: amd64 i386 aarch64 aarch64_be "
     "armv6l armv7l armv7b ppc64 ppc64le s390x)\n"),
    (["--name", "x", "--debian-arch", "mips64el"], 1,
     "aci-manifest: error: --debian-arch: Debian architecture 'mips64el' has no ACI arch name\n"),
    (["--name", "x", "--os", "plan9"], 1,
     "aci-manifest: error: --os: unknown os 'plan9' (must be one of: darwin freebsd linux)\n"),
    (["--name", "x", "--label", "name=y"], 1,
     "aci-manifest: error: --label: label name 'name' is reserved (it would be confused with the image name)\n"),
    (["--name", "x", "--label", "os=linux"], 1, "aci-manifest: error: --label: duplicate label 'os'\n"),
    (["--name", "x", "--label", "novalue"], 1, "aci-manifest: error: --label: 'novalue' is not of the form NAME=VALUE\n"),
    (["--name", "x", "--label", "Bad=1"], 1,
     "aci-manifest: error: --label: AC Identifier 'Bad' may hold only lower-case letters, digits and '-._~/'\n"),
    (["--name", "x", "--exec", "/a", "--env", "1A=x"], 1,
     "aci-manifest: error: --env: environment variable name '1A' must not start with a digit\n"),
    (["--name", "x", "--exec", "/a", "--env", "A.B=x"], 1,
     "aci-manifest: error: --env: environment variable name 'A.B' may hold only letters, digits and '_'\n"),
    (["--name", "x", "--exec", "/a", "--env", "A=1", "--env", "A=2"], 1,
     "aci-manifest: error: --env: duplicate environment variable 'A'\n"),
    (["--name", "x", "--exec", "/a", "--working-directory", "srv"], 1,
     "aci-manifest: error: --working-directory: 'srv' must be an absolute path\n"),
    (["--name", "x", "--exec", "/a", "--user", ""], 1, "aci-manifest: error: --user: cannot be empty\n"),
    (["--name", "x", "--annotation", "example.com/k=v"], 1,
     "aci-manifest: error: --annotation: AC Name 'example.com/k' may hold only lower-case letters, digits and '-'\n"),
    (["--name", "x", "--annotation", "homepage=ftp://x"], 1,
     "aci-manifest: error: --annotation: annotation 'homepage': 'ftp://x' is not an http or https URL\n"),
    (["--name", "x", "--annotation", "created=now"], 1,
     "aci-manifest: error: --annotation: annotation 'created': 'now' is not an RFC 3339 date-time\n"),
    ([], 2, "aci-manifest: error: --name is required\n"),
    (["--name", "x", "--exec-arg", "-v"], 2,
     "aci-manifest: error: --exec-arg needs --exec (it belongs to the manifest's app)\n"),
    (["--name", "x", "--arch", "amd64", "--debian-arch", "amd64"], 2,
     "aci-manifest: error: --arch and --debian-arch are mutually exclusive\n"),
    (["--name", "x", "--bogus"], 2, "aci-manifest: error: unrecognised option '--bogus'\n"),
]
for args, rc, err in refusals:
    p = t.run([M] + args)
    t.eq(p.returncode, rc, "exit of %r" % args)
    t.eq(p.stderr, err, "stderr of %r" % args)
    t.eq(p.stdout, "", "stdout of %r" % args)

p = t.run([M, "--help"], check=0)
t.contains(p.stdout, "Usage: aci-manifest", "--help")
p = t.run([M, "--version"], check=0)
t.check(p.stdout.startswith("aci-manifest "), "--version")
t.finish()
