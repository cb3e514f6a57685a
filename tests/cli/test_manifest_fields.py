"""aci-manifest: every field of the image manifest from flags (generate and patch,
on a manifest file and on an .aci), replacement of same-named items, --remove-*,
and every refusal with its message and exit status."""
import json
import os

import acicorpus
import acitest as t

M = t.tool("aci-manifest")
V = t.tool("aci-verify")
d = t.tempdir("manifest-fields")
items = {it.name: it for it in acicorpus.build(d)}
actool = t.find_actool()


def gen(*args):
    p = t.run([M] + list(args))
    t.eq((p.returncode, p.stderr), (0, ""), "generate %r" % (args,))
    return p.stdout


def valid(path, what, by_actool=True):
    t.eq(t.run([V, path]).returncode, 0, what + ": aci-verify")
    if actool and by_actool:
        p = t.run([actool, "validate"] + ([] if path.endswith(".aci") else ["--type=manifest"]) + [path])
        t.eq(p.returncode, 0, what + ": actool validate: " + p.stderr)


def write(name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


FULL = ["--name", "example.com/app", "--exec", "/bin/sh",
        "--supplementary-gid", "5", "--supplementary-gid", "7", "--supplementary-gid", "5",
        "--pre-start", "/bin/pre", "--pre-start-arg", "a b", "--pre-start-arg", "c,d",
        "--post-stop", "/bin/post",
        "--mount", "data=/var/lib/d", "--mount-ro", "conf=/etc/a,b c",
        "--port", "http=tcp:8080,count=2,socketActivated", "--port", "dns=udp:53",
        "--isolator", 'resource/memory={"limit": "1Gi"}',
        "--capability-retain", "CAP_NET_BIND_SERVICE", "--capability-retain", "CAP_KILL",
        "--seccomp-mode", "remove", "--seccomp-set", "reboot", "--seccomp-set", "kexec_load", "--seccomp-errno", "EPERM",
        "--dependency", "example.com/base,size=1024,imageID=sha512-" + "ab" * 64,
        "--dependency-label", "example.com/base:version=1, 2", "--dependency", "example.com/other",
        "--path-whitelist", "/bin/sh", "--path-whitelist", "/etc/a b",
        "--created", "2024-01-02T03:04:05Z", "--homepage", "https://example.com/x",
        "--documentation", "http://example.com/doc", "--authors", "A, B <a@example.com>"]

# ---- generate: every field ----
text = gen(*FULL)
m = json.loads(text)
a = m["app"]
t.eq(text, json.dumps(m, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "canonical text")
t.eq(a["supplementaryGIDs"], [5, 7], "supplementary-gid: in order, once each")
t.eq(a["eventHandlers"], [{"name": "pre-start", "exec": ["/bin/pre", "a b", "c,d"]},
                          {"name": "post-stop", "exec": ["/bin/post"]}], "event handlers, args never split")
t.eq(a["mountPoints"], [{"name": "data", "path": "/var/lib/d", "readOnly": False},
                        {"name": "conf", "path": "/etc/a,b c", "readOnly": True}], "mount, mount-ro")
t.eq(a["ports"], [{"name": "http", "protocol": "tcp", "port": 8080, "count": 2, "socketActivated": True},
                  {"name": "dns", "protocol": "udp", "port": 53, "count": 1, "socketActivated": False}], "ports")
t.eq(a["isolators"], [
    {"name": "resource/memory", "value": {"limit": "1Gi"}},
    {"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_BIND_SERVICE", "CAP_KILL"]}},
    {"name": "os/linux/seccomp-remove-set", "value": {"errno": "EPERM", "set": ["reboot", "kexec_load"]}}],
    "isolators")
t.eq(m["dependencies"], [{"imageName": "example.com/base", "imageID": "sha512-" + "ab" * 64, "size": 1024,
                          "labels": [{"name": "version", "value": "1, 2"}]},
                         {"imageName": "example.com/other"}], "dependencies")
t.eq(m["pathWhitelist"], ["/bin/sh", "/etc/a b"], "pathWhitelist")
t.eq(m["annotations"], [{"name": "authors", "value": "A, B <a@example.com>"},
                        {"name": "created", "value": "2024-01-02T03:04:05Z"},
                        {"name": "documentation", "value": "http://example.com/doc"},
                        {"name": "homepage", "value": "https://example.com/x"}], "typed annotations")
