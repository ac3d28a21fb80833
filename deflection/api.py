"""kb's HTTP service (Falcon, ASGI): thin handlers over the search engine.

Every error has one JSON shape: {"error": {"status", "title", "detail"}}.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import mimetypes
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import falcon
import falcon.asgi
import sqlalchemy as sa

from deflection import events as event_rules
from deflection import openapi
from deflection.privacy import bot_reason, client_ip, networks, visitor_key
from deflection.ratelimit import RateLimiter, SharedRateLimiter, limiter_for
from deflection.search import QueryError
from deflection.site_index import engine_for
from deflection.store import EventStore, StoreError, default_url
from plugins.site.config import DEFAULT_PORTS, canonical_origin

if TYPE_CHECKING:
    from kb.settings import Site

REFRESH_EVERY_S = 2.0


def _error_serializer(req, resp, exc: falcon.HTTPError) -> None:
    resp.content_type = falcon.MEDIA_JSON
    resp.text = json.dumps({"error": {"status": exc.status_code, "title": exc.title or "",
                                      "detail": exc.description or exc.title or ""}})


class SearchResource:
    def __init__(self, engine) -> None:
        self.engine = engine
        self._checked = 0.0

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked > REFRESH_EVERY_S:  # pick up a new build without a restart
            self._checked = now
            self.engine.refresh()

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        query = req.get_param("q")
        if query is None or not query.strip():
            raise falcon.HTTPBadRequest(title="Missing query",
                                        description="Add ?q=<the question> to the address.")
        lang = req.get_param("lang")
        if lang is not None and len(lang) > 16:
            raise falcon.HTTPBadRequest(title="Invalid lang",
                                        description="lang is a language code such as en or ru.")
        limit = req.get_param_as_int("limit", min_value=1, max_value=50, default=10)
        as_typed = req.get_param_as_bool("as_typed", default=False)
        self._refresh()
        try:
            answer = await asyncio.to_thread(self.engine.search, query, lang, limit, as_typed)
        except QueryError as exc:
            raise falcon.HTTPBadRequest(title="Query too long", description=str(exc)) from None
        resp.media = answer.as_dict()
        resp.cache_control = ["public", "max-age=60"]


class HealthResource:
    def __init__(self, engine) -> None:
        self.engine = engine

    async def on_get(self, req, resp) -> None:
        manifest_file = self.engine.build / "build.json" if self.engine.build else None
        manifest = json.loads(manifest_file.read_text()) if manifest_file else {}
        resp.media = {"status": "ok", "index": {"build": manifest.get("build"),
                                                "articles": manifest.get("articles", {})}}
        resp.cache_control = ["no-store"]


class OpenAPIResource:
    def __init__(self, version: str) -> None:
        self.document = openapi.document(version)

    async def on_get(self, req, resp) -> None:
        resp.media = self.document


class StaticSite:
    """The built site on one machine (`kb serve-api --site`); a web server does this in
    production. Folders answer with their index.html; nothing outside the folder is served."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    async def on_get(self, req, resp, path: str = "") -> None:
        if req.path.startswith("/api/"):  # the API's own answer, in its error shape
            raise falcon.HTTPNotFound(title="Not Found",
                                      description=f"no API endpoint at {req.path}")
        target = (self.root / path).resolve()
        if target != self.root and self.root not in target.parents:
            raise falcon.HTTPNotFound()
        if target.is_dir():
            if not req.path.endswith("/"):
                raise falcon.HTTPMovedPermanently(req.path + "/")
            target = target / "index.html"
        if not target.is_file():
            not_found = self.root / "404.html"
            resp.status = falcon.HTTP_404
            resp.content_type = falcon.MEDIA_HTML
            resp.data = not_found.read_bytes() if not_found.is_file() else b"Not found"
            return
        resp.content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        resp.data = target.read_bytes()


