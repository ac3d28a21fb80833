"""A real browser (Debian's chromium driven by Playwright) against a real server."""

from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_sample

CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser-sample")
    copy_sample(root)
    kb = Path(sys.executable).parent / "kb"
    subprocess.run([str(kb), "build", "--config", str(root / "site_config.yml")], check=True,
                   capture_output=True)
    return root


@pytest.fixture(scope="session")
def api_server(built_sample):
    """`kb serve-api --site`: the site and its search API on one address."""
    port = free_port()
    kb = Path(sys.executable).parent / "kb"
    server = subprocess.Popen(
        [str(kb), "serve-api", "--config", str(built_sample / "site_config.yml"),
         "--site", str(built_sample / "site"), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """`site` on a plain static server in a thread; yields its address."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def static_server(built_sample):
    """The same site on a plain static server: no search API (static hosting)."""
    with serving(built_sample / "site") as address:
        yield address


@pytest.fixture(scope="module")  # Playwright's loop must end before asyncio-based tests run
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