full = write("full.json", text)
valid(full, "full manifest")
t.eq(gen(*FULL), text, "same flags, same bytes")

# seccomp retain without errno; capabilities remove; other isolators through --isolator
m = json.loads(gen("--name", "x", "--exec", "/bin/sh", "--seccomp-mode", "retain", "--seccomp-set", "read",
                   "--capability-remove", "CAP_MKNOD",
                   "--isolator", "os/linux/no-new-privileges=true", "--isolator", "os/linux/oom-score-adj=-10",
                   "--isolator", 'os/linux/selinux-context={"user":"u","role":"r","type":"t","level":"s0"}',
                   "--isolator", 'resource/cpu={"request":"250m","limit":"1"}'))
t.eq(m["app"]["isolators"], [
    {"name": "os/linux/no-new-privileges", "value": True},
    {"name": "os/linux/oom-score-adj", "value": -10},
    {"name": "os/linux/selinux-context", "value": {"user": "u", "role": "r", "type": "t", "level": "s0"}},
    {"name": "resource/cpu", "value": {"request": "250m", "limit": "1"}},
    {"name": "os/linux/capabilities-remove-set", "value": {"set": ["CAP_MKNOD"]}},
    {"name": "os/linux/seccomp-retain-set", "value": {"set": ["read"]}}], "more isolators")
valid(write("isolators.json", json.dumps(m)), "isolators manifest")
# an isolator actool does not know: aci-verify accepts it (spec/types.md), actool does not
m = json.loads(gen("--name", "x", "--exec", "/bin/sh", "--isolator", 'example.com/custom={"a":[1]}'))
t.eq(m["app"]["isolators"], [{"name": "example.com/custom", "value": {"a": [1]}}], "unknown isolator kept")
valid(write("custom.json", json.dumps(m)), "unknown isolator", by_actool=False)

# ---- patch a manifest file: replace same-named items, add new ones ----
p = t.run([M, "patch", "--mount", "data=/srv/new", "--port", "dns=tcp:5353", "--port", "ssh=tcp:22",
           "--isolator", 'resource/memory={"limit":"2Gi"}', "--capability-retain", "CAP_CHOWN",
           "--pre-start", "/bin/pre2", "--supplementary-gid", "9", "--supplementary-gid", "5",
           "--dependency", "example.com/base", "--dependency-label", "example.com/other:os=linux",
           "--path-whitelist", "/usr", "--created", "2025-06-07T08:09:10+02:00", "--authors", "C", full])
t.eq((p.returncode, p.stderr), (0, ""), "patch exit")
m = json.loads(p.stdout)
a = m["app"]
t.eq(a["mountPoints"], [{"name": "data", "path": "/srv/new", "readOnly": False},
                        {"name": "conf", "path": "/etc/a,b c", "readOnly": True}], "patch mount replaced in place")
t.eq([(x["name"], x["protocol"], x["port"]) for x in a["ports"]],
     [("http", "tcp", 8080), ("dns", "tcp", 5353), ("ssh", "tcp", 22)], "patch ports replaced and added")
t.eq(a["isolators"][:2], [{"name": "resource/memory", "value": {"limit": "2Gi"}},
                          {"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_CHOWN"]}}],
     "patch isolators replaced in place")
t.eq(len(a["isolators"]), 3, "patch keeps the other isolators")
t.eq(a["eventHandlers"], [{"name": "pre-start", "exec": ["/bin/pre2"]}, {"name": "post-stop", "exec": ["/bin/post"]}],
     "patch pre-start replaced")
t.eq(a["supplementaryGIDs"], [5, 7, 9], "patch gid added once")
t.eq(m["dependencies"], [{"imageName": "example.com/base"},
                         {"imageName": "example.com/other", "labels": [{"name": "os", "value": "linux"}]}],
     "patch dependency replaced whole; label set on an existing one")
t.eq(m["pathWhitelist"], ["/bin/sh", "/etc/a b", "/usr"], "patch pathWhitelist added")
t.eq([x["value"] for x in m["annotations"] if x["name"] in ("authors", "created")],
     ["C", "2025-06-07T08:09:10+02:00"], "patch typed annotations replaced")
patched = write("patched.json", p.stdout)
valid(patched, "patched manifest")

