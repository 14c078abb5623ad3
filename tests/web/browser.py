"""A real server and headless Chromium for the browser journeys.

The app runs under uvicorn in a thread of the test process (so it shares the session's
Prefect backend and database settings); Chromium is Debian's, driven by Playwright. Each
step can save a screenshot under ``artifacts/screenshots`` and run the axe-core checker.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = os.environ.get("GRANTS_TEST_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("GRANTS_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(os.environ.get("GRANTS_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"


def chromium_path() -> str:
    """Debian's Chromium, or a skip (a failure in CI, where .ci/run installs it)."""
    found = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).is_file() else None)
    if found is None:
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port for the duration; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="browser-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def screenshot(page: Any, name: str) -> Path:
    """Save the whole page as ``artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def accessibility_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.x A/AA violations on the page, one line each ("" when none)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
    results = Axe().run(page, options={**options, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(t) for n in v['nodes'] for t in n['target'])}"
        for v in results.response["violations"]
    ]


def check(page: Any, auditor: Any, name: str) -> None:
    """A journey's step: screenshot it, then require no accessibility violation.

    The journeys run with JavaScript off, so axe-core runs in ``auditor`` (a page with
    JavaScript on) on a copy of the page's HTML, styled by the same stylesheet.
    """
    screenshot(page, name)
    origin = "/".join(page.url.split("/")[:3])
    html = page.content().replace("<head>", f'<head><base href="{origin}/">', 1)
    auditor.set_content(html, wait_until="load")
    assert accessibility_violations(auditor) == [], name
