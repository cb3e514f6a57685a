"""cmake --install with DESTDIR: the installed layout, file by file, and the man
pages (one per tool: options from the tool's own --help, exit status,
environment, examples) render without warnings."""
import os
import re
import shutil
import subprocess

import acitest as t

TOOLS = ["aci-fetch", "aci-manifest", "aci-pack", "aci-unpack", "aci-verify"]

if not os.path.isfile(os.path.join(t.BIN_DIR, "man", "aci-fetch.1")):
    t.skip("no man pages in %s (configure with -DACIKIT_MAN=ON; needs help2man)" % t.BIN_DIR)

dest = t.tempdir("install")
p = t.run(["cmake", "--install", t.BIN_DIR, "--prefix", "/usr"], env={"DESTDIR": dest}, check=0)

files = sorted(os.path.relpath(os.path.join(r, f), dest) for r, _, fs in os.walk(dest) for f in fs)
examples = sorted(os.path.join("usr/share/doc/acikit/examples", os.path.relpath(os.path.join(r, f), os.path.join(t.SOURCE_DIR, "examples")))
                  for r, _, fs in os.walk(os.path.join(t.SOURCE_DIR, "examples")) for f in fs)
t.check("usr/share/doc/acikit/examples/java/Makefile" in examples, "examples/java/Makefile is in the source tree")
t.eq(files, sorted(["usr/bin/" + x for x in TOOLS] + ["usr/share/man/man1/%s.1" % x for x in TOOLS] + examples),
     "installed files")
for x in TOOLS:
    t.eq(oct(os.stat(os.path.join(dest, "usr/bin", x)).st_mode & 0o7777), "0o755", x + " mode")
    t.eq(oct(os.stat(os.path.join(dest, "usr/share/man/man1", x + ".1")).st_mode & 0o7777), "0o644", x + ".1 mode")

with open(os.path.join(t.SOURCE_DIR, "examples/java/Makefile"), "rb") as a, \
     open(os.path.join(dest, "usr/share/doc/acikit/examples/java/Makefile"), "rb") as b:
    t.eq(b.read(), a.read(), "example Makefile installed byte for byte")

env_of = {
    "aci-fetch": ["XDG_CACHE_HOME", "HOME", "GNUPGHOME"],
    "aci-unpack": ["SOURCE_DATE_EPOCH"],
    "aci-manifest": ["TMPDIR"],
    "aci-pack": ["SOURCE_DATE_EPOCH", "TMPDIR", "GNUPGHOME"],
    "aci-verify": ["GNUPGHOME"],
}
for x in TOOLS:
    page = open(os.path.join(dest, "usr/share/man/man1", x + ".1"), encoding="utf-8").read()
    sections = re.findall(r'^\.SH "?([A-Z ]+?)"?$', page, re.M)
    # man-pages(7) order.
    t.eq(sections, ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT"]
         + (["FILES"] if x == "aci-fetch" else []) + ["EXAMPLES", "SEE ALSO"],
         x + ".1 sections")
    t.contains(page, '.TH %s "1"' % x.upper(), x + ".1 title")
    name_line = page.split(".SH NAME\n", 1)[1].split("\n", 1)[0]
    t.check(name_line.startswith(x + " \\- "), x + ".1 NAME line: %r" % name_line)
    # Exit status 0..3 each documented.
    status = page.split('.SH "EXIT STATUS"', 1)[1].split(".SH", 1)[0]
    t.eq(re.findall(r"^\.B ([0-9])$", status, re.M), ["0", "1", "2", "3"], x + ".1 exit statuses")
    environment = page.split(".SH ENVIRONMENT", 1)[1].split(".SH", 1)[0]
    for v in env_of[x]:
        t.check(".B " + v in environment, "%s.1 ENVIRONMENT documents %s" % (x, v))
    # Every long option of --help is in OPTIONS (the page is made from --help).
    helptext = t.run([os.path.join(dest, "usr/bin", x), "--help"], check=0).stdout
    options = page.split(".SH OPTIONS", 1)[1].split(".SH", 1)[0]
    longs = sorted(set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]*)", helptext.split("Options:", 1)[1])))
    t.check(len(longs) >= 3, x + " --help lists options")
    for o in longs:
        t.check("\\fB\\-\\-%s\\fR" % o.replace("-", "\\-") in options, "%s.1 OPTIONS has --%s" % (x, o))
    examples_text = page.split(".SH EXAMPLES", 1)[1].split(".SH", 1)[0]
    t.check(x.replace("-", "\\-") + " " in examples_text, x + ".1 EXAMPLES run the tool")
    if shutil.which("man"):
        r = subprocess.run(["man", "--warnings", "-l", os.path.join(dest, "usr/share/man/man1", x + ".1")],
                           capture_output=True, text=True, env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8",
                                                                    MANPAGER="cat", PAGER="cat"))
        t.eq((r.returncode, r.stderr), (0, ""), x + ".1 renders without warnings")
        t.contains(r.stdout, "EXIT STATUS", x + ".1 rendered")

t.finish()
