#!/usr/bin/env bash
# concbench against itself and the tools people use: is the tool ever the bottleneck?
#
#   bench/harness.sh            # every section, a Markdown table on stdout
#   ROUNDS=5 bench/harness.sh   # more repetitions (default 3)
#   SECTIONS="1 2" WITH_OHA=skip bench/harness.sh   # sections 1 and 2 only, no oha unless installed
#   CONCBENCH_BIN=/path/to/concbench bench/harness.sh  # measure that binary, not this tree's build
#   SECTIONS="6 7 8" bench/harness.sh   # the open model: generator lateness, the server's timer, oha -q
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
SECTIONS=${SECTIONS:-"1 2 3 4 5 6 7 8 9"}
OPEN_RATE=${OPEN_RATE:-10000}     # section 6: the generator's lateness at this rate
OHA_RATES=${OHA_RATES:-"1000 10000"}   # section 8: rates both tools offer
PORT_OPEN=${PORT_OPEN:-18183}
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
if ! command -v oha >/dev/null && [ "$WITH_OHA" = install ] && { want 2 || want 8; }; then
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

# --- open model helpers ------------------------------------------------------------------------------
# Percentiles (µs) of an open run's JSON: lateness p50 p99 max, corrected p99, achieved, CPU s.
open_json() { python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); c=d["experiments"][0]["cells"][0]; r=c["runs"][0]; o=r["open"]
l=c["lateness"]["summary"]; k=c["corrected_latency"]["summary"]
print(l["p50_us"], l["p99_us"], l["max_us"], k["p99_us"], round(o["achieved_per_s"] or 0), (r["cpu_user_ns"]+r["cpu_sys_ns"])/1e9)' "$1"; }
# A histogram of the embedded API's /stats (latency_excess: applied − asked; resume_lag: release to
# handler) over every run of a JSON, in µs: p50 p99 max count.
excess_json() { python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); b={}
for c in d["experiments"][0]["cells"]:
    for r in c["runs"]:
        for us,n in ((r.get("server") or {}).get(sys.argv[2]) or {}).get("buckets_us",[]):
            b[us]=b.get(us,0)+n
total=sum(b.values())
def q(p):
    seen=0
    for us in sorted(b):
        seen+=b[us]
        if seen>=max(1,p*total): return us
print(q(.5), q(.99), q(1.0), total)' "$1" "${2:-latency_excess}"; }
start_open_server() { # pinned to core 1, latency 100 ms
    $SERVER "$cb" serve --port "$PORT_OPEN" --latency 100ms --threads 1 >/dev/null 2>&1 &
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT_OPEN/health" >/dev/null && break; sleep 0.1; done
}
OPEN_URL="http://127.0.0.1:$PORT_OPEN/api/items/{i}"

# --- 6. the generator's lateness ------------------------------------------------------------------------
if want 6; then
echo
echo "### 6. Open model: the generator's own lateness at $OPEN_RATE requests/s (async, --prewarm, client core 0, server core 1)"
echo
echo "Lateness is when the generator released a request minus when it was due (target: p99 ≤ 0.5 ms)."
echo
start_open_server
declare -a L50 L99 LMAX K99 ACH CPU6
for r in $(seq "$ROUNDS"); do
    timeout 120 $CLIENT "$cb" io --url "$OPEN_URL" --models async --rate "$OPEN_RATE/s" --duration "${DURATION}s" --prewarm --runs 1 --format json --quiet > "$work/open6.json" 2>/dev/null || true
    read -r a b c d e f < <(open_json "$work/open6.json"); L50+=("$a"); L99+=("$b"); LMAX+=("$c"); K99+=("$d"); ACH+=("$e"); CPU6+=("$f")
done
echo "| rate offered | achieved | lateness p50 | lateness p99 | lateness max | latency p99 as users see it | client CPU |"
echo "|---|---|---|---|---|---|---|"
echo "| $OPEN_RATE/s | $(median "${ACH[@]}")/s | $(median "${L50[@]}") µs | $(median "${L99[@]}") µs | $(median "${LMAX[@]}") µs | $(python3 -c "print(f'{$(median "${K99[@]}")/1e3:.1f} ms')") | $(median "${CPU6[@]}") s |"
kill %% 2>/dev/null || true
fi

# --- 7. the embedded API's timer --------------------------------------------------------------------------
if want 7; then
echo
echo "### 7. The embedded API's latency timer: applied − asked at 100 ms (its /stats histograms, all rounds)"
echo
echo "Applied is when the timer released the answer; the resume lag is from then until the answer's"
echo "handler ran again (the server's runtime, busy writing other answers or short of a core)."
echo
echo "| load | answers | applied − asked p50 | p99 | max | resume lag p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
timeout 300 "$cb" io --models async --requests 200 --latency 100ms --prewarm --runs "$ROUNDS" --format json --quiet > "$work/timer200.json" 2>/dev/null || true
read -r a b c n < <(excess_json "$work/timer200.json"); read -r d e _ _ < <(excess_json "$work/timer200.json" resume_lag)
echo "| closed loop, 200 at once | $n | $a µs | $b µs | $c µs | $d µs | $e µs |"
timeout 300 "$cb" io --models async --rate 10000/s --duration 3s --latency 100ms --prewarm --runs "$ROUNDS" --format json --quiet > "$work/timer1000.json" 2>/dev/null || true
read -r a b c n < <(excess_json "$work/timer1000.json"); read -r d e _ _ < <(excess_json "$work/timer1000.json" resume_lag)
echo "| open, 10,000/s: 1,000 in flight | $n | $a µs | $b µs | $c µs | $d µs | $e µs |"
fi

