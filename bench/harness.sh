#!/usr/bin/env bash
# concbench against itself and the tools people use: is the tool ever the bottleneck?
#
#   bench/harness.sh            # every section, a Markdown table on stdout
#   ROUNDS=5 bench/harness.sh   # more repetitions (default 3)
#   SECTIONS="1 2" WITH_OHA=skip bench/harness.sh   # sections 1 and 2 only, no oha unless installed
#   CONCBENCH_BIN=/path/to/concbench bench/harness.sh  # measure that binary, not this tree's build
#
# Not a test and not part of CI: a benchmark, run on purpose on a quiet machine. It installs what
# it needs when missing (wrk and nginx from Debian's packages, oha with `cargo install --locked`,
# about 15 minutes on 2 cores), binds only to loopback, bounds every run with `timeout`, pins
# clients and servers to different cores when there are two (in the throughput sections), interleaves the tools (A B C A B C)
# and reports medians.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
PORT_NGINX=${PORT_NGINX:-18181}
PORT_SERVE=${PORT_SERVE:-18182}
REQUESTS=${REQUESTS:-100000}
CONNS=${CONNS:-50}
DURATION=${DURATION:-5}
SECTIONS=${SECTIONS:-"1 2 3 4 5"}
WITH_OHA=${WITH_OHA:-install}   # install: build oha when it is missing; skip: leave it out then
CONCBENCH_BIN=${CONCBENCH_BIN:-}
work=$(mktemp -d)
chmod 755 "$work"   # nginx's worker reads the files as an unprivileged user
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"' EXIT

say() { echo "$*" >&2; }
want() { [[ " $SECTIONS " == *" $1 "* ]]; }

# --- tools -------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    say "installing wrk and nginx (Debian packages)..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
fi
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v oha >/dev/null && [ "$WITH_OHA" = install ] && want 2; then
    say "installing oha (cargo install --locked oha; about 15 minutes on 2 cores)..."
    cargo install --locked --quiet oha
fi
if [ -n "$CONCBENCH_BIN" ]; then
    cb=$CONCBENCH_BIN
else
    say "building concbench (release)..."
    cargo build --release --quiet
    cb=$PWD/target/release/concbench
fi

if [ "$(nproc)" -ge 2 ]; then CLIENT="taskset -c 0"; SERVER="taskset -c 1"; else CLIENT=""; SERVER=""; fi

# --- helpers -----------------------------------------------------------------------------------
median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.6g}")' "$@"; }
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f"{a/b:.2f}")' "$1" "$2"; }
# Median wall time / floor, and median heap/RSS, of a concbench JSON run.
cb_json() { python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); c=d["experiments"][0]["cells"][0]; s=c["summary"]
print(s["wall_s"]["median"], (s["heap_peak_bytes"] or {}).get("median",0), (s["rss_peak_bytes"] or {}).get("median",0), s["throughput_per_s"]["median"])' "$1"; }

# nginx serving a small JSON file, one worker, on its own core.
mkdir -p "$work/html" "$work/logs"
printf '{"id":7,"name":"item-7","price_cents":12345}' > "$work/html/small.json"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  server { listen 127.0.0.1:$PORT_NGINX; root $work/html; location / { default_type application/json; } }
}
NGINX
$SERVER nginx -c "$work/nginx.conf" -p "$work" >/dev/null 2>&1 &
URL="http://127.0.0.1:$PORT_NGINX/small.json"
for _ in $(seq 50); do curl -sf "$URL" >/dev/null && break; sleep 0.1; done
curl -sf "$URL" >/dev/null || { say "nginx did not start: $(tail -1 "$work/logs/error.log" 2>/dev/null)"; exit 1; }

echo "## concbench benchmark: $(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(uname -r)"
echo
echo "Medians of $ROUNDS interleaved rounds. Sections 2, 3 and 5 pin clients to core 0 and servers to"
echo "core 1; sections 1 and 4 run \`concbench io\` as a user would, its embedded API a child process,"
echo "both free to use both cores."
echo

