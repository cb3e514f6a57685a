"""Seed corpora for the Debian-side fuzz targets, from the test fixtures: tests/data
(Packages, Release, apt sources, the dpkg version table), the generated test
mirror's indexes (tests/cli/testmirror.py), .deb files in every form the reader
accepts (tests/cli/debfixtures.py), relation fields from those indexes and a
lockfile in the documented layout; the Packages indexes in every compression
apt names (each seed's first byte picks the name, its second the size cap: see
fuzz_decompress.cpp), and the signed text of the mirror's InRelease files.

    python3 tests/fuzz/make_seeds_debian.py OUTDIR
        # OUTDIR/{deb822,release,sources,relation,version,lock,deb_reader,decompress}
"""
import bz2
import glob
import gzip
import hashlib
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "cli"))
import debfixtures as df  # noqa: E402
import testmirror as tm  # noqa: E402

out = sys.argv[1]
TARGETS = ("deb822", "release", "sources", "relation", "version", "lock", "deb_reader", "decompress")
for t in TARGETS:
    os.makedirs(os.path.join(out, t), exist_ok=True)


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(out, target, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


# fuzz_decompress.cpp's names, by first byte, and its caps: 2^(second byte % 21).
DECOMPRESS = ("xz", "gz", "bz2", "lzma", "zst", "")


def compressed(plain):
    """PLAIN in each of DECOMPRESS's formats (zst only when zstd is installed)."""
    yield "xz", lzma.compress(plain, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64)
    yield "xz", lzma.compress(plain, format=lzma.FORMAT_XZ, check=lzma.CHECK_SHA256)
    yield "gz", gzip.compress(plain, mtime=0)
    yield "bz2", bz2.compress(plain)
    yield "lzma", lzma.compress(plain, format=lzma.FORMAT_ALONE)
    if shutil.which("zstd"):
        yield "zst", subprocess.run(["zstd", "-q", "-c"], input=plain, stdout=subprocess.PIPE, check=True).stdout
    yield "", plain


def decompress_seeds(plain):
    for fmt, data in compressed(plain):
        # One cap above the output (a normal index), one below it (a bomb).
        for cap in (20, max(0, len(plain).bit_length() - 2)):
            put("decompress", bytes([DECOMPRESS.index(fmt), cap]) + data)


def signed_text(inrelease):
    """The text a clearsigned InRelease signs (RFC 4880 section 7): between the
    armour headers' blank line and the signature, dash-escaping undone."""
    lines = inrelease.split(b"\n")
    if not lines or not lines[0].startswith(b"-----BEGIN PGP SIGNED MESSAGE-----"):
        return None
    try:
        start = lines.index(b"") + 1
        end = lines.index(b"-----BEGIN PGP SIGNATURE-----")
    except ValueError:
        return None
    return b"\n".join(l[2:] if l.startswith(b"- ") else l for l in lines[start:end]) + b"\n"


def relations_of(text):
    for m in re.finditer(r"^(?:Depends|Pre-Depends|Recommends|Provides|Breaks|Conflicts): (.*)$", text, re.M):
        put("relation", m.group(1))


data = os.path.join(TOP, "tests", "data")
for p in glob.glob(os.path.join(data, "repo", "**", "*"), recursive=True):
    if not os.path.isfile(p):
        continue
    text = open(p, "rb").read()
    put("deb822", text)
    if "release" in p:
        put("release", text)
    if "packages" in p:
        decompress_seeds(text)
    if "sources" in p or p.endswith(".list"):
        put("sources", (b"\x01" if ".sources" in p else b"\x00") + text)
    relations_of(text.decode("utf-8", "replace"))
for p in glob.glob(os.path.join(data, "debversion", "*.txt")):
    for line in open(p, encoding="utf-8"):
        w = line.split()
        if len(w) >= 2 and not line.startswith("#"):
            put("version", "\n".join(w[:2]))
for r in ["libc6:any (>= 2.36) | libc6.1, zlib1g", "a (<< 1:2.0~rc1-1), b:amd64 (= 1.0), c (> 1) | d (< 2)",
          "java17-runtime-headless, libc6-x32 (= 2.36-9), mail-transport-agent", "a [amd64] <!nocheck>", ""]:
    put("relation", r)

with tempfile.TemporaryDirectory() as work:
    m, debs = tm.standard_mirror(work)
    for rel in glob.glob(os.path.join(m.root, "dists", "*", "*")):
        if os.path.isfile(rel):
            text = open(rel, "rb").read()
            put("deb822", text)
            put("release", text)
            plain = signed_text(text)
            if plain is not None:
                put("deb822", plain)
                put("release", plain)
    for rel in glob.glob(os.path.join(m.root, "dists", "*", "main", "binary-amd64", "Packages")):
        text = open(rel, "rb").read()
        put("deb822", text)
        relations_of(text.decode())
        decompress_seeds(text)
    for rel in glob.glob(os.path.join(m.root, "dists", "*", "main", "binary-amd64", "Packages.*")):
        # As the mirror writes them (Python's gzip and lzma), named by suffix.
        suffix = rel.rsplit(".", 1)[1]
        if suffix in DECOMPRESS:
            put("decompress", bytes([DECOMPRESS.index(suffix), 20]) + open(rel, "rb").read())
    put("decompress", bytes([0, 20]) + lzma.compress(b"", format=lzma.FORMAT_XZ))
    put("decompress", bytes([1, 0]) + gzip.compress(b"P", mtime=0))
    put("decompress", bytes([0, 20]) + lzma.compress(b"\0" * (1 << 20), format=lzma.FORMAT_XZ))  # a small bomb
    xz = lzma.compress(b"Package: a\n", format=lzma.FORMAT_XZ)
    gz = gzip.compress(b"Package: a\n", mtime=0)
    for seed in (bytes([0, 20]) + xz + xz,  # two xz streams
                 bytes([0, 20]) + xz + b"\0" * 8,  # xz stream padding
                 bytes([0, 20]) + xz[:-5],  # truncated
                 bytes([1, 20]) + gz + gz,  # two gzip members
                 bytes([1, 20]) + gz + b"junk",  # trailing garbage
                 bytes([2, 20]) + bz2.compress(b"Package: a\n") * 2):
        put("decompress", seed)
    src = m.sources_file(os.path.join(work, "t.sources"), "http://127.0.0.1:8000/", ["stable", "updates"])
    put("sources", b"\x01" + open(src, "rb").read())
    put("sources", b"\x00deb [signed-by=/k.gpg arch=amd64,i386] http://127.0.0.1:8000/ stable main contrib\n"
                   b"deb-src http://127.0.0.1/ stable main\n# comment\n")
    for deb in debs.values():
        put("deb_reader", open(deb, "rb").read())
    entries = [df.dir("./usr/"), df.file("./usr/a", "hello\n"), df.symlink("./usr/l", "a"),
               df.hardlink("./usr/h", "./usr/a"), df.dir("./etc/"), df.file("./etc/c", "x" * 600)]
    for comp in ("", "gz", "xz", "zst", "bz2", "lzma"):
        p = os.path.join(work, "f-%s.deb" % (comp or "none"))
        df.build_raw(p, "fuzz-" + (comp or "none"), entries, data_comp=comp,
                     control_comp=comp if comp in ("", "gz", "xz", "zst") else "gz",
                     scripts=("postinst",), md5sums="d41d8cd98f00b204e9800998ecf8427e  usr/a\n")
        put("deb_reader", open(p, "rb").read())
    for comp in ("xz", "gzip", "zstd", "none"):
        p = os.path.join(work, "d-%s.deb" % comp)
        df.build_dpkg(p, "dpkg-" + comp, entries[:2], compress_type=comp)
        put("deb_reader", open(p, "rb").read())
    control = df.control_text("pkg", "1:2.0-1", extra="Depends: libc6 (>= 2.36)\n")
    put("deb822", control)

sha_a, sha_b = "a" * 64, "0123456789abcdef" * 4
put("lock", json.dumps({
    "version": 1, "arch": "amd64", "created": "2026-12-03T10:00:00Z", "as_of": "2023-11-14T22:13:20Z",
    "sources": [{"uri": "http://127.0.0.1:8000", "suite": "stable", "components": ["main", "contrib"],
                 "inrelease_sha256": sha_a, "signer_fingerprint": "ABCDEF", "signed_at": "2026-12-03T09:43:20Z",
                 "release_date": "2026-12-03T09:26:40Z"},
                {"uri": "file:///srv/mirror", "suite": "updates", "components": ["main"],
                 "inrelease_sha256": sha_b, "release_gpg_sha256": sha_a, "signer_fingerprint": "ABCDEF",
                 "signed_at": "2026-12-03T09:43:20.5+01:00"}],
    "packages": [{"name": "zlib1g", "version": "1:1.2.13.dfsg-1", "architecture": "amd64",
                  "filename": "pool/main/z/zlib/zlib1g_1.2.13.dfsg-1_amd64.deb", "size": 90000,
                  "sha256": sha_b, "source": 0},
                 {"name": "base-files", "version": "12.4", "architecture": "amd64",
                  "filename": "pool/main/b/base-files/base-files_12.4_amd64.deb", "size": 70000,
                  "sha256": sha_a, "source": 1}]}, indent=2) + "\n")
put("lock", "2026-12-03T10:00:00Z")
put("lock", "2026-12-03t10:00:00.5+01:00")
for t in TARGETS:
    print("%s: %d seeds" % (t, len(os.listdir(os.path.join(out, t)))))
