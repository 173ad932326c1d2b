"""concbench's Python driver: runs the py-* models in a real CPython interpreter.

concbench ships this file inside its binary, writes it to its cache and starts it as a child
process. It speaks concbench's line-delimited JSON protocol (one object per line, `src/protocol.rs`)
on an inherited file descriptor whose number is in CONCBENCH_CHANNEL_FD, never on stdout, so a task
that prints cannot break it. It runs one measured run at a time, on command:

    parent -> {"run": {...}}      one run of a model over tasks [first, end)
    driver -> {"done": {...}}     the run's figures, measured here around the same span the Rust
                                  models measure (perf_counter, getrusage, tracemalloc)
    parent -> {"collect": RUN}    (after reading the driver's peak RSS from outside)
    driver -> {"result": {...}}   one line per task that ran, then {"collected": {...}}
    parent -> "stop"              stop handing out tasks (Ctrl-C); end of input: exit

The driver and its pool ignore SIGINT: concbench stops them, and kills them after a grace.

Testing aid: CONCBENCH_PY_START_METHOD=spawn|forkserver makes py-processes use that start method.

Other modes (for concbench's checks, before any work):
    driver.py --probe [--import-http]   one JSON line about this interpreter
    driver.py --check-task SPEC         whether FILE.py:func / module:func names a function
    driver.py --sizes SEED LO HI N      the CPU task sizes (SplitMix64), for tests
"""

import ast
import asyncio
import importlib
import importlib.util
import json
import math
import multiprocessing
import os
import platform
import queue
import resource
import signal
import socket
import sys
import sysconfig
import threading
import time
import traceback
import tracemalloc
from array import array
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

CHANNEL_ENV = "CONCBENCH_CHANNEL_FD"
# Testing aid: py-processes with another start method than the platform's (fork, spawn, forkserver).
START_METHOD_ENV = "CONCBENCH_PY_START_METHOD"
API_URL_ENV = "CONCBENCH_API_URL"
MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
ATTEMPT_HEADER = "x-concbench-attempt"
MAX_BACKOFF_S = 30.0
RETRY_SEED = 0x5E712A7


# --- SplitMix64, exactly as src/seed.rs ---------------------------------------------------------


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def nth(seed, i):
    """The i-th output (from 0) of SplitMix64 seeded with `seed`."""
    return mix((seed + GAMMA * (i + 1)) & MASK)


def derive(seed, index):
    """src/seed.rs `derive`: the seed of index `index`'s own random stream."""
    return mix(((seed ^ mix((index + GAMMA) & MASK)) + GAMMA) & MASK)


# --- the CPU workload, exactly as src/workload/cpu.rs --------------------------------------------


def count_primes(n, kernel):
    """Primes <= n. `plain`: k is prime when no d in 2..=isqrt(k) divides it (the source's)."""
    count = 0
    if kernel == "plain":
        for k in range(2, n + 1):
            for d in range(2, math.isqrt(k) + 1):
                if k % d == 0:
                    break
            else:
                count += 1
    elif kernel == "odd":
        for k in range(2, n + 1):
            if k == 2:
                count += 1
                continue
            if k % 2 == 0:
                continue
            for d in range(3, math.isqrt(k) + 1, 2):
                if k % d == 0:
                    break
            else:
                count += 1
    else:  # sieve
        if n < 2:
            return 0
        composite = bytearray(n + 1)
        for k in range(2, n + 1):
            if not composite[k]:
                count += 1
                composite[k * k :: k] = b"\x01" * len(range(k * k, n + 1, k))
    return count


class CpuWork:
    """Task i counts the primes up to n_i = lo + SplitMix64(seed)_i mod (hi - lo + 1)."""

    def __init__(self, spec):
        self.lo, self.hi, self.seed, self.kernel = spec["lo"], spec["hi"], spec["seed"], spec["kernel"]

    def size(self, i):
        return self.lo + nth(self.seed, i) % (self.hi - self.lo + 1)

    def run(self, i, local):
        return count_primes(self.size(i), self.kernel), 1

    async def run_async(self, i, session):
        return count_primes(self.size(i), self.kernel), 1


