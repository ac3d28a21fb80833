"""Running the HTTP service: uvicorn's settings, and the app factory its workers import.

One process (the default) gets the app object. `--workers N` starts N processes
through uvicorn's supervisor, which imports `deflection.serve:app_from_env` in each
of them: the settings travel in environment variables (`KB_SERVE_*`), set by the
parent from the command line.

Workers and SQLite: refused. With SQLite the design is one writer (one thread in one
process owns the only writing connection; see deflection/store.py). Several processes
would mean several writers on one file, which is exactly what SQLite 3.40's WAL-reset
bug needs, and the per-visitor rate limit is counted in the process. One process with
group commit is already bound by one core's Python; more throughput means PostgreSQL
and replicas, where several workers are the normal mode.

Graceful shutdown (SIGTERM or Ctrl+C) is uvicorn's: it stops accepting, lets requests in
flight finish (up to GRACEFUL_S seconds), closes idle keep-alive connections, then
runs the app's lifespan shutdown, which closes the event store: what is still queued
is committed, then the writer thread stops and the connections close (each worker
closes its own). A request is answered 202 only after its events are committed, so
nothing acknowledged is lost.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import KBError

if TYPE_CHECKING:
    import falcon.asgi

GRACEFUL_S = 10
ENV_CONFIG, ENV_SITE, ENV_DB = "KB_SERVE_CONFIG", "KB_SERVE_SITE", "KB_SERVE_DB"


class ServeError(KBError):
    pass


def uvicorn_options(host: str, port: int) -> dict:
    """The same server settings for kb and for bench/events.py's bare endpoint."""
    return {
        "host": host, "port": port,
        # "auto" picks uvloop and httptools (C) when installed, asyncio and h11 otherwise
        "loop": "auto", "http": "auto",
        "log_level": "warning",
        "access_log": False,  # it would hold client addresses
        # kb decides which X-Forwarded-For hop counts (trusted_proxies): uvicorn must not
        # rewrite the peer address first (it trusts 127.0.0.1 by default)
        "proxy_headers": False,
        "server_header": False,
        "timeout_graceful_shutdown": GRACEFUL_S,
    }


def check_workers(workers: int, db_url: str) -> None:
    if workers < 1:
        raise ServeError(f"--workers {workers}: give 1 or more")
    from deflection.store_schema import parse_url

    # parse_url also reads postgres:// (libpq, Heroku) as PostgreSQL
    if workers > 1 and parse_url(db_url).get_backend_name() != "postgresql":
        raise ServeError(
            f"--workers {workers} needs PostgreSQL (--db postgresql://...): with SQLite one "
            "process must own the only writer. Run one process (drop --workers), or move "
            "the events to PostgreSQL.")


def prepare(config_file: str | None, site_dir: str | None, db: str | None,
            workers: int) -> tuple[object, str]:
    """Check everything once, in the parent, before any worker starts: the config, the
    database (reachable, migrated: workers never race on migrations) and --workers.
    Returns the loaded site and the database URL."""
    # one core a question for the model of meaning (deflection.semantic): the server's
    # threads already answer several at once, and a question spread over every core
    # held up the others and /health (bench/RESULTS.md, "Meaning as well as words")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from deflection.api import database_url
    from deflection.store import EventStore
    from kb.settings import load_site

    site = load_site(config_file)
    url = database_url(site, db)
    check_workers(workers, url)
    if site_dir is not None and not Path(site_dir).is_dir():
        raise ServeError(f"--site {site_dir}: no such folder; run `kb build` first")
    EventStore(url).close()  # connects and migrates, or raises a StoreError saying why
    return site, url


def export_settings(config_file: str | None, site_dir: str | None, db: str) -> None:
    """For the workers' `app_from_env`: absolute paths, whatever their working folder."""
    from kb.settings import resolve_config_file

    os.environ[ENV_DB] = db
    os.environ[ENV_CONFIG] = str(resolve_config_file(config_file))
    if site_dir is None:
        os.environ.pop(ENV_SITE, None)
    else:
        os.environ[ENV_SITE] = str(Path(site_dir).resolve())


def run_one(app, options: dict, listening: Callable[[], None]) -> None:
    """uvicorn in this process, on a socket bound and listening before `listening` is
    called (uvicorn.run binds only once it has started)."""
    import uvicorn

    config = uvicorn.Config(app, **options)
    sock = config.bind_socket()
    sock.listen(config.backlog)
    listening()
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(workers: int, options: dict, listening: Callable[[], None]) -> None:
    """uvicorn's supervisor with N worker processes, each building `app_from_env`, on a
    socket the parent binds and listens on before `listening` is called."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        def terminate_all(self) -> None:
            # The parent holds the listening socket too: close it before the workers
            # stop, so that new connections are refused (a client retries elsewhere)
            # rather than queued for workers that will never accept them and then reset.
            for sock in self.sockets:
                sock.close()
            super().terminate_all()

    config = uvicorn.Config("deflection.serve:app_from_env", factory=True, workers=workers,
                            **options)
    sock = config.bind_socket()
    # Listening here, not only in each worker once it has loaded the site and the index
    # (seconds): connections made after "Serving…" queue in the backlog for the first
    # worker, where they were refused.
    sock.listen(config.backlog)
    listening()
    Supervisor(config, sockets=[sock]).run()


def app_from_env() -> falcon.asgi.App:
    """The app of one worker process (uvicorn `factory=True`)."""
    from deflection.api import create_app
    from kb.settings import load_site

    site = load_site(os.environ[ENV_CONFIG])
    return create_app(site, site_dir=os.environ.get(ENV_SITE), db=os.environ[ENV_DB])


NGINX_TEMPLATE = Path(__file__).resolve().parent / "deploy" / "nginx.conf"


def nginx_config(site_root: str | Path, upstreams: list[str], listen: str,
                 server_name: str = "_") -> str:
    """deploy/nginx.conf with its @PLACEHOLDERS@ filled in (for the tests and benchmarks;
    an operator edits a copy by hand)."""
    if not upstreams:
        raise ServeError("nginx needs at least one kb serve-api replica (host:port)")
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    lines = "\n    ".join(f"server {address} max_fails=1 fail_timeout=2s;"
                          for address in upstreams)
    values = {"@UPSTREAMS@": lines, "@LISTEN@": listen, "@SERVER_NAME@": server_name,
              "@SITE_ROOT@": str(site_root)}
    out = []
    for line in text.splitlines():
        if not line.lstrip().startswith("#"):  # the header explains the placeholders
            for key, value in values.items():
                line = line.replace(key, value)
        out.append(line)
    return "\n".join(out) + "\n"
