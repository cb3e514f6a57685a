"""Fixture .deb files, built at test time.

Two builders:
- build_dpkg(): dpkg-deb -b from a staging tree (the normal, dpkg-made form);
- build_raw(): by hand, with Python's tarfile and an ar writer, for the forms
  dpkg-deb refuses to build: bzip2/lzma data, pax headers, hostile member names,
  links pointing outside, hardlinks before their target, odd member orders.

Entries are described with the small constructors below (file, dir, symlink, ...),
so the same description can build either form and state the expected tree.
Other tests (aci-pack, aci-verify) may import this module too.
"""
import bz2
import gzip
import io
import lzma
import os
import shutil
import subprocess
import tarfile

MTIME = 1700000000  # 2023-11-14T22:13:20Z, fixed so trees are reproducible


class E:
    """One data.tar entry."""

    def __init__(self, kind, name, data=b"", mode=None, uid=0, gid=0, mtime=MTIME,
                 target="", major=0, minor=0, pax=None):
        self.kind, self.name, self.data = kind, name, data
        self.mode = mode if mode is not None else {"dir": 0o755, "symlink": 0o777}.get(kind, 0o644)
        self.uid, self.gid, self.mtime = uid, gid, mtime
        self.target, self.major, self.minor = target, major, minor
        self.pax = pax or {}


def file(name, data=b"", mode=0o644, **kw):
    return E("file", name, data=data if isinstance(data, bytes) else data.encode(), mode=mode, **kw)


def dir(name, mode=0o755, **kw):
    return E("dir", name, mode=mode, **kw)


def symlink(name, target, **kw):
    return E("symlink", name, target=target, **kw)


def hardlink(name, target, **kw):
    return E("hardlink", name, target=target, **kw)


def fifo(name, mode=0o644, **kw):
    return E("fifo", name, mode=mode, **kw)


def chardev(name, major, minor, mode=0o666, **kw):
    return E("chardev", name, major=major, minor=minor, mode=mode, **kw)


def blockdev(name, major, minor, mode=0o660, **kw):
    return E("blockdev", name, major=major, minor=minor, mode=mode, **kw)


_TYPES = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
          "hardlink": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE, "chardev": tarfile.CHRTYPE,
          "blockdev": tarfile.BLKTYPE}


