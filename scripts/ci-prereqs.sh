#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain, from Debian's packages, when missing:
# strace (tests/it/threads.rs counts thread creations exactly with it), Chromium and a font with
# Hangul (tests/it/browser.rs lays the report out in a real browser, in English and Korean),
# openmpi-bin (mpirun: tests/it/segments.rs runs a plan's segments on MPI ranks). Idempotent; run
# by .ci/run before `cargo test`, and by hand on a fresh machine (as root, or with sudo).
set -euo pipefail

need=()
command -v strace >/dev/null || need+=(strace)
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
# The report's ⏱ 🚀 💾 (the source's own marks), drawn, not boxes, in the browser and screenshots.
fc-list 2>/dev/null | grep -qi "Emoji" || need+=(fonts-noto-color-emoji)
[ -x /usr/bin/mpirun ] || need+=(openmpi-bin)

if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing ${need[*]} (Debian packages) for the tests" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
