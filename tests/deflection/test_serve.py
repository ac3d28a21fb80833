"""`kb serve-api --workers`, the server settings, and the nginx config template."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from deflection.serve import (
    NGINX_TEMPLATE,
    ServeError,
    app_from_env,
    check_workers,
    export_settings,
    nginx_config,
    uvicorn_options,
)
from tests.browser.conftest import free_port, wait_for

KB = Path(sys.executable).parent / "kb"


def test_several_workers_on_sqlite_are_refused_with_the_way_out(run_kb, make_kb, tmp_path):
    config = make_kb()
    result = run_kb("serve-api", "--config", config, "--workers", "2",
                    "--db", f"sqlite:///{tmp_path / 'events.db'}")
    assert result.exit_code == 1
    assert "--workers 2 needs PostgreSQL" in result.output
    assert "drop --workers" in result.output
    assert not (tmp_path / "events.db").exists(), "refused before anything was created"


def test_workers_must_be_positive():
    with pytest.raises(ServeError, match="--workers 0"):
        check_workers(0, "postgresql://kb@db/kb")
    check_workers(4, "postgresql://kb@db/kb")
    check_workers(4, "postgres://kb@db/kb")  # libpq's and Heroku's spelling
    check_workers(1, "sqlite:///x.db")
    with pytest.raises(ServeError, match="needs PostgreSQL"):
        check_workers(2, "sqlite:///x.db")


def test_a_missing_site_folder_is_named(run_kb, make_kb, tmp_path):
    config = make_kb()
    result = run_kb("serve-api", "--config", config, "--site", tmp_path / "nope",
                    "--db", f"sqlite:///{tmp_path / 'events.db'}")
    assert result.exit_code == 1 and "nope: no such folder" in result.output


def test_a_database_a_newer_kb_migrated_is_refused_before_serving(make_kb, tmp_path):
    import sqlite3

    from deflection.serve import prepare
    from deflection.store import EventStore, StoreError

    config = make_kb()
    url = f"sqlite:///{tmp_path / 'events.db'}"
    EventStore(url).close()
    with sqlite3.connect(tmp_path / "events.db") as db:
        db.execute("insert into kb_migrations values ('004_future', '2027-01-01')")
    with pytest.raises(StoreError, match=r"migrated by a newer kb \(004_future\)"):
        prepare(str(config), None, url, 1)  # before "Serving…", not a 500 per request


def test_workers_build_the_app_from_the_environment(make_kb, tmp_path, monkeypatch):
    from deflection.site_index import index_site
    from kb.settings import load_site

    config = make_kb()
    index_site(load_site(config))
    for name in ("KB_SERVE_CONFIG", "KB_SERVE_SITE", "KB_SERVE_DB"):
        monkeypatch.setenv(name, "")  # restored after the test; export_settings sets them
    monkeypatch.chdir(tmp_path)  # the path travels absolute, whatever the folder
    export_settings(str(config), None, f"sqlite:///{tmp_path / 'events.db'}")
    app = app_from_env()
    assert app is not None and (tmp_path / "events.db").is_file()


def test_uvicorn_leaves_forwarded_headers_to_kb():
    options = uvicorn_options("127.0.0.1", 8001)
    # uvicorn would otherwise trust X-Forwarded-For from 127.0.0.1 on its own, before
    # kb's trusted_proxies setting is asked
    assert options["proxy_headers"] is False
    assert options["access_log"] is False


def test_nginx_template_placeholders_are_all_filled(tmp_path):
    text = nginx_config(tmp_path, ["127.0.0.1:8001", "127.0.0.1:8002"], "8080")
    body = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in body if "@" in line]
    assert "server 127.0.0.1:8002" in text and f"root {tmp_path};" in text
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in NGINX_TEMPLATE.read_text()
    with pytest.raises(ServeError, match="at least one"):
        nginx_config(tmp_path, [], "8080")


def test_the_site_served_with_the_api_posts_events_to_it(make_kb, tmp_path):
    """`kb serve-api --site` on an address that is not site_url's: a browser sends the
    page's origin with every POST, and the page is the site's own."""
    from deflection.site_index import index_site
    from kb.settings import load_site

    config = make_kb()
    index_site(load_site(config))
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>Help</h1>")
    port = free_port()
    server = subprocess.Popen(
        [str(KB), "serve-api", "--config", str(config), "--site", str(tmp_path / "site"),
         "--port", str(port), "--db", f"sqlite:///{tmp_path / 'events.db'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def post(origin: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        event = {"id": str(uuid.uuid4()), "type": "view", "path": "en/billing/refunds.md"}
        conn.request("POST", "/api/events", body=json.dumps({"events": [event]}), headers={
            "Content-Type": "text/plain;charset=UTF-8", "Origin": origin,
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
                          "Firefox/128.0"})
        status = conn.getresponse().status
        conn.close()
        return status

    try:
        wait_for(f"http://127.0.0.1:{port}/api/health")
        assert post(f"http://127.0.0.1:{port}") == 202
        assert post(f"http://127.0.0.1:{free_port()}") == 403
        assert post("https://evil.example") == 403
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def with_database(config: Path, value: str) -> Path:
    config.write_text(config.read_text().replace(
        "languages: [en, ru]", f"languages: [en, ru]\n      database: {json.dumps(value)}"))
    return config


def test_a_relative_database_option_is_next_to_the_config(make_kb, run_kb, tmp_path,
                                                          monkeypatch):
    """`kb serve-api` and `kb deflection` run from different folders use one file."""
    import datetime as dt

    from deflection.api import database_url
    from deflection.events import Event
    from deflection.store import EventStore
    from kb.settings import load_site

    relative = "sqlite:///rel2/events.db?synchronous=full"
    config = with_database(make_kb(), relative)
    for folder in ("server", "reports"):
        (tmp_path / folder).mkdir()
    monkeypatch.chdir(tmp_path / "server")
    url = database_url(load_site(config))
    assert url == f"sqlite:///{config.parent / 'rel2' / 'events.db'}?synchronous=full"
    store = EventStore(url)
    store.add([Event(id=str(uuid.uuid4()), type="contact_click")], "v",
              dt.datetime.now(dt.UTC)).result()
    store.close()
    monkeypatch.chdir(tmp_path / "reports")
    result = run_kb("deflection", "--config", config, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["events"] == {"contact_click": 1}
    assert not [f for f in ("server", "reports") if (tmp_path / f / "rel2").exists()]
    # --db is typed on the command line: relative to where it is typed, as given
    assert database_url(load_site(config), "sqlite:///here.db") == "sqlite:///here.db"
    absolute = f"sqlite:///{tmp_path / 'abs.db'}"
    config.write_text(config.read_text().replace(relative, absolute))
    assert database_url(load_site(config)) == absolute


def test_a_database_option_that_is_not_a_url_is_named(make_kb, run_kb):
    config = with_database(make_kb(), "events.db")
    for command in ("deflection", "serve-api"):
        result = run_kb(command, "--config", config)
        assert result.exit_code == 1
        assert "--db" not in result.output, result.output
        assert "database: 'events.db' in site_config.yml is not a database URL" in \
            result.output
        assert "sqlite:///events.db" in result.output


def test_the_parent_listens_before_it_starts_the_workers(in_a_new_process):
    """In a new process: uvicorn's Config sets up logging for the whole process."""
    connected = in_a_new_process("""
        import json, socket
        from uvicorn.supervisors import Multiprocess
        from deflection.serve import run_workers, uvicorn_options
        from tests.browser.conftest import free_port

        port, connected = free_port(), []

        def run(self):  # where the workers would start: none does
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                connected.append(True)
            except ConnectionRefusedError:
                connected.append(False)
            for sock in self.sockets:
                sock.close()

        Multiprocess.run = run
        run_workers(2, uvicorn_options("127.0.0.1", port), lambda: None)
        print(json.dumps(connected))
    """)
    assert connected == [True], "queued in the backlog, not refused"


