"""json-reports: --json FILE|- of aci-unpack, aci-pack and aci-manifest patch (an
.aci), on real fixtures: stdout is exactly one JSON document; the values are the
files' own (sha256/sha512 of the bytes, os.stat sizes, the control fields, the
entries `tar` lists); aci-fetch --json and aci-unpack --json agree on each .deb
(path, size, sha256); --json - refused where stdout is taken (--tar -), and on
what does not report (aci-manifest generate, patch of a manifest file)."""
import hashlib
import io
import json
import os
import subprocess
import tarfile

import acitest as t
import debfixtures as df
import testmirror as tm

work = t.tempdir("json-reports")
U, P, M, F = (t.tool(n) for n in ("aci-unpack", "aci-pack", "aci-manifest", "aci-fetch"))


def one_document(text, what):
    """The one JSON document that is the whole of stdout (a final newline allowed)."""
    doc, end = json.JSONDecoder().raw_decode(text)
    t.eq(text[end:], "\n", what + ": stdout is one JSON document and a newline")
    return doc


def sha(path, algo="sha256"):
    with open(path, "rb") as f:
        return hashlib.new(algo, f.read()).hexdigest()


def fsys_members(deb):
    """data.tar's members as `tar` lists them, without the root './'."""
    raw = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as tf:
        return [m for m in tf.getmembers() if m.name not in (".", "./")]


def expected_counts(members):
    kinds = {"files": tarfile.REGTYPE, "directories": tarfile.DIRTYPE, "symlinks": tarfile.SYMTYPE,
             "hardlinks": tarfile.LNKTYPE, "fifos": tarfile.FIFOTYPE}
    c = {k: sum(1 for m in members if m.type == v or (v == tarfile.REGTYPE and m.type == tarfile.AREGTYPE))
         for k, v in kinds.items()}
    c["devices"] = sum(1 for m in members if m.type in (tarfile.CHRTYPE, tarfile.BLKTYPE))
    c["entries"] = len(members)
    c["bytes"] = sum(m.size for m in members if m.isreg())
    return c


def tar_names(data):
    out = subprocess.run(["tar", "-t"], input=data, check=True, capture_output=True).stdout
    return out.decode().splitlines()


COUNT_KEYS = ("entries", "files", "directories", "symlinks", "hardlinks", "devices", "fifos", "bytes")

# ---- fixtures: two dpkg-built packages, one with maintainer scripts -------------
debs = os.path.join(work, "debs")
os.makedirs(debs)
a = df.build_dpkg(os.path.join(debs, "json-a_1.0_all.deb"), "json-a", [
    df.dir("./usr/"), df.dir("./usr/bin/"), df.file("./usr/bin/a", b"#!/bin/sh\necho a\n", mode=0o755),
    df.hardlink("./usr/bin/a2", "./usr/bin/a"), df.symlink("./usr/bin/a3", "a"),
    df.dir("./usr/share/"), df.dir("./usr/share/doc/"), df.dir("./usr/share/doc/json-a/"),
    df.file("./usr/share/doc/json-a/copyright", b"c" * 1000),
    df.file("./usr/share/doc/json-a/README", b"r" * 333)], version="1.0")
b = df.build_dpkg(os.path.join(debs, "json-b_2.0_all.deb"), "json-b", [
    df.dir("./etc/"), df.file("./etc/json-b.conf", b"x=1\n"),
    df.dir("./usr/"), df.dir("./usr/share/"), df.dir("./usr/share/doc/"), df.dir("./usr/share/doc/json-b/"),
    df.file("./usr/share/doc/json-b/copyright", b"b" * 77)], scripts=("postinst",), version="2.0")

# ---- unpack-json-rootfs: --json - on stdout, the summary still on stderr --------
rootfs = os.path.join(work, "rootfs")
p = t.run([U, "--json", "-", "--rootfs", rootfs, a, b], check=0)
r = one_document(p.stdout, "unpack-json-rootfs")
t.contains(p.stderr, "aci-unpack: unpacked 2 packages into " + rootfs, "unpack-json-rootfs: summary on stderr")
t.eq(list(r), ["rootfs", "tar", "merged_usr", "merged_usr_dirs", "allow_overwrite", "path_filters", "packages",
               "totals", "tar_entries", "dpkg_database", "overwritten"], "unpack-json: keys in order")
t.eq((r["rootfs"], r["tar"], r["merged_usr"], r["merged_usr_dirs"], r["allow_overwrite"], r["path_filters"],
      r["overwritten"]),
     (rootfs, None, True, ["bin", "sbin", "lib", "lib64"], False, [], []), "unpack-json-rootfs: options")
