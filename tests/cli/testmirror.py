"""A signed test Debian repository, built at test time, and a loopback server for it.

    key = make_key(work, "Archive")              # test-only key in its own GnuPG home
    m = Mirror(os.path.join(work, "mirror"), key)
    m.add("stable", build_deb(work, "hello-acikit", "1.10-1"))
    m.write()                                    # Packages{,.gz,.xz}, by-hash, Release, InRelease, Release.gpg
    srv = serve(m.root)                          # tests/cli/server.py on 127.0.0.1
    m.sources_file(path, srv.url, ["stable", "updates"])

standard_mirror() builds the repository the fetch tests share: hello-acikit 1.10-1
and 1.0-1 in "stable", 1.2-1 in "updates" (so "highest" must really compare
versions: 1.10 > 1.2 and the last one seen is not the answer), acikit-data (all)
and tool-acikit with an epoch, '+' and '~' (pool name with %3a).

The variants for rejection tests change a built mirror in place: tamper_inrelease,
corrupt_same_size (an index or a .deb whose hash is wrong while its size is right),
and signing with another key (Mirror.write(sign_key=...)).
"""
import atexit
import gzip
import hashlib
import json
import lzma
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# aci-fetch caches what it verified under $XDG_CACHE_HOME/acikit: each test
# process gets its own, so runs never see each other's (or the user's) cache.
_CACHE_HOME = __import__("tempfile").mkdtemp(prefix="acikit-xdg.")
atexit.register(shutil.rmtree, _CACHE_HOME, True)
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
DATE = "Thu, 03 Dec 2026 10:00:00 UTC"


def _gpg(home, *args, **kw):
    return subprocess.run(["gpg", "--homedir", home, "--batch", "--no-tty", "--yes",
                           "--pinentry-mode", "loopback", "--passphrase", ""] + list(args),
                          check=True, capture_output=True, **kw)


class Key:
    """A test-only OpenPGP key in its own GnuPG home (short path: agent sockets)."""

    def __init__(self, home, fpr, public):
        self.home, self.fpr, self.public = home, fpr, public


def make_key(work, name, expire="never"):
    import tempfile
    home = tempfile.mkdtemp(prefix="acikit-k.", dir="/tmp")
    atexit.register(shutil.rmtree, home, True)
    atexit.register(subprocess.run, ["gpgconf", "--homedir", home, "--kill", "all"],
                    capture_output=True)
    email = name.lower().replace(" ", "-") + "@acikit.test"
    _gpg(home, "--quick-gen-key", "%s <%s>" % (name, email), "ed25519", "sign", expire)
    out = _gpg(home, "--with-colons", "--list-keys", email).stdout.decode()
    fpr = [l.split(":")[9] for l in out.splitlines() if l.startswith("fpr:")][0]
    public = os.path.join(work, name.lower().replace(" ", "-") + ".gpg")
    _gpg(home, "--export", "-o", public, fpr)
    return Key(home, fpr, public)


