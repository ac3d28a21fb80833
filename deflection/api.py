"""kb's HTTP service (Falcon, ASGI): thin handlers over the search engine.

Every error has one JSON shape: {"error": {"status", "title", "detail"}}.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import time
from pathlib import Path
from typing import TYPE_CHECKING

import falcon
import falcon.asgi

from deflection import openapi
from deflection.search import QueryError
from deflection.site_index import engine_for

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
        self._refresh()
        try:
            answer = await asyncio.to_thread(self.engine.search, query, lang, limit)
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


def create_app(site: Site, site_dir: str | Path | None = None) -> falcon.asgi.App:
    from kb import __version__

    engine = engine_for(site)
    app = falcon.asgi.App(cors_enable=True)  # search answers are public: any origin may ask
    app.set_error_serializer(_error_serializer)
    app.req_options.keep_blank_qs_values = True
    app.add_route("/api/search", SearchResource(engine))
    app.add_route("/api/health", HealthResource(engine))
    app.add_route("/api/openapi.json", OpenAPIResource(__version__))
    if site_dir is not None:
        static = StaticSite(Path(site_dir))
        app.add_route("/", static)
        app.add_route("/{path:path}", static)
    return app