# --- failures, as concbench counts them ----------------------------------------------------------


class TaskFailed(Exception):
    """A task's failure as a kind concbench counts (timeout, connect, reset, http_NNN, body,
    other, exception:TYPE), with its message, its tries and the server's Retry-After."""

    def __init__(self, kind, message, attempts=1, retry_after=None):
        super().__init__(message)
        self.kind, self.message, self.attempts, self.retry_after = kind, message, attempts, retry_after


class TaskTimeout(Exception):
    """Raised into a task that ran past --task-timeout."""


def retryable(kind):
    if kind in ("timeout", "connect", "reset", "body"):
        return True
    if kind.startswith("http_"):
        code = int(kind[5:])
        return code == 429 or code >= 500
    return False


def retry_wait(http, task, attempt, failure):
    """src/workload/io.rs `retry_wait`: exponential backoff with equal jitter seeded by task and
    attempt, or the server's Retry-After; None: give up."""
    if attempt >= http["retries"] or not retryable(failure.kind):
        return None
    if failure.retry_after is not None:
        return min(failure.retry_after, MAX_BACKOFF_S)
    full = min(http["retry_backoff_s"] * (1 << min(attempt, 20)), MAX_BACKOFF_S)
    jitter = (derive(RETRY_SEED, ((task << 8) | attempt) & MASK) % 1_000_000) / 1e6
    return full * (0.5 + 0.5 * jitter)


def retry_after(value):
    try:
        return float(int(value.strip())) if value is not None else None
    except ValueError:
        return None


def exception_failure(exc):
    """A user task's exception: counted by type, its last traceback line kept."""
    if isinstance(exc, TaskTimeout):
        return TaskFailed("timeout", str(exc))
    t = type(exc)
    name = t.__qualname__ if t.__module__ == "builtins" else t.__module__ + "." + t.__qualname__
    line = traceback.format_exception_only(t, exc)[-1].strip()
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        f = frames[-1]
        line += " (%s:%d in %s)" % (os.path.basename(f.filename), f.lineno, f.name)
    return TaskFailed("exception:" + name, line)


# --- the HTTP workload: the same requests as the Rust clients ------------------------------------


