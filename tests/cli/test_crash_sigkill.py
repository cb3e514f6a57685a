"""crash-sigkill: each tool is killed with SIGKILL at random points while it writes
(aci-fetch into --dest and its cache from the loopback mirror through a slow
server, aci-fetch --mirror-out, aci-unpack into a rootfs, aci-pack into an .aci),
many times. Asserted:

- many kills really landed mid-write: at the kill the process had an output file
  open for writing (/proc/PID/fd) or a temporary (*.tmp.*) it had created existed;
- after every kill, no final name holds a partial or unverified file: every .deb
  in --dest, every file of the partial mirror and every rootfs file is byte-equal
  to what a complete run gives; every cache object hashes to its name; the .aci is
  absent or the complete one;
- the next run recovers without manual cleanup: it succeeds (resuming or redoing
  the work) and leaves exactly the complete output, with no stale temporary.

Kills come in groups of 1-3 without cleaning up in between (a killed recovery is
recovered from too). ACIKIT_CRASH_KILLS (default 20 per tool) and
ACIKIT_CRASH_SEED (printed) make a run repeatable."""
import hashlib
import os
import re
import random
import shutil
import signal
import subprocess
import sys
import time

import acitest as t
import debfixtures as df
import testmirror as tm

KILLS = int(os.environ.get("ACIKIT_CRASH_KILLS", "20"))
SEED = int(os.environ.get("ACIKIT_CRASH_SEED", str(random.randrange(1 << 30))))
print("seed %d (ACIKIT_CRASH_SEED), %d kills per tool" % (SEED, KILLS))
rng = random.Random(SEED)
work = t.tempdir("crash")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


STAGING = re.compile(r"^\.aci-fetch\.[A-Za-z0-9]{6}$")  # aci-fetch's staging directory in --dest


def is_temp(name):
    """A temporary name: NAME.tmp.* (AtomicFile, cache links), or anything inside a
    staging directory (util::TempDir under --dest: complete, verified files that
    are renamed out of it; a killed run's is removed by the next)."""
    return ".tmp." in os.path.basename(name) or any(STAGING.match(part) for part in name.split(os.sep))


def walk(d):
    """{relative path: (kind, sha256 or link target)} of everything under d."""
    out = {}
    if not os.path.isdir(d):
        return out
    for base, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(base, n)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            elif os.path.isdir(p):
                out[rel] = ("dir", None)
            elif os.path.isfile(p):
                out[rel] = ("file", sha256(p))
            else:
                out[rel] = ("other", None)
    return out


def temps(dirs):
    found = set()
    for d in dirs:
        for base, _, files in os.walk(d):
            found.update(os.path.join(base, n) for n in files if is_temp(os.path.join(base, n)))
    return found


def open_for_write(pid, dirs):
    """Regular files under `dirs` that process `pid` holds open for writing."""
    found = []
    fd_dir = "/proc/%d/fd" % pid
    try:
        fds = os.listdir(fd_dir)
    except OSError:
        return found
    prefixes = tuple(os.path.realpath(d) + "/" for d in dirs)
    for fd in fds:
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
            if not target.startswith(prefixes):
                continue
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                flags = int([l for l in f if l.startswith("flags:")][0].split()[1], 8)
            if flags & 3:  # O_WRONLY or O_RDWR
                found.append(target)
        except (OSError, IndexError, ValueError):
            continue
    return found


class Stats:
    def __init__(self):
        self.kills = 0
        self.mid_write = 0
        self.before_write = 0
        self.exited = 0


def kill_once(cmd, watch, timing, stats, label):
    """Starts cmd and kills it with SIGKILL at a random point: most often a random
    time after it starts writing, otherwise a random time after it starts. The
    ranges shrink to what a run that finished first took, so that a busy machine
    (a slow first run) does not let most runs finish. Returns True for a kill."""
    before = temps(watch)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    start = time.monotonic()
    on_write = rng.random() < 0.7
    delay = rng.uniform(0, 0.9 * (timing["write"] if on_write else timing["run"]))
    writing_since = None
    landed = False
    killed = False
    while True:
        if proc.poll() is not None:
            break
        now = time.monotonic()
        writing = bool(open_for_write(proc.pid, watch) or temps(watch) - before)
        if writing and writing_since is None:
            writing_since = now
        due = (writing_since is not None and now - writing_since >= delay) if on_write else now - start >= delay
        if due or now - start > timing["run"] * 4:
            # Re-checked right at the kill: a write in progress is an open output
            # file or a temporary this run made.
            landed = bool(open_for_write(proc.pid, watch)) or bool(temps(watch) - before)
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.002)
    proc.wait()
    end = time.monotonic()
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode == -signal.SIGKILL and killed:
        stats.kills += 1
        if landed:
            stats.mid_write += 1
        else:
            stats.before_write += 1
        return True
    t.eq(proc.returncode, 0, "%s: a run that was not killed: exit status (stderr %r)" % (label, err))
    stats.exited += 1
    timing["run"] = min(timing["run"], end - start)
    if writing_since is not None:
        timing["write"] = min(timing["write"], end - writing_since)
    return False