def build_deb(work, name, version, arch="amd64", depends=None):
    """A small real .deb made with dpkg-deb; returns its path."""
    stage = os.path.join(work, "stage-%s-%s-%s" % (name, version.replace(":", "_"), arch))
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(os.path.join(stage, "DEBIAN"))
    doc = os.path.join(stage, "usr", "share", "doc", name)
    os.makedirs(doc)
    with open(os.path.join(doc, "version.txt"), "w") as f:
        f.write("%s %s %s\n" % (name, version, arch))
    control = ["Package: " + name, "Version: " + version, "Architecture: " + arch,
               "Maintainer: acikit tests <tests@acikit.test>", "Section: misc", "Priority: optional"]
    if depends:
        control.append("Depends: " + depends)
    control.append("Description: acikit test package %s\n test fixture built by testmirror.py" % name)
    with open(os.path.join(stage, "DEBIAN", "control"), "w") as f:
        f.write("\n".join(control) + "\n")
    out = os.path.join(work, "%s_%s_%s.deb" % (name, version.replace(":", "%3a"), arch))
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", stage, out],
                   check=True, capture_output=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    return out


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Mirror:
    def __init__(self, root, key, arch="amd64"):
        self.root, self.key, self.arch = root, key, arch
        self.suites = {}  # suite -> {component -> [(pool path, deb path)]}
        os.makedirs(root, exist_ok=True)

    def add(self, suite, deb, component="main"):
        """Puts `deb` into pool/COMPONENT/<first letter>/<package>/ and lists it in SUITE."""
        name = os.path.basename(deb).split("_")[0]
        pool = "pool/%s/%s/%s/%s" % (component, name[0], name, os.path.basename(deb))
        os.makedirs(os.path.join(self.root, os.path.dirname(pool)), exist_ok=True)
        shutil.copyfile(deb, os.path.join(self.root, pool))
        self.suites.setdefault(suite, {}).setdefault(component, []).append((pool, deb))
        return pool

    def index_dir(self, suite, component="main"):
        return "dists/%s/%s/binary-%s" % (suite, component, self.arch)

    def write(self, sign_key=None, by_hash=True, inrelease=True, release_gpg=True, valid_until=None,
              weak_only=False):
        """weak_only: the Release lists MD5Sum (and SHA1) only, no SHA256."""
        for suite, comps in self.suites.items():
            dist = os.path.join(self.root, "dists", suite)
            files = []
            for comp, entries in comps.items():
                stanzas = []
                for pool, deb in entries:
                    control = subprocess.run(["dpkg-deb", "-f", deb], check=True, capture_output=True,
                                             text=True).stdout.rstrip("\n")
                    full = os.path.join(self.root, pool)
                    with open(full, "rb") as f:
                        data = f.read()
                    stanzas.append(control + "\nFilename: %s\nSize: %d\nMD5sum: %s\nSHA256: %s\n"
                                   % (pool, len(data), hashlib.md5(data).hexdigest(),
                                      hashlib.sha256(data).hexdigest()))
                text = "\n".join(stanzas).encode()
                rel = "%s/binary-%s" % (comp, self.arch)
                d = os.path.join(dist, rel)
                os.makedirs(d, exist_ok=True)
                variants = {"Packages": text,
                            "Packages.gz": gzip.compress(text, mtime=0),
                            "Packages.xz": lzma.compress(text, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64)}
                for n, data in variants.items():
                    with open(os.path.join(d, n), "wb") as f:
                        f.write(data)
                    files.append((rel + "/" + n, data))
                    if by_hash:
                        bh = os.path.join(d, "by-hash", "SHA256")
                        os.makedirs(bh, exist_ok=True)
                        with open(os.path.join(bh, hashlib.sha256(data).hexdigest()), "wb") as f:
                            f.write(data)
            lines = ["Origin: acikit-test", "Label: acikit-test", "Suite: " + suite,
                     "Codename: acikit-" + suite, "Date: " + DATE, "Architectures: " + self.arch,
                     "Components: " + " ".join(sorted(comps)),
                     "Description: acikit test repository"]
            if valid_until:
                lines.append("Valid-Until: " + valid_until)
            if by_hash:
                lines.append("Acquire-By-Hash: yes")
            lines.append("MD5Sum:")
            lines += [" %s %8d %s" % (hashlib.md5(d).hexdigest(), len(d), n) for n, d in files]
            if weak_only:
                lines.append("SHA1:")
                lines += [" %s %8d %s" % (hashlib.sha1(d).hexdigest(), len(d), n) for n, d in files]
            else:
                lines.append("SHA256:")
                lines += [" %s %8d %s" % (hashlib.sha256(d).hexdigest(), len(d), n) for n, d in files]
            release = os.path.join(dist, "Release")
            with open(release, "w") as f:
                f.write("\n".join(lines) + "\n")
            self.sign(suite, sign_key, inrelease, release_gpg)

    def sign(self, suite, sign_key=None, inrelease=True, release_gpg=True):
        key = sign_key or self.key
        dist = os.path.join(self.root, "dists", suite)
        release = os.path.join(dist, "Release")
        for n in ("InRelease", "Release.gpg"):
            if os.path.exists(os.path.join(dist, n)):
                os.unlink(os.path.join(dist, n))
        if inrelease:
            _gpg(key.home, "-u", key.fpr, "--clearsign", "-o", os.path.join(dist, "InRelease"), release)
        if release_gpg:
            _gpg(key.home, "-u", key.fpr, "--armor", "--detach-sign", "-o",
                 os.path.join(dist, "Release.gpg"), release)

    def path(self, rel):
        return os.path.join(self.root, rel)

    def tamper_inrelease(self, suite):
        """Changes one byte inside the signed part of InRelease (signature kept)."""
        p = self.path("dists/%s/InRelease" % suite)
        with open(p) as f:
            text = f.read()
        assert "Label: acikit-test" in text
        with open(p, "w") as f:
            f.write(text.replace("Label: acikit-test", "Label: acikit-tesT", 1))

    def corrupt_same_size(self, rel):
        """Flips one byte in the middle of a file (and of its by-hash copy for an
        index): the size stays right, the SHA256 does not."""
        paths = [self.path(rel)]
        if "/binary-" in rel:
            bh = os.path.join(os.path.dirname(self.path(rel)), "by-hash", "SHA256", _sha256(self.path(rel)))
            if os.path.exists(bh):
                paths.append(bh)
        for p in paths:
            with open(p, "r+b") as f:
                data = bytearray(f.read())
                data[len(data) // 2] ^= 0x01
                f.seek(0)
                f.write(data)

    def sources_file(self, path, url, suites, keyring=None, components=("main",)):
        """A deb822 .sources file for `url` with Signed-By the mirror key (or `keyring`)."""
        with open(path, "w") as f:
            f.write("Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\nSigned-By: %s\n"
                    % (url, " ".join(suites), " ".join(components), keyring or self.key.public))
        return path


HELLO_VERSIONS = [("stable", "1.10-1"), ("stable", "1.0-1"), ("updates", "1.2-1")]
TOOL_VERSION = "1:2.0+dfsg~rc1-1"


def standard_mirror(work):
    """The shared fetch fixture (see the module doc); returns (mirror, debs by (name, version))."""
    key = make_key(work, "Archive Key")
    m = Mirror(os.path.join(work, "mirror"), key)
    debs = {}
    for suite, v in HELLO_VERSIONS:
        d = build_deb(work, "hello-acikit", v)
        m.add(suite, d)
        debs[("hello-acikit", v)] = d
    d = build_deb(work, "acikit-data", "0.1-1", arch="all")
    m.add("stable", d)
    debs[("acikit-data", "0.1-1")] = d
    d = build_deb(work, "tool-acikit", TOOL_VERSION, depends="hello-acikit (>= 1.0)")
    m.add("updates", d)
    debs[("tool-acikit", TOOL_VERSION)] = d
    m.write()
    return m, debs


class Server:
    def __init__(self, root, max_seconds=300):
        import tempfile
        self.state = tempfile.mkdtemp(prefix="acikit-srv.")
        atexit.register(shutil.rmtree, self.state, True)
        self.faults_path = os.path.join(self.state, "faults.json")
        self.log_path = os.path.join(self.state, "log")
        port_file = os.path.join(self.state, "port")
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--root", root,
                                      "--port-file", port_file, "--faults", self.faults_path,
                                      "--log", self.log_path, "--max-seconds", str(max_seconds)],
                                     stdout=subprocess.DEVNULL)
        atexit.register(self.stop)
        for _ in range(400):
            if os.path.exists(port_file):
                break
            time.sleep(0.025)
        with open(port_file) as f:
            self.port = int(f.read())
        self.url = "http://127.0.0.1:%d/" % self.port

    def faults(self, faults):
        tmp = self.faults_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(faults, f)
        os.rename(tmp, self.faults_path)

    def log(self):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as f:
            return [json.loads(l) for l in f]

    def clear_log(self):
        if os.path.exists(self.log_path):
            os.unlink(self.log_path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def serve(root, max_seconds=300):
    return Server(root, max_seconds)


def listing(d):
    """Every file and directory under d (relative paths), sorted; [] when d is missing."""
    out = []
    for base, dirs, files in os.walk(d):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(base, n), d))
    return sorted(out)


def sha256_of(path):
    return _sha256(path)


def fetch_cmd(tool, sources, dest, *packages, extra=()):
    return [tool, "--quiet", "--sources", sources, "--dest", dest] + list(extra) + list(packages)