t.eq(len(r["packages"]), 2, "unpack-json-rootfs: two packages")
for deb, rep, name, version, scripts in ((a, r["packages"][0], "json-a", "1.0", []),
                                         (b, r["packages"][1], "json-b", "2.0", ["postinst"])):
    fields = subprocess.run(["dpkg-deb", "-f", deb, "Package", "Version", "Architecture"], check=True,
                            capture_output=True, text=True).stdout
    t.eq(fields, "Package: %s\nVersion: %s\nArchitecture: all\n" % (name, version), "fixture control " + name)
    exp = {"name": name, "version": version, "architecture": "all", "path": deb,
           "filename": os.path.basename(deb), "size": os.stat(deb).st_size, "sha256": sha(deb)}
    exp.update(expected_counts(fsys_members(deb)))
    exp.update({"excluded": 0, "maintainer_scripts": scripts})
    t.eq(rep, exp, "unpack-json-rootfs: package " + name)

# The totals are the sink's counts (the text summary's): the sums over the packages.
tot = r["totals"]
t.eq({k: tot[k] for k in COUNT_KEYS}, {k: sum(x[k] for x in r["packages"]) for k in COUNT_KEYS},
     "unpack-json-rootfs: totals = the sums over the packages")
t.eq((tot["packages"], tot["excluded"], tot["replaced"], tot["skipped_devices"], r["tar_entries"]),
     (2, 0, 0, 0, None), "unpack-json-rootfs: totals, the rest")
t.contains(p.stderr, ": %d files, %d directories, %d symlinks, %d hardlinks, 0 device nodes, 0 FIFOs\n"
           % (tot["files"], tot["directories"], tot["symlinks"], tot["hardlinks"]),
           "unpack-json-rootfs: the text summary says the same")
# On disk: each file once (no path in both packages), the merged-/usr links besides.
tree = {"files": 0, "symlinks": 0, "hardlinks": 0, "bytes": 0}
db_files = 0
seen_inodes = set()
for top, dirs, files in os.walk(rootfs):
    rel = os.path.relpath(top, rootfs)
    for f in dirs + files:
        path = os.path.join(top, f)
        st = os.lstat(path)
        if os.path.islink(path):
            tree["symlinks"] += 1
        elif not os.path.isfile(path):
            continue
        elif rel.startswith("var/lib/dpkg"):
            db_files += 1
        elif st.st_ino in seen_inodes:
            tree["hardlinks"] += 1
        else:
            seen_inodes.add(st.st_ino)
            tree["files"] += 1
            tree["bytes"] += st.st_size
t.eq(tree, {"files": tot["files"], "symlinks": tot["symlinks"] + len(r["merged_usr_dirs"]),
            "hardlinks": tot["hardlinks"], "bytes": tot["bytes"]}, "unpack-json-rootfs: the tree on disk")
t.eq(r["dpkg_database"], {"entries": db_files + 4, "files": db_files},
     "unpack-json-rootfs: dpkg_database = var/lib/dpkg on disk")

# ---- unpack-json-tar: --tar - with --json FILE; entries = what tar -t lists ------
report = os.path.join(work, "unpack-tar.json")
p = subprocess.run([U, "-q", "--no-dpkg-database", "--no-merged-usr", "--json", report, "--tar", "-", a, b],
                   capture_output=True, check=True)
t.eq(p.stderr, b"", "unpack-json-tar: quiet")
with open(report) as f:
    rt = one_document(f.read(), "unpack-json-tar (file)")
names = tar_names(p.stdout)
t.eq((rt["rootfs"], rt["tar"], rt["merged_usr"], rt["merged_usr_dirs"], rt["dpkg_database"]),
     (None, "-", False, [], None), "unpack-json-tar: options")
t.eq(rt["tar_entries"], len(names), "unpack-json-tar: tar_entries = tar -t of the stream")
t.eq([{k: x[k] for k in COUNT_KEYS} for x in rt["packages"]],
     [expected_counts(fsys_members(d)) for d in (a, b)], "unpack-json-tar: per package = the package's data.tar")
with tarfile.open(fileobj=io.BytesIO(p.stdout)) as tf:
    out = expected_counts(tf.getmembers())
# The stream holds each shared directory once.
t.eq({k: out[k] for k in COUNT_KEYS if k not in ("entries", "directories")},
     {k: rt["totals"][k] for k in COUNT_KEYS if k not in ("entries", "directories")},
     "unpack-json-tar: totals = the stream's members by kind, directories aside")

p = subprocess.run([U, "-q", "--json", report, "--tar", "-", a, b], capture_output=True, check=True)
with open(report) as f:
    rt = json.load(f)
names = tar_names(p.stdout)
t.eq(rt["tar_entries"], len(names), "unpack-json-tar-merged: tar_entries = tar -t of the stream")
t.eq(sum(1 for n in names if n.startswith("var/lib/dpkg/") and not n.endswith("/")),
     rt["dpkg_database"]["files"], "unpack-json-tar-merged: dpkg_database.files")
