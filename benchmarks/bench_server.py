"""A bounded load test of ``invoicecalc serve``, beside the in-process cost of the same work.

    .venv/bin/python benchmarks/bench_server.py                   # about half a minute
    .venv/bin/python benchmarks/bench_server.py --requests 5000 --time-cap 60

It starts ``invoicecalc serve`` (one uvicorn worker) in its own process on a
free port of 127.0.0.1, then at concurrency 1, 8 and 64 sends a fixed number
of ``POST /v1/preview`` requests, each a ten-line neutral invoice, over
keep-alive connections (a minimal asyncio HTTP/1.1 client, so that the client
costs little beside the server), stopping early at the time cap. Every answer
is checked (status 200, the expected totals). It reports requests per second
and p50/p99 latency, and as ratios against the in-process cost of the same
work: ``invoicecalc.server.preview`` called directly on the same bytes, the
function the service runs for each request. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from typing import Any

from bench_core import ten_line_invoice
from invoicecalc.server import Request, preview

AS_OF = "2024-03-10"


def request_body() -> bytes:
    """The benchmarks' ten-line invoice as one request's body."""
    return json.dumps({**ten_line_invoice(), "number": "B-1", "as_of": AS_OF}).encode()


def in_process(body: bytes, seconds: float) -> float:
    """Seconds per call of the service's own preview function on ``body`` (the median of
    rounds of 100 calls)."""

    def today() -> dt.date:  # read once a call; the invoice states its own as_of
        return dt.date(2024, 3, 10)

    request = Request([("body", body)])
    rounds = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rounds) < 5:
        started = time.perf_counter()
        for _ in range(100):
            preview(request, today)
        rounds.append((time.perf_counter() - started) / 100)
    return statistics.median(rounds)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _connection(
    port: int,
    request: bytes,
    expected: bytes,
    todo: list[int],
    latencies: list[float],
    deadline: float,
) -> None:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
    try:
        while todo and time.perf_counter() < deadline:
            todo.pop()
            started = time.perf_counter()
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            body = await asyncio.wait_for(reader.readexactly(length), 30)
            latencies.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200 ") or body != expected:
                raise AssertionError(f"unexpected answer: {head[:60]!r}")
    finally:
        writer.close()
        await writer.wait_closed()


def load(
    port: int, body: bytes, expected: bytes, concurrency: int, requests: int, cap: float
) -> dict[str, float]:
    request = (
        b"POST /v1/preview HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    latencies: list[float] = []
    todo = list(range(requests))

    async def run() -> float:
        started = time.perf_counter()
        deadline = started + cap
        await asyncio.gather(
            *(
                _connection(port, request, expected, todo, latencies, deadline)
                for _ in range(concurrency)
            )
        )
        return time.perf_counter() - started

    elapsed = asyncio.run(run())
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per concurrency level")
    parser.add_argument("--time-cap", type=float, default=20.0, help="seconds per level")
    args = parser.parse_args()

    body = request_body()
    per_call = in_process(body, 2.0)
    port = _free_port()
    command = [sys.executable, "-m", "invoicecalc", "serve", "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("invoicecalc serve did not start") from None
                time.sleep(0.1)
        expected = preview(Request([("body", body)]), dt.date.today)[0].encode()
        load(port, body, expected, 8, 200, 10.0)  # warm up
        results: list[tuple[int, dict[str, Any]]] = []
        for concurrency in (1, 8, 64):
            results.append(
                (concurrency, load(port, body, expected, concurrency, args.requests, args.time_cap))
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)

    print(
        f"ten-line invoice, {len(body)} bytes; one uvicorn worker; Python {sys.version.split()[0]}"
    )
    print(
        f"in process: {per_call * 1e6:8.1f} us per call of invoicecalc.server.preview "
        f"({1 / per_call:,.0f}/s)"
    )
    print()
    print(
        f"{'concurrency':>11} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'in-process/s ÷ req/s':>21} {'p50 ÷ in-process':>17}"
    )
    for concurrency, figures in results:
        print(
            f"{concurrency:>11} {figures['requests']:>9.0f} {figures['rps']:>9,.0f}"
            f" {figures['p50'] * 1e3:>8.2f} {figures['p99'] * 1e3:>8.2f}"
            f" {1 / per_call / figures['rps']:>20.2f}x {figures['p50'] / per_call:>16.2f}x"
        )


if __name__ == "__main__":
    main()
