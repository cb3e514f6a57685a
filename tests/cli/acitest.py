"""Shared helpers for the CLI tests: each tests/cli/test_*.py is one CTest test
that runs the built tools and checks stdout, stderr and exit status.

Exit 77 means "skipped" to CTest. Under CI (CI=true) a skip is a failure: the
environment is expected to have everything (mirror, actool, unshare)."""
import os
import shutil
import subprocess
import sys
import tempfile

SOURCE_DIR = os.environ.get("ACIKIT_SOURCE_DIR",
                            os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BIN_DIR = os.environ.get("ACIKIT_BIN", os.path.join(SOURCE_DIR, "build"))
CLI_DIR = os.path.join(SOURCE_DIR, "tests", "cli")
SKIP = 77

_failures = []


def tool(name):
    """Path of a built tool, e.g. tool('aci-pack')."""
    return os.path.join(BIN_DIR, name)


def run(args, input=None, env=None, cwd=None, timeout=600, check=None):
    """Run a command; returns CompletedProcess with text stdout/stderr.
    check=N asserts the exit status is N."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.run(args, input=input, capture_output=True, env=full_env, cwd=cwd,
                       timeout=timeout, text=isinstance(input, str) or input is None)
    if check is not None and p.returncode != check:
        raise AssertionError("%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(map(str, args)), p.returncode, check, p.stdout, p.stderr))
    return p


def skip(reason):
    """Skip the whole test visibly; under CI a skip is a failure."""
    if os.environ.get("CI") == "true":
        print("FAIL (skip not allowed under CI=true): " + reason)
        sys.exit(1)
    print("SKIPPED: " + reason)
    sys.exit(SKIP)


def check(cond, message):
    """Record a failed expectation and carry on (reported by finish())."""
    if not cond:
        _failures.append(message)
        print("FAIL: " + message)
    return cond


def eq(actual, expected, message=""):
    return check(actual == expected, "%s: expected %r, got %r" % (message, expected, actual))


def contains(haystack, needle, message=""):
    return check(needle in haystack, "%s: %r not found in %r" % (message, needle, haystack))


def finish():
    if _failures:
        print("%d expectation(s) failed" % len(_failures))
        sys.exit(1)
    print("ok")
    sys.exit(0)


def tempdir(prefix="acikit-test"):
    d = tempfile.mkdtemp(prefix=prefix + ".")
    if os.environ.get("ACIKIT_KEEP_TEMP") != "1":
        import atexit
        atexit.register(shutil.rmtree, d, True)
    return d


def find_actool():
    """The reference validator, built by scripts/setup; None when missing."""
    for c in (os.environ.get("ACTOOL"), os.path.join(SOURCE_DIR, ".deps", "bin", "actool"),
              shutil.which("actool")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def system_mirror():
    """(uri, suite) of the first 'deb' source in the machine's apt sources that
    answers for dists/SUITE/InRelease, or None. Read at run time: no host name
    is ever written into the tests."""
    import glob
    import urllib.request
    cands = []
    for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        uris, suites, types = [], [], []
        for line in open(f, encoding="utf-8", errors="replace").read().split("\n") + [""]:
            s = line.strip()
            if s.startswith("#"):
                continue
            if not s:
                if "deb" in types:
                    cands += [(u.rstrip("/"), x) for u in uris for x in suites]
                uris, suites, types = [], [], []
                continue
            k, _, v = s.partition(":")
            k = k.strip().lower()
            if k == "uris":
                uris = v.split()
            elif k == "suites":
                suites = v.split()
            elif k == "types":
                types = v.split()
    for f in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        try:
            for line in open(f, encoding="utf-8", errors="replace"):
                w = line.split("#")[0].split()
                if len(w) >= 3 and w[0] == "deb":
                    if w[1].startswith("["):
                        while w and not w[0].endswith("]"):
                            w.pop(0)
                        w.pop(0)
                        w.insert(0, "deb")
                    cands.append((w[1].rstrip("/"), w[2]))
        except OSError:
            pass
    for uri, suite in cands:
        if not uri.startswith("http://") or "security" in uri:
            continue
        try:
            urllib.request.urlopen(uri + "/dists/" + suite + "/InRelease", timeout=20).read(64)
            return uri, suite
        except Exception:
            continue
    return None
