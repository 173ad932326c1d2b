"""Tasks for the integration tests of `concbench task` (tests/it/python.rs)."""

import os
import sys
import time

CALLS = 0


def ident(i):
    return i


def raises(i):
    """Every third task raises ValueError, every third KeyError; the rest return their id."""
    if i % 3 == 0:
        raise ValueError(f"bad {i}")
    if i % 3 == 1:
        raise KeyError(i)
    return i


async def araises(i):
    return raises(i)


def noisy(i):
    """Prints to stdout and stderr, as a careless task does."""
    print(f"noisy task {i} says hello", flush=True)
    print("{not json", flush=True)
    sys.stderr.write(f"noisy task {i} on stderr\n")
    return i


def spike(i):
    """The first five calls of this interpreter hold 5 MB for a moment; the later ones 10 kB."""
    global CALLS
    CALLS += 1
    held = bytearray(5_000_000 if CALLS <= 5 else 10_000)
    return len(held) > 0


def slow(i):
    """Sleeps 50 ms; writes its process id where TASK_PID_FILE says."""
    path = os.environ.get("TASK_PID_FILE")
    if path:
        with open(path, "w") as f:
            f.write(str(os.getpid()))
    time.sleep(0.05)
    return 1


async def aslow(i):
    """Sleeps 50 ms on the event loop."""
    import asyncio

    await asyncio.sleep(0.05)
    return 1
