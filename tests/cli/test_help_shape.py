"""help-shape (issue 6): every tool's --help has the same shape: "Usage: aci-X [OPTIONS]"
(after a subcommand for aci-manifest's continuation lines) with "   or: aci-X"
continuation lines, an imperative one-line description, no Boost "arg" or "(=X)",
-q/--quiet, -h/--help and --version last with one wording, and the same closing
exit status line."""
import re

import acitest as t

VERBS = {"aci-fetch": "Download", "aci-unpack": "Unpack", "aci-manifest": "Write", "aci-pack": "Pack",
         "aci-verify": "Check"}
EXIT = "Exit status: 0 success, 1 bad input, 2 usage error, 3 environment or transient failure.\n"

for x, verb in VERBS.items():
    p = t.run([t.tool(x), "--help"], check=0)
    lines = p.stdout.split("\n")
    t.check(lines[0].startswith("Usage: %s [OPTIONS] " % x), x + ": usage line: %r" % lines[0])
    i = 1
    while lines[i].startswith("   or: "):
        t.check(lines[i].startswith("   or: %s " % x), x + ": continuation: %r" % lines[i])
        i += 1
    t.check(re.match(verb + r"\b", lines[i]) is not None, x + ": imperative description: %r" % lines[i])
    t.check(p.stdout.endswith("\n\n" + EXIT), x + ": ends with the exit status line")
    options = p.stdout.split("\nOptions:\n", 1)[1]
    t.check(not re.search(r"--[a-z-]+ arg\b|\(=", options), x + ": no Boost 'arg' or '(=X)'")
    opts = [l for l in options.split("\n") if l.startswith("  -")]
    t.eq([l.split(None, 3)[:3] for l in opts[-3:]],
         [["-q", "[", "--quiet"], ["-h", "[", "--help"], ["--version", "show", "the"]], x + ": last options")
    t.check(opts[-2].endswith(" show this help and exit"), x + ": --help wording")
    t.check(opts[-1].endswith(" show the version and exit"), x + ": --version wording")
    p = t.run([t.tool(x), "--version"], check=0)
    t.eq(p.stdout, x + " 0.1.0\n", x + " --version")

t.finish()