class HttpWork:
    """Task i is one GET of the URL template with {i} replaced by i: the same URL, extra headers,
    User-Agent, attempt header, retries and classes of failure as concbench's Rust clients; no
    redirects followed, success = 2xx, the body's bytes as the task's value."""

    def __init__(self, spec):
        self.spec = spec
        self.origin, self.pieces = spec["origin"], spec["path_pieces"]
        headers = {}
        if not any(name.lower() == "user-agent" for name, _ in spec["headers"]):
            headers["User-Agent"] = spec["user_agent"]
        for name, value in spec["headers"]:
            headers[name] = value
        if not spec["keep_alive"]:
            headers["Connection"] = "close"
        self.headers = headers

    def url(self, i):
        return self.origin + str(i).join(self.pieces)

    def headers_for(self, attempt):
        h = dict(self.headers)
        h[ATTEMPT_HEADER] = str(attempt)
        return h

    def settle(self, status, body, after, attempt):
        if 200 <= status < 300:
            return len(body)
        raise TaskFailed("http_%d" % status, "HTTP status %d" % status, attempt + 1, after)

    # The blocking client: requests (a Session per thread with keep-alive; without it, a new
    # Session and connection per call, as requests.get does).
    def get_blocking(self, i, attempt, local):
        import requests

        session = getattr(local, "session", None) if self.spec["keep_alive"] else None
        if session is None:
            session = requests.Session()
            session.trust_env = False
            if self.spec["keep_alive"]:
                local.session = session
        headers = self.headers_for(attempt)
        headers["Accept-Encoding"] = None  # sent by neither Rust client: bodies arrive as sent
        try:
            r = session.get(
                self.url(i),
                headers=headers,
                timeout=(self.spec["connect_timeout_s"], self.spec["timeout_s"]),
                allow_redirects=False,
            )
            body = r.content
            return self.settle(r.status_code, body, retry_after(r.headers.get("retry-after")), attempt)
        except TaskFailed:
            raise
        except Exception as e:  # noqa: BLE001 - every failure is classified
            raise TaskFailed(classify_requests(e), "%s: %s" % (type(e).__name__, e), attempt + 1)
        finally:
            if not self.spec["keep_alive"]:
                session.close()

    def run(self, i, local):
        attempt = 0
        while True:
            try:
                return self.get_blocking(i, attempt, local), attempt + 1
            except TaskFailed as f:
                f.attempts = attempt + 1
                wait = retry_wait(self.spec, i, attempt, f)
                if wait is None:
                    raise
                time.sleep(wait)
            attempt += 1

    # The async client: aiohttp, one ClientSession per run.
    async def get_async(self, i, attempt, session):
        import aiohttp

        try:
            async with session.get(self.url(i), headers=self.headers_for(attempt), allow_redirects=False) as r:
                body = await r.read()
                return self.settle(r.status, body, retry_after(r.headers.get("retry-after")), attempt)
        except TaskFailed:
            raise
        except Exception as e:  # noqa: BLE001 - every failure is classified
            raise TaskFailed(classify_aiohttp(e, aiohttp), "%s: %s" % (type(e).__name__, e), attempt + 1)

    async def run_async(self, i, session):
        attempt = 0
        while True:
            try:
                return await self.get_async(i, attempt, session), attempt + 1
            except TaskFailed as f:
                f.attempts = attempt + 1
                wait = retry_wait(self.spec, i, attempt, f)
                if wait is None:
                    raise
                await asyncio.sleep(wait)
            attempt += 1

    def session(self, limit):
        """aiohttp's session: `limit` connections at most (0: unlimited), --timeout as the total
        timeout of a request, --connect-timeout as the socket connect's."""
        import aiohttp

        connector = aiohttp.TCPConnector(limit=limit, force_close=not self.spec["keep_alive"])
        timeout = aiohttp.ClientTimeout(total=self.spec["timeout_s"], sock_connect=self.spec["connect_timeout_s"])
        return aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            skip_auto_headers=("Accept-Encoding",),
            auto_decompress=False,
            trust_env=False,
        )


def errno_kind(e):
    import errno

    code = getattr(e, "errno", None)
    if code in (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EADDRNOTAVAIL):
        return "connect"
    if code in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED):
        return "reset"
    if code == errno.ETIMEDOUT:
        return "timeout"
    return None


def causes(e):
    while e is not None:
        yield e
        e = e.__cause__ or e.__context__ or (e.args[0] if e.args and isinstance(e.args[0], BaseException) else None)


def classify_requests(e):
    import requests.exceptions as rx

    if isinstance(e, rx.Timeout):
        return "timeout"
    if isinstance(e, (rx.ChunkedEncodingError,)):
        return "reset"
    if isinstance(e, rx.ContentDecodingError):
        return "body"
    if isinstance(e, rx.ConnectionError):
        for c in causes(e):
            name = type(c).__name__
            if name in ("NewConnectionError", "ConnectionRefusedError", "NameResolutionError", "gaierror"):
                return "connect"
            if name in ("RemoteDisconnected", "ConnectionResetError", "BrokenPipeError", "IncompleteRead"):
                return "reset"
            kind = errno_kind(c)
            if kind:
                return kind
        return "reset"
    return "other"


