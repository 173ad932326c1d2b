## concbench's words in English: the terminal summary, the reports, the charts and `compare`.
## Numbers arrive formatted; `$strong` (and other attributes a message names) is shown in bold by
## the writers, so no message holds markup. `$concurrency` is a model's kind of N: pool, limit or one.

## Units and how sure a ratio is.

unit-secs = { $s } s
unit-count = { $n }
interval-significant = (95% CI { $lo }–{ $hi }x, { $n } runs)
interval-not-significant = (95% CI { $lo }–{ $hi }x over { $n } runs: not significant)
integrity-title = Integrity: the server's counters against the client's
integrity-banner = ⚠ The embedded API's own counters do not match the client's in { $n ->
    [one] one run
   *[other] { $n } runs
}: those figures cannot be trusted (see "Integrity"; exit code 1).
integrity-requests-exact = { $model }, run { $round }: every one of the client's { $tries } tries succeeded, yet the server counted { $server } requests (its counters were reset or shared during the run)
integrity-requests-bound = { $model }, run { $round }: the server counted { $server } requests, which the client's { $tries } tries and their successes cannot explain
integrity-answers = { $model }, run { $round }: { $ok } successes, but the server answered { $answered } requests
integrity-peak = { $model }, run { $round }: the server had { $peak } requests in flight at once, more than the model's { $concurrency }
integrity-statuses = { $model }, run { $round }: the client saw { $client } error statuses, more than the { $server } the server sent
integrity-resets-refused = { $n ->
    [one] One attempt
   *[other] { $n } attempts
} to reset the embedded API's counters without its secret were refused (something else on this machine tried).
sweep-excluded = Not read into the curve (their requests failed beyond --min-success): { $points }
verdict-withheld = ⛔ No verdict: { $model } completed { $ok } of { $tasks } tasks, and at least { $needed } must succeed for a time to be compared (a time to failure is not a speed; --min-success relaxes it).
verdict-failures = ⚠ failed tasks over all runs: { $a } { $fa } of { $ta }, { $b } { $fb } of { $tb }
ratio-withheld = withheld
interval-one-run = (1 run: no interval; use --runs 6 or more)
interval-too-few = ({ $n } runs: too few for a 95% interval; use --runs 6 or more)

## Models: a label per kind (its `ModelInfo::label`), the title of its sweep and its name in a
## sweep's tests; its N in words.

model-sequential = Sync (sequential)
model-threads = Multithread
    .sweep = Thread worker count vs performance
    .test = Multithread
model-async = Async
    .sweep = Async in-flight limit vs performance
    .test = Async
model-async-mt = Async, multi-thread runtime
    .sweep = Async in-flight limit vs performance
    .test = Async (multi-thread runtime)
model-processes = Multiprocess
    .sweep = Process count vs performance
    .test = Multiprocess
model-gil-threads = Multithread under a GIL
    .sweep = Thread worker count under a GIL vs performance
    .test = Multithread under a GIL
model-rayon = Work-stealing pool (rayon)
    .sweep = Work-stealing pool size vs performance
    .test = Work-stealing pool
model-py-sequential = Sync (CPython)
model-py-threads = Multithread (CPython ThreadPoolExecutor)
    .sweep = CPython thread worker count vs performance
    .test = Multithread (CPython)
model-py-async = Async (CPython asyncio)
    .sweep = CPython async connection limit vs performance
    .test = Async (CPython)
model-py-processes = Multiprocess (CPython ProcessPoolExecutor)
    .sweep = CPython process count vs performance
    .test = Multiprocess (CPython)
model-with-n = { $concurrency ->
    [pool] { $model } ({ $n } workers)
   *[limit] { $model } (limit { $n })
}
interpreter = { $version }, { $gil ->
    [on] GIL
   *[off] no GIL
}
model-in-interpreter = { $model } [{ $interpreter }]

## Section 1.

s1-title = Async vs sync API calls
total-requests = Total requests
s1-async-test = [1] Async test
s1-sync-test = [2] Sync test
done-responses = { $failed ->
    [0] ✓ Done: { $ok } responses
   *[other] ✓ Done: { $ok } responses, ✗ { $failed } failed
}
time-label = ⏱ Time
for-sample = (for { $n })
results = 📊 Results
col-model = Model
col-time = Time
col-peak-memory = Peak memory (heap)
s1-row-async = Async ({ $n })
s1-row-sync = Sync ({ $n })
s1-row-sync-estimated = Sync, estimated ({ $n })
s1-async-faster = 🚀 { $strong }
    .strong = Async is about { $x }x faster!
s1-sync-faster = 🐢 { $strong }
    .strong = Sync is about { $x }x faster.
missing-section = Not shown: this run did not include { $a } and { $b }.
s1-py-row-async = Async, asyncio + aiohttp ({ $n })
s1-py-row-sync = Sync, requests ({ $n })
s1-py-row-sync-estimated = Sync, requests, estimated ({ $n })
s1-py-async-faster = 🚀 { $strong }
    .strong = Async (aiohttp) is about { $x }x faster than sync (requests)!
s1-py-sync-faster = 🐢 { $strong }
    .strong = Sync (requests) is about { $x }x faster than async (aiohttp).
interpreter-tag = [{ $interpreter }]
runtime-slower = ⏱ { $strong }
    .strong = { $a } took { $x }x the time of { $b }
runtime-faster = ⏱ { $strong }
    .strong = { $a } was { $x }x faster than { $b }
