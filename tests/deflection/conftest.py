"""The event store's two backends for the deflection tests: SQLite, and a throwaway
PostgreSQL 15 started once per session.

PostgreSQL refuses to run as root, so under root (CI) the server runs as the `postgres`
user in a temporary folder it owns. The PostgreSQL cases skip, with the reason, only
where no server binaries are installed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import free_port

PG_BIN_DIRS = ["/usr/lib/postgresql/15/bin", *sorted(
    (str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")), reverse=True)]


def _pg_bin() -> Path | None:
    for folder in PG_BIN_DIRS:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


@dataclass
class PostgresServer:
    port: int
    data_dir: Path
    _names: Iterator[int]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"kb_test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


class PostgresUnavailable(Exception):
    """No server binaries, or no user to run them as: the reason."""


@contextlib.contextmanager
def throwaway_postgres(durable: bool = False) -> Iterator[PostgresServer]:
    """A PostgreSQL server in a temporary folder, on a free port, stopped and deleted
    afterwards. Under root it runs as `postgres`. Durability is off unless `durable`
    (benchmarks): tests check kb's own work, not the disk."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) are not "
                                  "installed")
    as_root = os.geteuid() == 0
    if as_root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root and there is no `postgres` user to "
                                      "run the server") from None
    base = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    data = base / "data"
    if as_root:
        os.chown(base, owner.pw_uid, owner.pw_gid)

    def run(*args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if as_root else list(args)
        try:
            subprocess.run(command, check=True, capture_output=True, cwd=base)
        except subprocess.CalledProcessError as exc:
            log = base / "server.log"
            raise RuntimeError(f"{' '.join(command)} failed: {exc.stderr.decode()}"
                               + (log.read_text() if log.is_file() else "")) from None

    port = free_port()
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--no-sync")
        # the socket lives in the temp folder
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w",
            "-t", "60", "-o", options, "start")
        try:
            yield PostgresServer(port=port, data_dir=data, _names=itertools.count(1))
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL for the session; skipped only where it cannot run."""
    manager = throwaway_postgres()
    try:
        server = manager.__enter__()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        manager.__exit__(None, None, None)


@dataclass
class Backend:
    """One event store backend with a fresh database."""

    name: str
    url: str
    files: tuple[Path, ...] = ()  # folders where the backend keeps its data on disk

    def query(self, sql: str) -> list[tuple]:
        """Rows of one SQL statement (none for a command), through the backend's driver."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.url.replace("postgresql://", "postgresql+psycopg://"),
                                  poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                result = conn.exec_driver_sql(sql)
                rows = [tuple(r) for r in result] if result.returns_rows else []
                conn.commit()
                return rows
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> Backend:
    """Each test that asks for it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return Backend("sqlite", f"sqlite:///{tmp_path / 'store' / 'events.db'}",
                       files=(tmp_path / "store",))
    server = request.getfixturevalue("postgres_server")
    # tables and WAL; not the server's own settings, which name its listen address
    return Backend("postgresql", server.new_database(),
                   files=(server.data_dir / "base", server.data_dir / "pg_wal"))