# ---- patch: --remove-* ----
p = t.run([M, "patch", "--remove-mount", "conf", "--remove-port", "http", "--remove-port", "dns",
           "--remove-isolator", "os/linux/seccomp-remove-set", "--remove-event-handler", "post-stop",
           "--remove-supplementary-gid", "7", "--remove-dependency", "example.com/base",
           "--remove-path-whitelist", "/etc/a b", "--remove-annotation", "homepage", "--remove-label", "os",
           "--env", "A=1", "--env", "B=2", patched])
t.eq((p.returncode, p.stderr), (0, ""), "patch remove exit")
m = json.loads(p.stdout)
a = m["app"]
t.eq([x["name"] for x in a["mountPoints"]], ["data"], "remove-mount")
t.eq([x["name"] for x in a["ports"]], ["ssh"], "remove-port")
t.eq([x["name"] for x in a["isolators"]], ["resource/memory", "os/linux/capabilities-retain-set"], "remove-isolator")
t.eq([x["name"] for x in a["eventHandlers"]], ["pre-start"], "remove-event-handler")
t.eq(a["supplementaryGIDs"], [5, 9], "remove-supplementary-gid")
t.eq([x["imageName"] for x in m["dependencies"]], ["example.com/other"], "remove-dependency")
t.eq(m["pathWhitelist"], ["/bin/sh", "/usr"], "remove-path-whitelist")
t.check("homepage" not in [x["name"] for x in m["annotations"]], "remove-annotation")
t.check("labels" not in m, "remove-label (the last one: no labels key)")
envm = write("env.json", p.stdout)
m = json.loads(t.run([M, "patch", "--remove-env", "A", "--remove-port", "ssh", "--remove-mount", "data",
                      "--remove-event-handler", "pre-start", "--remove-isolator", "resource/memory",
                      "--remove-isolator", "os/linux/capabilities-retain-set", "--remove-supplementary-gid", "5",
                      "--remove-supplementary-gid", "9", "--remove-dependency", "example.com/other",
                      "--remove-path-whitelist", "/bin/sh", "--remove-path-whitelist", "/usr", envm], check=0).stdout)
t.eq(m["app"]["environment"], [{"name": "B", "value": "2"}], "remove-env")
t.eq(sorted(m["app"]), ["environment", "exec", "group", "user"], "everything removed: keys omitted")
t.eq(sorted(m), ["acKind", "acVersion", "annotations", "app", "name"], "no empty top-level lists")
# remove then add the same name: a replacement
m = json.loads(t.run([M, "patch", "--remove-mount", "data", "--mount-ro", "data=/ro", full], check=0).stdout)
t.eq(m["app"]["mountPoints"], [{"name": "conf", "path": "/etc/a,b c", "readOnly": True},
                              {"name": "data", "path": "/ro", "readOnly": True}], "remove, then add (at the end)")
# a manifest without app gets one with --exec and the app flags
noapp = write("noapp.json", gen("--name", "x"))
m = json.loads(t.run([M, "patch", "--exec", "/bin/sh", "--mount", "m=/m", noapp], check=0).stdout)
t.eq(m["app"]["mountPoints"], [{"name": "m", "path": "/m", "readOnly": False}], "patch adds an app")

# ---- patch an .aci (in place and to --output) ----
src = items["valid-gzip"].path
aci = os.path.join(d, "fields.aci")
with open(aci, "wb") as f:
    f.write(open(src, "rb").read())
p = t.run([M, "patch", "--port", "http=tcp:80", "--mount-ro", "conf=/etc/conf", "--capability-retain", "CAP_KILL",
           "--seccomp-mode", "retain", "--seccomp-set", "read", "--seccomp-set", "write",
           "--isolator", 'resource/cpu={"limit":"500m"}', "--supplementary-gid", "3", "--post-stop", "/bin/sh",
           "--post-stop-arg", "-c", "--post-stop-arg", "echo bye", "--dependency", "example.com/base",
           "--path-whitelist", "/bin/sh", "--homepage", "https://example.com", "--created", "2024-01-02T03:04:05Z",
           aci])
t.eq((p.returncode, p.stderr), (0, ""), "patch .aci exit")
t.check(p.stdout.startswith("sha512-"), "patch .aci prints the image ID")
m = json.loads(t.run([M, "cat", aci], check=0).stdout)
t.eq(m["app"]["ports"], [{"name": "http", "protocol": "tcp", "port": 80, "count": 1, "socketActivated": False}],
     ".aci port")
