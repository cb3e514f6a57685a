#!/bin/sh
# An air-gapped build of the Java ACI (issue 6): fetch and pin on a connected
# host, carry the partial mirror and the lockfile across, rebuild the same image
# on a host with no network, and check it has the same image ID.
#
#   airgapped.sh connected WORK   # mirror WORK/transfer/{mirror,java.lock,java.id}
#   airgapped.sh offline WORK     # rebuild from WORK/transfer only (no network)
#   airgapped.sh all WORK         # both; the offline phase in `unshare -n` (root)
#
# ACIKIT_BIN: where the aci-* tools are (default: PATH). PACKAGES: what to
# fetch (default openjdk-17-jre-headless). KEYRING: the archive keyring for the
# offline sources' Signed-By (default: Debian's). Each phase has its own
# XDG_CACHE_HOME, so the offline build cannot read the connected build's cache.
set -eu

phase=${1:?usage: airgapped.sh connected|offline|all WORK}
work=${2:?usage: airgapped.sh connected|offline|all WORK}
mkdir -p "$work"
work=$(cd "$work" && pwd)
T=${ACIKIT_BIN:+$ACIKIT_BIN/}
PACKAGES=${PACKAGES:-openjdk-17-jre-headless}
KEYRING=${KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
NAME=${NAME:-example.com/java}
ARCH=${ARCH:-$(dpkg --print-architecture)}
JAVA=/usr/lib/jvm/java-17-openjdk-$ARCH/bin/java
transfer=$work/transfer

# Unpack, describe and pack the fetched packages listed in $1/debs.list.
build() {
    rm -rf "$1/layout"
    "${T}aci-unpack" --quiet --rootfs "$1/layout/rootfs" - < "$1/debs.list"
    "${T}aci-manifest" --name "$NAME" --debian-arch "$ARCH" --exec "$JAVA" --exec-arg -version \
        --lock "$transfer/java.lock" --output "$1/layout/manifest"
    "${T}aci-pack" --overwrite "$1/layout" "$1/java.aci" > "$1/java.id"
}

connected() {
    d=$work/connected
    rm -rf "$d" "$transfer"
    mkdir -p "$d" "$transfer"
    # The closure from the machine's apt sources (their Signed-By keyrings):
    # the .debs, a lockfile pinning them, and a partial mirror holding exactly
    # the signed InRelease files, the indexes and the pool files used.
    # shellcheck disable=SC2086
    XDG_CACHE_HOME=$d/cache "${T}aci-fetch" --quiet --arch "$ARCH" --dest "$d/debs" \
        --mirror-out "$transfer/mirror" --lock-out "$transfer/java.lock" $PACKAGES > "$d/debs.list"
    build "$d"
    "${T}aci-verify" "$d/java.aci"
    cp "$d/java.id" "$transfer/java.id"
    echo "connected: $(cat "$d/java.id"); carry $transfer across"
}

offline() {
    d=$work/offline
    rm -rf "$d"
    mkdir -p "$d"
    # No network here: in `unshare -n` only the loopback interface (down).
    echo "offline: network interfaces: $(awk 'NR > 2 { sub(":", "", $1); printf "%s%s", s, $1; s = " " }' /proc/net/dev)"
    # A source for every suite in the lock, served by the mirror, verified by
    # the same archive keyring as on the connected host.
    python3 - "$transfer/java.lock" "$transfer/mirror" "$KEYRING" > "$d/mirror.sources" <<'PY'
import json, sys
lock = json.load(open(sys.argv[1]))
suites = sorted({s["suite"] for s in lock["sources"]})
comps = sorted({c for s in lock["sources"] for c in s["components"]})
print("Types: deb\nURIs: file://%s\nSuites: %s\nComponents: %s\nSigned-By: %s"
      % (sys.argv[2], " ".join(suites), " ".join(comps), sys.argv[3]))
PY
    cat "$d/mirror.sources"
    # Exactly the locked set, re-verified InRelease -> index -> .deb against
    # the mirror, with an empty cache.
    XDG_CACHE_HOME=$d/cache "${T}aci-fetch" --quiet --lock "$transfer/java.lock" \
        --sources "$d/mirror.sources" --dest "$d/debs" > "$d/debs.list"
    build "$d"
    "${T}aci-verify" --expect-name "$NAME" --expect-id "$(cat "$transfer/java.id")" "$d/java.aci"
    echo "offline: $(cat "$d/java.id") (same image ID as the connected build)"
}

case $phase in
    connected) connected ;;
    offline) offline ;;
    all)
        connected
        unshare -n "$0" offline "$work"
        ;;
    *) echo "airgapped.sh: error: unknown phase '$phase'" >&2; exit 2 ;;
esac
