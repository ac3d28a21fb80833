"""deflection/deploy/nginx.conf for real: Debian's nginx in front of two `kb serve-api`
replicas serves the built site, searches, takes events, hashes visitors from the address
nginx saw (not nginx's own, not one the client forged), and skips a replica that stopped.

On PostgreSQL both replicas share the database, as in production; on SQLite (one writer
per file) each replica gets its own file, which is enough to test the proxy.
"""

from __future__ import annotations

import gzip
import http.client
import json
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from deflection.privacy import visitor_key
from deflection.search import MAX_QUERY_CHARS
from tests.browser.conftest import free_port, wait_for
from tests.conftest import ROOT, SAMPLE_EXPORT
from tests.deflection.conftest import Backend
from tests.deflection.proxy import NGINX, nginx

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (`make test` "
                                "installs Debian's)")


KB = Path(sys.executable).parent / "kb"
BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")


@pytest.fixture
def config(tmp_path) -> Path:
    """The sample help center, indexed, trusting nginx (127.0.0.1) as its proxy."""
    from deflection.site_index import index_site
    from kb.settings import load_site

    shutil.copytree(ROOT / "articles", tmp_path / "kb" / "articles")
    text = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    text = text.replace(f"tickets: {SAMPLE_EXPORT}", f"tickets: {ROOT / SAMPLE_EXPORT}", 1)
    path = tmp_path / "kb" / "site_config.yml"
    path.write_text(text.replace("  - kb/site:\n", "  - kb/site:\n"
                                 "      trusted_proxies: [127.0.0.1]\n", 1), encoding="utf-8")
    index_site(load_site(path))
    return path


def request(base: str, method: str, path: str, body: bytes | None = None,
            source: str = "127.0.0.1", **headers: str) -> tuple[int, dict, bytes]:
    """One request from a chosen loopback address (127.0.0.2 is another "client")."""
    port = int(base.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20,
                                      source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def post_view(base: str, source: str, **headers: str) -> str:
    event_id = str(uuid.uuid4())
    status, _, data = request(
        base, "POST", "/api/events", json.dumps({"events": [{
            "id": event_id, "type": "view", "path": "en/billing/request-a-refund.md",
            "lang": "en"}]}).encode(),
        source=source, **{"Content-Type": "application/json", "User-Agent": BROWSER},
        **headers)
    assert status == 202, data
    return event_id


def test_nginx_in_front_of_two_replicas(config, built_site, backend: Backend, tmp_path):
    from kb.settings import load_site

    ports = [free_port(), free_port()]
    urls = [backend.url] * 2 if backend.name == "postgresql" else \
        [f"sqlite:///{tmp_path / f'replica-{i}.db'}" for i in range(2)]
    replicas = []
    for port, url in zip(ports, urls, strict=True):
        with (tmp_path / f"replica-{port}.log").open("w") as log:
            replicas.append(subprocess.Popen(
                [str(KB), "serve-api", "--config", str(config), "--port", str(port), "--db",
                 url], stdout=log, stderr=subprocess.STDOUT))
    try:
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/api/health", timeout=60)
        with nginx(tmp_path / "nginx", built_site, [f"127.0.0.1:{p}" for p in ports],
                   free_port()) as base:
            # the static site: pages revalidate, hashed bundles are cached for a year, gzip
            status, headers, page = request(base, "GET", "/en/", **{"Accept-Encoding": "gzip"})
            assert status == 200 and headers["content-type"].startswith("text/html")
            assert headers["cache-control"] == "no-cache"
            assert headers.get("content-encoding") == "gzip"
            assert b"<html" in gzip.decompress(page)
            bundle = next((built_site / "assets" / "stylesheets").glob("main.*.min.css"))
            status, headers, _ = request(base, "GET", "/" + bundle.relative_to(
                built_site).as_posix(), **{"Accept-Encoding": "gzip"})
            assert status == 200 and "immutable" in headers["cache-control"]
            assert headers.get("content-encoding") == "gzip"
            status, _, missing = request(base, "GET", "/en/no-such-page/")
            assert status == 404 and missing == (built_site / "404.html").read_bytes()

            # search through the proxy, answered by both replicas in turn
            for _ in range(4):
                status, headers, data = request(base, "GET", "/api/search?q=refund&lang=en")
                assert status == 200, data
                assert json.loads(data)["results"], data

            # the longest question the search takes, in Thai (36 KB of address), gets through
            longest = quote(("ขอใบกำกับภาษี " * 400)[:MAX_QUERY_CHARS])
            status, _, data = request(base, "GET", f"/api/search?q={longest}&lang=th")
            assert status == 200 and len(longest) > 32_000, data[:200]

            # events: the visitor is the address nginx saw, whatever the client claims
            forged = post_view(base, "127.0.0.2", **{"X-Forwarded-For": "203.0.113.9"})
            honest = post_view(base, "127.0.0.2")
            other = post_view(base, "127.0.0.3")
            # a page of the site posts with its origin (nginx's `Host $host` drops the
            # port); a page of another site is refused, through the proxy too
            own_page = post_view(base, "127.0.0.3", Origin=base)
            status, _, data = request(base, "POST", "/api/events", json.dumps({"events": [{
                "id": str(uuid.uuid4()), "type": "contact_click"}]}).encode(),
                **{"Content-Type": "text/plain", "User-Agent": BROWSER,
                   "Origin": "https://evil.example"})
            assert status == 403, data

            # one replica stops (SIGTERM, as in a rolling restart): nginx uses the other
            replicas[0].send_signal(signal.SIGTERM)
            replicas[0].wait(timeout=30)
            after = [post_view(base, "127.0.0.3") for _ in range(3)]
            status, _, _ = request(base, "GET", "/api/search?q=invoice&lang=en")
            assert status == 200
    finally:
        for replica in replicas:
            if replica.poll() is None:
                replica.send_signal(signal.SIGTERM)
                replica.wait(timeout=30)

    site_name = load_site(config).config.site_name
    visitors, salts = {}, {}
    for url in set(urls):
        db = Backend("", url)
        for event_id, visitor in db.query("select id, visitor from events"):
            visitors[event_id] = visitor
            salts[event_id] = [bytes(s) for (s,) in db.query("select salt from salts")]
    assert set(visitors) == {forged, honest, other, own_page, *after}, \
        "every acknowledged event stored"

    def keys(event_id: str, ip: str) -> set[str]:
        return {visitor_key(salt, ip, BROWSER, site_name) for salt in salts[event_id]}

    assert visitors[honest] in keys(honest, "127.0.0.2")
    assert visitors[forged] in keys(forged, "127.0.0.2"), "a forged header decided the visitor"
    assert visitors[forged] not in keys(forged, "203.0.113.9")
    assert visitors[other] in keys(other, "127.0.0.3")
    assert visitors[honest] not in keys(honest, "127.0.0.1"), "nginx's address was hashed"
