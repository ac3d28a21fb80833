"""`kb serve`: a real HTTP preview that rebuilds when a writer saves an article."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 30.0, until: str | None = None) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8")
            if until is None or until in body:
                return body
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not answer{' with ' + until if until else ''}")
        time.sleep(0.3)


@contextmanager
def serving(config: Path) -> Iterator[str]:
    """A `kb serve` preview of `config` on a free port: its base URL; stopped on exit."""
    port = free_port()
    kb = Path(sys.executable).parent / "kb"
    server = subprocess.Popen([str(kb), "serve", "--config", str(config), "--dev-addr",
                               f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_previews_and_rebuilds_on_save(make_kb):
    config = make_kb()
    with serving(config) as url:
        page = fetch(f"{url}/en/billing/refunds/")
        assert "Request a refund" in page
        assert "livereload" in page
        article = config.parent / "articles/en/billing/refunds.md"
        article.write_text(article.read_text().replace("Request a refund", "Get a refund"))
        fetch(f"{url}/en/billing/refunds/", until="Get a refund")


def test_a_port_in_use_is_refused_before_building_with_the_fix(make_kb, run_kb):
    """A second preview (or `make serve`, also on port 8000) holds the port: kb says so at
    once, instead of building the whole site and ending in an OSError traceback."""
    config = make_kb()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = run_kb("serve", "--config", config, "--dev-addr", f"127.0.0.1:{port}")
    assert result.exit_code == 1, result.output
    assert f"Error: 127.0.0.1:{port} is already in use" in result.output
    assert f"kb serve --dev-addr 127.0.0.1:{port + 1}" in result.output
    assert time.monotonic() - started < 10