def run_scenario(label, cmd, watch, reset, check_partial, check_complete, budget):
    """KILLS kills in groups of 1-3, each group followed by a recovery run."""
    stats = Stats()
    timing = {"run": budget, "write": budget}
    reset()
    done = 0
    attempts = 0
    while done < KILLS and attempts < 3 * KILLS:
        for _ in range(min(rng.randint(1, 3), KILLS - done)):
            attempts += 1
            if kill_once(cmd, watch, timing, stats, label):
                done += 1
            problems = check_partial()
            t.check(not problems, "%s: after kill %d a final name holds a partial or unverified file: %s"
                    % (label, done, problems))
        p = t.run(cmd, timeout=300)
        t.eq(p.returncode, 0, "%s: recovery run after kill %d (stderr %r)" % (label, done, p.stderr))
        problems = check_complete()
        t.check(not problems, "%s: output after recovery from kill %d: %s" % (label, done, problems))
        left = temps(watch)
        t.eq(sorted(left), [], "%s: stale temporaries after recovery from kill %d" % (label, done))
        reset()
    print("%s: %d kills, %d mid-write, %d before any write, %d runs finished before the kill"
          % (label, stats.kills, stats.mid_write, stats.before_write, stats.exited))
    t.check(stats.mid_write >= max(3, KILLS // 2),
            "%s: only %d of %d kills landed mid-write" % (label, stats.mid_write, KILLS))
    return stats


def timed(cmd):
    s = time.monotonic()
    p = t.run(cmd, timeout=300)
    if p.returncode != 0:
        raise AssertionError("reference run %s: exit %d\n%s" % (cmd, p.returncode, p.stderr))
    return time.monotonic() - s


def rand_bytes(n):
    return rng.getrandbits(8 * n).to_bytes(n, "little")


fetch, unpack, pack, manifest = (t.tool(n) for n in ("aci-fetch", "aci-unpack", "aci-pack", "aci-manifest"))

# ---- aci-fetch into --dest and the cache, and --mirror-out --------------------------
key = tm.make_key(work, "Crash Key")
mirror = tm.Mirror(os.path.join(work, "mirror"), key)
pool = {}
for name in ("crash-a", "crash-b", "crash-c"):
    deb = df.build_raw(os.path.join(work, name + "_1.0_all.deb"), name,
                       [df.dir("./usr/"), df.dir("./usr/share/"), df.dir("./usr/share/" + name + "/"),
                        df.file("./usr/share/%s/blob" % name, rand_bytes(1536 * 1024))],
                       data_comp="gz")
    pool[name] = mirror.add("stable", deb)
mirror.write()
srv = tm.serve(mirror.root, max_seconds=1500)
srv.faults({"/" + p: {"kind": "slow", "chunk": 32 * 1024, "delay": 0.02} for p in pool.values()})
sources = mirror.sources_file(os.path.join(work, "crash.sources"), srv.url, ["stable"])
dest, cache = os.path.join(work, "debs"), os.path.join(work, "cache")
has_cache = "--cache" in t.run([fetch, "--help"]).stdout
has_mirror_out = "--mirror-out" in t.run([fetch, "--help"]).stdout
fetch_cmd = [fetch, "--quiet", "--sources", sources, "--dest", dest, "crash-a", "crash-b", "crash-c"]
if has_cache:
    fetch_cmd += ["--cache", cache]
expected_debs = {os.path.basename(p): sha256(mirror.path(p)) for p in pool.values()}


def check_cache():
    problems = []
    objects = os.path.join(cache, "by-hash", "SHA256")
    if os.path.isdir(objects):
        for n in os.listdir(objects):
            if not is_temp(n) and sha256(os.path.join(objects, n)) != n:
                problems.append("cache object %s does not hash to its name" % n)
    return problems


def check_dest_partial():
    problems = check_cache()
    for rel, (kind, digest) in walk(dest).items():
        if is_temp(rel):
            continue
        if expected_debs.get(rel) != digest:
            problems.append("%s: %s" % (rel, "unexpected" if rel not in expected_debs else "wrong bytes"))
    return problems


def check_dest_complete():
    got = {rel: d for rel, (k, d) in walk(dest).items() if not is_temp(rel)}
    return ([] if got == expected_debs else ["--dest holds %r" % sorted(got)]) + check_cache()


def reset_fetch(*dirs):
    def reset():
        for d in (dest, cache) + dirs:
            shutil.rmtree(d, ignore_errors=True)
    return reset


watch = [dest] + ([cache] if has_cache else [])
reset_fetch()()
budget = timed(fetch_cmd)
print("aci-fetch: a complete run takes %.2fs" % budget)
run_scenario("aci-fetch --dest", fetch_cmd, watch, reset_fetch(), check_dest_partial, check_dest_complete, budget)

if has_mirror_out:
    mout = os.path.join(work, "mirror-out")
    mcmd = fetch_cmd + ["--mirror-out", mout]

    def check_mirror(complete):
        def check():
            problems = check_dest_partial()
            got = walk(mout)
            for rel, (kind, digest) in got.items():
                if kind != "file" or is_temp(rel):
                    continue
                src = mirror.path(rel)
                if not os.path.isfile(src) or sha256(src) != digest:
                    problems.append("mirror-out %s: not the mirror's bytes" % rel)
            if complete:
                for p in pool.values():
                    if got.get(p, ("", ""))[1] != sha256(mirror.path(p)):
                        problems.append("mirror-out lacks %s" % p)
                if "dists/stable/InRelease" not in got:
                    problems.append("mirror-out lacks dists/stable/InRelease")
            return problems
        return check

    reset_fetch(mout)()
    budget = timed(mcmd)
    run_scenario("aci-fetch --mirror-out", mcmd, watch + [mout], reset_fetch(mout),
                 check_mirror(False), check_mirror(True), budget)
else:
    print("aci-fetch has no --mirror-out yet: that part is not run")

# ---- aci-unpack into a rootfs ----------------------------------------------------------
# bzip2 data (slow to decode) and big files, so that kills land inside a file.
debs = []
for i in range(3):
    name = "unpack-crash-%d" % i
    entries = [df.dir("./usr/"), df.dir("./usr/share/"), df.dir("./usr/share/%s/" % name)]
    for j in range(4):
        # Compressible but not trivially: words drawn at random.
        words = [rand_bytes(6).hex().encode() for _ in range(64)]
        data = b" ".join(rng.choice(words) for _ in range(350 * 1024 // 13))
        entries.append(df.file("./usr/share/%s/f%d" % (name, j), data))
    debs.append(df.build_raw(os.path.join(work, name + "_1.0_all.deb"), name, entries, data_comp="bz2"))
ref_root = os.path.join(work, "ref-rootfs")
budget = timed([unpack, "--quiet", "--rootfs", ref_root] + debs)
print("aci-unpack: a complete run takes %.2fs" % budget)
reference = walk(ref_root)
rootfs = os.path.join(work, "rootfs")


def check_rootfs(complete):
    def check():
        problems = []
        got = walk(rootfs)
        for rel, (kind, digest) in got.items():
            if is_temp(rel):
                continue
            if kind == "file" and reference.get(rel) != (kind, digest):
                problems.append("%s: %s" % (rel, "partial" if rel in reference else "unexpected"))
        if complete:
            plain = {k: v for k, v in got.items() if not is_temp(k)}
            if plain != reference:
                problems.append("tree differs from a clean unpack: missing %r, extra %r"
                                % (sorted(set(reference) - set(plain))[:5], sorted(set(plain) - set(reference))[:5]))
        return problems[:10]
    return check


run_scenario("aci-unpack --rootfs", [unpack, "--quiet", "--rootfs", rootfs] + debs, [rootfs],
             lambda: shutil.rmtree(rootfs, ignore_errors=True), check_rootfs(False), check_rootfs(True), budget)

# ---- aci-pack into an .aci -------------------------------------------------------------
layout = os.path.join(work, "layout")
os.makedirs(os.path.join(layout, "rootfs", "data"))
t.run([manifest, "--name", "example.com/crash", "--exec", "/bin/true", "--output",
       os.path.join(layout, "manifest")], check=0)
for i in range(6):
    with open(os.path.join(layout, "rootfs", "data", "f%d" % i), "wb") as f:
        f.write(rand_bytes(4 * 1024 * 1024))
outdir = os.path.join(work, "out")
os.makedirs(outdir)
aci = os.path.join(outdir, "crash.aci")
pack_cmd = [pack, "--overwrite", "--threads", "1", layout, aci]
ref_aci = os.path.join(work, "ref.aci")
budget = timed([pack, "--threads", "1", layout, ref_aci])
print("aci-pack: a complete run takes %.2fs" % budget)
ref_sha = sha256(ref_aci)


def check_aci(complete):
    def check():
        names = [n for n in os.listdir(outdir) if not is_temp(n)]
        problems = ["unexpected %s" % n for n in names if n != "crash.aci"]
        if "crash.aci" in names and sha256(aci) != ref_sha:
            problems.append("crash.aci is not the complete image")
        if complete and "crash.aci" not in names:
            problems.append("no crash.aci")
        return problems
    return check


def reset_pack():
    for n in os.listdir(outdir):
        os.unlink(os.path.join(outdir, n))


run_scenario("aci-pack", pack_cmd, [outdir], reset_pack, check_aci(False), check_aci(True), budget)
t.finish()
