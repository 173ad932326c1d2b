"""An example task for `concbench task`: each call fetches one item from the embedded API (I/O,
its URL in CONCBENCH_API_URL) and then counts primes by trial division (CPU), so the models'
differences show both ways: threads and async overlap the waits, processes the counting.

    concbench task --py-task examples/py_task.py:fetch_and_count \\
                   --py-async-task examples/py_task.py:fetch_and_count_async --tasks 40 --workers 8

It needs only the standard library (urllib for the plain function, asyncio streams for the async
one). Both return the same integer for the same task id: the body's length plus the prime count,
the checksum every model must agree on.
"""

import asyncio
import math
import os
import urllib.request
from urllib.parse import urlsplit

API = os.environ.get("CONCBENCH_API_URL", "http://127.0.0.1:8080")

# No proxy for the loopback API, whatever the environment says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def count_primes(n):
    count = 0
    for k in range(2, n + 1):
        for d in range(2, math.isqrt(k) + 1):
            if k % d == 0:
                break
        else:
            count += 1
    return count


def work_size(i):
    return 3000 + (i % 7) * 500


def fetch_and_count(i):
    """GET /api/items/{i}, then count the primes up to a size drawn from i."""
    with OPENER.open(f"{API}/api/items/{i}", timeout=30) as response:
        body = response.read()
    return len(body) + count_primes(work_size(i))


async def fetch_and_count_async(i):
    """The same, with asyncio's streams (one connection per call, closed after)."""
    url = urlsplit(API)
    reader, writer = await asyncio.open_connection(url.hostname, url.port or 80)
    writer.write(f"GET /api/items/{i} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    response = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        raise RuntimeError(f"HTTP status {status}")
    return len(body) + count_primes(work_size(i))
