"""Benchmark ``classify serve``'s ``/api/predict`` on loopback against the in-process ``predict``.

Usage: python scripts/bench_serve.py [--requests 400] [--seconds 30] [--model PATH]

Starts ``classify serve`` as a user does (its own process, 127.0.0.1, a free port,
a temporary work folder), then in one run measures, on the articles of ``seeds/``
taken in turn:

1. the baseline: ``model.predict(text)`` called in this process, one at a time;
2. one client: ``POST /api/predict`` one request at a time over a kept-alive connection;
3. eight clients: eight threads, each with its own connection, sending at once.

Each measurement stops after ``--requests`` requests or ``--seconds`` seconds,
whichever comes first (20 warm-up requests are not counted). Prints requests per
second, p50 and p95 latency in milliseconds, errors (any answer but 200, or no
answer), and each latency as a ratio to the baseline's. Targets (issue #26): p50
under 20 ms for one client, and no error under eight.
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import classify  # noqa: E402

WARM_UP = 20


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values`` by the nearest-rank rule."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def measure(call, texts: list[str], clients: int, requests: int, seconds: float) -> dict:
    """Run ``call(client_index, text)`` from ``clients`` threads until ``requests`` or ``seconds`` is reached."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = [0]
    deadline = time.monotonic() + seconds

    def work(index: int) -> None:
        while time.monotonic() < deadline:
            with lock:
                if counter[0] >= requests:
                    return
                n = counter[0]
                counter[0] += 1
            started = time.perf_counter()
            ok = call(index, texts[n % len(texts)])
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "per_second": len(latencies) / wall if wall else 0.0,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 95) if latencies else float("nan"),
    }


def start_server(model: str | None, workdir: str) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "classify.cli", "serve", "--port", "0", "--workdir", workdir]
    if model:
        command += ["--model", model]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    line = process.stdout.readline()
    match = re.match(r"classify: serving (http://\S+?)/ ", line)
    if not match:
        process.kill()
        sys.exit(f"bench_serve: the server did not start: {line}{process.stderr.read()}")
    url = match.group(1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/model").status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    sys.exit("bench_serve: the server did not answer within 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement (default 400)")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per measurement (default 30 s)")
    parser.add_argument("--model", default=None, help="model file (default: the shipped model)")
    args = parser.parse_args()

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    model = classify.load(args.model)
    chars = statistics.median(len(t) for t in texts)
    print(
        f"{len(texts)} seed articles (median {chars:.0f} characters); "
        f"{args.requests} requests or {args.seconds:g} s per measurement"
    )

    for text in texts[:WARM_UP]:
        model.predict(text)
    results = {
        "in-process predict": measure(lambda _, t: bool(model.predict(t)), texts, 1, args.requests, args.seconds)
    }

    with tempfile.TemporaryDirectory() as workdir:
        process, url = start_server(args.model, workdir)
        try:
            # TCP_NODELAY, as browsers set it (httpx writes a request's headers and body in two sends).
            sessions = [
                httpx.Client(
                    base_url=url,
                    timeout=30,
                    transport=httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]),
                )
                for _ in range(8)
            ]

            def post(index: int, text: str) -> bool:
                try:
                    return sessions[index].post("/api/predict", json={"text": text}).status_code == 200
                except httpx.HTTPError:
                    return False

            for text in texts[:WARM_UP]:
                post(0, text)
            results["HTTP, 1 client"] = measure(post, texts, 1, args.requests, args.seconds)
            results["HTTP, 8 clients"] = measure(post, texts, 8, args.requests, args.seconds)
            for session in sessions:
                session.close()
        finally:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=30)

    base = results["in-process predict"]
    print(
        f"\n{'':22} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'p50 ratio':>9} {'p95 ratio':>9}"
    )
    for name, r in results.items():
        print(
            f"{name:22} {r['requests']:>8} {r['errors']:>6} {r['per_second']:>8.1f} {r['p50']:>8.2f} {r['p95']:>8.2f}"
            f" {r['p50'] / base['p50']:>8.2f}x {r['p95'] / base['p95']:>8.2f}x"
        )
    one, eight = results["HTTP, 1 client"], results["HTTP, 8 clients"]
    p50_ok = one["p50"] < 20
    print(f"\ntarget p50 < 20 ms with one client: {one['p50']:.2f} ms, {'met' if p50_ok else 'NOT met'}")
    print(
        f"target no error with eight clients: {eight['errors']} errors, {'met' if not eight['errors'] else 'NOT met'}"
    )
    return 0 if p50_ok and not eight["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
