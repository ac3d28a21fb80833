"""Drive MkDocs in-process, the way its own `build` and `serve` commands do."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import KBError
from kb.settings import Site, load_site


class BuildFailed(KBError):
    """MkDocs stopped the build (a warning in strict mode, or a broken page)."""


class ServeFailed(KBError):
    """The preview cannot listen where it was asked to."""


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname:<8}- {record.getMessage()}"


@contextmanager
def mkdocs_logging(verbose: bool = False) -> Iterator[None]:
    """Show MkDocs' messages as its own CLI would, for the length of one command."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler()
    handler.setFormatter(_Formatter())
    old_level = logger.level
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def build_site(config_file: str | Path | None = None, *, strict: bool = False,
               site_dir: str | Path | None = None) -> Site:
    """Build the static site; returns the loaded site so callers can find its output."""
    from jinja2 import TemplateError
    from mkdocs import exceptions
    from mkdocs.commands.build import build

    overrides: dict[str, object] = {"strict": strict}
    if site_dir is not None:
        overrides["site_dir"] = str(Path(site_dir).absolute())
    site = load_site(config_file, **overrides)
    config = site.config
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except exceptions.Abort as exc:
        raise BuildFailed(f"the build stopped: {exc}") from None
    except exceptions.BuildError as exc:
        raise BuildFailed(f"a page could not be built: {exc}") from None
    except TemplateError as exc:
        raise BuildFailed(f"a theme template failed: {exc}; check the theme's custom_dir "
                          "and any 'template:' in front matter") from None
    except UnicodeDecodeError as exc:  # MkDocs reads pages as UTF-8 and names none
        raise BuildFailed(f"{_not_utf8(site) or 'a page'} is not UTF-8 ({exc.reason} at byte "
                          f"{exc.start}); re-save it as UTF-8 (kb check lists every such "
                          "file)") from None
    finally:
        config.plugins.on_shutdown()
    return site


def _not_utf8(site: Site) -> str | None:
    """The first Markdown file of the site that is not UTF-8, as `kb check` names it."""
    for path in sorted(site.docs_dir.rglob("*.md")):
        try:
            path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            return f"{site.docs_dir.name}/{path.relative_to(site.docs_dir).as_posix()}"
    return None


def _index(config_file: str):
    from deflection.site_index import index_site

    return index_site(load_site(config_file))


def build_site_and_index(config_file: str | Path | None = None, *, strict: bool = False,
                         site_dir: str | Path | None = None):
    """The site and the search index side by side: the index builds in a second process
    (both are CPU-bound), so `kb build` takes about as long as the longer of the two."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from kb.settings import resolve_config_file

    config = str(resolve_config_file(config_file))
    load_site(config)  # a bad config fails here, once, with kb's message
    with ProcessPoolExecutor(max_workers=1,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        indexing = pool.submit(_index, config)
        site = build_site(config, strict=strict, site_dir=site_dir)
        return site, indexing.result()


def serve_site(config_file: str | Path | None = None, *, dev_addr: str | None = None,
               open_browser: bool = False) -> None:
    """Live preview: rebuilds and reloads the browser on every saved change."""
    from mkdocs.commands.serve import serve

    overrides = {"dev_addr": dev_addr} if dev_addr else {}
    # fail early, with kb's message, on a bad config or a port another preview holds
    site = load_site(config_file, **overrides)
    _port_is_free(site.config.dev_addr.host, site.config.dev_addr.port)
    serve(config_file=str(site.config_file), livereload=True, open_in_browser=open_browser,
          **overrides)


def _port_is_free(host: str, port: int) -> None:
    """Refuse before building (a large help center takes a while) when the address is
    taken, as by another `kb serve` or by `make serve` on the same default port 8000."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs' server does
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise ServeFailed(f"cannot serve on {host}:{port}: {exc.strerror}; give "
                                  "another address with --dev-addr IP:PORT") from None
            raise ServeFailed(
                f"{host}:{port} is already in use, probably by another kb serve or make "
                f"serve; stop it, or preview on another port: kb serve --dev-addr "
                f"{host}:{port + 1}") from None