py-async-limit-note = { $strong } the source kept aiohttp's default of 100 connections per session; { $limit ->
    [0] py-async here sets no limit, like async, so all { $n } requests can be in flight at once
   *[other] py-async:{ $limit } here allows { $limit } at once
} (py-async:100 is the source's set-up).
    .strong = aiohttp's connection limit:

## Section 2.

s2-title = Async vs multithread API calls
pool-workers = Thread-pool workers
s2-threads-test = [2] Multithread test
memory-line = 💾 Memory: current { $current }, peak { $peak }
s2-row-async = Async (tokio)
s2-row-threads = Multithread (thread pool, { $n } workers)
s2-speed-async = ⏱ { $strong } async about { $x }x faster!
    .strong = Speed:
s2-speed-threads = ⏱ { $strong } multithread about { $x }x faster!
    .strong = Speed:
s2-memory-threads = 💾 { $strong } multithread uses about { $x }x less!
    .strong = Memory:
s2-memory-async = 💾 { $strong } async uses about { $x }x less!
    .strong = Memory:
s2-py-row-async = Async (asyncio + aiohttp)
s2-py-row-threads = Multithread (ThreadPoolExecutor, { $n } workers)
s2-py-speed-async = ⏱ { $strong } async (aiohttp) about { $x }x faster than ThreadPoolExecutor!
    .strong = Speed:
s2-py-speed-threads = ⏱ { $strong } ThreadPoolExecutor about { $x }x faster than async (aiohttp)!
    .strong = Speed:
s2-py-memory-threads = 💾 { $strong } ThreadPoolExecutor uses about { $x }x less (tracemalloc)!
    .strong = Memory:
s2-py-memory-async = 💾 { $strong } async (aiohttp) uses about { $x }x less (tracemalloc)!
    .strong = Memory:
s2-heap-note = { $strong } the CPython rows' heap is tracemalloc's (the driver's Python heap, as the source measured it), the Rust rows' concbench's counting allocator: compare memory within a runtime, not across.
    .strong = Two meters of heap:

## The user's own task (concbench task).

task-title = Your task under CPython's models
task-function = Task
task-function-value = { $spec } ({ $flavour ->
    [async] an async def
   *[sync] a plain function
})
task-calls = Calls
task-calls-value = { $n } (task ids 0 … { $last })
task-workers = Pool workers
task-row = { $strong } { $speed }; { $bound }
    .strong = { $model }:
task-row-base = { $strong } { $bound }
    .strong = { $model }:
task-speed = { $x }x the speed of py-sequential in the same interpreter, efficiency { $pct }% of the { $n } it ran at once
bound-one = one call after another ({ $used } cores busy): what the others are measured against
bound-scaled = its { $n } calls at once overlapped as they could
bound-startup = bound by start-up: its workers took { $startup } ms each to start, { $pct }% of the run
bound-gil = bound by CPU { $loop ->
    [yes] on the one event loop
   *[no] under the GIL
}: { $used } cores busy, so the tasks' Python code ran one at a time
bound-all-cores = bound by CPU on every core: { $used } of { $cores } cores busy
bound-waiting = bound by waiting on I/O: only { $used } cores busy, the calls mostly waited (on the API, or on what they call)
bound-unexplained = { $used } cores busy; neither the GIL, the cores, start-up nor waiting explains the rest
task-memory = { $strong } { $list }
    .strong = Memory per worker:
task-memory-threads = { $model }: { $bytes } of heap (tracemalloc) per thread
task-memory-processes = { $model }: { $bytes } of resident memory per process
task-fastest = ✅ { $strong }
    .strong = Fastest: { $model }, { $x }x py-sequential
task-checksum-ok = { $strong } every model that ran all its calls returned the same sum, { $sum } ✓
    .strong = Check:
task-checksum-bad = { $strong } ✗ the models' results summed differently: the task does not return the same value for the same id
    .strong = Check:

## Section 3.

s3-settings-tested = { $concurrency ->
    [pool] Worker counts tested
   *[limit] In-flight limits tested
}
s3-baseline-test = [Baseline] { $model } test
s3-point-test = { $concurrency ->
    [pool] {"["}{ $n } workers] { $model } test
   *[limit] {"["}limit { $n }] { $model } test
}
done-time-memory = ✓ Done: { $time } | Peak memory: { $memory }
s3-vs-baseline = { $x }x vs baseline
summary = 📊 Summary
col-setting = { $concurrency ->
    [pool] Workers
   *[limit] In-flight limit
}
col-vs-baseline = vs baseline
s3-baseline-row = 1.00x (baseline)
analysis = 📈 Analysis
s3-span = { $concurrency ->
    [pool] Workers
   *[limit] In-flight limit
} { $first } → { $last } ({ $ratio }x more)
s3-speedup = Speed-up: { $speedup }x (ideal would be { $ideal }x)
s3-possible = With { $requests } requests, Little's law allows at most { $possible }x over this range
s3-efficiency = Efficiency: { $pct }%
s3-not-reached = ❌ { $strong }
    .strong = { $concurrency ->
        [pool] Did not reach the baseline's performance within the tested worker range
       *[limit] Did not reach the baseline's performance within the tested range
    }
s3-reached = ✅ { $strong }
    .strong = { $concurrency ->
        [pool] Reached the baseline's performance (within 5%) at { $n } workers
       *[limit] Reached the baseline's performance (within 5%) at a limit of { $n }
    }
s3-diminishing = ⚠️ { $strong } { $concurrency ->
    [pool] Adding workers gives little gain
   *[limit] Raising the limit gives little gain
}
    .strong = Diminishing returns!
