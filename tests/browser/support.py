"""Helpers of the browser tests: whether headless Chromium can run here, and running a node driver."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def playwright_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not pathlib.Path(CHROMIUM).exists():
        return f"{CHROMIUM} missing (apt-get install -y chromium)"
    node = shutil.which("node")
    if node is None:
        return "node missing"
    probe = subprocess.run([node, "-e", "require.resolve('playwright-core')"], cwd=HERE, capture_output=True)
    if probe.returncode != 0:
        return "playwright-core missing (npm ci in tests/browser/)"
    return None


MISSING = playwright_missing()
needs_browser = [pytest.mark.browser, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]


def drive(script: str, *args: str, timeout: float = 240) -> dict:
    """Run ``node tests/browser/SCRIPT ARGS…`` and return the JSON line it prints last."""
    ARTIFACTS.mkdir(exist_ok=True)
    proc = subprocess.run(
        ["node", str(HERE / script), *args],
        cwd=HERE, capture_output=True, text=True, timeout=timeout, env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])