def answered_right_after_the_message(args: list[str]) -> int:
    """Start `kb serve-api ARGS`; the status of a request sent the moment it says
    `Serving…`, which must not be refused."""
    from tests.deflection.servers import KB

    server = subprocess.Popen([str(KB), "serve-api", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("Serving the API on"), line + server.stdout.read()
        port = int(args[args.index("--port") + 1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", "/api/health")
            return conn.getresponse().status
        finally:
            conn.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


def test_one_process_answers_a_request_sent_right_after_the_message(make_kb):
    """uvicorn.run binds once it has started: the message came first, and a client
    acting on it could be refused."""
    from tests.browser.conftest import free_port
    from tests.deflection.servers import loadable_site

    site = loadable_site(make_kb)
    assert answered_right_after_the_message(
        ["--config", str(site), "--port", str(free_port())]) == 200


def test_workers_answer_a_request_sent_right_after_the_message(make_kb, postgres_server):
    """The parent listens once it has bound the port, before it starts the workers (each
    loads the site and the index: about a second here, 5.6 s for QA on the sample site): a
    request sent when `Serving…` is printed waits for the first worker."""
    from tests.browser.conftest import free_port
    from tests.deflection.servers import loadable_site

    site = loadable_site(make_kb)
    assert answered_right_after_the_message(
        ["--config", str(site), "--port", str(free_port()), "--db",
         postgres_server.new_database(), "--workers", "2"]) == 200
