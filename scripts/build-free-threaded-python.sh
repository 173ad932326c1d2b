#!/usr/bin/env bash
# Builds a free-threaded CPython 3.13 (`./configure --disable-gil`) from Debian's source package,
# for users (and CI) who have none, so concbench can put a GIL build and a free-threaded build
# side by side: `concbench cpu --python python3,DIR/bin/python3.13t --models py-threads:2,...`.
#
#   scripts/build-free-threaded-python.sh [DIR]     (default: ~/.cache/concbench/cpython-ft-3.13.5)
#
# - Prints DIR/bin/python3.13t on its last line. Does nothing when DIR already holds a working
#   build whose GIL is off (a cache: .ci/run calls it on every run).
# - The sources come from Debian's archive: source package `python3.13`, suite `trixie`, fetched
#   with `apt-get source --download-only` under a private sources list (one `deb-src` line, signed
#   by the archive keyring) and private `Dir::State`/`Dir::Cache`, so this machine's own apt set-up
#   is untouched. The mirror is the one this machine's apt already uses.
# - Build dependencies are installed from the machine's own suite (bookworm's serve) with apt-get
#   when missing (needs root, as on the project's machines and CI).
# - About 2 minutes on 2 cores (`make -j2`); about 250 MiB in DIR.
set -euo pipefail

DEST=${1:-${HOME}/.cache/concbench/cpython-ft-3.13.5}
SUITE=trixie
PACKAGE=python3.13
PY="$DEST/bin/python3.13t"

if [ -x "$PY" ] && [ "$("$PY" -c 'import sys; print(sys._is_gil_enabled())' 2>/dev/null)" = "False" ]; then
    echo "$PY"
    exit 0
fi

# The Debian mirror this machine's apt uses (deb822 sources, then the one-line format).
mirror() {
    local uri=""
    if [ -r /etc/apt/sources.list.d/debian.sources ]; then
        uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list.d/debian.sources)
    fi
    if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
        uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list)
    fi
    if [ -z "$uri" ]; then
        echo "build-free-threaded-python: no Debian mirror found in this machine's apt sources" >&2
        exit 2
    fi
    echo "${uri%/}"
}

BUILD_DEPS=(build-essential pkg-config libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev
    libsqlite3-dev libreadline-dev uuid-dev libgdbm-dev libncurses-dev xz-utils)
missing=()
for p in "${BUILD_DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "build-free-threaded-python: installing build dependencies: ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/state/lists/partial" "$WORK/cache/archives/partial" "$WORK/parts" "$WORK/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $SUITE main" >"$WORK/sources.list"
APT=(apt-get -qq -o "APT::Sandbox::User=root"
    -o "Dir::Etc::SourceList=$WORK/sources.list"
    -o "Dir::Etc::SourceParts=$WORK/parts"
    -o "Dir::State=$WORK/state"
    -o "Dir::Cache=$WORK/cache"
    -o "Dir::State::status=/var/lib/dpkg/status")
echo "build-free-threaded-python: fetching $PACKAGE sources ($SUITE)" >&2
"${APT[@]}" update >&2
(cd "$WORK/src" && "${APT[@]}" source --download-only "$PACKAGE" >&2)
ORIG=$(ls "$WORK"/src/"${PACKAGE}"_*.orig.tar.* | head -1)
tar -xf "$ORIG" -C "$WORK/src"
SRC=$(find "$WORK/src" -maxdepth 1 -type d -name 'Python-3.13*' | head -1)

echo "build-free-threaded-python: building $(basename "$SRC") with --disable-gil into $DEST" >&2
mkdir -p "$(dirname "$DEST")"
STAGE="$DEST.tmp-$$"
rm -rf "$STAGE"
(
    cd "$SRC"
    ./configure --disable-gil --prefix="$DEST" --with-ensurepip=install >"$WORK/configure.log" 2>&1 ||
        { tail -30 "$WORK/configure.log" >&2; exit 1; }
    make -j"$(nproc)" >"$WORK/make.log" 2>&1 || { tail -30 "$WORK/make.log" >&2; exit 1; }
    make install DESTDIR="$STAGE" >"$WORK/install.log" 2>&1 || { tail -30 "$WORK/install.log" >&2; exit 1; }
)
# Installed under DESTDIR with the final prefix inside it: move that prefix into place at once.
rm -rf "$DEST"
mv "$STAGE$DEST" "$DEST"
rm -rf "$STAGE"

if [ "$("$PY" -c 'import sys; print(sys._is_gil_enabled())')" != "False" ]; then
    echo "build-free-threaded-python: $PY was built, but its GIL is on" >&2
    exit 1
fi
echo "$PY"
