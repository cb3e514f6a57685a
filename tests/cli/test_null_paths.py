"""null-paths: aci-fetch --null / -0 ends each printed .deb path with NUL (no newline),
in request order, from the loopback test mirror; aci-unpack --null / -0 reads
NUL-separated package paths from stdin, taken as given (a path with spaces or a
newline; no trimming; empty items skipped); the fetch output piped into unpack.
Also unpack-source-date-epoch-strict: aci-unpack parses SOURCE_DATE_EPOCH as
aci-pack does (digits only; exit 1)."""
import os
import shutil

import acitest as t
import testmirror as tm

work = t.tempdir("null-paths")
m, debs = tm.standard_mirror(work)
srv = tm.serve(m.root)
src = m.sources_file(os.path.join(work, "test.sources"), srv.url, ["stable", "updates"])
fetch = t.tool("aci-fetch")
unpack = t.tool("aci-unpack")

# fetch-null: NUL after every path, no newline anywhere.
dest = os.path.join(work, "debs")
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit", "acikit-data", extra=["--exact", "--null"]), check=0)
hello = os.path.join(dest, "hello-acikit_1.10-1_amd64.deb")
data = os.path.join(dest, "acikit-data_0.1-1_all.deb")
t.eq(p.stdout, hello + "\0" + data + "\0", "fetch-null: NUL-terminated paths")
t.eq(p.stderr, "", "fetch-null: stderr")
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit", extra=["--exact", "-0"]), check=0)
t.eq(p.stdout, hello + "\0", "fetch-null: -0")
p = t.run(tm.fetch_cmd(fetch, src, dest, "hello-acikit", extra=["--exact"]), check=0)
t.eq(p.stdout, hello + "\n", "fetch without --null: one per line")

# unpack-null: the fetch output as it is.
rootfs = os.path.join(work, "fetched.rootfs")
p = t.run([unpack, "-q", "--null", "--rootfs", rootfs], input=hello + "\0" + data + "\0", check=0)
t.eq((p.stdout, p.stderr), ("", ""), "unpack-null: quiet")
t.eq(sorted(os.listdir(os.path.join(rootfs, "usr/share/doc"))), ["acikit-data", "hello-acikit"],
     "unpack-null: both packages")

# unpack-null: names with spaces and a newline are taken as given; a last item
# without NUL counts; empty items are skipped.
odd = os.path.join(work, " odd\nname .deb")
shutil.copyfile(debs[("tool-acikit", "1:2.0+dfsg~rc1-1")], odd)
rootfs = os.path.join(work, "odd.rootfs")
p = t.run([unpack, "-q", "-0", "--rootfs", rootfs], input="\0" + odd + "\0\0" + hello, check=0)
t.eq(sorted(os.listdir(os.path.join(rootfs, "usr/share/doc"))), ["hello-acikit", "tool-acikit"],
     "unpack-null: odd names")
# Without --null the same bytes are one line-separated item: the name is split at the newline.
p = t.run([unpack, "-q", "--rootfs", os.path.join(work, "lines.rootfs")], input=odd + "\n", check=3)
t.eq(p.stderr, "aci-unpack: error: %s/ odd: cannot open: No such file or directory\n" % work,
     "unpack-lines: newline splits the path")
p = t.run([unpack, "-q", "--null", "--rootfs", os.path.join(work, "empty.rootfs")], input="\0\0", check=2)
t.eq(p.stderr, "aci-unpack: error: no packages given (arguments or paths on stdin)\n", "unpack-null: only empty items")

# unpack-source-date-epoch-strict
for bad in ("12abc", "-1", " 12", "1.5", "9" * 19):
    p = t.run([unpack, "-q", "--rootfs", os.path.join(work, "sde.rootfs"), hello], env={"SOURCE_DATE_EPOCH": bad},
              check=1)
    t.eq(p.stderr, "aci-unpack: error: SOURCE_DATE_EPOCH: '%s' is not a non-negative integer\n" % bad,
         "unpack-source-date-epoch-strict %r" % bad)
p = t.run([unpack, "-q", "--rootfs", os.path.join(work, "sde-ok.rootfs"), hello], env={"SOURCE_DATE_EPOCH": "1234"},
          check=0)
t.eq(int(os.stat(os.path.join(work, "sde-ok.rootfs", "var/lib/dpkg/status")).st_mtime), 1234,
     "unpack-source-date-epoch: valid")

srv.stop()
t.finish()