t.eq(sorted(n for n in names if n in ("bin", "sbin", "lib", "lib64")), sorted(rt["merged_usr_dirs"]),
     "unpack-json-tar-merged: the merged-/usr links")

# ---- unpack-json-filters-overwrite: what the text report says, as JSON ----------
c = df.build_dpkg(os.path.join(debs, "json-c_1.0_all.deb"), "json-c", [
    df.dir("./usr/"), df.dir("./usr/bin/"), df.file("./usr/bin/a", b"from c\n", mode=0o755)], version="1.0")
p = t.run([U, "--json", "-", "--allow-overwrite", "--exclude", "/usr/share/doc/*", "--include",
           "/usr/share/doc/*/copyright", "--rootfs", os.path.join(work, "rootfs-ow"), a, c], check=0)
r = one_document(p.stdout, "unpack-json-filters-overwrite")
t.eq(r["path_filters"], [{"action": "exclude", "pattern": "/usr/share/doc/*"},
                         {"action": "include", "pattern": "/usr/share/doc/*/copyright"}],
     "unpack-json-filters: the rules in order")
t.eq([x["excluded"] for x in r["packages"]], [1, 0], "unpack-json-filters: README excluded from json-a")
t.eq(r["totals"]["excluded"], 1, "unpack-json-filters: totals.excluded")
t.contains(p.stderr, "excluded by path filters: 1 entries", "unpack-json-filters: text says the same")
t.eq(r["overwritten"], [{"path": "usr/bin/a", "earlier": os.path.basename(a), "later": os.path.basename(c)}],
     "unpack-json-overwrite: overwritten")
t.contains(p.stderr, "overwritten: usr/bin/a from %s by %s" % (os.path.basename(a), os.path.basename(c)),
           "unpack-json-overwrite: text says the same")
t.eq(r["totals"]["replaced"], 1, "unpack-json-overwrite: totals.replaced")

# ---- unpack-json-newline-path: a path with a newline is a JSON string -----------
odd = os.path.join(work, "odd\nname.deb")
os.link(a, odd)
p = t.run([U, "-q", "-0", "--json", "-", "--rootfs", os.path.join(work, "rootfs-odd")], input=odd + "\0",
          check=0)
r = one_document(p.stdout, "unpack-json-newline-path")
t.eq((r["packages"][0]["path"], r["packages"][0]["filename"]), (odd, "odd\nname.deb"),
     "unpack-json-newline-path: path as given")

# ---- unpack-json-usage -------------------------------------------------------------
p = t.run([U, "--json", "-", "--tar", "-", a], check=2)
t.eq((p.stdout, p.stderr), ("", "aci-unpack: error: --json - and --tar - both want stdout (give --json FILE)\n"),
     "unpack-json-usage: --json - with --tar -")
p = t.run([U, "--json", "", "--rootfs", os.path.join(work, "rootfs-empty"), a], check=2)
t.eq(p.stderr, "aci-unpack: error: --json: FILE is empty\n", "unpack-json-usage: empty FILE")

# ---- pack-json: a layout from the unpacked rootfs --------------------------------
layout = os.path.join(work, "layout")
os.makedirs(layout)
os.rename(rootfs, os.path.join(layout, "rootfs"))
t.run([M, "--name", "example.com/json-test", "--image-version", "1.2", "--arch", "amd64", "--exec", "/usr/bin/a",
       "--output", os.path.join(layout, "manifest")], check=0)
with open(os.path.join(layout, "manifest")) as f:
    manifest = json.load(f)
labels = {l["name"]: l["value"] for l in manifest["labels"]}
t.eq(labels, {"arch": "amd64", "os": "linux", "version": "1.2"}, "pack-json: fixture labels")

aci = os.path.join(work, "gzip.aci")
p = t.run([P, "--json", "-", layout, aci], check=0)
t.eq(p.stderr, "", "pack-json: stderr")
r = one_document(p.stdout, "pack-json")
raw = subprocess.run(["gzip", "-dc", aci], check=True, capture_output=True).stdout
t.eq(r, {"aci": aci, "image_id": "sha512-" + hashlib.sha512(raw).hexdigest(), "compression": "gzip", "level": 3,
         "tar_size": len(raw), "aci_size": os.stat(aci).st_size, "entries": len(tar_names(raw)),
         "signature": None, "name": "example.com/json-test", "labels": labels}, "pack-json: gzip")
p = t.run([P, layout, os.path.join(work, "plain.aci")], check=0)
t.eq(p.stdout, r["image_id"] + "\n", "pack-json: without --json the same image ID, as text")

