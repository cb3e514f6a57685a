#!/bin/sh
# Verify an ACI and its signature from someone else's key (issue 6).
#
#   third-party.sh demo WORK [LAYOUT]
#       the whole story: a publisher packs and signs LAYOUT (default: a tiny
#       one) and exports the public key; a consumer checks the genuine image
#       (accepted), a tampered one and one signed by another key (both
#       rejected, with the report printed). Exit 0 when all three go as expected.
#   third-party.sh consume KEYRING FINGERPRINT NAME IMAGE.aci
#       the consumer's side alone: accept (exit 0) only a valid image named NAME
#       with a good signature IMAGE.aci.asc by FINGERPRINT, a key in KEYRING;
#       otherwise reject (exit 1). The report is kept in IMAGE.aci.report.json.
#
# ACIKIT_BIN: where the aci-* tools are (default: PATH). NAME: the image name
# for demo (default example.com/hello; a given LAYOUT's manifest must have it).
set -eu
T=${ACIKIT_BIN:+$ACIKIT_BIN/}
usage="usage: third-party.sh demo WORK [LAYOUT] | consume KEYRING FINGERPRINT NAME IMAGE.aci"


# A new signing key in its own GnuPG home $1 for user ID $2; prints its fingerprint.
new_key() {
    mkdir -p "$(dirname "$1")"
    mkdir -m 700 "$1"
    gpg --homedir "$1" --batch --quiet --pinentry-mode loopback --passphrase '' \
        --quick-gen-key "$2" ed25519 sign never 2>/dev/null
    gpg --homedir "$1" --batch --quiet --with-colons --list-keys "$2" 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }'
}

# The consumer: aci-verify checks the image against the appc spec, the expected
# name and the signature by a key in the publisher's keyring, and writes a JSON
# report; the decision also pins the signer's fingerprint (obtained out of band),
# since a keyring file may hold more keys than the one trusted for this image.
consume() {
    keyring=$1 fpr=$2 name=$3 image=$4
    rc=0
    "${T}aci-verify" --keyring "$keyring" --expect-name "$name" --json "$image" > "$image.report.json" || rc=$?
    python3 - "$image.report.json" "$fpr" "$rc" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
fpr, rc = sys.argv[2], int(sys.argv[3])
problems = list(r["errors"])
if r["signer"] != fpr and not problems:
    problems.append("signer %s is not the pinned %s" % (r["signer"], fpr))
if rc == 0 and r["valid"] and not problems:
    print("accept %s: %s, %s, signed by %s" % (r["file"], r["name"], r["image_id"], r["signer"]))
    sys.exit(0)
print("reject %s (aci-verify exit %d):" % (r["file"], rc))
for p in problems:
    print("  - " + p)
sys.exit(1)
PY
}

demo() {
    work=$1
    mkdir -p "$work"
    work=$(cd "$work" && pwd)
    name=${NAME:-example.com/hello}
    pub=$work/publisher con=$work/consumer
    rm -rf "$pub" "$con" "$work/mallory"
    mkdir -p "$pub" "$con"

    # --- The publisher: a key, the signed image, the exported public key.
    layout=${2:-}
    if [ -z "$layout" ]; then
        layout=$pub/layout
        mkdir -p "$layout/rootfs/bin"
        printf '#!/bin/sh\necho hello\n' > "$layout/rootfs/bin/hello"
        chmod 755 "$layout/rootfs/bin/hello"
        "${T}aci-manifest" --name "$name" --arch amd64 --exec /bin/hello --output "$layout/manifest"
    fi
    fpr=$(new_key "$pub/gnupg" "Publisher <publisher@example.com>")
    "${T}aci-pack" --sign --gnupg-home "$pub/gnupg" --key "$fpr" "$layout" "$pub/hello.aci" > "$pub/hello.id"
    gpg --homedir "$pub/gnupg" --batch --export "$fpr" > "$pub/publisher.gpg"
    echo "publisher: $pub/hello.aci $(cat "$pub/hello.id"), signed by $fpr"

    # --- What the consumer receives: the image, its .asc, the public key, and
    # (out of band) the fingerprint.
    cp "$pub/hello.aci" "$pub/hello.aci.asc" "$pub/publisher.gpg" "$con/"
    status=0
    echo "--- consumer: the genuine image"
    consume "$con/publisher.gpg" "$fpr" "$name" "$con/hello.aci" || status=1

    # A tampered image: one file changed after signing, the signature kept.
    cp -a "$layout" "$work/tampered-layout"
    f=$(find "$work/tampered-layout/rootfs" -type f | sort | head -n 1)
    printf 'tampered\n' >> "$f"
    "${T}aci-pack" --overwrite "$work/tampered-layout" "$con/tampered.aci" > /dev/null
    rm -rf "$work/tampered-layout"
    cp "$pub/hello.aci.asc" "$con/tampered.aci.asc"
    echo "--- consumer: a tampered image (${f#"$work/tampered-layout/"} changed, signature kept)"
    if consume "$con/publisher.gpg" "$fpr" "$name" "$con/tampered.aci"; then status=1; fi
    cat "$con/tampered.aci.report.json"

    # The same image signed by someone else's key.
    mfpr=$(new_key "$work/mallory/gnupg" "Mallory <mallory@example.com>")
    "${T}aci-pack" --sign --gnupg-home "$work/mallory/gnupg" --key "$mfpr" "$layout" "$con/other-key.aci" > /dev/null
    echo "--- consumer: the image signed by another key ($mfpr)"
    if consume "$con/publisher.gpg" "$fpr" "$name" "$con/other-key.aci"; then status=1; fi
    cat "$con/other-key.aci.report.json"
    for h in "$pub/gnupg" "$work/mallory/gnupg"; do gpgconf --homedir "$h" --kill gpg-agent 2>/dev/null || true; done
    return $status
}

case ${1:-} in
    demo) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; shift; demo "$@" ;;
    consume) [ $# -eq 5 ] || { echo "$usage" >&2; exit 2; }; shift; consume "$@" ;;
    *) echo "$usage" >&2; exit 2 ;;
esac
