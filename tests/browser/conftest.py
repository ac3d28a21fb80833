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
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import copy_sample

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
# The API drops "HeadlessChrome" as a bot: tests that count events are a person's Chrome.
DESKTOP_CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/124.0.0.0 Safari/537.36")


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


FEEDBACK = ".kb-feedback:not([hidden]) [data-kb-vote='no']"
PAGE_STATE = """() => ({
  api: document.documentElement.getAttribute("data-kb-api"),
  eventsScriptRan: !!window.__kbEvents,
  widgetHidden: (document.querySelector("[data-kb-feedback]") || {}).hidden,
  readyState: document.readyState,
  loaded: performance.getEntriesByType("resource").filter((e) => /kb-|health/.test(e.name))
    .map((e) => `${e.name.replace(location.origin, "")} at ${Math.round(e.startTime)} ms,`
               + ` ${Math.round(e.duration)} ms, status ${e.responseStatus}`),
})"""


def show_feedback(page, timeout: float = 30_000) -> None:
    """Wait until the article's "Was this helpful?" widget shows; when it never does,
    fail with what the page knew (whether the API answered, whether kb-events.js ran,
    when its scripts and /health loaded)."""
    try:
        page.wait_for_selector(FEEDBACK, timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"the feedback widget never showed: {page.evaluate(PAGE_STATE)}"
                             ) from None


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser-sample")
    copy_sample(root)
    kb = Path(sys.executable).parent / "kb"
    subprocess.run([str(kb), "build", "--config", str(root / "site_config.yml")], check=True,
                   capture_output=True)
    return root


@contextlib.contextmanager
def serving(built_sample: Path, db: Path | None = None) -> Iterator[str]:
    """`kb serve-api --site` on a free port, with its own SQLite file when `db` is given."""
    port = free_port()
    kb = Path(sys.executable).parent / "kb"
    command = [str(kb), "serve-api", "--config", str(built_sample / "site_config.yml"),
               "--site", str(built_sample / "site"), "--port", str(port)]
    if db is not None:
        command += ["--db", f"sqlite:///{db}"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def api_server(built_sample):
    """`kb serve-api --site`: the site and its search API on one address."""
    with serving(built_sample) as url:
        yield url


@contextlib.contextmanager
def serving_static(site: Path) -> Iterator[str]:
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
    with serving_static(built_sample / "site") as address:
        yield address


@pytest.fixture(scope="module")  # Playwright's loop must end before asyncio-based tests run
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def desktop_browser(browser):
    """Chromium that says it is a person's desktop Chrome in every request, and keeps
    pages in the back/forward cache as Chrome does.

    The user agent is the browser's own, not a context's `user_agent`: that one is a
    DevTools override of the page, and a beacon sent while the page is being left
    (`pagehide` on a link or `page.goto`) outlives it and goes out as "HeadlessChrome",
    which the API drops as a bot. Playwright turns the back/forward cache off; Chrome
    has it on."""
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*ARGS, f"--user-agent={DESKTOP_CHROME}"],
        ignore_default_args=["--disable-back-forward-cache"])
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