aci = os.path.join(work, "none.aci")
report = os.path.join(work, "pack.json")
p = t.run([P, "--json", report, "--compression", "none", layout, aci], check=0)
t.eq((p.stdout, p.stderr), ("", ""), "pack-json-file: nothing on stdout")
with open(report) as f:
    r = one_document(f.read(), "pack-json-file")
t.eq((r["image_id"], r["compression"], r["level"], r["tar_size"], r["aci_size"], r["entries"]),
     ("sha512-" + sha(aci, "sha512"), "none", None, os.stat(aci).st_size, os.stat(aci).st_size,
      len(tar_names(open(aci, "rb").read()))), "pack-json-file: none: image ID = sha512 of the file")

aci = os.path.join(work, "xz.aci")
p = t.run([P, "--json", "-", "--compression", "xz", "--level", "best", "--manifest",
           os.path.join(layout, "manifest"), "--rootfs", os.path.join(layout, "rootfs"), aci], check=0)
r = one_document(p.stdout, "pack-json-xz")
raw = subprocess.run(["xz", "-dc", aci], check=True, capture_output=True).stdout
t.eq((r["compression"], r["level"], r["image_id"], r["tar_size"], r["aci_size"]),
     ("xz", 9, "sha512-" + hashlib.sha512(raw).hexdigest(), len(raw), os.stat(aci).st_size), "pack-json-xz")

# pack-json-sign: the signature path.
key = tm.make_key(work, "JSON Signer")
aci = os.path.join(work, "signed.aci")
p = t.run([P, "--json", "-", "--sign", "--gnupg-home", key.home, "--key", key.fpr, layout, aci], check=0)
r = one_document(p.stdout, "pack-json-sign")
t.eq(r["signature"], aci + ".asc", "pack-json-sign: signature path")
t.check(os.path.isfile(aci + ".asc"), "pack-json-sign: the signature exists")

# ---- manifest-patch-json: {aci, image_id} ------------------------------------------
aci = os.path.join(work, "gzip.aci")
p = t.run([M, "patch", "--label", "version=1.3", "--json", "-", aci], check=0)
r = one_document(p.stdout, "manifest-patch-json")
raw = subprocess.run(["gzip", "-dc", aci], check=True, capture_output=True).stdout
t.eq(r, {"aci": aci, "image_id": "sha512-" + hashlib.sha512(raw).hexdigest()}, "manifest-patch-json")
patched = os.path.join(work, "patched.aci")
p = t.run([M, "patch", "--label", "version=1.4", "--json", report, "--output", patched, aci], check=0)
t.eq(p.stdout, "", "manifest-patch-json-file: nothing on stdout")
with open(report) as f:
    r = one_document(f.read(), "manifest-patch-json-file")
raw = subprocess.run(["gzip", "-dc", patched], check=True, capture_output=True).stdout
t.eq(r, {"aci": patched, "image_id": "sha512-" + hashlib.sha512(raw).hexdigest()}, "manifest-patch-json-file")
p = t.run([M, "patch", "--label", "x=1", "--json", "-", os.path.join(layout, "manifest")], check=2)
t.eq((p.stdout, p.stderr), ("", "aci-manifest: error: --json: only patch of an .aci reports (its new image ID)\n"),
     "manifest-json-usage: patch of a manifest file")
p = t.run([M, "--name", "example.com/x", "--json", "-"], check=2)
t.eq(p.stderr, "aci-manifest: error: --json: only patch of an .aci reports (its new image ID)\n",
     "manifest-json-usage: generate")

# ---- fetch-unpack-json-agree: the same .deb, the same path, size and sha256 ------
m, mdebs = tm.standard_mirror(work)
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
dest = os.path.join(work, "fetched")
p = t.run(tm.fetch_cmd(F, src, dest, "hello-acikit", "acikit-data", extra=["--exact", "--json", "-"]), check=0)
fr = one_document(p.stdout, "fetch-json")
paths = [x["path"] for x in fr["packages"]]
p = t.run([U, "-q", "--json", "-", "--rootfs", os.path.join(work, "rootfs-fetched")] + paths, check=0)
ur = one_document(p.stdout, "fetch-unpack-json-agree")
keys = ("name", "version", "architecture", "path", "size", "sha256")
t.eq([{k: x[k] for k in keys} for x in ur["packages"]], [{k: x[k] for k in keys} for x in fr["packages"]],
     "fetch-unpack-json-agree: name, version, architecture, path, size, sha256")
srv.stop()

# ---- help-json: each reporting tool documents --json -----------------------------
for tool in (U, P, M, F):
    p = t.run([tool, "--help"], check=0)
    t.contains(p.stdout, "--json FILE", "help-json: " + os.path.basename(tool))

t.finish()
