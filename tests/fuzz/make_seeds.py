"""Seed corpora for the fuzz targets, from the generated test corpus
(tests/cli/acicorpus.py): every ACI item as is for fuzz_aci_reader, and every
manifest found in them (plus canonical ones) for fuzz_manifest.

    python3 tests/fuzz/make_seeds.py OUTDIR     # OUTDIR/aci_reader, OUTDIR/manifest
"""
import hashlib
import io
import os
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import acicorpus  # noqa: E402

out = sys.argv[1]
for sub in ("aci_reader", "manifest"):
    os.makedirs(os.path.join(out, sub), exist_ok=True)


def put(sub, data):
    with open(os.path.join(out, sub, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


with tempfile.TemporaryDirectory() as d:
    for it in acicorpus.build(d):
        data = open(it.path, "rb").read()
        if len(data) > 256 * 1024:
            continue  # the huge manifest: too slow as a seed
        put("aci_reader", data)
        try:
            with tarfile.open(fileobj=io.BytesIO(data)) as tf:
                for m in tf.getmembers():
                    if m.name.lstrip("./") == "manifest" and m.isfile():
                        put("manifest", tf.extractfile(m).read())
        except Exception:
            pass
put("manifest", acicorpus.manifest_bytes())
put("manifest", b'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"a","app":{"exec":["/a"],"user":"0",'
                b'"group":"0","ports":[{"name":"p","protocol":"tcp","port":80}],"mountPoints":[{"name":"m",'
                b'"path":"/m"}],"isolators":[{"name":"os/linux/capabilities-retain-set","value":{"set":'
                b'["CAP_NET_ADMIN"]}}]},"dependencies":[{"imageName":"b","size":1}],"pathWhitelist":["/x"]}')