def classify_aiohttp(e, aiohttp):
    if isinstance(e, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return "timeout"
    if isinstance(e, aiohttp.ClientConnectorError):
        return "connect"
    if isinstance(e, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        return "reset"
    if isinstance(e, aiohttp.ClientOSError):
        return errno_kind(e) or "reset"
    return "other"


# --- the user's own task -------------------------------------------------------------------------


def load_task(spec):
    """FILE.py:func (the file's folder goes first on sys.path) or package.module:func."""
    target, func = spec.rsplit(":", 1)
    if target.endswith(".py") or os.sep in target:
        path = os.path.abspath(target)
        name = os.path.splitext(os.path.basename(path))[0]
        if name in sys.modules:
            name = "concbench_task_" + name
        sys.path.insert(0, os.path.dirname(path))
        module_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
    else:
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        module = importlib.import_module(target)
    return getattr(module, func)


class Alarm:
    """Bounds a call on the main thread with SIGALRM (pure-Python code is interrupted)."""

    def __init__(self, seconds):
        self.seconds = seconds if seconds and threading.current_thread() is threading.main_thread() else None

    def __enter__(self):
        if self.seconds:
            signal.signal(signal.SIGALRM, self.fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def fire(self, *_):
        raise TaskTimeout("the task ran past --task-timeout (%gs)" % self.seconds)

    def __exit__(self, *_):
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)


def task_value(v):
    """An integer return value enters the checksum (mod 2^64, exactly as concbench sums); any
    other value counts as 0."""
    return int(v) & MASK if isinstance(v, int) else 0


class UserTask:
    """The user's function: `sync` flavour called as func(i), `async` awaited."""

    def __init__(self, spec):
        self.spec = spec
        self.timeout = spec.get("timeout_s")
        if spec.get("api_url"):
            os.environ[API_URL_ENV] = spec["api_url"]
        self.func = load_task(spec["spec"])

    def run(self, i, local):
        t0 = time.perf_counter()
        try:
            with Alarm(self.timeout):
                if self.spec["flavour"] == "async":
                    value = local.loop.run_until_complete(self.func(i))
                else:
                    value = self.func(i)
        except Exception as e:  # noqa: BLE001 - a failed task, counted by type
            raise exception_failure(e)
        if self.timeout and time.perf_counter() - t0 > self.timeout:
            # A thread cannot be interrupted: a late call is counted as timed out.
            raise TaskFailed("timeout", "the task ran past --task-timeout (%gs)" % self.timeout)
        return task_value(value), 1

    async def run_async(self, i, session):
        try:
            if self.timeout:
                value = await asyncio.wait_for(self.func(i), self.timeout)
            else:
                value = await self.func(i)
        except asyncio.TimeoutError as e:
            if self.timeout:
                raise TaskFailed("timeout", "the task ran past --task-timeout (%gs)" % self.timeout)
            raise exception_failure(e)
        except Exception as e:  # noqa: BLE001
            raise exception_failure(e)
        return task_value(value), 1


def build_workload(desc):
    kind, spec = next(iter(desc.items()))
    if kind == "cpu":
        return CpuWork(spec)
    if kind == "http":
        return HttpWork(spec)
    return UserTask(spec)


# --- one run's results, kept in arrays allocated before the span -----------------------------------


def task_ids(run):
    """The run's task ids: first..end, every step-th (a segment's share)."""
    return range(run["first"], run["end"], run.get("step", 1))


class Results:
    def __init__(self, ids):
        n = len(ids)
        self.first, self.step = ids.start, ids.step
        self.start = array("d", bytes(8 * n))
        self.end = array("d", bytes(8 * n))
        self.done = bytearray(n)
        self.value = [0] * n
        self.attempts = array("I", bytes(4 * n))
        self.failure = {}
        self.pid = array("q", bytes(8 * n))

    def put(self, i, t0, t1, outcome, pid=0):
        k = (i - self.first) // self.step
        self.start[k], self.end[k], self.done[k], self.pid[k] = t0, t1, 1, pid
        if isinstance(outcome, TaskFailed):
            self.failure[k] = outcome
            self.attempts[k] = outcome.attempts
        else:
            self.value[k], self.attempts[k] = outcome

    def lines(self, span0):
        for k in range(len(self.done)):
            if not self.done[k]:
                continue
            line = {
                "task": self.first + k * self.step,
                "start_ns": max(0, int((self.start[k] - span0) * 1e9)),
                "end_ns": max(0, int((self.end[k] - span0) * 1e9)),
                "attempts": self.attempts[k] or 1,
            }
            f = self.failure.get(k)
            if f is None:
                line["value"] = self.value[k]
            else:
                line["error"] = [f.kind, f.message]
                if f.retry_after is not None:
                    line["retry_after_ns"] = int(f.retry_after * 1e9)
            yield line


class Occupancy:
    """Tasks inside the workload at once, and the most ever (a lock: free-threaded builds too)."""

    def __init__(self):
        self.now = self.peak = 0
        self.lock = threading.Lock()

    def enter(self):
        with self.lock:
            self.now += 1
            if self.now > self.peak:
                self.peak = self.now

    def leave(self):
        with self.lock:
            self.now -= 1


def call(work, i, local, occupancy, results, stop):
    if stop.is_set():
        return
    occupancy.enter()
    t0 = time.perf_counter()
    try:
        outcome = work.run(i, local)
    except TaskFailed as f:
        outcome = f
    except Exception as e:  # noqa: BLE001 - the workload broke: count it, do not lose the run
        outcome = exception_failure(e)
    t1 = time.perf_counter()
    occupancy.leave()
    results.put(i, t0, t1, outcome)


# --- the models ------------------------------------------------------------------------------------


def run_sequential(run, work, results, stop, facts):
    local = threading.local()
    if isinstance(work, UserTask) and work.spec["flavour"] == "async":
        local.loop = asyncio.new_event_loop()
    occupancy = Occupancy()
    span0 = time.perf_counter()
    for i in task_ids(run):
        if stop.is_set():
            break
        call(work, i, local, occupancy, results, stop)
    span1 = time.perf_counter()
    if getattr(local, "loop", None) is not None:
        local.loop.close()
    facts.update(threads_started=0, peak_in_flight=occupancy.peak, peak_in_workload=occupancy.peak)
    return span0, span1


def run_threads(run, work, results, stop, facts):
    local = threading.local()
    occupancy = Occupancy()
    span0 = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=run["n"], thread_name_prefix="py-threads")
    futures = [pool.submit(call, work, i, local, occupancy, results, stop) for i in task_ids(run)]
    watch_stop(stop, pool, futures)
    pool.shutdown(wait=True)
    span1 = time.perf_counter()
    started = len(getattr(pool, "_threads", ())) or min(run["n"], len(futures))
    facts.update(threads_started=started, peak_in_flight=occupancy.peak, peak_in_workload=occupancy.peak)
    return span0, span1


def watch_stop(stop, pool, futures):
    """Waits for every future; a stop cancels those not started yet."""
    for f in futures:
        while not f.done():
            try:
                f.result(timeout=0.05)
            except Exception:  # noqa: BLE001 - a task's failure is in its result already
                pass
            if stop.is_set():
                pool.shutdown(wait=False, cancel_futures=True)
                return


def run_async(run, work, results, stop, facts):
    loop = asyncio.new_event_loop()
    limit = run["n"] or 0
    session = loop.run_until_complete(make_session(work, limit))
    occupancy = Occupancy()
    # py-async:N: for HTTP, aiohttp's connector holds at most N connections (a call waits for a
    # slot inside it, as the source's did); the user's own task has no connector, so N calls at
    # most run at once behind a semaphore, like Rust's async:N.
    gate = None

    async def one(i):
        if gate is not None:
            await gate.acquire()
        occupancy.now += 1
        occupancy.peak = max(occupancy.peak, occupancy.now)
        t0 = time.perf_counter()
        try:
            outcome = await work.run_async(i, session)
        except TaskFailed as f:
            outcome = f
        except Exception as e:  # noqa: BLE001
            outcome = exception_failure(e)
        finally:
            occupancy.now -= 1
            if gate is not None:
                gate.release()
        results.put(i, t0, time.perf_counter(), outcome)

    async def everything():
        nonlocal gate
        if limit and not isinstance(work, HttpWork):
            gate = asyncio.Semaphore(limit)
        gathered = asyncio.gather(*(one(i) for i in task_ids(run)))
        while not gathered.done():
            await asyncio.wait([gathered], timeout=0.05)
            if stop.is_set():
                gathered.cancel()
                break
        try:
            await gathered
        except asyncio.CancelledError:
            pass

    span0 = time.perf_counter()
    loop.run_until_complete(everything())
    span1 = time.perf_counter()
    if session is not None:
        loop.run_until_complete(session.close())
    loop.close()
    facts.update(threads_started=0, peak_in_flight=occupancy.peak, peak_in_workload=min(occupancy.peak, 1))
    return span0, span1


async def make_session(work, limit):
    return work.session(limit) if isinstance(work, HttpWork) else None


# The worker side of py-processes: the workload is built in the pool's initializer, so every start
# method (fork, spawn, forkserver) works.
WORKER = {}


def init_worker(desc, switch_interval, channel_fd):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if channel_fd is not None:
        try:
            os.close(channel_fd)  # a forked worker inherited the driver's channel: not its to use
        except OSError:
            pass
    if tracemalloc.is_tracing():
        tracemalloc.stop()  # inherited through fork; the driver's own heap is what is traced
    sys.setswitchinterval(switch_interval)
    WORKER["work"] = build_workload(desc)
    # Ready once it can run a task (its workload built, the user's module imported), as Rust's
    # worker says it is: its start-up includes that.
    WORKER["ready"] = time.perf_counter()
    WORKER["local"] = threading.local()


def worker_call(i):
    work, local = WORKER["work"], WORKER["local"]
    t0 = time.perf_counter()
    try:
        outcome = work.run(i, local)
    except TaskFailed as f:
        outcome = f
    except Exception as e:  # noqa: BLE001
        outcome = exception_failure(e)
    t1 = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    if isinstance(outcome, TaskFailed):
        outcome = ("failed", outcome.kind, outcome.message, outcome.attempts, outcome.retry_after)
    return i, t0, t1, outcome, os.getpid(), WORKER["ready"], usage.ru_utime, usage.ru_stime


def vm_hwm(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def run_processes(run, work_desc, results, stop, facts, channel_fd):
    ctx = multiprocessing.get_context()
    occupancy_peak = 0
    span0 = time.perf_counter()
    pool = ProcessPoolExecutor(
        max_workers=run["n"],
        mp_context=ctx,
        initializer=init_worker,
        initargs=(work_desc, run["switch_interval_s"], channel_fd if ctx.get_start_method() == "fork" else None),
    )
    futures = [pool.submit(worker_call, i) for i in task_ids(run)]
    watch_stop(stop, pool, futures)
    workers = {}
    for f in futures:
        if f.cancelled() or not f.done() or f.exception() is not None:
            continue
        i, t0, t1, outcome, pid, ready, utime, stime = f.result()
        if isinstance(outcome, tuple) and outcome and outcome[0] == "failed":
            outcome = TaskFailed(outcome[1], outcome[2], outcome[3], outcome[4])
        results.put(i, t0, t1, outcome, pid)
        w = workers.setdefault(pid, {"pid": pid, "ready": ready, "tasks": 0, "cpu": (0.0, 0.0)})
        w["tasks"] += 1
        w["cpu"] = max(w["cpu"], (utime, stime))
    broken = [f.exception() for f in futures if f.done() and not f.cancelled() and f.exception() is not None]
    # Each worker's peak RSS, read from outside it before the pool is shut down.
    for pid in list(getattr(pool, "_processes", {}) or {}):
        if pid in workers:
            workers[pid]["rss"] = vm_hwm(pid)
    occupancy_peak = len(getattr(pool, "_processes", {}) or {}) or len(workers)
    pool.shutdown(wait=True)
    span1 = time.perf_counter()
    facts.update(
        threads_started=occupancy_peak,
        peak_in_flight=occupancy_peak,
        peak_in_workload=occupancy_peak,
        start_method=ctx.get_start_method(),
        workers=[
            {
                "pid": w["pid"],
                "startup_ns": max(0, int((w["ready"] - span0) * 1e9)),
                "tasks": w["tasks"],
                "cpu_user_ns": int(w["cpu"][0] * 1e9),
                "cpu_sys_ns": int(w["cpu"][1] * 1e9),
                "rss_peak_bytes": w.get("rss"),
            }
            for w in sorted(workers.values(), key=lambda w: w["pid"])
        ],
    )
    if broken:
        facts["broken"] = "the process pool broke: %s: %s" % (type(broken[0]).__name__, broken[0])
    return span0, span1


# --- one measured run --------------------------------------------------------------------------------


def gil_enabled():
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


def ns(seconds):
    return int(seconds * 1e9)


def measured_run(run, cache, stop, channel_fd):
    """Runs one model over tasks [first, end) and returns (figures, results, span start)."""
    sys.setswitchinterval(run["switch_interval_s"])
    key = json.dumps(run["workload"], sort_keys=True)
    work = cache.get(key)
    if work is None and run["model"] != "processes":
        work = cache[key] = build_workload(run["workload"])
    if run["tracemalloc"] and not tracemalloc.is_tracing():
        tracemalloc.start()
    elif not run["tracemalloc"] and tracemalloc.is_tracing():
        tracemalloc.stop()
    results = Results(task_ids(run))
    facts = {}
    if tracemalloc.is_tracing():
        tracemalloc.reset_peak()
        heap0 = tracemalloc.get_traced_memory()[0]
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    model = run["model"]
    if model == "sequential":
        span0, span1 = run_sequential(run, work, results, stop, facts)
    elif model == "threads":
        span0, span1 = run_threads(run, work, results, stop, facts)
    elif model == "async":
        span0, span1 = run_async(run, work, results, stop, facts)
    else:
        span0, span1 = run_processes(run, run["workload"], results, stop, facts, channel_fd)
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    heap = None
    if tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        heap = {"peak_bytes": max(0, peak - heap0), "current_bytes": current - heap0}
    figures = {
        "run": run["run"],
        "wall_ns": ns(span1 - span0),
        "cpu_user_ns": ns(self1.ru_utime - self0.ru_utime),
        "cpu_sys_ns": ns(self1.ru_stime - self0.ru_stime),
        "children_cpu_user_ns": ns(kids1.ru_utime - kids0.ru_utime),
        "children_cpu_sys_ns": ns(kids1.ru_stime - kids0.ru_stime),
        "voluntary_switches": self1.ru_nvcsw - self0.ru_nvcsw + kids1.ru_nvcsw - kids0.ru_nvcsw,
        "involuntary_switches": self1.ru_nivcsw - self0.ru_nivcsw + kids1.ru_nivcsw - kids0.ru_nivcsw,
        "heap": heap,
        "gil_enabled": gil_enabled(),
        "stopped": stop.is_set(),
        "tasks_run": sum(results.done),
    }
    figures.update(facts)
    return figures, results, span0


# --- the channel ------------------------------------------------------------------------------------


class Channel:
    def __init__(self, fd):
        self.sock = socket.socket(fileno=fd)
        self.fd = fd
        self.rfile = self.sock.makefile("rb")
        self.wfile = self.sock.makefile("wb")
        self.lock = threading.Lock()

    def send(self, msg):
        data = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
        with self.lock:
            self.wfile.write(data)
            self.wfile.flush()

    def lines(self):
        for line in self.rfile:
            if line.strip():
                yield json.loads(line)


def reader(channel, commands, stop):
    """Reads commands; "stop" sets the stop flag at once. At the end of input (concbench went
    away) the driver and its pool's workers are killed: nothing outlives concbench."""
    try:
        for msg in channel.lines():
            if msg == "stop":
                stop.set()
            else:
                commands.put(msg)
    except Exception:  # noqa: BLE001
        pass
    os.killpg(os.getpgid(0), signal.SIGKILL)


def hello(imports):
    versions = {}
    if imports:
        import aiohttp
        import requests

        versions = {"aiohttp": aiohttp.__version__, "requests": requests.__version__}
    info = describe()
    info["clients"] = versions
    info["tracemalloc_slowdown"] = tracemalloc_slowdown()
    return info


def describe():
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    version = platform.python_version()
    return {
        "pid": os.getpid(),
        "executable": sys.executable,
        "implementation": sys.implementation.name,
        "version": version,
        "tag": version + ("t" if free_threaded else ""),
        "abi": sysconfig.get_config_var("SOABI") or "",
        "free_threaded_build": free_threaded,
        "gil_enabled": gil_enabled(),
        "start_method": multiprocessing.get_start_method(),
        "build": platform.python_build()[0],
        "compiler": platform.python_compiler(),
    }


def tracemalloc_slowdown():
    """What tracing every allocation costs here: the best of 3 timings of an allocation-heavy
    loop with tracemalloc on, over the same without it (measured once per driver)."""
    if tracemalloc.is_tracing():
        return None

    def best():
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            [str(i) for i in range(40000)]
            times.append(time.perf_counter() - t0)
        return min(times)

    off = best()
    tracemalloc.start()
    on = best()
    tracemalloc.stop()
    return on / off if off > 0 else None


def serve():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.environ.get(START_METHOD_ENV):
        multiprocessing.set_start_method(os.environ[START_METHOD_ENV], force=True)
    fd = int(os.environ[CHANNEL_ENV])
    os.set_inheritable(fd, False)
    channel = Channel(fd)
    commands, stop = queue.Queue(), threading.Event()
    threading.Thread(target=reader, args=(channel, commands, stop), daemon=True, name="channel").start()
    channel.send({"hello": hello(os.environ.get("CONCBENCH_PY_IMPORT_HTTP") == "1")})
    cache = {}
    while True:
        msg = commands.get()
        if "run" not in msg:
            continue
        run = msg["run"]
        stop.clear()
        try:
            figures, results, span0 = measured_run(run, cache, stop, fd)
        except BaseException as e:  # noqa: BLE001 - the model failed as a whole: say why
            channel.send({"failed": {"run": run["run"], "message": "".join(traceback.format_exception_only(type(e), e)).strip()}})
            continue
        channel.send({"done": figures})
        while True:
            msg = commands.get()
            if msg.get("collect") == run["run"]:
                break
        count = 0
        for line in results.lines(span0):
            channel.send({"result": line})
            count += 1
        channel.send({"collected": {"run": run["run"], "results": count}})


# --- the checks concbench makes before any work ---------------------------------------------------


def check_task(spec):
    """Whether SPEC names a top-level function, and its flavour, without running the module."""
    if ":" not in spec:
        return {"error": "'%s' is not FILE.py:func or module:func" % spec}
    target, func = spec.rsplit(":", 1)
    if target.endswith(".py") or os.sep in target:
        path = os.path.abspath(target)
        if not os.path.isfile(path):
            return {"error": "%s: no such file" % target}
    else:
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            found = importlib.util.find_spec(target)
        except (ImportError, ValueError) as e:
            return {"error": "module %s: %s" % (target, e)}
        if found is None or not found.origin or not os.path.isfile(found.origin):
            return {"error": "no module named %s" % target}
        path = found.origin
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), path)
    except (OSError, SyntaxError, ValueError) as e:
        return {"error": "%s: %s" % (target, e)}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == func:
            return {"file": path, "flavour": "async" if isinstance(node, ast.AsyncFunctionDef) else "sync"}
    return {"error": "%s defines no function %s at its top level" % (target, func)}


def main(argv):
    if argv[:1] == ["--probe"]:
        info = describe()
        if "--import-http" in argv:
            import aiohttp
            import requests

            info["clients"] = {"aiohttp": aiohttp.__version__, "requests": requests.__version__}
            info["gil_enabled"] = gil_enabled()  # after the imports: a C extension may turn it on
        print(json.dumps(info))
    elif argv[:1] == ["--check-task"]:
        print(json.dumps(check_task(argv[1])))
    elif argv[:1] == ["--sizes"]:
        seed, lo, hi, n = (int(a) for a in argv[1:5])
        work = CpuWork({"lo": lo, "hi": hi, "seed": seed, "kernel": "plain"})
        print(json.dumps([work.size(i) for i in range(n)]))
    else:
        serve()


if __name__ == "__main__":
    main(sys.argv[1:])