# --- 1. latency floor ---------------------------------------------------------------------------
if want 1; then
echo "### 1. Latency floor: N requests at once against the embedded API at 100 ms (ideal: 1.00x)"
echo
echo "| client | N | wall / 100 ms | peak heap per request | peak RSS |"
echo "|---|---|---|---|---|"
for spec in "async 200" "async 200 --prewarm" "async 1000" "async 10000" "threads:200 200"; do
    set -- $spec
    model=$1; n=$2; shift 2
    timeout 300 "$cb" io --models "$model" --requests "$n" --latency 100ms --runs "$ROUNDS" --format json --quiet "$@" > "$work/floor.json" 2>/dev/null || true
    read -r wall heap rss _ < <(cb_json "$work/floor.json")
    echo "| \`$model\` $* | $n | $(python3 -c "print(f'{$wall/0.1:.2f}x')") | $(python3 -c "print(f'{$heap/$n/1024:.1f} KiB')") | $(python3 -c "print(f'{$rss/1048576:.1f} MiB')") |"
done
echo

fi

# --- 2. client throughput ------------------------------------------------------------------------
if want 2; then
echo "### 2. Client throughput against nginx (small static file), $CONNS connections"
echo
echo "nginx (1 worker, core 1) is near its limit here, so requests/s say little about the clients;"
echo "their CPU per request (user + system, from /usr/bin/time) says how much each costs."
echo
# Runs a client under /usr/bin/time; prints "requests/s cpu-us-per-request".
timed() { # name requests cmd...
    local name=$1 n=$2; shift 2
    /usr/bin/time -f "%U %S" -o "$work/$name.time" timeout 120 $CLIENT "$@" > "$work/$name.out" 2>/dev/null
    local cpu; cpu=$(awk '{print $1 + $2}' "$work/$name.time")
    local rps
    case $name in
        cb) rps=$(cb_json "$work/cb.out" | cut -d' ' -f4) ;;
        oha) rps=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["requestsPerSec"])' "$work/oha.out") ;;
        wrk) rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out"); n=$(awk '/requests in/ {print $1}' "$work/wrk.out") ;;
    esac
    echo "$rps $(python3 -c "print($cpu * 1e6 / $n)")"
}
declare -a CB=() OHA=() WRK=() CBC=() OHAC=() WRKC=()
for r in $(seq "$ROUNDS"); do
    read -r a b < <(timed cb "$REQUESTS" "$cb" io --url "$URL?i={i}" --models "async:$CONNS" --requests "$REQUESTS" --runs 1 --format json --quiet); CB+=("$a"); CBC+=("$b")
    if command -v oha >/dev/null; then
        read -r a b < <(timed oha "$REQUESTS" oha -n "$REQUESTS" -c "$CONNS" --no-tui --output-format json "$URL"); OHA+=("$a"); OHAC+=("$b")
    fi
    read -r a b < <(timed wrk 0 wrk -t1 -c"$CONNS" -d"${DURATION}s" "$URL"); WRK+=("$a"); WRKC+=("$b")
done
cb_rps=$(median "${CB[@]}"); wrk_rps=$(median "${WRK[@]}")
cb_cpu=$(median "${CBC[@]}"); wrk_cpu=$(median "${WRKC[@]}")
echo "| client | requests/s | concbench / it | CPU per request | it / concbench (CPU) |"
echo "|---|---|---|---|---|"
echo "| concbench \`async:$CONNS\` | $cb_rps | 1.00 | $(printf '%.1f' "$cb_cpu") µs | 1.00 |"
if [ "${#OHA[@]}" -gt 0 ]; then
    oha_rps=$(median "${OHA[@]}"); oha_cpu=$(median "${OHAC[@]}")
    echo "| oha -c $CONNS | $oha_rps | $(ratio "$cb_rps" "$oha_rps") | $(printf '%.1f' "$oha_cpu") µs | $(ratio "$oha_cpu" "$cb_cpu") |"