t.eq(m["app"]["eventHandlers"], [{"name": "post-stop", "exec": ["/bin/sh", "-c", "echo bye"]}], ".aci post-stop")
t.eq([x["name"] for x in m["app"]["isolators"]],
     ["resource/cpu", "os/linux/capabilities-retain-set", "os/linux/seccomp-retain-set"], ".aci isolators")
t.eq(m["pathWhitelist"], ["/bin/sh"], ".aci pathWhitelist")
valid(aci, "patched .aci")
out = os.path.join(d, "fields-removed.aci")
p = t.run([M, "patch", "--remove-port", "http", "--remove-isolator", "os/linux/seccomp-retain-set",
           "--remove-dependency", "example.com/base", "--output", out, aci])
t.eq(p.returncode, 0, "patch .aci --remove-* exit")
m = json.loads(t.run([M, "cat", out], check=0).stdout)
t.check("ports" not in m["app"] and "dependencies" not in m, ".aci removals")
valid(out, "patched .aci, removals")

# ---- refusals: exit 1 for values, 2 for usage; the message names the flag ----
E = "aci-manifest: error: "
X = ["--name", "x", "--exec", "/bin/sh"]
refusals = [
    (X + ["--supplementary-gid", "-1"], 1, "--supplementary-gid: '-1': a group ID must be a decimal number from 0 "
     "to 4294967295"),
    (X + ["--supplementary-gid", "4294967296"], 1, "--supplementary-gid: '4294967296': a group ID must be a decimal "
     "number from 0 to 4294967295"),
    (X + ["--pre-start", "pre"], 1, "--pre-start: exec[0] 'pre' must be an absolute path"),
    (X + ["--post-stop-arg", "x"], 2, "--post-stop-arg needs --post-stop PATH"),
    (X + ["--mount", "data"], 1, "--mount: 'data' is not of the form NAME=PATH"),
    (X + ["--mount", "Data=/d"], 1, "--mount: AC Name 'Data' may hold only lower-case letters, digits and '-'"),
    (X + ["--mount-ro", "d=rel"], 1, "--mount-ro: mount point 'd': path 'rel' must be absolute"),
    (X + ["--mount", "d=/a", "--mount-ro", "d=/b"], 1, "--mount-ro: mount point 'd' is also given to --mount"),
    (X + ["--mount-ro", "d=/a", "--mount", "d=/b"], 1, "--mount-ro: mount point 'd' is also given to --mount"),
    (X + ["--mount-ro", "d=/a", "--mount-ro", "d=/b"], 1, "--mount-ro: duplicate mount point name 'd'"),
    (X + ["--port", "http=tcp"], 1, "--port: 'http=tcp' is not of the form "
     "NAME=PROTOCOL:PORT[,count=N][,socketActivated]"),
    (X + ["--port", "http=tcp:0"], 1, "--port: '0': port must be a decimal number from 1 to 65535"),
    (X + ["--port", "http=tcp:65536"], 1, "--port: '65536': port must be a decimal number from 1 to 65535"),
    (X + ["--port", "http=tcp:80,count=0"], 1, "--port: '0': count must be a decimal number from 1 to 65535"),
    (X + ["--port", "http=tcp:65535,count=2"], 1, "--port: port 'http': range 65535+2 ends beyond port 65535"),
    (X + ["--port", "http=tcp:eighty"], 1, "--port: 'eighty': port must be a decimal number from 1 to 65535"),
    (X + ["--port", "http=tcp:80:90"], 1, "--port: '80:90': port must be a decimal number from 1 to 65535"),
    (X + ["--port", "http=a b:1"], 1, "--port: port 'http': protocol 'a b' may hold only lower-case letters, "
     "digits and '-' (e.g. tcp, udp, sctp)"),
    (X + ["--port", "http=TCP:1"], 1, "--port: port 'http': protocol 'TCP' may hold only lower-case letters, "
     "digits and '-' (e.g. tcp, udp, sctp)"),
    (X + ["--port", "http=tcp:80,count=2,count=3"], 1, "--port: port 'http': count given twice"),
    (X + ["--port", "http=tcp:80,socketActivated,socketActivated"], 1,
     "--port: port 'http': socketActivated given twice"),
    (X + ["--port", "http=tcp:80,socket"], 1, "--port: unknown port option 'socket' (count=N, socketActivated)"),
    (X + ["--port", "http=:80"], 1, "--port: port 'http': protocol must be set"),
    (X + ["--port", "a=tcp:1", "--port", "a=udp:1"], 1, "--port: duplicate port name 'a'"),
    (X + ["--isolator", "resource/cpu"], 1, "--isolator: 'resource/cpu' is not of the form NAME=JSON"),
    (X + ["--isolator", "resource/cpu={"], 1, "--isolator: isolator 'resource/cpu': value: parse error at line 1, "
     "column 2: syntax error while parsing object key - unexpected end of input; expected string literal"),
    (X + ["--isolator", 'resource/cpu={"limit":"-1"}'], 1,
     "--isolator: isolator 'resource/cpu': value.limit: '-1' must not be negative"),
    (X + ["--isolator", 'resource/memory={"limit":"1K"}'], 1, "--isolator: isolator 'resource/memory': "
     "value.limit: '1K': write 'k' (or 'Ki') for kilo: the reference reads no upper-case 'K'"),
    (X + ["--isolator", "Bad=1"], 1,
     "--isolator: AC Identifier 'Bad' may hold only lower-case letters, digits and '-._~/'"),
    (X + ["--isolator", "os/linux/cpu-shares=2", "--isolator", "os/linux/cpu-shares=3"], 1,
     "--isolator: isolator 'os/linux/cpu-shares' given twice"),
    (X + ["--isolator", "os/linux/no-new-privileges=true", "--isolator", "os/linux/no-new-privileges=false"], 1,
     "--isolator: isolator 'os/linux/no-new-privileges' given twice"),
    (X + ["--isolator", 'os/linux/capabilities-retain-set={"set":["CAP_KILL"]}', "--capability-retain", "CAP_KILL"],
     1, "--capability-retain: isolator 'os/linux/capabilities-retain-set' given twice"),
    (X + ["--isolator", 'os/linux/capabilities-retain-set={"set":["CAP_KILL"]}', "--capability-remove", "CAP_KILL"],
     1, "--capability-remove: isolators[1]: 'os/linux/capabilities-remove-set' cannot be used with "
     "'os/linux/capabilities-retain-set'"),
    (X + ["--isolator", 'os/linux/seccomp-retain-set={"set":["read"]}', "--seccomp-mode", "remove",
          "--seccomp-set", "reboot"], 1, "--seccomp-mode: isolators[1]: 'os/linux/seccomp-remove-set' cannot be "
     "used with 'os/linux/seccomp-retain-set'"),
    (X + ["--capability-retain", "NET_ADMIN"], 1, "--capability-retain: isolator 'os/linux/capabilities-retain-set': "
     "value.set[0]: 'NET_ADMIN' is not a capability name (CAP_ and upper-case letters, digits, '_')"),
    (X + ["--capability-retain", "CAP_KILL", "--capability-remove", "CAP_KILL"], 1,
     "--capability-remove: isolators[1]: 'os/linux/capabilities-remove-set' cannot be used with "
     "'os/linux/capabilities-retain-set'"),
    (X + ["--seccomp-mode", "allow", "--seccomp-set", "read"], 2,
     "--seccomp-mode: 'allow' must be 'retain' or 'remove'"),
    (X + ["--seccomp-mode", "retain"], 2, "--seccomp-mode needs at least one --seccomp-set SYSCALL"),
    (X + ["--seccomp-set", "read"], 2, "--seccomp-set needs --seccomp-mode retain|remove"),
    (X + ["--seccomp-errno", "EPERM"], 2, "--seccomp-errno needs --seccomp-mode retain|remove"),
    (X + ["--seccomp-mode", "remove", "--seccomp-set", "reboot", "--seccomp-errno", "eperm"], 1,
     "--seccomp-errno: isolator 'os/linux/seccomp-remove-set': value.errno: 'eperm' is not an errno name "
     "(E and upper-case letters or digits, e.g. ENOTSUP)"),
    (["--name", "x", "--dependency", "Bad"], 1,
     "--dependency: AC Identifier 'Bad' may hold only lower-case letters, digits and '-._~/'"),
    (["--name", "x", "--dependency", "b,imageID=sha512-abc"], 1,
     "--dependency: image ID 'sha512-abc': expected 128 hex digits, got 3"),
    (["--name", "x", "--dependency", "b,size=-1"], 1,
     "--dependency: '-1': size must be a decimal number from 0 to 9223372036854775807"),
    (["--name", "x", "--dependency", "b,version=1"], 1,
     "--dependency: unknown dependency field 'version=1' (imageID=ID, size=N; labels: --dependency-label "
     "b:NAME=VALUE)"),
    (["--name", "x", "--dependency", "b", "--dependency", "b"], 1, "--dependency: 'b' given twice"),
    (["--name", "x", "--dependency", "b,size=1,size=2"], 1, "--dependency: dependency 'b': size given twice"),
    (["--name", "x", "--dependency", "b,imageID=sha512-" + "ab" * 64 + ",imageID=sha512-" + "cd" * 64], 1,
     "--dependency: dependency 'b': imageID given twice"),
    (["--name", "x", "--dependency", "b", "--dependency-label", "b:version=1", "--dependency-label", "b:version=2"],
     1, "--dependency-label: dependency 'b': label 'version' given twice"),
    (["--name", "x", "--dependency-label", "b:os=linux"], 1,
     "--dependency-label: no dependency 'b' (give --dependency b first)"),
    (["--name", "x", "--dependency", "b", "--dependency-label", "b:os"], 1,
     "--dependency-label: 'os' is not of the form IMAGENAME:NAME=VALUE"),
    (["--name", "x", "--dependency", "b", "--dependency-label", "b:name=x"], 1,
     "--dependency-label: label name 'name' is reserved (it would be confused with the image name)"),
    (["--name", "x", "--path-whitelist", "etc"], 1, "--path-whitelist: pathWhitelist entry 'etc' must be an "
     "absolute path"),
    (["--name", "x", "--created", "2024-01-02 03:04:05Z"], 1,
     "--created: '2024-01-02 03:04:05Z' is not an RFC 3339 date-time (e.g. 2024-01-02T03:04:05Z)"),
    # created-written-as-actool-reads-it: RFC 3339 allows these (aci-verify reads
    # them), Go's time.Parse does not
    (["--name", "x", "--created", "2024-01-02t03:04:05z"], 1,
     "--created: '2024-01-02t03:04:05z': write 'T' and 'Z' in upper case and a second below 60 (readers such as "
     "actool refuse the rest)"),
    (["--name", "x", "--created", "2016-12-31T23:59:60Z"], 1,
     "--created: '2016-12-31T23:59:60Z': write 'T' and 'Z' in upper case and a second below 60 (readers such as "
     "actool refuse the rest)"),
    (["--name", "x", "--homepage", "example.com"], 1, "--homepage: 'example.com' is not an http or https URL"),
    (["--name", "x", "--documentation", "ftp://x"], 1, "--documentation: 'ftp://x' is not an http or https URL"),
    (["--name", "x", "--authors", "A", "--annotation", "authors=B"], 1,
     "--annotation: duplicate annotation 'authors'"),
    (["--name", "x", "--mount", "d=/d"], 2, "app flags (--mount, --port, --isolator, --capability-*, --seccomp-*, "
     "--pre-start, --post-stop, --supplementary-gid) need --exec (they belong to the manifest's app)"),
    (["--name", "x", "--remove-mount", "d"], 2, "--remove-mount is for patch"),
    (["--name", "x", "--output", d], 2, "--output: '%s' is a directory (give the file to write)" % d),
    (["patch", "--label", "channel=beta", "-o", d, full], 2,
     "--output: '%s' is a directory (give the file to write)" % d),
    (["--name", "x", "--remove-label", "os"], 2, "--remove-label is for patch"),
    (["patch", "--remove-mount", "nope", full], 1, "--remove-mount: the manifest has no mount point 'nope'"),
    (["patch", "--remove-port", "nope", full], 1, "--remove-port: the manifest has no port 'nope'"),
    (["patch", "--remove-isolator", "os/linux/cpu-shares", full], 1,
     "--remove-isolator: the manifest has no isolator 'os/linux/cpu-shares'"),
    (["patch", "--remove-event-handler", "pre-stop", full], 1,
     "--remove-event-handler: the manifest has no event handler 'pre-stop'"),
    (["patch", "--remove-env", "NOPE", full], 1, "--remove-env: the manifest has no environment variable 'NOPE'"),
    (["patch", "--remove-label", "channel", full], 1, "--remove-label: the manifest has no label 'channel'"),
    (["patch", "--remove-annotation", "nope", full], 1, "--remove-annotation: the manifest has no annotation 'nope'"),
    (["patch", "--remove-dependency", "nope", full], 1, "--remove-dependency: the manifest has no dependency 'nope'"),
    (["patch", "--remove-path-whitelist", "/nope", full], 1,
     "--remove-path-whitelist: the manifest has no pathWhitelist entry '/nope'"),
    (["patch", "--remove-supplementary-gid", "8", full], 1,
     "--remove-supplementary-gid: the manifest has no supplementary GID '8'"),
    (["patch", "--remove-supplementary-gid", "x", full], 1,
     "--remove-supplementary-gid: 'x': a group ID must be a decimal number from 0 to 4294967295"),
    (["patch", "--capability-remove", "CAP_KILL", full], 1, "--capability-remove: isolators[3]: "
     "'os/linux/capabilities-remove-set' cannot be used with 'os/linux/capabilities-retain-set'"),
    (["patch", "--mount", "m=/m", noapp], 2, "the manifest has no app: give --exec to add one"),
    (["patch", "--remove-mount", "m", noapp], 2, "the manifest has no app: give --exec to add one"),
]
for args, rc, err in refusals:
    p = t.run([M] + args)
    t.eq((p.returncode, p.stderr, p.stdout), (rc, E + err + "\n", ""), "refusal %r" % (args,))
