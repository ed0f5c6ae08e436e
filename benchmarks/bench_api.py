"""Load test of ``POST /v1/chat``: starts uvicorn on 127.0.0.1, sends a bounded number of requests at
several concurrency levels, prints requests/s, latency p50/p95/p99 and the error count, stops it.

    python benchmarks/bench_api.py                      # FakeBackend (tests/api/fakes.py)
    python benchmarks/bench_api.py --backend real       # assistant.Assistant.from_settings()
    python benchmarks/bench_api.py --concurrency 1 8 32 --requests 400 --json out.json

Only loopback traffic; every level stops after ``--requests`` requests or ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "Ai chủ trì nhiệm vụ III.5?",
    "Thời hạn hoàn thành nhiệm vụ số hóa hồ sơ là khi nào?",
    "Ai chu tri nhiem vu III.5?",
    "Which agency leads task III.5?",
    "Tỉnh có bao nhiêu sân bay?",  # unanswerable
]
# the project's question sets, when present, so that caches do not flatter the figures
for _path in (ROOT / "eval" / "data" / "dev_questions.jsonl", ROOT / "eval" / "data" / "test_questions.jsonl"):
    if _path.exists():
        QUESTIONS += [json.loads(line)["question"] for line in _path.read_text(encoding="utf-8").splitlines() if line]


# ---- server side ------------------------------------------------------------------------------


def serve(backend_kind: str, port: int, workers: int | None, fake_delay_ms: float) -> None:
    import uvicorn

    from api.config import ApiSettings
    from api.main import create_app

    overrides: dict[str, object] = {"rate_limit_per_minute": 0, "log_level": "WARNING"}
    if workers:
        overrides["workers"] = workers
    settings = ApiSettings(**overrides)  # type: ignore[arg-type]
    backend = None
    if backend_kind == "fake":
        from tests.api.fakes import FakeBackend

        backend = FakeBackend(delay=fake_delay_ms / 1000)
    app = create_app(settings, backend)  # real: the lifespan builds assistant.Assistant.from_settings()
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: argparse.Namespace, port: int) -> subprocess.Popen:
    cmd = [sys.executable, str(pathlib.Path(__file__).resolve()), "--serve", "--backend", args.backend,
           "--port", str(port), "--fake-delay-ms", str(args.fake_delay_ms)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


# ---- client side ------------------------------------------------------------------------------


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_ms)))
    return sorted_ms[rank - 1]


async def wait_ready(base: str, timeout: float, proc: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read()[-2000:] if proc.stderr else ''}")
            try:
                r = await client.get(f"{base}/readyz")
                if r.status_code == 200:
                    return
                if r.json().get("status") == "failed":
                    raise RuntimeError(f"backend failed to load: {r.json().get('detail')}")
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.25)
    raise TimeoutError(f"server not ready after {timeout:.0f}s")


async def run_level(base: str, concurrency: int, total: int, max_seconds: float, timeout: float,
                    server_pid: int | None = None) -> dict[str, object]:
    import httpx

    latencies: list[float] = []
    rss_trace: list[tuple[int, float]] = []  # (requests done, server RSS MB) at each tenth of the level
    next_sample = max(1, total // 10)
    errors: dict[str, int] = {}
    sent = 0
    stop_at = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:

        async def worker() -> None:
            nonlocal sent
            while sent < total and time.monotonic() < stop_at:
                n = sent
                sent += 1
                started = time.perf_counter()
                try:
                    r = await client.post("/v1/chat", json={"question": QUESTIONS[n % len(QUESTIONS)]})
                    ok = r.status_code == 200
                    key = str(r.status_code)
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                elapsed = (time.perf_counter() - started) * 1000
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[key] = errors.get(key, 0) + 1
                done_now = len(latencies) + sum(errors.values())
                if server_pid and done_now % next_sample == 0:
                    rss_trace.append((done_now, server_rss_mb(server_pid)))

        for _ in range(min(concurrency, 4)):  # warm-up, not counted
            await client.post("/v1/chat", json={"question": QUESTIONS[0]})
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0

    latencies.sort()
    done = len(latencies) + sum(errors.values())
    return {
        "concurrency": concurrency,
        "requests": done,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "rps": round(done / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "seconds": round(wall, 2),
        "rss_trace": rss_trace,
    }


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server process (Linux /proc), to see whether it grows under load."""
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


async def bench(args: argparse.Namespace) -> list[dict[str, object]]:
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(args, port)
    try:
        await wait_ready(base, args.ready_timeout, proc)
        results = []
        for c in args.concurrency:
            before = server_rss_mb(proc.pid)
            result = await run_level(base, c, args.requests, args.max_seconds, args.timeout, proc.pid)
            result["rss_before_mb"], result["rss_after_mb"] = before, server_rss_mb(proc.pid)
            results.append(result)
        return results
    finally:
        stop_server(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["fake", "real"], default="fake")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=400, help="requests per concurrency level")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time cap per level")
    parser.add_argument("--timeout", type=float, default=60.0, help="per-request timeout (s)")
    parser.add_argument("--ready-timeout", type=float, default=900.0, help="wait for /readyz (s)")
    parser.add_argument("--workers", type=int, default=None, help="CCHC_WORKERS of the server")
    parser.add_argument("--fake-delay-ms", type=float, default=0.0, help="simulated work per fake ask")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--json", type=pathlib.Path, default=None, help="also write the results here")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        serve(args.backend, args.port, args.workers, args.fake_delay_ms)
        return 0

    results = asyncio.run(bench(args))
    print(f"POST /v1/chat  backend={args.backend}  requests/level<={args.requests}  cpus={os.cpu_count()}")
    print(f"{'conc':>5} {'reqs':>6} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
          f" {'server RSS MB before→after':>27}")
    for r in results:
        print(f"{r['concurrency']:>5} {r['requests']:>6} {r['errors']:>6} {r['rps']:>8} "
              f"{r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} {r['rss_before_mb']:>13}→{r['rss_after_mb']}"
              + (f"  {r['error_kinds']}" if r["errors"] else ""))
    for r in results:
        if r["rss_trace"]:
            trace = "  ".join(f"{n}:{mb:.0f}" for n, mb in r["rss_trace"])
            print(f"server RSS MB during the {r['concurrency']}-client level (requests:MB): {trace}")
    if args.json:
        args.json.write_text(json.dumps({"backend": args.backend, "results": results}, indent=2))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