s3-diminishing-definition = Diminishing returns is a law of economics: when one input is added while the others stay fixed, the extra output it brings (the marginal product) keeps shrinking.
s3-why = 🔎 Why: the curve explained
sweep-at = { $concurrency ->
    [pool] { $n } workers
   *[limit] a limit of { $n }
}
s3-knee = { $strong } past { $at }, each doubling gains less than { $pct }% in speed
    .strong = Knee:
s3-knee-requests = { $strong } past { $at }, each doubling gains less than { $pct }% in speed: with { $requests } requests, no more than { $requests } can be in flight, so more cannot help (Little's law)
    .strong = Knee:
s3-no-knee = { $strong } in this range: the last step still gained at least { $pct }% per doubling
    .strong = No knee
s3-latency-configured = Ideal times use the embedded API's latency of { $latency } (Little's law: ceil(requests / N) × latency).
s3-latency-estimated = Ideal times use a latency of { $latency }, estimated as the lowest median latency measured (the target is external).
s3-usl = { $strong } (Universal Scalability Law, throughput over concurrency N): X(N) = λN / (1 + σ(N−1) + κN(N−1)) with λ = { $lambda } req/s, σ (contention) = { $sigma }, κ (coherency) = { $kappa }, R² = { $r2 }. { $peak }
    .strong = Scalability fit
s3-usl-peak = Predicted peak: { $x } req/s at N ≈ { $n }.
s3-usl-no-peak = No peak predicted (κ = 0): throughput keeps rising, ever more slowly.
s3-usl-poor = The fit is poor (R² = { $r2 }): treat its predictions with care.
s3-usl-too-few = { $strong } { $levels } distinct concurrency levels are too few for a meaningful fit of three parameters (at least 4 are needed).
    .strong = No scalability fit:
s3-memory = { $strong } (least-squares slope over the sweep): heap { $heap }, peak RSS { $rss }
    .strong = { $concurrency ->
        [pool] Memory per worker
       *[limit] Memory per request in flight
    }
col-ideal = Ideal
col-to-ideal = × ideal
col-req-s = Req/s
col-p50 = p50
col-p99 = p99
col-peak-heap = Peak heap
col-peak-rss = Peak RSS
col-client-cpu = Client CPU (cores)
col-server-peak = Server peak in flight
col-queued = Queued
col-conns = Conns / req

## What limits a sweep, with the evidence.

diag-near-ideal = { $strong } Every point is within { $worst }x of its ideal time: scaling is near ideal, as Little's law predicts for a server that does not limit concurrency.
    .strong = Bottleneck: none.
diag-server-cap = { $strong } At { $at }, the server worked on at most { $peak } requests at once (its cap is { $cap }) while { $queued } requests waited in its queue, { $wait } ms on average. More concurrency on the client only lengthens that queue.
    .strong = Bottleneck: the server's concurrency cap.
diag-interpreter-lock = { $strong } Every request costs { $cost } ms of client CPU that runs holding the one lock, so no number of threads can pass { $cap } requests/s; at { $at } the client made { $measured } requests/s and its threads spent { $wait }% of their time waiting for the lock. This is the source report's plateau: more threads, the same throughput.
    .strong = Bottleneck: client CPU serialised by the interpreter lock.