# bytes that are not UTF-8, in any value
for args, err in [(X + ["--capability-retain", b"CAP_\xff"], "--capability-retain: CAP_\\ufffd is not UTF-8 text "
                   "(shown with \\ufffd)"),
                  (X + ["--env", b"A=\xff"], "--env: A=\\ufffd is not UTF-8 text (shown with \\ufffd)"),
                  (["--name", "x", "--authors", b"\xc3"], "--authors: \\ufffd is not UTF-8 text (shown with \\ufffd)"),
                  (["patch", "--mount", b"m=/\xfe", full], "--mount: m=/\\ufffd is not UTF-8 text (shown with "
                   "\\ufffd)")]:
    p = t.run([M.encode()] + [x if isinstance(x, bytes) else x.encode() for x in args])
    t.eq((p.returncode, p.stderr, p.stdout), (1, E + err + "\n", ""), "refusal %r" % (args,))

# URL schemes are case-insensitive (RFC 3986 3.1): accepted on write and on read, spelled as given
up = gen("--name", "x", "--homepage", "HTTPS://Example.com/X", "--documentation", "Http://x.org")
t.eq(json.loads(up)["annotations"], [{"name": "documentation", "value": "Http://x.org"},
                                     {"name": "homepage", "value": "HTTPS://Example.com/X"}], "url-scheme-upper-case")
