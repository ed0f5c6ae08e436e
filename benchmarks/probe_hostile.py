"""Replay issue 17's probes against a real ``cchc serve`` and ``cchc ingest``; print PASS/FAIL per probe.

    python benchmarks/probe_hostile.py                  # all probes, ~2-3 minutes on 2 busy cores
    python benchmarks/probe_hostile.py --soak 2000      # and a longer soak of mixed requests
    python benchmarks/probe_hostile.py --skip-schemathesis --skip-scaling

The service runs in a subprocess (BM25 only, a throwaway data directory, small limits where a
probe needs them), so nothing here touches ./data. Exit code 1 when a probe fails.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.ingest import hostile  # noqa: E402 - after the path fix above

KEY = secrets.token_hex(8)
RESULTS: list[tuple[bool, str, str]] = []


def report(name: str, ok: bool, detail: str) -> None:
    RESULTS.append((ok, name, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _workers_of(pid: int) -> list[int]:
    """Parse workers (``python -m ingest.worker``) whose parent is ``pid``."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status and b"ingest.worker" in cmdline:
                found.append(int(entry.name))
    return found


class Server:
    """``python -m api.main`` on a free port over ``data``; BM25 only."""

    def __init__(self, data: pathlib.Path, **env: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CCHC_DATA_DIR": str(data), "CCHC_EMBEDDING_MODEL": "none", "CCHC_ADMIN_KEY": KEY,
                    "CCHC_PORT": str(self.port), "CCHC_LOG_LEVEL": "WARNING", "HF_HUB_OFFLINE": "1", **env}
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Server":
        self.proc = subprocess.Popen([sys.executable, "-m", "api.main"], cwd=ROOT, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the service did not become ready in 180 s")

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(30)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def upload(self, name: str, data: bytes, timeout: float = 300) -> httpx.Response:
        return httpx.post(self.base + "/v1/documents", files={"file": (name, data, "application/octet-stream")},
                          headers={"X-API-Key": KEY}, timeout=timeout)


def probe_hostile_uploads(server: Server) -> None:
    cases: list[tuple[str, Callable[[], bytes], str]] = [
        ("half.docx", hostile.truncated_xml_docx, "cut off"),
        ("laughs.docx", hostile.entity_bomb_docx, "entity expansion"),
        ("xxe.docx", lambda: hostile.external_entity_docx("/etc/hostname"), "DTD"),
        ("spaces.docx", lambda: hostile.whitespace_bomb_docx(megabytes=300), "decompressed size|compression ratio"),
        ("zeros.docx", lambda: hostile.ratio_bomb_docx(megabytes=50), "compression ratio"),
        ("pads.docx", hostile.small_members_bomb_docx, "decompressed size"),
        ("liar.docx", hostile.lying_size_docx, "CRC"),
        ("deep.docx", lambda: hostile.deep_nesting_docx(depth=20_000), "nested too deeply"),
        ("million.docx", lambda: hostile.many_paragraphs_docx(3_000_000), "decompressed size|compression ratio"),
    ]
    for name, make, reason in cases:
        data = make()
        rss = _rss_mb(server.pid)
        began = time.perf_counter()
        r = server.upload(name, data)
        seconds = time.perf_counter() - began
        grown = _rss_mb(server.pid) - rss
        detail = r.json().get("detail", "") if r.headers.get("content-type", "").startswith("application/json") else r.text
        ok = r.status_code == 422 and name in detail and any(part in detail for part in reason.split("|"))
        report(f"upload {name} ({len(data) / 1000:.0f} KB)", ok,
               f"{r.status_code} in {seconds:.2f} s, server RSS {grown:+.0f} MB: {detail[:110]}")


def probe_linear_uploads(server: Server) -> None:
    for name, data in (("lines.txt", b"a\n" * 20_000), ("paragraphs.docx", hostile.many_paragraphs_docx(30_000, varied=True)),
                       ("utf16.txt", hostile.utf16_text())):
        began = time.perf_counter()
        r = server.upload(name, data)
        seconds = time.perf_counter() - began
        report(f"upload {name} ({len(data) / 1000:.0f} KB)", r.status_code in (200, 201) and seconds < 30,
               f"{r.status_code} in {seconds:.2f} s (issue 17: 9.6 s for the lines, 23 s for 30k paragraphs)")


def probe_statuses(server: Server) -> None:
    statuses = []
    for text in ("KẾ HOẠCH\nMột.", "KẾ HOẠCH\nMột.", "KẾ HOẠCH\nHai."):
        r = server.upload("trang_thai.txt", text.encode())
        statuses.append((r.status_code, r.json().get("status")))
    report("upload statuses", statuses == [(201, "added"), (200, "unchanged"), (200, "replaced")], str(statuses))


def probe_cancel(server: Server, data: bytes) -> None:
    """Send a file that takes long to parse, hang up after a second, and watch the worker go."""
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        request = httpx.Request("POST", server.base + "/v1/documents", headers={"X-API-Key": KEY},
                                files={"file": ("cham.txt", data, "text/plain")})
        body = request.read()
        head = f"POST /v1/documents HTTP/1.1\r\nHost: x\r\nX-API-Key: {KEY}\r\n" \
               f"Content-Type: {request.headers['content-type']}\r\nContent-Length: {len(body)}\r\n\r\n"
        sock.sendall(head.encode() + body)
        deadline = time.monotonic() + 20
        while not _workers_of(server.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        seen = bool(_workers_of(server.pid))
    hung_up = time.monotonic()
    while _workers_of(server.pid) and time.monotonic() - hung_up < 20:
        time.sleep(0.05)
    gone_after = time.monotonic() - hung_up
    report("client hangs up mid-parse", seen and not _workers_of(server.pid),
           f"worker seen: {seen}; no worker {gone_after:.2f} s after the hang-up")


def probe_timeout(server: Server, data: bytes) -> None:
    began = time.perf_counter()
    r = server.upload("dai.txt", data)
    seconds = time.perf_counter() - began
    report("parse time budget (CCHC_PARSE_TIMEOUT_SECONDS=3)",
           r.status_code == 422 and "took longer" in r.text and not _workers_of(server.pid),
           f"{r.status_code} after {seconds:.2f} s: {r.json().get('detail', '')[:90]}")


def probe_rate_limit(server: Server) -> None:
    codes, headers = [], None
    for i in range(8):
        r = httpx.get(server.base + "/v1/documents", headers={"X-Forwarded-For": f"203.0.113.{i}"})
        codes.append(r.status_code)
        headers = headers or {k: v for k, v in r.headers.items() if k.startswith("ratelimit-")}
    report("X-Forwarded-For cannot buy a fresh bucket (limit 5/min)", codes == [200] * 5 + [429] * 3,
           f"codes {codes}; first answer's headers {headers}")


def probe_headers(server: Server) -> None:
    page = httpx.get(server.base + "/")
    csp = page.headers.get("content-security-policy", "")
    report("CSP on HTML pages", "script-src 'self'" in csp and page.headers.get("x-frame-options") == "DENY", csp[:80])
    r = httpx.options(server.base + "/v1/documents")
    report("OPTIONS /v1/documents", r.status_code == 204 and "POST" in r.headers.get("allow", ""),
           f"{r.status_code} Allow: {r.headers.get('allow')}")
    r = httpx.request("PUT", server.base + "/v1/documents")
    report("PUT /v1/documents", r.status_code == 405 and "POST" in r.headers.get("allow", ""),
           f"{r.status_code} Allow: {r.headers.get('allow')}")
    r = httpx.options(server.base + "/v1/chat", headers={"Origin": "https://evil.example",
                                                         "Access-Control-Request-Method": "POST"})
    report("refused CORS preflight is JSON", r.status_code == 400 and "request_id" in r.json(), r.text[:90])


def probe_delete_all_survives_restart(data: pathlib.Path) -> None:
    with Server(data) as server:
        ids = [d["doc_id"] for d in httpx.get(server.base + "/v1/documents").json()]
        for doc_id in ids:
            httpx.delete(f"{server.base}/v1/documents/{doc_id}", headers={"X-API-Key": KEY}, timeout=120)
    with Server(data) as server:
        after = httpx.get(server.base + "/v1/documents").json()
    report("delete every plan, restart", bool(ids) and after == [], f"{len(ids)} deleted, {len(after)} after restart")


def probe_cli(tmp: pathlib.Path) -> None:
    folder = tmp / "plans"
    folder.mkdir()
    (folder / "a.txt").write_text((ROOT / "ingest/default_corpus/004_09a2eaba18d10548.txt").read_text(encoding="utf-8"),
                                  encoding="utf-8")
    (folder / "m_half.docx").write_bytes(hostile.truncated_xml_docx())
    (folder / "n_million.docx").write_bytes(hostile.many_paragraphs_docx(3_000_000))
    (folder / "z.docx").write_bytes(hostile.docx_bytes())
    env = {**os.environ, "CCHC_EMBEDDING_MODEL": "none", "HF_HUB_OFFLINE": "1"}
    # the CLI, reporting its own peak RSS on the last line of stderr
    wrapper = ("import resource, runpy, sys\nsys.argv = ['cchc'] + sys.argv[1:]\ntry:\n"
               "    runpy.run_module('assistant.cli', run_name='__main__')\nfinally:\n"
               "    print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    began = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", wrapper, "ingest", str(folder), "--data-dir", str(tmp / "d")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - began
    peak = int(run.stderr.strip().splitlines()[-1].split()[-1]) / 1024 if "peak" in run.stderr else float("nan")
    out = " ".join((run.stdout + run.stderr).split())
    ok = run.returncode == 1 and "m_half.docx" in out and "n_million.docx" in out and "Traceback" not in out
    report("cchc ingest: folder with good, bad, good", ok,
           f"exit {run.returncode} in {seconds:.1f} s, peak RSS {peak:.0f} MB (issue 17: 2 GB and unfinished after "
           "300 s for 3M paragraphs)")


def probe_schemathesis(server: Server, workdir: pathlib.Path) -> None:
    """The schemathesis CLI against the live service (it writes its .schemathesis/ cache in ``workdir``)."""
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", server.base + "/openapi.json", "--phases=examples,coverage,fuzzing",
         "--checks", "all", "--exclude-checks", "positive_data_acceptance", "-H", f"X-API-Key: {KEY}",
         "--max-examples", "25", "-w", "1", "--no-color"], capture_output=True, text=True, timeout=900, cwd=workdir)
    summary = [line.strip() for line in run.stdout.splitlines() if "generated" in line or "failures" in line.lower()]
    report("schemathesis (examples, coverage, fuzzing; every check but positive_data_acceptance)",
           run.returncode == 0, "; ".join(summary[-2:]) or run.stdout[-200:])


def probe_soak(server: Server, count: int) -> None:
    questions = ["Ai chủ trì nhiệm vụ III.5?", "Thời hạn nộp báo cáo?", "x" * 1200, "", "Ai ký kế hoạch?"]
    bad = [hostile.truncated_xml_docx(), hostile.entity_bomb_docx(), b"PK\x03\x04junk"]
    errors, rss0, began = 0, _rss_mb(server.pid), time.perf_counter()
    with httpx.Client(base_url=server.base, timeout=120) as client:
        for i in range(count):
            if i % 20 == 19:
                r = client.post("/v1/documents", files={"file": (f"bad{i}.docx", bad[i % 3], "x")}, headers={"X-API-Key": KEY})
            else:
                r = client.post("/v1/chat", json={"question": questions[i % len(questions)]})
            errors += r.status_code >= 500
    report(f"soak: {count} chat requests and hostile uploads", errors == 0,
           f"{errors} 5xx in {time.perf_counter() - began:.1f} s; server RSS {rss0:.0f} -> {_rss_mb(server.pid):.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--soak", type=int, default=400, help="requests in the soak probe")
    parser.add_argument("--skip-schemathesis", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    slow = b"Thuc hien ke hoach so 29/KH-UBND ngay 30/01/2026 cua UBND tinh va cac so.\n" * 60_000  # ~4.6 MB
    with tempfile.TemporaryDirectory(prefix="cchc-probe-") as tmp_name:
        tmp = pathlib.Path(tmp_name)
        with Server(tmp / "data", CCHC_RATE_LIMIT_PER_MINUTE="0") as server:
            probe_hostile_uploads(server)
            probe_linear_uploads(server)
            probe_statuses(server)
            probe_cancel(server, slow)
            probe_headers(server)
            probe_soak(server, args.soak)
            if not args.skip_schemathesis:
                probe_schemathesis(server, tmp)
        with Server(tmp / "data2", CCHC_PARSE_TIMEOUT_SECONDS="3") as server:
            probe_timeout(server, slow)
        with Server(tmp / "data3", CCHC_RATE_LIMIT_PER_MINUTE="5") as server:
            probe_rate_limit(server)
        probe_delete_all_survives_restart(tmp / "data4")
        probe_cli(tmp)
    if not args.skip_scaling:
        from ingest.bench import scaling

        print("parse time of synthetic documents (python -m ingest.bench --scaling):", flush=True)
        report("linear parsing", scaling([10_000, 20_000, 40_000], max_ratio=3.0, repeat=3), "see the lines above")
    failed = [name for ok, name, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)}/{len(RESULTS)} probes passed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