class EventsResource:
    """Validate → drop bots (counted, with a reason) → hash the visitor → limit → store."""

    def __init__(self, store: EventStore, site_id: str, trusted: list[str],
                 limiter: RateLimiter | SharedRateLimiter) -> None:
        self.store = store
        self.site_id = site_id
        self.trusted = networks(trusted)  # parsed once
        self.limiter = limiter

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        limit = event_rules.MAX_BODY_BYTES
        if (req.content_length or 0) > limit:
            raise falcon.HTTPContentTooLarge(
                title="Payload too large", description=f"the limit is {limit} bytes")
        body = await req.stream.read(limit + 1)
        try:
            events = event_rules.parse(body, req.content_type)
        except event_rules.EventError as exc:
            raise falcon.HTTPError(falcon.code_to_http_status(exc.status), title=exc.title,
                                   description=exc.detail) from None
        now = dt.datetime.now(dt.UTC)
        user_agent = req.get_header("User-Agent") or ""
        reason = bot_reason(user_agent)
        if reason:
            await asyncio.wrap_future(self.store.count_drop(reason, len(events), now))
            resp.set_header("X-KB-Dropped", reason)
            self._accepted(resp, 0, len(events))
            return
        per_minute = self.limiter.per_minute
        if len(events) > per_minute:  # 429 would have the client retry what never fits
            raise falcon.HTTPUnprocessableEntity(
                title="Invalid event", description=f"the batch has {len(events)} events and "
                f"a visitor may send events_per_minute ({per_minute}) a minute: send at most "
                f"{per_minute} a request")
        salt = self.store.cached_salt(now.date()) or \
            await asyncio.to_thread(self.store.salt, now.date())
        # the address is used for this hash only: it is never stored or logged
        ip = client_ip(req.remote_addr or "", req.get_header("X-Forwarded-For"), self.trusted)
        visitor = visitor_key(salt, ip, user_agent, self.site_id)
        wait = await self.limiter.allow_async(visitor, len(events), time.time())
        if wait is not None:
            raise falcon.HTTPTooManyRequests(
                title="Too many events", description="this visitor sent too many events this "
                "minute; try again later", retry_after=int(wait) + 1)
        await self.store.add_async(events, visitor, now)
        self._accepted(resp, len(events), 0)

    @staticmethod
    def _accepted(resp: falcon.asgi.Response, accepted: int, dropped: int) -> None:
        resp.status = falcon.HTTP_202
        # written by hand: 1.3 µs against 4.9 µs through the media handler and cache_control
        resp.data = b'{"accepted": %d, "dropped": %d}' % (accepted, dropped)
        resp.content_type = falcon.MEDIA_JSON
        resp.set_header("Cache-Control", "no-store")


class CORS:
    """Search answers any origin; events only the site's own origins.

    CORS headers alone cannot keep other sites out: a text/plain POST (what sendBeacon
    sends) is a "simple" request that browsers send cross-origin without asking first,
    and only the answer is hidden from the page. So a request to /api/events whose
    Origin is neither configured nor the request's own host is refused before it is read.
    """

    def __init__(self, event_origins: set[str]) -> None:
        self.event_origins = event_origins

    async def process_request(self, req, resp) -> None:
        origin = req.get_header("Origin")
        if not origin or origin in self.event_origins or not req.path.startswith(
                "/api/events") or same_origin(origin, request_hosts(req)):
            return
        raise falcon.HTTPForbidden(
            title="Origin not allowed",
            description=f"pages on {origin} may not send events here; if it is one of the "
            "site's own origins, list it in allowed_origins (the kb/site options)")

    async def process_response(self, req, resp, resource, req_succeeded) -> None:
        origin = req.get_header("Origin")
        if not origin:
            return
        if req.path.startswith("/api/events"):
            if origin not in self.event_origins:
                return
            resp.set_header("Access-Control-Allow-Origin", origin)
            resp.set_header("Vary", "Origin")
        else:
            resp.set_header("Access-Control-Allow-Origin", "*")
        if req.method == "OPTIONS":
            resp.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            resp.set_header("Access-Control-Allow-Headers", "Content-Type")
            resp.set_header("Access-Control-Max-Age", "86400")


