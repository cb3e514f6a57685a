"""A small corpus of ACIs, valid and invalid, built with Python's tarfile at test
time. Each item carries its expected verdict, the exact error lines aci-verify
must print (the `FILE: invalid: ` prefix left out; None = not pinned here, see
test_verify_differential.py and the unit tests) and the exact warning lines.

    items = acicorpus.build(directory)   # [Item]
"""
import bz2
import gzip
import io
import json
import lzma
import os
import tarfile
from collections import namedtuple

Item = namedtuple("Item", "name path valid errors warnings")

MANIFEST = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/corpus",
            "labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "amd64"}],
            "app": {"exec": ["/bin/sh"], "user": "0", "group": "0"}}


def _info(name, kind=tarfile.REGTYPE, size=0, linkname="", mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.size = size
    ti.linkname = linkname
    ti.mode = mode
    ti.mtime = 1700000000
    return ti


def _tar(members, fmt=tarfile.PAX_FORMAT):
    """members: list of (name, kind, data-or-linkname[, mode])."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tf:
        for member in members:
            name, kind, data = member[:3]
            mode = member[3] if len(member) > 3 else None
            if kind == tarfile.REGTYPE:
                data = data if isinstance(data, bytes) else data.encode()
                tf.addfile(_info(name, size=len(data), mode=0o644 if mode is None else mode), io.BytesIO(data))
            elif kind == tarfile.DIRTYPE:
                tf.addfile(_info(name, tarfile.DIRTYPE, mode=0o755 if mode is None else mode))
            elif kind in (tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE):
                tf.addfile(_info(name, kind, mode=0o600 if mode is None else mode))
            else:
                tf.addfile(_info(name, kind, linkname=data, mode=0o777 if kind == tarfile.SYMTYPE else 0o644))
    return buf.getvalue()


def manifest_bytes(m=MANIFEST):
    return json.dumps(m).encode()


def good_members(prefix=""):
    return [(prefix + "manifest", tarfile.REGTYPE, manifest_bytes()),
            (prefix + "rootfs", tarfile.DIRTYPE, None),
            (prefix + "rootfs/bin", tarfile.DIRTYPE, None),
            (prefix + "rootfs/bin/sh", tarfile.REGTYPE, b"#!/bin/true\n", 0o755),
            (prefix + "rootfs/bin/ash", tarfile.LNKTYPE, prefix + "rootfs/bin/sh"),
            (prefix + "rootfs/bin/dash", tarfile.SYMTYPE, "sh")]


def manifest_with(**fields):
    m = dict(MANIFEST)
    m.update(fields)
    return [("manifest", tarfile.REGTYPE, manifest_bytes(m))] + good_members()[1:]


def manifest_text(text):
    return [("manifest", tarfile.REGTYPE, text)] + good_members()[1:]


def build(directory):
    """Every item: name, path, expected verdict, exact error lines and exact
    warning lines (findings as 'KIND: MESSAGE'), in aci-verify's order."""
    items = []

    def add(name, data, valid, errors=(), warnings=()):
        path = os.path.join(directory, name + ".aci")
        with open(path, "wb") as f:
            f.write(data)
        items.append(Item(name, path, valid, None if errors is None else list(errors), list(warnings)))

    exec_gone = "exec-missing: app.exec '/bin/sh': not in the rootfs"
    outside = "outside 'rootfs' (only 'manifest' and 'rootfs' may be at the top level)"
    good = _tar(good_members())
    add("valid-none", good, True)
    add("valid-gzip", gzip.compress(good, mtime=0), True)
    add("valid-bzip2", bz2.compress(good), True)
    add("valid-xz", lzma.compress(good), True)
    add("valid-ustar", _tar(good_members(), tarfile.USTAR_FORMAT), True)
    add("valid-gnu", _tar(good_members(), tarfile.GNU_FORMAT), True)
    add("valid-dot-slash-names", _tar(good_members("./")), True)
    add("valid-root-entry", _tar([("./", tarfile.DIRTYPE, None)] + good_members("./")), True, [],
        ["entry './': root directory entry ignored"])
    add("no-rootfs-dir-entry", _tar([m for m in good_members() if m[0] != "rootfs"]), False,
        ["no 'rootfs' directory entry (only its contents)"])
    long_name = "rootfs/" + "d" * 150 + "/" + "f" * 120
    for fmt, label in [(tarfile.GNU_FORMAT, "gnu"), (tarfile.PAX_FORMAT, "pax")]:
        add("valid-long-names-" + label,
            _tar(good_members() + [("rootfs/" + "d" * 150, tarfile.DIRTYPE, None),
                                   (long_name, tarfile.REGTYPE, b"x")], fmt), True)
    # ustar: up to 255 bytes through the prefix field
    ustar_name = "rootfs/" + "u" * 90 + "/" + "v" * 90
    add("valid-long-names-ustar",
        _tar(good_members() + [("rootfs/" + "u" * 90, tarfile.DIRTYPE, None), (ustar_name, tarfile.REGTYPE, b"x")],
             tarfile.USTAR_FORMAT), True)
    usr = [("manifest", tarfile.REGTYPE, manifest_bytes()), ("rootfs", tarfile.DIRTYPE, None),
           ("rootfs/bin", tarfile.SYMTYPE, "usr/bin"), ("rootfs/usr", tarfile.DIRTYPE, None),
           ("rootfs/usr/bin", tarfile.DIRTYPE, None), ("rootfs/usr/bin/dash", tarfile.REGTYPE, b"#!", 0o755),
           ("rootfs/usr/bin/sh", tarfile.SYMTYPE, "/usr/bin/../bin/dash")]
    add("valid-exec-through-merged-usr-symlinks", _tar(usr), True)

    m = good_members()
    # ---- every rule broken once ----
    add("duplicate-entry", _tar(m + [("rootfs/bin/sh", tarfile.REGTYPE, b"again")]), False,
        ["entry 'rootfs/bin/sh': duplicate entry"])
    add("duplicate-entry-dot-slash", _tar(m + [("./rootfs/bin/sh", tarfile.REGTYPE, b"again")]), False,
        ["entry './rootfs/bin/sh': duplicate entry"])
    add("duplicate-directory", _tar(m + [("rootfs/bin", tarfile.DIRTYPE, None)]), False,
        ["entry 'rootfs/bin/': duplicate entry"])
    add("duplicate-manifest", _tar(m + [m[0]]), False, ["entry 'manifest': duplicate entry"])
    add("rootfsx", _tar(m + [("rootfsx", tarfile.REGTYPE, b"x")]), False, ["entry 'rootfsx': " + outside])
    add("rootfsx-dir", _tar(m + [("rootfsx/bin/sh", tarfile.REGTYPE, b"x")]), False,
        ["entry 'rootfsx/bin/sh': " + outside])
    add("extra-top-level-dir", _tar(m + [("etc/passwd", tarfile.REGTYPE, b"x")]), False,
        ["entry 'etc/passwd': " + outside])
    add("missing-manifest", _tar(m[1:]), False, ["missing 'manifest'"])
    add("manifest-a-directory", _tar([("manifest", tarfile.DIRTYPE, None)] + m[1:]), False,
        ["entry 'manifest/': 'manifest' must be a regular file"])
    add("manifest-a-symlink", _tar([("manifest", tarfile.SYMTYPE, "rootfs/m"),
                                    ("rootfs/m", tarfile.REGTYPE, manifest_bytes())] + m[1:]), False,
        ["entry 'manifest': 'manifest' must be a regular file"])
    add("rootfs-a-file", _tar([m[0], ("rootfs", tarfile.REGTYPE, b"x")]), False,
        ["entry 'rootfs': 'rootfs' must be a directory"], [exec_gone])
    add("missing-rootfs", _tar([m[0]]), False, ["missing 'rootfs'"], [exec_gone])
    add("dotdot-path", _tar(m + [("rootfs/../x", tarfile.REGTYPE, b"x")]), False,
        ["entry 'rootfs/../x': path with '..'"])
    add("absolute-path", _tar(m + [("/rootfs/x", tarfile.REGTYPE, b"x")]), False,
        ["entry '/rootfs/x': absolute path"])
    add("hardlink-missing-target", _tar(m + [("rootfs/bin/ln", tarfile.LNKTYPE, "rootfs/bin/nothere")]), False,
        ["entry 'rootfs/bin/ln': hardlink target 'rootfs/bin/nothere' is not an earlier regular file of the image"])
    add("hardlink-to-later-file", _tar(m[:2] + [("rootfs/a", tarfile.LNKTYPE, "rootfs/b"),
                                               ("rootfs/b", tarfile.REGTYPE, b"b")]), False,
        ["entry 'rootfs/a': hardlink target 'rootfs/b' is not an earlier regular file of the image"], [exec_gone])
    add("hardlink-to-directory", _tar(m + [("rootfs/bin/d", tarfile.LNKTYPE, "rootfs/bin")]), False,
        ["entry 'rootfs/bin/d': hardlink target 'rootfs/bin' is not an earlier regular file of the image"])
    add("trailing-garbage", good + b"garbage\n", False, ["trailing data after the tar end-of-archive marker"])
    padded = bytearray(good)
    padded[-100] = 0x41  # inside the zero padding after the end marker
    add("garbage-in-end-padding", bytes(padded), False, ["trailing data after the tar end-of-archive marker"])
    add("trailing-garbage-gzip", gzip.compress(good + b"garbage", mtime=0), False,
        ["trailing data after the tar end-of-archive marker"])
    add("gzip-trailing-after-stream", gzip.compress(good, mtime=0) + b"junk", False,
        ["trailing data after the gzip stream"])
    add("bad-json", _tar(manifest_text(b"{not json")), False,
        ["manifest: invalid JSON: parse error at line 1, column 3: syntax error while parsing object key - "
         "invalid literal; last read: '{no'; expected string literal"])
    dup = manifest_bytes()[:-1] + b', "name": "example.com/other"}'
    add("duplicate-json-key", _tar(manifest_text(dup)), False,
        ["manifest: invalid JSON: duplicate key 'name' (keys equal but for case count as duplicates)"])
    folded = manifest_bytes()[:-1] + b', "Name": "example.com/other"}'
    add("case-folded-json-key", _tar(manifest_text(folded)), False,
        ["manifest: invalid JSON: duplicate key 'Name' (keys equal but for case count as duplicates)"])
    add("deeply-nested-manifest", _tar(manifest_text(manifest_bytes()[:-1] + b', "x": ' + b"[" * 100 + b"]" * 100 + b"}")),
        False, ["manifest: invalid JSON: nesting deeper than 64 levels"])
    big = manifest_bytes()[:-1] + b', "annotations": [{"name": "x", "value": "' + b"a" * (1 << 20) + b'"}]}'
    add("huge-manifest", _tar(manifest_text(big)), False, ["manifest: larger than 1048576 bytes"])
    # nlohmann's lexer takes NUL for the end of input: "<JSON>\0garbage" must not read as "<JSON>"
    nul_at = len(manifest_bytes())
    add("manifest-nul-then-garbage", _tar(manifest_text(manifest_bytes() + b"\0garbage")), False,
        ["manifest: invalid JSON: NUL byte at offset %d (not allowed in JSON text)" % nul_at])
    add("manifest-utf8-bom", _tar(manifest_text(b"\xef\xbb\xbf" + manifest_bytes())), False,
        ["manifest: invalid JSON: starts with a UTF-8 byte order mark (RFC 8259 section 8.1: not part of JSON "
         "text)"])
    add("manifest-created-february-30", _tar(manifest_with(
        annotations=[{"name": "created", "value": "2024-02-30T00:00:00Z"}])), False,
        ["manifest: field 'annotations': annotation 'created': '2024-02-30T00:00:00Z' is not an RFC 3339 "
         "date-time"])
    # RFC 3339 §5.6 NOTE allows lower-case 't'/'z'; §5.7 allows second 60 (a leap second)
    add("valid-created-lower-case-t-z", _tar(manifest_with(
        annotations=[{"name": "created", "value": "2016-12-31t23:59:59z"}])), True)
    add("valid-created-leap-second-60", _tar(manifest_with(
        annotations=[{"name": "created", "value": "2016-12-31T23:59:60Z"}])), True)
    add("manifest-relative-exec", _tar(manifest_with(app={"exec": ["sh"], "user": "0", "group": "0"})), False,
        ["manifest: field 'app.exec': exec[0] 'sh' must be an absolute path"])
    add("manifest-missing-ackind", _tar(manifest_text(json.dumps(
        {k: v for k, v in MANIFEST.items() if k != "acKind"}).encode())), False,
        ["manifest: field 'acKind': required"])
    add("manifest-wrong-ackind", _tar(manifest_with(acKind="PodManifest")), False,
        ["manifest: field 'acKind': must be 'ImageManifest', got 'PodManifest'"])
    add("manifest-name-upper-case", _tar(manifest_with(name="Example.com/x")), False,
        ["manifest: field 'name': AC Identifier 'Example.com/x' may hold only lower-case letters, digits and '-._~/'"])
    add("manifest-label-reserved-name", _tar(manifest_with(labels=[{"name": "name", "value": "x"}])), False,
        ["manifest: field 'labels': label name 'name' is reserved (it would be confused with the image name)"])
    add("manifest-bad-arch", _tar(manifest_with(labels=[{"name": "os", "value": "linux"},
                                                        {"name": "arch", "value": "x86_64"}])), False, ["manifest: field 'labels': label 'arch': bad arch 'x86_64' for os 'linux' (must be one of: amd64 i386 aarch64 aarch64_be armv6l armv7l armv7b ppc64 ppc64le s390x)"])
    add("manifest-env-name-digit", _tar(manifest_with(app={"exec": ["/bin/sh"], "user": "0", "group": "0",
                                                          "environment": [{"name": "1A", "value": ""}]})), False,
        ["manifest: field 'app.environment': environment variable name '1A' must not start with a digit"])
    add("manifest-relative-working-directory",
        _tar(manifest_with(app={"exec": ["/bin/sh"], "user": "0", "group": "0", "workingDirectory": "srv"})),
        False, ["manifest: field 'app': workingDirectory 'srv' must be an absolute path"])
    add("manifest-dependency-short-image-id",
        _tar(manifest_with(dependencies=[{"imageName": "example.com/base", "imageID": "sha512-abc"}])), False, ["manifest: field 'dependencies[0].imageID': image ID 'sha512-abc': expected 128 hex digits, got 3"])
    add("not-a-tar", b"\x00\x01binary junk" * 100, False, ["tar: Unrecognized archive format"])
    add("empty-file", b"", False, ['tar: Unrecognized archive format'])
    add("truncated-gzip", gzip.compress(good, mtime=0)[:200], False, ["truncated gzip stream"])
    add("truncated-tar", good[:1536 + 100], False, ['tar: Truncated tar archive'])
    add("truncated-at-entry-boundary", good[:2048], False,
        ["tar: no end-of-archive marker (truncated at an entry boundary?)"], [exec_gone])
    add("truncated-xz", lzma.compress(good)[:150], False, ['truncated xz stream'])
    add("truncated-bzip2", bz2.compress(good)[:150], False, ['truncated bzip2 stream'])

    # ---- hostile content: valid per the spec, reported as findings ----
    add("symlink-escape-relative", _tar(m + [("rootfs/bin/up", tarfile.SYMTYPE, "../../etc/passwd")]), True, [],
        ["symlink-escape: entry 'rootfs/bin/up': symlink to '../../etc/passwd' points outside the rootfs"])
    add("symlink-escape-absolute", _tar(m + [("rootfs/bin/up", tarfile.SYMTYPE, "/../etc/passwd")]), True, [],
        ["symlink-escape: entry 'rootfs/bin/up': symlink to '/../etc/passwd' points outside the rootfs"])
    add("symlink-absolute-inside", _tar(m + [("rootfs/bin/abs", tarfile.SYMTYPE, "/etc/passwd")]), True)
    add("hardlink-escape-to-manifest", _tar(m + [("rootfs/bin/m", tarfile.LNKTYPE, "manifest")]), True, [],
        ["hardlink-escape: entry 'rootfs/bin/m': hardlink to 'manifest' outside 'rootfs'"])
    add("setuid-file", _tar(m + [("rootfs/bin/su", tarfile.REGTYPE, b"su", 0o4755)]), True, [],
        ["setuid: entry 'rootfs/bin/su': setuid file (mode 4755)"])
    add("setgid-file", _tar(m + [("rootfs/bin/wall", tarfile.REGTYPE, b"w", 0o2755)]), True, [],
        ["setuid: entry 'rootfs/bin/wall': setgid file (mode 2755)"])
    add("device-node", _tar(m + [("rootfs/dev", tarfile.DIRTYPE, None), ("rootfs/dev/mem", tarfile.CHRTYPE, None)]),
        True, [], ["device: entry 'rootfs/dev/mem': character device node"])
    add("world-writable-system-file", _tar(m + [("rootfs/bin/ww", tarfile.REGTYPE, b"x", 0o777)]), True, [],
        ["world-writable: entry 'rootfs/bin/ww': world-writable without the sticky bit (mode 0777) in a system path"])
    # an entry below an earlier symlink: extractors that follow it write outside
    add("through-symlink-to-etc", _tar(m + [("rootfs/x", tarfile.SYMTYPE, "/etc"),
                                            ("rootfs/x/passwd", tarfile.REGTYPE, b"root::0:0::/:/bin/sh\n")]),
        True, [], ["through-symlink: entry 'rootfs/x/passwd': below the symlink 'rootfs/x' (an extractor writes "
                   "through it)"])
    add("through-symlink-nested", _tar(m + [("rootfs/usr", tarfile.DIRTYPE, None), ("rootfs/usr/l", tarfile.SYMTYPE, ".."),
                                            ("rootfs/usr/l/a/b", tarfile.REGTYPE, b"b")]),
        True, [], ["through-symlink: entry 'rootfs/usr/l/a/b': below the symlink 'rootfs/usr/l' (an extractor writes "
                   "through it)"])
    add("world-writable-sticky-dir", _tar(m + [("rootfs/usr", tarfile.DIRTYPE, None, 0o1777)]), True)
    add("world-writable-outside-system-paths", _tar(m + [("rootfs/tmp", tarfile.DIRTYPE, None, 0o777)]), True)
    add("exec-missing", _tar(manifest_with(app={"exec": ["/bin/nothere"], "user": "0", "group": "0"})[:1] + m[1:]),
        True, [], ["exec-missing: app.exec '/bin/nothere': not in the rootfs"])
    add("exec-not-executable", _tar(m[:3] + [("rootfs/bin/sh", tarfile.REGTYPE, b"#!", 0o644)]), True, [],
        ["exec-missing: app.exec '/bin/sh': not executable (mode 0644)"])
    add("exec-a-directory", _tar(manifest_with(app={"exec": ["/bin"], "user": "0", "group": "0"})), True, [],
        ["exec-missing: app.exec '/bin': not a regular file"])
    add("exec-symlink-loop", _tar(manifest_with(app={"exec": ["/bin/loop"], "user": "0", "group": "0"}) +
                                  [("rootfs/bin/loop", tarfile.SYMTYPE, "loop")]), True, [],
        ["exec-missing: app.exec '/bin/loop': too many levels of symbolic links in the rootfs"])
    # eventHandlers[*].exec[0] is checked as app.exec[0] is
    def app_with(*handlers):
        return {"exec": ["/bin/sh"], "user": "0", "group": "0",
                "eventHandlers": [{"name": n, "exec": e} for n, e in handlers]}
    add("exec-missing-event-handler",
        _tar(manifest_with(app=app_with(("pre-start", ["/bin/prestart", "--flag"]), ("post-stop", ["/bin/sh"])))),
        True, [], ["exec-missing: app.eventHandlers[0].exec '/bin/prestart' (pre-start): not in the rootfs"])
    add("exec-event-handler-not-executable",
        _tar(manifest_with(app=app_with(("post-stop", ["/bin/stop"]))) + [("rootfs/bin/stop", tarfile.REGTYPE, b"#!")]),
        True, [], ["exec-missing: app.eventHandlers[0].exec '/bin/stop' (post-stop): not executable (mode 0644)"])
    add("exec-event-handler-symlink-loop",
        _tar(manifest_with(app=app_with(("pre-start", ["/bin/sh"]), ("post-stop", ["/bin/loop"]))) +
             [("rootfs/bin/loop", tarfile.SYMTYPE, "../bin/loop")]), True, [],
        ["exec-missing: app.eventHandlers[1].exec '/bin/loop' (post-stop): too many levels of symbolic links in "
         "the rootfs"])
    add("valid-event-handler-through-symlink", _tar(manifest_with(app=app_with(("pre-start", ["/bin/dash"])))), True)
    # With dependencies, what this image lacks may come from one of them.
    add("valid-exec-from-a-dependency",
        _tar(manifest_with(app={"exec": ["/usr/bin/python3"], "user": "0", "group": "0"},
                           dependencies=[{"imageName": "example.com/python"}])), True)
    add("duplicate-root-entry", _tar([("./", tarfile.DIRTYPE, None), ("./", tarfile.DIRTYPE, None)] +
                                     good_members("./")), False,
        ["entry './': duplicate entry"], ["entry './': root directory entry ignored"])

    # ---- isolators (spec/ace.md "Isolators"; common/aci/isolator.hpp) ----
    def isolators(*isos):
        return _tar(manifest_with(app={"exec": ["/bin/sh"], "user": "0", "group": "0",
                                       "isolators": [{"name": n, "value": v} for n, v in isos]}))
    add("valid-isolators-known", isolators(
        ("resource/cpu", {"request": "250m", "limit": "500m"}), ("resource/memory", {"limit": "1Gi"}),
        ("resource/block-iops", {"default": True, "limit": "1000"}),
        ("os/linux/capabilities-retain-set", {"set": ["CAP_NET_BIND_SERVICE"]}),
        ("os/linux/seccomp-remove-set", {"set": ["reboot"], "errno": "EPERM"}),
        ("os/linux/no-new-privileges", True), ("os/linux/oom-score-adj", -500), ("os/linux/cpu-shares", 512),
        ("os/linux/selinux-context", {"user": "system_u", "role": "system_r", "type": "t", "level": "s0"}),
        ("os/unix/sysctl", {"net.core.somaxconn": "1024"})), True)
    add("valid-isolator-unknown", isolators(("example.com/custom", {"anything": [1, None]})), True)
    add("valid-isolator-quantity-upper-k", isolators(("resource/memory", {"limit": "512K"})), True)
    add("manifest-isolator-empty-capability-set", isolators(("os/linux/capabilities-retain-set", {"set": []})),
        False, ["manifest: field 'app.isolators[0].value.set': must not be empty"])
    add("manifest-isolator-seccomp-retain-and-remove",
        isolators(("os/linux/seccomp-retain-set", {"set": ["read"]}),
                  ("os/linux/seccomp-remove-set", {"set": ["reboot"]})), False,
        ["manifest: field 'app.isolators[1]': 'os/linux/seccomp-remove-set' cannot be used with "
         "'os/linux/seccomp-retain-set'"])
    add("manifest-isolator-cpu-shares-out-of-range", isolators(("os/linux/cpu-shares", 1)), False,
        ["manifest: field 'app.isolators[0].value': 1 is not in 2..262144"])
    add("manifest-isolator-no-new-privileges-string", isolators(("os/linux/no-new-privileges", "true")), False,
        ["manifest: field 'app.isolators[0].value': expected a boolean, got string"])
    add("manifest-isolator-capability-without-cap-prefix",
        isolators(("os/linux/capabilities-remove-set", {"set": ["CAP_KILL", "NET_ADMIN"]})), False,
        ["manifest: field 'app.isolators[0].value.set[1]': 'NET_ADMIN' is not a capability name (CAP_ and "
         "upper-case letters, digits, '_')"])
    add("manifest-isolator-capabilities-retain-and-remove",
        isolators(("os/linux/capabilities-retain-set", {"set": ["CAP_KILL"]}),
                  ("os/linux/capabilities-remove-set", {"set": ["CAP_CHOWN"]})), False,
        ["manifest: field 'app.isolators[1]': 'os/linux/capabilities-remove-set' cannot be used with "
         "'os/linux/capabilities-retain-set'"])
    add("manifest-isolator-negative-quantity", isolators(("resource/memory", {"limit": "-1"})), False,
        ["manifest: field 'app.isolators[0].value.limit': '-1' must not be negative"])
    add("manifest-isolator-empty-syscall", isolators(("os/linux/seccomp-retain-set", {"set": ["read", ""]})),
        False, ["manifest: field 'app.isolators[0].value.set[1]': a syscall name cannot be empty"])
    return items