# --- 8. against oha's rate mode -----------------------------------------------------------------------------
if want 8; then
echo
echo "### 8. Against oha's rate mode on the same target (\`concbench serve\` at 100 ms, core 1; clients core 0)"
echo
echo "oha: \`oha -q R --latency-correction -z ${DURATION}s\` with 2 × R × 100 ms connections; concbench: \`io --rate R --duration ${DURATION}s --models async --prewarm\`."
echo "Medians of $ROUNDS interleaved rounds."
echo
start_open_server
echo "| tool | offered | achieved | latency p99 as users see it | generator lateness p99 |"
echo "|---|---|---|---|---|"
for rate in $OHA_RATES; do
    declare -a CA CP CL OA OP; CA=(); CP=(); CL=(); OA=(); OP=()
    conns=$((rate / 5)); [ "$conns" -lt 50 ] && conns=50
    for r in $(seq "$ROUNDS"); do
        timeout 120 $CLIENT "$cb" io --url "$OPEN_URL" --models async --rate "$rate/s" --duration "${DURATION}s" --prewarm --runs 1 --format json --quiet > "$work/cb8.json" 2>/dev/null || true
        read -r _ l99 _ k99 ach _ < <(open_json "$work/cb8.json"); CA+=("$ach"); CP+=("$k99"); CL+=("$l99")
        if command -v oha >/dev/null; then
            timeout 120 $CLIENT oha -q "$rate" --latency-correction -z "${DURATION}s" -c "$conns" --no-tui --output-format json "${OPEN_URL//\{i\}/7}" > "$work/oha8.json" 2>/dev/null || true
            read -r ach p99 < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["summary"]["requestsPerSec"]), d["latencyPercentiles"]["p99"]*1e6)' "$work/oha8.json"); OA+=("$ach"); OP+=("$p99")
        fi
    done
    echo "| concbench \`async\` | $rate/s | $(median "${CA[@]}")/s | $(python3 -c "print(f'{$(median "${CP[@]}")/1e3:.1f} ms')") | $(median "${CL[@]}") µs |"
    if [ "${#OA[@]}" -gt 0 ]; then
        echo "| oha -q $rate -c $conns --latency-correction | $rate/s | $(median "${OA[@]}")/s | $(python3 -c "print(f'{$(median "${OP[@]}")/1e3:.1f} ms')") | n/a (oha reports none) |"
    else
        echo "| oha | not installed (WITH_OHA=skip) | | | |"
    fi
done
kill %% 2>/dev/null || true
fi

# --- 9. a capacity sweep ---------------------------------------------------------------------------------------
if want 9; then
echo
echo "### 9. Capacity: \`scale --rates 100,200,400,800,1600 --models threads:50,async --latency 100ms --duration 5s\`"
echo
timeout 1800 "$cb" scale --rates 100,200,400,800,1600 --models threads:50,async --latency 100ms --duration 5s --runs "$ROUNDS" --format json --quiet > "$work/rates9.json" 2>/dev/null || true
python3 - "$work/rates9.json" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); e=d["experiments"][0]
print("| model | capacity (achieved at the first failing rate) | failed at | why | Little's law |")
print("|---|---|---|---|---|")
for m in d["analysis"][0]["capacity"]:
    cap = f'{m["capacity_per_s"]:.0f}/s' if m["capacity_per_s"] else "holds every rate"
    little = f'{m["little_per_s"]:.0f}/s' if m["little_per_s"] else "no bound"
    print(f'| `{m["model"]}` | {cap} | {m["saturated_at_per_s"] or "–"} | {m["reason"] or "–"} | {little} |')
print()
print("| model | offered | achieved | p50 as users see it | p99 as users see it | service p99 | generator lateness p99 |")
print("|---|---|---|---|---|---|---|")
for c in e["cells"]:
    runs=c["runs"]; k=c["corrected_latency"]["summary"]; l=c["lateness"]["summary"]; s=c["latency_ok"]["summary"]
    ach=sorted(r["open"]["achieved_per_s"] or 0 for r in runs)[len(runs)//2]
    print(f'| `{c["model"]}` | {c["offered_per_s"]:.0f}/s | {ach:.0f}/s | {k["p50_us"]/1e3:.1f} ms | {k["p99_us"]/1e3:.1f} ms | {s["p99_us"]/1e3:.1f} ms | {l["p99_us"]} µs |')
PY
fi
