"""fetch-resolve-default: without --exact aci-fetch fetches the dependency closure
(tool-acikit Depends: hello-acikit (>= 1.0)), sorted by name; --explain says why each
package is in it (stderr); --exclude leaves a dependency out and says so; NAME/SUITE and
NAME=VERSION pin; --pin that no candidate meets is an unsatisfiable error naming the pin;
--json - prints the report instead of the paths."""
import json
import os

import acitest as t
import testmirror as tm

work = t.tempdir("fetch-resolve")
m, debs = tm.standard_mirror(work)
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
fetch = t.tool("aci-fetch")
tool_deb = "tool-acikit_1%3a2.0+dfsg~rc1-1_amd64.deb"


def run(name, *args, check=0):
    d = os.path.join(work, name)
    return d, t.run([fetch, "--sources", src, "--dest", d] + list(args), check=check)


d, p = run("closure", "tool-acikit", "--explain")
t.eq(p.stdout.splitlines(), [os.path.join(d, "hello-acikit_1.10-1_amd64.deb"), os.path.join(d, tool_deb)],
     "closure, by name")
t.eq(p.stderr, "hello-acikit 1.10-1 amd64: tool-acikit 1:2.0+dfsg~rc1-1 Depends: hello-acikit (>= 1.0)\n"
               "tool-acikit 1:2.0+dfsg~rc1-1 amd64: requested\n", "--explain")

d, p = run("exclude", "tool-acikit", "--exclude", "hello-acikit")
t.eq(p.stdout.splitlines(), [os.path.join(d, tool_deb)], "--exclude")
t.eq(p.stderr, "aci-fetch: excluded: tool-acikit 1:2.0+dfsg~rc1-1 Depends: hello-acikit (>= 1.0): "
               "left to excluded hello-acikit\n", "--exclude says so")

d, p = run("suite-pin", "tool-acikit", "hello-acikit/updates", "--explain")
t.eq(p.stdout.splitlines(), [os.path.join(d, "hello-acikit_1.2-1_amd64.deb"), os.path.join(d, tool_deb)],
     "NAME/SUITE")
t.eq(p.stderr, "hello-acikit 1.2-1 amd64: requested\n  also: tool-acikit 1:2.0+dfsg~rc1-1 Depends: hello-acikit "
               "(>= 1.0)\ntool-acikit 1:2.0+dfsg~rc1-1 amd64: requested\n", "NAME/SUITE explained")

d, p = run("version-pin", "tool-acikit", "hello-acikit=1.0-1")
t.eq(p.stdout.splitlines(), [os.path.join(d, "hello-acikit_1.0-1_amd64.deb"), os.path.join(d, tool_deb)],
     "NAME=VERSION")

d, p = run("bad-pin", "tool-acikit", "--pin", "hello-acikit=9", check=1)
t.eq(p.stderr, "aci-fetch: error: resolve: unsatisfiable dependencies: hello-acikit (>= 1.0) needed by "
               "tool-acikit 1:2.0+dfsg~rc1-1 (pinned hello-acikit=9)\n", "unsatisfiable")
t.eq(tm.listing(d), [], "nothing fetched")

d, p = run("exact-suite", "--exact", "hello-acikit/updates", check=2)
t.eq(p.stderr, "aci-fetch: error: package request 'hello-acikit/updates': NAME/SUITE needs resolution: "
               "not with --exact\n", "--exact NAME/SUITE")

d, p = run("json", "tool-acikit", "--json", "-")
rep = json.loads(p.stdout)
t.eq([(x["name"], x["version"], x["source"], x["reasons"]) for x in rep["packages"]],
     [("hello-acikit", "1.10-1", 0, ["tool-acikit 1:2.0+dfsg~rc1-1 Depends: hello-acikit (>= 1.0)"]),
      ("tool-acikit", tm.TOOL_VERSION, 1, ["requested"])], "--json - report")
t.eq(list(rep), ["check_time", "check_time_basis", "sources", "packages", "notes", "downloaded"], "report keys")
t.eq([(s["suite"], s["signer_fingerprint"], [g["status"] for g in s["signatures"]]) for s in rep["sources"]],
     [("stable", m.key.fpr, ["good"]), ("updates", m.key.fpr, ["good"])], "report sources")
t.eq(sorted(os.listdir(d)), ["hello-acikit_1.10-1_amd64.deb", tool_deb], "--json - still fetches")
t.finish()