p = t.run([M, "patch", "--label", "channel=beta", write("upper-url.json", up)])
t.eq((p.returncode, p.stderr, json.loads(p.stdout)["annotations"]),
     (0, "", json.loads(up)["annotations"]), "url-scheme-upper-case read by patch")
# a protocol other than tcp/udp, and a flag's mount replacing the manifest's mount of that name (not a duplicate)
t.eq(json.loads(gen(*X, "--port", "sig=sctp-2:9"))["app"]["ports"],
     [{"name": "sig", "protocol": "sctp-2", "port": 9, "count": 1, "socketActivated": False}], "port-protocol-token")

# a refused patch of an .aci leaves it as it was
before = open(aci, "rb").read()
p = t.run([M, "patch", "--remove-mount", "nope", aci])
t.eq((p.returncode, p.stderr), (1, E + "--remove-mount: the manifest has no mount point 'nope'\n"),
     "refused .aci patch")
t.check(open(aci, "rb").read() == before, "the .aci is unchanged")
t.eq(sorted(x for x in os.listdir(d) if x.startswith("fields")), ["fields-removed.aci", "fields.aci"],
     "no temporaries left")

# --help lists the new flags
h = t.run([M, "--help"], check=0).stdout
for flag in ["--supplementary-gid", "--pre-start", "--post-stop-arg", "--mount-ro", "--port", "--isolator",
             "--capability-retain", "--capability-remove", "--seccomp-mode", "--seccomp-set", "--seccomp-errno",
             "--dependency", "--dependency-label", "--path-whitelist", "--created", "--homepage", "--documentation",
             "--authors", "--remove-mount", "--remove-port", "--remove-isolator", "--remove-annotation",
             "--remove-label", "--remove-env", "--remove-dependency", "--remove-path-whitelist",
             "--remove-event-handler", "--remove-supplementary-gid"]:
    t.contains(h, "  " + flag + " ", "--help lists " + flag)
t.finish()