diag-python-lock = { $strong } From { $from } to { $at }, the client kept only { $low }–{ $high } of its { $cores } cores busy (CPU ÷ wall time), and at { $at } its CPU time alone, { $cpu } s spent one thread at a time, was longer than the ideal { $ideal } s: the threads' Python code runs only while holding CPython's GIL, so more threads add waiting for it, not parallel work. This is the source report's plateau: more threads, the same throughput.
    .strong = Bottleneck: the interpreter lock (CPython's GIL).
diag-client-cpu = { $strong } At { $at }, the client kept { $used } of its { $cores } cores busy: it cannot issue requests any faster.
    .strong = Bottleneck: client CPU.
diag-ramp-up = { $strong } At { $at }, the client needed { $ramp } ms to get { $concurrency } requests under way (starting threads, opening connections), while a request itself took { $latency } ms at the median: start-up, not the server, keeps the run from its ideal.
    .strong = Bottleneck: getting started.
diag-request-overhead = { $strong } At { $at }, a request took { $client } ms at the median on the client, while the server spent { $server } ms on it: the difference is connecting and scheduling on both sides (client and server share this machine's cores).
    .strong = Bottleneck: overhead around each request.
diag-connection-setup = { $strong } Keep-alive is off: at { $at } the server accepted { $per } new connections per request, and the run took { $ideal }x its ideal time.
    .strong = Bottleneck: connection set-up.
diag-not-in-flight = { $strong } At { $at }, the client meant to have { $offered } requests in flight but the server never saw more than { $peak } at once: starting threads or connections holds requests back.
    .strong = Bottleneck: the client.
diag-beyond = { $strong } At { $at }, the client used only { $used } of { $cores } cores, so it is not what limits the rate. From the client side, the server's own concurrency or rate limit, or the network, cannot be told apart: run against the embedded API with --server-max-inflight to see such a limit named.
    .strong = Bottleneck: beyond the client.
diag-unexplained = { $strong } At { $at } the run took { $ideal }x its ideal time; neither the server's counters, the client's CPU nor its connections explain it.
    .strong = Bottleneck: not identified.
diag-no-data = { $strong } no point was measured.
    .strong = Bottleneck: unknown:

## An open model (--rate): requests arriving at a rate.

open-title = Requests arriving at { $rate }/s: latency as users see it
open-reading = In an open model requests arrive on schedule whether or not the model keeps up. Latency as users see it (corrected) runs from when a request was due to when its answer arrived, so the time it waited for a free worker counts; service time runs from when a worker took it. A closed loop measures only the second: when the server stalls its workers stop sending, and the wait never enters its figures (coordinated omission).
open-offered = Offered rate
open-per-s = { $rate } requests/s
open-arrivals = Arrivals
open-uniform = uniform (request i due at i / rate)
open-poisson = Poisson (exponential gaps, seed { $seed })
open-length = Requests per model
open-length-duration = { $requests } (due within { $duration })
open-queue = Queue
open-queue-unbounded = unbounded (no request is dropped)
open-queue-bound = at most { $n } waiting; one due beyond that is dropped and counted
open-bound = Generator lateness bound (p99)
open-kept-up = ✅ { $strong } { $achieved } of { $offered } req/s; latency p99 { $corrected } as users see it, { $service } of it service time
    .strong = { $model } kept up:
open-behind = ⚠️ { $strong } { $achieved } of { $offered } req/s (below { $share }%); latency p99 { $corrected } as users see it against { $service } of service time: requests waited for a free worker, up to { $peak } at once, and the wait grew { $growth }x from the first tenth of the run to the last
    .strong = { $model } fell behind:
open-dropped = ✗ { $model }: { $dropped } requests dropped, due while { $max } were waiting (--max-queue)
open-tool-bound = ⛔ { $strong } the generator released requests { $late } late at p99 (bound { $bound }): these figures are limited by concbench, not by { $model }
    .strong = Limited by the tool:
open-tenths-title = Latency over the run: mean latency as users see it, per tenth of the requests (in order of arrival)
col-offered = Offered (req/s)
col-achieved = Achieved (req/s)
col-corrected-p50 = p50 as users see it
col-corrected-p99 = p99 as users see it
col-service-p50 = Service p50
col-service-p99 = Service p99
col-queue-peak = Queue peak
col-dropped = Dropped
col-late-p99 = Generator late p99
col-tenth = { $k }/10
term-open = concbench io --rate { $rate }/s: { $requests } requests per model to { $to }
term-offered = offered
term-achieved = achieved
term-corrected-p50 = p50
term-corrected-p99 = p99
term-service-p50 = svc p50
term-service-p99 = svc p99
term-queue-peak = queue
term-dropped = dropped
term-late-p99 = late p99

## A capacity sweep (scale --rates): every model at every offered rate.

rates-title = Capacity: latency as users see it against the offered rate
rates-models = Models
rates-rates = Offered rates
rates-length = Requests per point
rates-length-duration = those due within { $duration } at each rate
rates-slo = Latency objective (p99 as users see it)
rates-slo-default = { $factor }x the p99 each model showed at the lowest rate
rates-slo-from-lowest = { $slo }, twice its p99 at the lowest rate
rates-ok = ✓
rates-fail-latency = ✗ p99
rates-fail-throughput = ✗ throughput
rates-little = { $x } req/s
rates-little-none = no bound (no limit on requests in flight)
rates-why-latency = its p99 as users see it was { $p99 }, above the objective of { $slo }
rates-why-throughput = it achieved less than { $share }% of the rate offered
rates-saturates = 📉 { $strong } (Little's law: { $little }): it first failed at { $rate } req/s offered, where { $why }; objective { $slo }
    .strong = { $model } saturates at ~{ $capacity } req/s
rates-holds = ✅ { $strong }, up to { $rate } req/s, at p99 { $p99 } as users see it (objective { $slo }; Little's law: { $little })
    .strong = { $model } holds every rate tried
rates-none = { $model }: no rate was measured
rates-tool-bound = ⛔ { $strong } at { $rates } req/s the generator released requests later than its bound: those points are limited by concbench, not the model
    .strong = { $model }, limited by the tool:
col-verdict = Verdict
term-verdict = verdict
term-rates = concbench scale --rates: { $models } at { $rates } req/s to { $to }
chart-rates-latency = Latency p99 as users see it against the offered rate (log scales): where a model saturates, its latency turns up
chart-rates-throughput = Achieved against offered rate (log scales): a model that keeps up stays on the diagonal
chart-offered = offered rate (req/s, log scale)
chart-p99-ms = p99 as users see it (ms, log scale)
chart-achieved = achieved (req/s, log scale)
chart-diagonal = achieved = offered

## Section 4.

s4-title = Multithread vs multiprocess, CPU-bound
s4-cores = CPU cores (granted)
s4-tasks = Tasks
s4-work = Work per task
s4-work-value = prime counting, n in the range { $lo } ~ { $hi } ({ $kernel })
s4-smaller-set = { $strong } the quick suite gives every model, Rust's and CPython's, the same { $tasks } tasks instead of the source's { $source }, so that CPython's rows fit in its time; --size source runs the source's sizes.
    .strong = A smaller task set:
s4-test = [{ $index }] { $model } test
s4-vs-sync = 📈 { $x }x the speed of sync
col-speedup = Speed-up
s4-gil-heading = GIL (Global Interpreter Lock)
s4-gil-intro = Python's GIL lets one thread run bytecode at a time. Rust has no GIL: concbench emulates one ({ $model }) to show what it does, next to free threads and processes.
s4-gil-point = { $strong } CPU work does not run in parallel ({ $x }x here)
    .strong = Multithread under a GIL:
    .then = → thread switching only adds overhead, so it can even be slower
s4-processes-point = { $strong } each process has its own interpreter (and would have its own GIL) ({ $x }x here)
    .strong = Multiprocess:
    .then = → real parallelism, up to the number of cores
s4-threads-point = { $strong } no interpreter lock at all ({ $x }x here)
    .strong = Free threads (Rust):
    .then = → real parallelism in one process, up to the number of cores
s4-theoretical = Theoretical maximum speed-up (cores): { $strong }
    .strong = { $cores }x
s4-actual = { $model } actual speed-up: { $strong } (efficiency: { $pct }%)
    .strong = { $x }x
s4-gil-no-effect = ⚠️ { $strong } ({ $x }x)
    .strong = Multithreading under a GIL has almost no effect on CPU-bound work
s4-faster = ✅ { $strong }
    .strong = { $a } is { $x }x faster than { $b }!
tracemalloc-slowdown = { $x }x in { $version }
s4-py-tracemalloc = ⚠️ { $strong } the driver traced its heap with tracemalloc (on by default, as the source had it), which slowed an allocation-heavy loop { $slowdown }. py-sequential and py-threads ran under it; py-processes' workers did not, so their speed-up includes that cost{ $free ->
    [yes] ; and tracemalloc takes one lock for every traced allocation, so in a free-threaded build it also serialises the threads
   *[no] {""}
}. --py-tracemalloc off gives clean timings.
    .strong = CPython's times include tracing its heap:
term-py-tracemalloc = ⚠ CPython's times include tracing its heap (tracemalloc: an allocation-heavy loop ran { $slowdown }); --py-tracemalloc off gives clean timings
s4-vs-py-sync = 📈 { $x }x the speed of sync in the same interpreter
s4-py-intro = CPython ran the same tasks: its threads under its real GIL (a free-threaded build has none), its processes each with an interpreter of their own.
s4-py-gil-point = { $strong } CPU work does not run in parallel ({ $x }x here)
    .strong = Multithread (CPython { $version }, GIL):
    .then = → thread switching only adds overhead, so it can even be slower
s4-py-free-point = { $strong } no GIL at all ({ $x }x here)
    .strong = Multithread (CPython { $version }, free-threaded build, no GIL):
    .then = → real parallelism in one process, up to the number of cores
s4-py-processes-point = { $strong } each process has its own interpreter and its own GIL ({ $x }x here)
    .strong = Multiprocess (CPython { $version }):
    .then = → real parallelism, up to the number of cores
s4-py-gil-no-effect = ⚠️ { $strong } ({ $x }x, { $model })
    .strong = Multithreading has almost no effect on CPU-bound work under CPython's GIL
s4-checksum-ok = { $strong } every model that ran all its tasks counted { $sum } primes in all, as the reference sieve did ✓
    .strong = Check:
s4-checksum-bad = { $strong } ✗ some model's count differs from the reference ({ $sum } primes)
    .strong = Check:
col-spec = Spec
col-efficiency = Efficiency
col-serial = Serial fraction (Amdahl)
col-cpu = CPU user+sys
col-switches = Context switches (vol/invol)
col-checksum = Checksum

## Section 5.

s5-title-slower = Why sync beat multithread (under a GIL)
s5-title = Sync vs multithread under a GIL
s5-row-slower = { $time } ({ $d } s slower!)
s5-row-faster = { $time } ({ $d } s faster)
s5-row-noise = { $time } ({ $d } s, within noise)
s5-key = { $strong } (every figure below was measured in this run)
    .strong = Key: GIL + overhead
s5-seq-heading = Sync (sequential)
s5-seq-timeline = task1 ████████ → task2 ████████ → task3 ████████
s5-seq-no-contention = No lock contention
s5-seq-switches = Few context switches ({ $voluntary } voluntary, { $involuntary } involuntary)
s5-seq-simple = Simply runs one task after another
s5-gil-heading = Multithread under a GIL ({ $n } workers)
s5-thread = thread{ $n }
s5-timeline-caption = (measured: the first { $total } ms of the run, one character per { $slice } ms; █ holding the lock, ░ waiting for it)
s5-gil-competed = { $n } threads competed for one lock: it changed hands { $handovers } times, { $forced } of them forced by a waiting thread after the { $interval } ms switch interval
s5-gil-one-at-a-time = Only one ran at a time: at most { $peak } thread was ever inside workload code
s5-gil-waited = Threads spent { $wait } s waiting for the lock, summed over threads
s5-gil-result = Result: sequential work + overhead = { $d } s against sequential
s5-overheads = The overheads of multithreading (measured)
col-overhead = Overhead
col-measured = Measured in this run
s5-contention = Lock contention
s5-contention-value = { $n } threads competed for the lock; { $wait } s of waiting in all
s5-switching = Context switching
s5-switching-value = { $voluntary } voluntary + { $involuntary } involuntary context switches
s5-threads = Thread creation/management
s5-threads-value = { $n } threads started and joined inside the measured time
s5-waiting = Lock waiting
s5-waiting-value = { $handovers } hand-overs, { $forced } forced drops
s5-conclusion = CPU-bound work on threads under a GIL
s5-no-parallel = No parallel execution (one at a time under the lock)
s5-same-work = The same work as sequential, plus overhead
s5-ended-slower = So it ended { $d } s slower than sequential { $note }
s5-ended-faster = Here it ended { $d } s faster than sequential { $note }
s5-ended-noise = Here it ended { $d } s against sequential: no difference beyond the noise of these runs { $note }
s5-beyond = Without a GIL (beyond the source)
s5-beyond-threads = { $strong } { $x }x, efficiency { $pct }%: Rust threads hold no interpreter lock, so they run CPU work in parallel, as processes do, without start-up cost or copies
    .strong = Free threads ({ $n }):
s5-beyond-processes = { $strong } each took { $startup } ms to start on average (inside the measured time) and used up to { $heap } of heap and { $rss } of resident memory of its own
    .strong = Processes ({ $n }):
s5-beyond-async = { $strong } { $x }x: one event loop runs one task at a time; async does not help CPU-bound work
    .strong = Async:
s5-beyond-rayon = { $strong } { $x }x
    .strong = Work-stealing pool (rayon, { $n }):
s5-title-real = The interpreter lock, measured
s5-locks = The lock: emulated, real and none (the same tasks)
col-lock = Lock
col-speedup-own = Speed-up (over its sequential)
col-cores-used = Cores used (CPU ÷ wall)
lock = { $lock ->
    [emulated] emulated (concbench's GIL)
    [real] CPython's GIL
    [free] none (free-threaded CPython)
   *[none] none (Rust threads)
}
s5-lock-cores = { $model }: { $used } cores busy with { $n } threads on { $cores } cores: { $parallel ->
    [one] one thread ran at a time
    [contended] busy, yet no faster than one thread: the extra CPU went to contention, not work
   *[many] the threads ran in parallel
}
s5-lock-note = Cores used is the process's CPU time (user + system) over the wall time: how many cores the threads really kept busy. Under a lock it stays near 1, however many threads there are.
s5-beyond-py-processes = { $strong } start method { $method }: each worker took { $startup } ms to start on average (inside the measured time) and used up to { $rss } of resident memory of its own (a worker's heap is not traced)
    .strong = CPython { $version } processes ({ $n }):

## Repeated runs.

spread-title = How sure: time over repeated runs
col-runs = Runs
col-median = Median
col-mean-sd = Mean ± sd
col-min-max = Min … max
col-ci = 95% CI of the median
col-outliers = Outliers
col-notes = Notes
schedule = Every figure is the median of { $runs } run(s) per model{ $warmup ->
    [0] {""}
   *[other] , after { $warmup } unrecorded warm-up run(s) each
}, { $order }; ratios are medians of the ratios within each repetition, with a 95% interval of the median (order statistics, no assumption on the noise) from 6 runs on.
schedule-shuffled = in a shuffled order in each repetition (seed { $seed })
schedule-interleaved = interleaved (A B C A B C …)
note-first-slow = first run much slower (try --warmup 1)
note-large-spread = large spread (sd { $pct }% of the mean)
note-outliers = { $n } flagged (modified Z > 14), kept
busy = ⚠️ { $strong } load average { $load } on { $cores } cores when the run started; figures may be noisy.
    .strong = The machine was busy:
busy-before = ⚠️ { $strong } other processes kept { $cores } of its { $granted } cores busy just before the first run; figures may be noisy.
    .strong = The machine was busy:
busy-during = ⚠️ { $strong } during { $n } of { $runs } runs, other processes took up to { $cores } of its { $granted } cores; those figures may be noisy.
    .strong = The machine was busy:
env-others = Other processes' CPU
env-others-value = { $before } cores over { $window } ms before the first run; at most { $during } cores during a run
incomplete = ⚠️ { $strong }
    .strong = Incomplete: this run was interrupted (or is still going); the report holds only what was measured so far.

## The HTML page.

html-title = concbench: concurrency models, measured
html-subtitle = Async, threads, processes and a GIL on this machine: every figure below was measured in this run

## Charts.

chart-io-time = Time for all requests, per model (bars: median; whiskers: min to max; log scale)
chart-io-memory = Peak heap per model (median)
chart-io-latency = Latency of successful requests (all runs): share answered within a time
chart-scale-time = Time against workers: measured, ideal (Little's law) and the baseline
chart-scale-time-py = CPython: time against workers: measured, ideal (Little's law) and the baseline
chart-cpu-speedup = Speed-up over sequential (median, 95% CI) against the cores granted
chart-seconds = time (s)
chart-heap-mib = peak heap (MiB)
chart-latency-ms = latency (ms, log scale)
chart-share = share of requests
chart-workers = N (the swept setting, log scale)
chart-measured = measured
chart-ideal = ideal (Little's law)
chart-baseline = baseline
chart-speedup = speed-up (x)
chart-theoretical = theoretical maximum (cores)
chart-sequential = sequential (1x)
chart-estimated = estimated

## All measurements, failures, target and environment.

all-title = All measurements
col-ok-failed = OK / failed
col-end-heap = End heap
estimated-mark = (sample; time for all is estimated)
floor-line = { $model } took { $ratio }x its ideal time ({ $floor }: waves of requests × one latency)
py-async-slot = { $model }: a request's latency includes its wait for one of the { $limit } connection slots (aiohttp's connector limit), not only the server's time
failures-title = Failures
fail-retries = ↻ { $model }: { $retries } retries; { $ok } requests succeeded after a retry, { $failed } failed for good
fail-kind = ✗ { $model }: { $count } × { $kind } { $runs ->
    [one] in 1 run
   *[other] over { $runs } runs
} (e.g. { $example })
fail-cell = ✗ { $model } failed as a whole: { $reason }
target-title = Target and settings
target-embedded = { $strong } the embedded mock API over loopback HTTP ({ $mode }), latency { $profile }, { $cap ->
    [none] no cap on requests in flight
   *[other] at most { $cap } requests in flight
}
    .strong = Target:
target-external = { $strong } { $url } (external: server-side figures are not available)
    .strong = Target:
target-applied = { $strong } { $applied } ms on average (asked { $requested } ms; max { $max } ms): the figure to compare the client's latency with
    .strong = Latency the server really applied:
target-excess = { $strong } p50 { $p50 } µs, p99 { $p99 } µs, max { $max } µs over { $n } answers (one timer thread for every answer; never early); their handlers ran again { $lag50 } µs after that at p50, { $lag99 } µs at p99 (the server's runtime, busy with other answers or short of a core)
    .strong = How much later than asked the server's timer released the answers:
target-settings = { $keepalive } { $mode ->
    [on] on (connections reused)
    [prewarm] on, async connections opened before each measured run (--prewarm)
   *[off] off (a new connection per request)
}; { $timeout } { $time } per request, { $connect } to connect
    .keepalive = Keep-alive:
    .timeout = timeout:
target-request = { $strong } { $method }{ $body ->
    [0] {""}
   *[other] , with a body of { $body } bytes (never sent twice)
}{ $urls ->
    [0] {""}
   *[other] , to { $urls } URLs from --urls-file in turn
}
    .strong = Requests:
target-no-retries = { $strong } none (a failure is final)
    .strong = Retries:
target-retries = { $strong } up to { $retries } per request for timeouts, broken connections, 429 and 5xx; backoff from { $backoff }, doubling, with jitter; Retry-After honoured
    .strong = Retries:
target-clients = { $strong } blocking models use { $blocking } ({ $input } KiB in + { $output } KiB out buffers per connection); async models use { $async }
    .strong = Clients:
target-headers = { $strong } { $names } (values not recorded)
    .strong = Extra headers sent:
target-checksum-ok = { $strong } every complete model received the same { $bytes } body bytes ✓
    .strong = Check:
target-checksum-bad = { $strong } ✗ models received different numbers of body bytes: the target's answers differ between runs
    .strong = Check:
target-server-peaks = What the server saw, per model (its own counters, reset before each run):
target-server-peak = { $model }: { $requests } requests, at most { $peak } in flight at once, { $connections } connections
py-title = CPython: how the py models ran
py-interpreters = { $strong } { $list }{ $n ->
    [one] {""}
   *[other] ; every py model ran once in each
}
    .strong = Interpreters:
py-heap-traced = { $strong } tracemalloc, on (as the source had it): the driver's Python heap only (a py-processes worker's is not traced), bytes only (allocations are not counted: –); measured when its driver started, it slowed an allocation-heavy loop { $slowdown }; --py-tracemalloc off gives clean timings.
    .strong = Heap of the py rows:
py-heap-untraced = { $strong } not traced (--py-tracemalloc off, for clean timings): –
    .strong = Heap of the py rows:
py-timeouts = { $strong } aiohttp's total timeout (ClientTimeout.total) is --timeout { $timeout }, the whole request (connecting, headers and body), and its socket connect's --connect-timeout { $connect }; requests bounds connecting by --connect-timeout { $connect } and each wait for bytes from the server by --timeout { $timeout }, not the whole request.
    .strong = Timeouts of the py clients:
py-task-timeout = { $strong } each call at most { $timeout } (--task-timeout: cancelled under py-async, interrupted by SIGALRM under py-sequential and in py-processes' workers; under py-threads a late call counts as timed out)
    .strong = Bound on each call:
py-task-no-timeout = { $strong } none (--task-timeout sets one)
    .strong = Bound on each call:
py-skipped = { $strong } { $model }: { $reason }
    .strong = Not run:
env-python = CPython interpreters
env-interpreter = { $strong } ({ $path } → { $executable }): ABI { $abi }, { $build } with { $compiler }; { $free ->
    [yes] a free-threaded build, GIL { $gil ->
        [on] turned back on
       *[off] off
    }
   *[no] GIL { $gil ->
        [on] on
       *[off] off
    }
}; multiprocessing start method { $method }.
    .strong = CPython { $tag }
env-interpreter-clients = HTTP clients { $clients } in { $venv }.
env-interpreter-tracemalloc = tracemalloc slowed an allocation-heavy loop { $x }x here.
env-title = Environment
env-os = OS
env-cpu = CPU
env-cores = Cores granted
env-cores-value = { $granted } (of { $online } online)
env-cores-quota = { $granted } (of { $online } online; cgroup quota { $quota } CPUs)
env-memory = Memory
env-load = Load average (start → end)
env-tool = concbench
env-rust = Rust
env-started = Started
reading-title = How to read these figures
reading-time = { $strong } is wall time on a monotonic clock, from when the first task may start to when the last one ended; building clients and runtimes is outside it, starting and joining threads is inside.
    .strong = Time
reading-heap = { $strong } comes from a counting allocator, concbench's analogue of Python's tracemalloc: { $peak } is the most live heap above the level at the start of the run, { $end } is live heap at the end minus at the start (clients and their idle connections still alive). Thread stacks are not heap.
    .strong = Heap
    .peak = peak
    .end = end
reading-rss = { $strong } is the resident memory of the whole client process (binary, libraries, touched thread stacks, heap), with the kernel's peak reset at the start of each run. The mock API runs in its own process and is not included.
    .strong = Peak RSS
reading-ideal = { $strong } is the least possible time against a server of fixed latency: ceil(requests / concurrency) × one latency.
    .strong = Ideal
reading-estimated = { $strong } times (sequential) are measured on a sample and scaled to all requests, as the source report did.
    .strong = Estimated

## The terminal summary.

term-io = concbench io: { $requests } requests to { $to }
term-task = concbench task: { $task }, { $tasks } calls, the API: { $to }
term-scale = concbench scale: { $model } over { $settings }, { $requests } requests to { $to }
term-cpu = concbench cpu: { $tasks } tasks, primes up to n in { $range } ({ $kernel }), { $cores } cores granted
term-embedded = embedded API, latency { $latency }
term-applied = (applied { $latency } on average)
term-failed = failed
term-not-run = not run
term-estimated = * { $model }: { $run } of { $total } requests run; all { $total } estimated at { $time }
term-spread = ⚠ { $model }: { $notes }
term-base = { $model } (base)
term-gil = gil-threads: { $handovers } hand-overs ({ $forced } forced), { $wait } waiting for the lock, at most { $peak } thread inside at once
term-lock = { $model }: { $used } cores busy (CPU ÷ wall), { $lock }
term-model = model
term-ok-failed = ok/failed
term-time = time
term-ideal = ideal
term-to-ideal = ×ideal
term-vs-base = vs base
term-req-s = req/s
term-peak-heap = peak heap
term-peak-rss = peak RSS
term-cpu-time = CPU
term-cpu-cores = CPU cores
term-server-peak = srv peak
term-queued = queued
term-speedup = speed-up
term-efficiency = efficiency
term-switches = ctx sw (vol/invol)
term-checksum = checksum

## compare.

compare-title = Comparison: B against A (time for all tasks)
compare-experiment = experiment
compare-model = model
compare-a = A (median)
compare-b = B (median)
compare-change = change
compare-ci = 95% CI
compare-verdict = verdict
compare-secs = { $s } s
compare-faster = faster
compare-slower = slower
compare-no-change = no significant change
compare-too-few = too few runs to tell
compare-setup-differs = not judged: set-up differs
compare-difference = ⚠ set-up differs: { $what }
compare-cores = cores granted { $a } → { $b }
compare-setting = { $experiment }: { $setting } { $a } → { $b }
compare-unmatched = not compared: { $what }
compare-only-in = { $what } (only in { $side })
compare-failed-in = { $what } (failed in { $side })
compare-open = { $what } (an open model, --rate: its time is its schedule's, not a speed)
compare-no-runs = { $what } (no runs to compare)
setup-requests = requests
setup-latency = latency
setup-server-cap = server cap
setup-target = target
setup-keep-alive = keep-alive
setup-prewarm = prewarm
setup-interp-cost = interp cost
setup-retries = retries
setup-method = method
setup-body = body
setup-urls = URLs (--urls-file)
setup-tasks = tasks
setup-range = range
setup-seed = seed
setup-kernel = kernel
setup-none = none
setup-on = true
setup-off = false
setup-embedded = embedded API

segments-title = Segments: { $n } parts of one plan, merged
segments-reading = Each segment ran its share of the task ids (I, I + N, I + 2N, …) of plan { $plan }, with the same settings and seed; with an arrival rate, each offered its ids at their due times, so together they offered the whole schedule. Counts are summed, and latency percentiles come from the segments' histograms added together, never from averaged percentiles. A model's time runs from the earliest segment's start to the last one's end, except for a model that runs one task at a time (sequential), whose time is the sum of its segments' times: the time one worker would need for all the tasks.
segments-clocks = Clocks are assumed NTP-synchronised: each segment waited for the aligned start on its own clock, so a segment's start lateness includes its clock's offset from the others'.
s4-baseline-contended = ⚠️ No speed-up over { $model } is stated: its segments kept only { $share } of a core busy (CPU ÷ wall), so they shared cores with each other or with other work, and their summed time is not what one worker alone takes (the speed-ups would be inflated). Run the segments on machines of their own, or compare with a run of one piece.
segments-busy = The merged report does not say whether the machine was busy: each segment measured its whole machine, where the other segments ran too, and their windows overlap; each segment's own report (segment-I/) says what other processes did while it ran.
segments-own = This is segment { $index } of { $count } of plan { $plan } ({ $source }, host { $host }): its figures are its share of the tasks; concbench merge combines the segments into the whole run.
segments-plan = Plan
segments-count = Segments
segments-hosts = Hosts
segments-start-at = Aligned start
segments-start-none = none (each started when it was launched)
segments-start-spread = Spread of the segments' starts
segments-col-segment = Segment
segments-col-host = Host
segments-col-source = Chosen by
segments-col-lateness = Start lateness
segments-col-span = Wall time (all its runs)
segments-spread-title = Spread of the segments' times (each model's median run)
segments-col-model = Model
segments-col-fastest = Fastest segment
segments-col-slowest = Slowest segment (its number)
segments-col-straggler = Straggler cost (slowest / mean)
segments-col-workers = Workers in all
segments-col-speedup = Speed-up over sequential
segments-col-per-core = Per core of all segments
segments-straggler = ⚠️ { $model }: segment { $segment } on { $host } took { $cost }x the segments' mean time; the merged time waits for it.
segments-shared-hosts = ⚠️ { $segments } segments ran on { $hosts } host(s): segments that shared a machine shared its cores, so each ran slower than alone, and a one-at-a-time model's summed time (the baseline of the speed-ups) counts that contention; compare with a run of one piece on one machine.
segments-server-agrees = ✓ The API every segment sent to counted { $server } requests; the segments sent { $tries } (every try of every run, their preflights and warm-ups): they agree.
segments-server-disagrees = ✗ The API every segment sent to counted { $server } requests, but the segments sent { $tries } (every try of every run, their preflights and warm-ups): something else sent to it, or a segment's requests were not counted.