def request_hosts(req: falcon.asgi.Request) -> list[str]:
    """The names the request was sent to: Host, and what proxies say the client asked
    for (X-Forwarded-Host, Forwarded host=). A browser cannot set either forwarded
    header on a cross-origin request without a preflight, which is refused."""
    hosts = [req.get_header("Host") or ""]
    hosts += (req.get_header("X-Forwarded-Host") or "").split(",")
    if req.get_header("Forwarded"):
        hosts += [f.host for f in req.forwarded or () if f.host]
    return [h.strip() for h in hosts if h.strip()]


def same_origin(origin: str, hosts: list[str]) -> bool:
    """Whether a page on `origin` sent the request to its own host and port.

    The scheme is not compared: behind a proxy that ends TLS the API sees http for an
    https page. A host without a port matches any port of that host, as nginx's
    `proxy_set_header Host $host` leaves the port out."""
    page = urlsplit(origin)
    try:
        port = page.port or DEFAULT_PORTS.get(page.scheme)
    except ValueError:
        return False
    if not page.hostname or port is None:
        return False
    for host in hosts:
        target = urlsplit("//" + host)
        try:
            target_port = target.port
        except ValueError:
            continue
        if target.hostname == page.hostname and target_port in (None, port):
            return True
    return False


class Lifespan:
    """The event store follows the app's lifespan: its writer starts at startup and
    stops, with its connections closed, at shutdown. A server may start the app again
    (falcon's TestClient runs a lifespan around every request), and a request that
    arrives after the shutdown opens the store again rather than fail."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def process_startup(self, scope, event) -> None:
        self.store.open()

    async def process_shutdown(self, scope, event) -> None:
        # Every acknowledged event was committed before its answer, and the server lets
        # in-flight requests finish first; close commits what is still queued, then stops.
        await asyncio.to_thread(self.store.close)


def _origin(url: str) -> str | None:
    """site_url's origin (the site may live under a path), or None without one."""
    parts = urlsplit(url)
    try:
        return canonical_origin(f"{parts.scheme}://{parts.netloc}")
    except ValueError:
        return None


def database_url(site: Site, db: str | None = None) -> str:
    """The events database: `db` (--db, as typed: a relative path is the working
    folder's), else the `database` option (a relative SQLite path is the config file's
    folder's, like index_dir), else events.db next to the config file."""
    if db:
        return db
    option = site.options.database
    if not option:
        return default_url(site.root)
    where = f"database: {option!r} in {site.config_file.name}"
    try:
        url = sa.engine.make_url(option)
    except sa.exc.ArgumentError:
        example = "sqlite:///" + (option if "://" not in option else "events.db")
        raise StoreError(f"{where} is not a database URL; write {example} (a path relative "
                         "to the config file's folder) or postgresql://user@host/dbname"
                         ) from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql", "postgres"):
        raise StoreError(f"{where}: kb stores events in sqlite:/// or postgresql:// "
                         "databases")
    if backend != "sqlite" or url.database in (None, "", ":memory:") or \
            Path(url.database).is_absolute():
        return option
    return url.set(database=str(site.root / url.database)).render_as_string(
        hide_password=False)


def create_app(site: Site, site_dir: str | Path | None = None,
               db: str | None = None) -> falcon.asgi.App:
    from kb import __version__

    engine = engine_for(site)
    store = EventStore(database_url(site, db))
    origins = {o for o in [_origin(site.config.site_url or ""), *site.options.allowed_origins]
               if o}
    app = falcon.asgi.App(middleware=[CORS(origins), Lifespan(store)])
    app.set_error_serializer(_error_serializer)
    app.req_options.keep_blank_qs_values = True
    app.add_route("/api/search", SearchResource(engine))
    app.add_route("/api/events", EventsResource(
        store, site_id=site.config.site_name, trusted=list(site.options.trusted_proxies),
        limiter=limiter_for(store, site.options.events_per_minute)))
    app.add_route("/api/health", HealthResource(engine))
    app.add_route("/api/openapi.json", OpenAPIResource(__version__))
    if site_dir is not None:
        static = StaticSite(Path(site_dir))
        app.add_route("/", static)
        app.add_route("/{path:path}", static)
    return app