def make_tar(entries, fmt=tarfile.GNU_FORMAT):
    """An uncompressed tar of the entries, names exactly as given."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for e in entries:
            ti = tarfile.TarInfo(e.name)
            ti.type = _TYPES[e.kind]
            ti.mode = e.mode
            ti.uid, ti.gid = e.uid, e.gid
            ti.uname = ti.gname = ""
            ti.mtime = e.mtime
            ti.linkname = e.target
            ti.devmajor, ti.devminor = e.major, e.minor
            if e.pax:
                ti.pax_headers = dict(e.pax)
            if e.kind == "file":
                ti.size = len(e.data)
                t.addfile(ti, io.BytesIO(e.data))
            else:
                t.addfile(ti)
    return buf.getvalue()


def compress(data, kind):
    """kind: '' (none), gz, xz, zst, bz2, lzma."""
    if kind == "":
        return data
    if kind == "gz":
        return gzip.compress(data, mtime=0)
    if kind == "xz":
        return lzma.compress(data, format=lzma.FORMAT_XZ)
    if kind == "lzma":
        return lzma.compress(data, format=lzma.FORMAT_ALONE)
    if kind == "bz2":
        return bz2.compress(data)
    if kind == "zst":
        return subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True,
                              check=True).stdout
    raise ValueError(kind)


def ar(members):
    """A common-format ar archive (as dpkg-deb writes it: no '/' after names)."""
    out = bytearray(b"!<arch>\n")
    for name, data in members:
        assert len(name) <= 16, name
        out += b"%-16s%-12d%-6d%-6d%-8o%-10d`\n" % (name.encode(), 0, 0, 0, 0o100644, len(data))
        out += data
        if len(data) % 2:
            out += b"\n"
    return bytes(out)


def control_text(package, version="1.0", arch="all", extra=""):
    return ("Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: acikit tests "
            "<tests@example.org>\nDescription: fixture %s\n%s" % (package, version, arch, package, extra))


def control_tar(package, version="1.0", scripts=(), md5sums=None, control=None, fmt=tarfile.GNU_FORMAT):
    entries = [dir("./"), file("./control", control if control is not None else control_text(package, version))]
    if md5sums is not None:
        entries.append(file("./md5sums", md5sums))
    for s in scripts:
        entries.append(file("./" + s, "#!/bin/sh\nexit 0\n", mode=0o755))
    return make_tar(entries, fmt)


def build_raw(path, package, entries, data_comp="xz", control_comp="gz", scripts=(),
              md5sums=None, control=None, debian_binary=b"2.0\n", members=None,
              data_fmt=tarfile.GNU_FORMAT, data_member=None, control_member=None,
              data_tar=None):
    """A .deb written by hand. members, when given, is the whole ar member list
    [(name, bytes)]; otherwise debian-binary, control.tar.C, data.tar.D."""
    if members is None:
        ctar = compress(control_tar(package, scripts=scripts, md5sums=md5sums, control=control),
                        control_comp)
        dtar = compress(data_tar if data_tar is not None else make_tar(entries, data_fmt), data_comp)
        cname = control_member or ("control.tar" + ("." + control_comp if control_comp else ""))
        dname = data_member or ("data.tar" + ("." + data_comp if data_comp else ""))
        members = [("debian-binary", debian_binary), (cname, ctar), (dname, dtar)]
    with open(path, "wb") as f:
        f.write(ar(members))
    return path


def _rel(name):
    while name.startswith("./"):
        name = name[2:]
    return "" if name == "." else name


def stage(root, entries):
    """Create the entries in a staging directory (for dpkg-deb -b)."""
    os.makedirs(root, exist_ok=True)
    dirs = []
    for e in entries:
        p = os.path.join(root, _rel(e.name))
        if e.kind == "dir":
            os.makedirs(p, exist_ok=True)
            dirs.append((p, e))
            continue
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if e.kind == "file":
            with open(p, "wb") as f:
                f.write(e.data)
        elif e.kind == "symlink":
            os.symlink(e.target, p)
        elif e.kind == "hardlink":
            os.link(os.path.join(root, _rel(e.target)), p)
            continue
        elif e.kind == "fifo":
            os.mkfifo(p)
        elif e.kind in ("chardev", "blockdev"):
            import stat
            os.mknod(p, (stat.S_IFCHR if e.kind == "chardev" else stat.S_IFBLK) | e.mode,
                     os.makedev(e.major, e.minor))
        if os.geteuid() == 0:
            os.lchown(p, e.uid, e.gid)
        if e.kind != "symlink":
            os.chmod(p, e.mode)
        os.utime(p, (e.mtime, e.mtime), follow_symlinks=False)
    for p, e in reversed(dirs):
        if os.geteuid() == 0:
            os.lchown(p, e.uid, e.gid)
        os.chmod(p, e.mode)
        os.utime(p, (e.mtime, e.mtime))


def build_dpkg(path, package, entries, compress_type="xz", scripts=(), version="1.0", workdir=None):
    """A .deb made by dpkg-deb -b (owners kept as staged when root)."""
    workdir = workdir or os.path.dirname(os.path.abspath(path))
    root = os.path.join(workdir, "stage-" + os.path.basename(path))
    shutil.rmtree(root, ignore_errors=True)
    stage(root, entries)
    os.makedirs(os.path.join(root, "DEBIAN"))
    with open(os.path.join(root, "DEBIAN", "control"), "w") as f:
        f.write(control_text(package, version))
    for s in scripts:
        sp = os.path.join(root, "DEBIAN", s)
        with open(sp, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(sp, 0o755)
    args = ["dpkg-deb", "-Z" + compress_type, "-b", root, path]
    if os.geteuid() != 0:
        args.insert(1, "--root-owner-group")
    subprocess.run(args, check=True, capture_output=True,
                   env=dict(os.environ, SOURCE_DATE_EPOCH=str(MTIME)))
    shutil.rmtree(root)
    return path


# ---- inspecting results -------------------------------------------------------

def tree(root, dir_mtimes=True):
    """{relative path: description} of everything under root (root excluded), not
    following symlinks: type, mode, owner, mtime, size, link target or content."""
    import stat
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            d = {"mode": "%o" % stat.S_IMODE(st.st_mode), "uid": st.st_uid, "gid": st.st_gid,
                 "mtime": int(st.st_mtime)}
            if stat.S_ISDIR(st.st_mode):
                d["type"] = "dir"
                if not dir_mtimes:
                    del d["mtime"]
            elif stat.S_ISLNK(st.st_mode):
                d["type"] = "symlink"
                d["target"] = os.readlink(p)
                del d["mode"]
            elif stat.S_ISREG(st.st_mode):
                d["type"] = "file"
                d["nlink"] = st.st_nlink
                with open(p, "rb") as f:
                    d["data"] = f.read()
            elif stat.S_ISFIFO(st.st_mode):
                d["type"] = "fifo"
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                d["type"] = "chardev" if stat.S_ISCHR(st.st_mode) else "blockdev"
                d["rdev"] = (os.major(st.st_rdev), os.minor(st.st_rdev))
            out[rel] = d
        # os.walk does not descend into symlinked dirs: good.
    return out


def tar_tree(data):
    """tree() form of a tar stream (later members win; hardlinks share data)."""
    out = {}
    links = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        for m in t.getmembers():
            name = m.name.rstrip("/")
            d = {"mode": "%o" % m.mode, "uid": m.uid, "gid": m.gid, "mtime": int(m.mtime)}
            if m.isdir():
                d["type"] = "dir"
            elif m.issym():
                d.update(type="symlink", target=m.linkname)
                del d["mode"]
            elif m.islnk():
                links.setdefault(m.linkname, [m.linkname]).append(name)
                continue
            elif m.isfile():
                d.update(type="file", nlink=1, data=t.extractfile(m).read())
            elif m.isfifo():
                d["type"] = "fifo"
            elif m.ischr() or m.isblk():
                d.update(type="chardev" if m.ischr() else "blockdev", rdev=(m.devmajor, m.devminor))
            out[name] = d
    for target, names in links.items():
        for n in names:
            out[n] = dict(out[target], nlink=len(names))
    return out


def snapshot(base, exclude=()):
    """Everything under base (byte for byte, with metadata), skipping the
    subtrees named in exclude (relative to base): for canary checks."""
    t = tree(base)
    return {k: v for k, v in t.items()
            if not any(k == x or k.startswith(x + "/") for x in exclude)}


def make_canary(base):
    """A canary directory beside the rootfs, with a file, a dir and a symlink."""
    c = os.path.join(base, "canary")
    os.makedirs(os.path.join(c, "sub"))
    with open(os.path.join(c, "file"), "w") as f:
        f.write("canary\n")
    with open(os.path.join(c, "sub", "deep"), "w") as f:
        f.write("deep canary\n")
    os.symlink("file", os.path.join(c, "link"))
    for p in ("file", "sub/deep", "sub", ""):
        os.utime(os.path.join(c, p), (MTIME, MTIME))
    return c


def expected_tree(entries, owners=True):
    """The tree() a faithful unpacker gives for entries (later entries win;
    hardlinks share their target's description and raise its link count)."""
    out = {}
    groups = {}
    for e in entries:
        rel = _rel(e.name).rstrip("/")
        if not rel:
            continue
        d = {"mode": "%o" % e.mode, "uid": e.uid, "gid": e.gid, "mtime": e.mtime}
        if e.kind == "dir":
            d["type"] = "dir"
        elif e.kind == "file":
            d.update(type="file", nlink=1, data=e.data)
        elif e.kind == "symlink":
            d.update(type="symlink", target=e.target)
            del d["mode"]
        elif e.kind == "fifo":
            d["type"] = "fifo"
        elif e.kind in ("chardev", "blockdev"):
            d.update(type=e.kind, rdev=(e.major, e.minor))
        elif e.kind == "hardlink":
            t = _rel(e.target)
            g = groups.setdefault(t, [t])
            g.append(rel)
            groups[rel] = g
            continue
        out[rel] = d
    done = set()
    for t, g in groups.items():
        if id(g) in done:
            continue
        done.add(id(g))
        src = dict(out[g[0]])
        if "nlink" in src:
            src["nlink"] = len(g)
        for p in g:
            out[p] = dict(src)
    if not owners:
        for d in out.values():
            d.pop("uid", None)
            d.pop("gid", None)
    return out


def without(t, *keys, types=None):
    """t with the keys dropped (for entries of the given types, or all)."""
    return {p: {k: v for k, v in d.items() if k not in keys or (types and d.get("type") not in types)}
            for p, d in t.items()}