else
    echo "| oha | not installed (WITH_OHA=skip) | | | |"
fi
echo "| wrk -c $CONNS -t1 | $wrk_rps | $(ratio "$cb_rps" "$wrk_rps") | $(printf '%.1f' "$wrk_cpu") µs | $(ratio "$wrk_cpu" "$cb_cpu") |"
echo

fi

# --- 3. server throughput -------------------------------------------------------------------------
if want 3; then
echo "### 3. Server throughput under wrk ($CONNS connections): \`concbench serve\` at zero latency vs nginx"
echo
$SERVER "$cb" serve --port "$PORT_SERVE" --latency 0 --threads 1 >/dev/null 2>&1 &
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT_SERVE/health" >/dev/null && break; sleep 0.1; done
declare -a SRV NGX
for r in $(seq "$ROUNDS"); do
    SRV+=("$(timeout 60 $CLIENT wrk -t1 -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$PORT_SERVE/api/items/7" | awk '/Requests\/sec/ {print $2}')")
    NGX+=("$(timeout 60 $CLIENT wrk -t1 -c"$CONNS" -d"${DURATION}s" "$URL" | awk '/Requests\/sec/ {print $2}')")
done
srv=$(median "${SRV[@]}"); ngx=$(median "${NGX[@]}")
echo "| server (1 core) | requests/s | / nginx |"
echo "|---|---|---|"
echo "| concbench serve | $srv | $(ratio "$srv" "$ngx") |"
echo "| nginx (1 worker) | $ngx | 1.00 |"
echo

fi

# --- 4. memory per in-flight request ---------------------------------------------------------------
if want 4; then
echo "### 4. Memory per request in flight (slope between 1,000 and 10,000 held in flight together by the server)"
echo
echo "| client | heap per request | RSS per request |"
echo "|---|---|---|"
for m in async threads; do
    for n in 1000 10000; do
        model=$m; [ "$m" = threads ] && model="threads:$n"
        timeout 300 "$cb" io --models "$model" --requests "$n" --latency 100ms --server-barrier "$n" --runs 1 --format json --quiet > "$work/mem$n.json" 2>/dev/null || true
    done
    read -r _ h1 r1 _ < <(cb_json "$work/mem1000.json"); read -r _ h2 r2 _ < <(cb_json "$work/mem10000.json")
    echo "| \`$m\` | $(python3 -c "print(f'{($h2-$h1)/9000/1024:.1f} KiB')") | $(python3 -c "print(f'{($r2-$r1)/9000/1024:.1f} KiB')") |"
done
echo

fi

# --- 5. the counting allocator's cost ------------------------------------------------------------
if want 5; then
echo "### 5. What counting the heap costs (client throughput, as in 2; $((ROUNDS * 2)) interleaved pairs)"
echo
declare -a ON OFF
for r in $(seq $((ROUNDS * 2))); do
    timeout 120 $CLIENT "$cb" io --url "$URL?i={i}" --models "async:$CONNS" --requests "$((REQUESTS * 2))" --runs 1 --format json --quiet > "$work/on.json" 2>/dev/null
    ON+=("$(cb_json "$work/on.json" | cut -d' ' -f4)")
    CONCBENCH_HEAP_COUNTING=off timeout 120 $CLIENT "$cb" io --url "$URL?i={i}" --models "async:$CONNS" --requests "$((REQUESTS * 2))" --runs 1 --format json --quiet > "$work/off.json" 2>/dev/null
    OFF+=("$(cb_json "$work/off.json" | cut -d' ' -f4)")
done
on=$(median "${ON[@]}"); off=$(median "${OFF[@]}")
echo "| heap counting | requests/s |"
echo "|---|---|"
echo "| on | $on |"
echo "| off | $off |"
echo "| cost | $(python3 -c "print(f'{(1-$on/$off)*100:.1f}%')") |"
fi
