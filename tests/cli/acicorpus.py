"""A small corpus of ACIs, valid and invalid, built with Python's tarfile at test
time. Each item carries its expected verdict and, for invalid ones, the exact
error line aci-verify must print (the `FILE: invalid: ` prefix left out).

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

Item = namedtuple("Item", "name path valid errors")

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
    """members: list of (name, kind, data-or-linkname)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tf:
        for name, kind, data in members:
            if kind == tarfile.REGTYPE:
                data = data if isinstance(data, bytes) else data.encode()
                tf.addfile(_info(name, size=len(data)), io.BytesIO(data))
            elif kind == tarfile.DIRTYPE:
                tf.addfile(_info(name, tarfile.DIRTYPE, mode=0o755))
            else:
                tf.addfile(_info(name, kind, linkname=data))
    return buf.getvalue()


def manifest_bytes(m=MANIFEST):
    return json.dumps(m).encode()


def good_members(prefix=""):
    return [(prefix + "manifest", tarfile.REGTYPE, manifest_bytes()),
            (prefix + "rootfs", tarfile.DIRTYPE, None),
            (prefix + "rootfs/bin", tarfile.DIRTYPE, None),
            (prefix + "rootfs/bin/sh", tarfile.REGTYPE, b"#!/bin/true\n"),
            (prefix + "rootfs/bin/ash", tarfile.LNKTYPE, prefix + "rootfs/bin/sh"),
            (prefix + "rootfs/bin/dash", tarfile.SYMTYPE, "sh")]


def build(directory):
    items = []

    def add(name, data, valid, errors=()):
        path = os.path.join(directory, name + ".aci")
        with open(path, "wb") as f:
            f.write(data)
        items.append(Item(name, path, valid, list(errors)))

    good = _tar(good_members())
    add("valid-none", good, True)
    add("valid-gzip", gzip.compress(good, mtime=0), True)
    add("valid-bzip2", bz2.compress(good), True)
    add("valid-xz", lzma.compress(good), True)
    add("valid-dot-slash-names", _tar(good_members("./")), True)
    long_name = "rootfs/" + "d" * 150 + "/" + "f" * 120
    for fmt, label in [(tarfile.GNU_FORMAT, "gnu"), (tarfile.PAX_FORMAT, "pax")]:
        add("valid-long-names-" + label,
            _tar(good_members() + [("rootfs/" + "d" * 150, tarfile.DIRTYPE, None),
                                   (long_name, tarfile.REGTYPE, b"x")], fmt), True)

    m = good_members()
    add("duplicate-entry", _tar(m + [("rootfs/bin/sh", tarfile.REGTYPE, b"again")]), False,
        ["entry 'rootfs/bin/sh': duplicate entry"])
    add("duplicate-entry-dot-slash", _tar(m + [("./rootfs/bin/sh", tarfile.REGTYPE, b"again")]), False,
        ["entry './rootfs/bin/sh': duplicate entry"])
    add("rootfsx", _tar(m + [("rootfsx", tarfile.REGTYPE, b"x")]), False,
        ["entry 'rootfsx': outside 'rootfs' (only 'manifest' and 'rootfs' may be at the top level)"])
    add("extra-top-level-dir", _tar(m + [("etc/passwd", tarfile.REGTYPE, b"x")]), False,
        ["entry 'etc/passwd': outside 'rootfs' (only 'manifest' and 'rootfs' may be at the top level)"])
    add("missing-manifest", _tar(m[1:]), False, ["missing 'manifest'"])
    add("manifest-a-directory", _tar([("manifest", tarfile.DIRTYPE, None)] + m[1:]), False,
        ["entry 'manifest/': 'manifest' must be a regular file"])
    add("rootfs-a-file", _tar([m[0], ("rootfs", tarfile.REGTYPE, b"x")]), False,
        ["entry 'rootfs': 'rootfs' must be a directory"])
    add("dotdot-path", _tar(m + [("rootfs/../x", tarfile.REGTYPE, b"x")]), False,
        ["entry 'rootfs/../x': path with '..'"])
    add("absolute-path", _tar(m + [("/rootfs/x", tarfile.REGTYPE, b"x")]), False,
        ["entry '/rootfs/x': absolute path"])
    add("hardlink-missing-target", _tar(m + [("rootfs/bin/ln", tarfile.LNKTYPE, "rootfs/bin/nothere")]), False,
        ["entry 'rootfs/bin/ln': hardlink target 'rootfs/bin/nothere' is not an earlier regular file of the image"])
    add("hardlink-to-later-file", _tar(m[:2] + [("rootfs/a", tarfile.LNKTYPE, "rootfs/b"),
                                               ("rootfs/b", tarfile.REGTYPE, b"b")]), False,
        ["entry 'rootfs/a': hardlink target 'rootfs/b' is not an earlier regular file of the image"])
    add("trailing-garbage", good + b"garbage\n", False, ["trailing data after the tar end-of-archive marker"])
    padded = bytearray(good)
    padded[-100] = 0x41  # inside the zero padding after the end marker
    add("garbage-in-end-padding", bytes(padded), False, ["trailing data after the tar end-of-archive marker"])
    add("trailing-garbage-gzip", gzip.compress(good + b"garbage", mtime=0), False,
        ["trailing data after the tar end-of-archive marker"])
    add("gzip-trailing-after-stream", gzip.compress(good, mtime=0) + b"junk", False,
        ["trailing data after the gzip stream"])
    add("bad-json", _tar([("manifest", tarfile.REGTYPE, b"{not json")] + m[1:]), False,
        ["manifest: invalid JSON: parse error at line 1, column 3: syntax error while parsing object key - "
         "invalid literal; last read: '{no'; expected string literal"])
    dup = manifest_bytes()[:-1] + b', "name": "example.com/other"}'
    add("duplicate-json-key", _tar([("manifest", tarfile.REGTYPE, dup)] + m[1:]), False,
        ["manifest: invalid JSON: duplicate key 'name' (keys equal but for case count as duplicates)"])
    bad_exec = dict(MANIFEST, app={"exec": ["sh"], "user": "0", "group": "0"})
    add("manifest-relative-exec", _tar([("manifest", tarfile.REGTYPE, manifest_bytes(bad_exec))] + m[1:]), False,
        ["manifest: field 'app.exec': exec[0] 'sh' must be an absolute path"])
    add("not-a-tar", b"\x00\x01binary junk" * 100, False, ["tar: Unrecognized archive format"])
    add("truncated-gzip", gzip.compress(good, mtime=0)[:200], False, ["truncated gzip stream"])
    return items
