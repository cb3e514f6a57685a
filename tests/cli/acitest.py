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
