"""The search index the gaps analysis links tickets through, kept current from a build.

`kb build` indexes in a second process beside MkDocs, `kb serve` and a plain
`mkdocs build` not at all; so the plugin brings the index in line with the articles
itself: nothing to do when every article's digest matches the current build,
otherwise an incremental build (only changed articles are re-analysed). When another
process holds the writer lock (kb build's indexer), it waits for it and looks again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from deflection.index import SearchIndexError, build_index, current_build, sources_from_site
from deflection.site_index import index_root
from kb.settings import Site, site_options

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

WAIT_SECONDS = 600.0  # for another writer: the index of a very large help center


def site_of(config: MkDocsConfig) -> Site:
    """The kb site of a loaded MkDocs config, with kb/site's options or their defaults."""
    return Site(
        config=config, options=site_options(config), config_file=Path(config.config_file_path)
    )


def _indexed(build: Path | None) -> dict[tuple[str, str], str]:
    if build is None:
        return {}
    try:
        manifest = json.loads((build / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {(lang, path): digest for lang, paths in manifest.get("digests", {}).items()
            for path, digest in paths.items()}


def _writer_busy(root: Path) -> bool:
    """Whether another process holds the index's writer lock right now."""
    with open(root / ".lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def refresh(site: Site) -> tuple[str, bool]:
    """Make the index match the articles; return (a digest of what it holds, rebuilt?).

    The digest changes only when an indexed article does, so callers can cache on it
    (an article the index leaves out, e.g. with broken front matter, triggers an
    incremental build each time but not a new digest).
    """
    root = index_root(site)
    sources = list(sources_from_site(site))
    wanted = {(s.lang, s.path): s.digest for s in sources}
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        indexed = _indexed(current_build(root))
        if indexed and indexed == wanted:
            return _fingerprint(indexed), False
        try:
            build_index(root, sources, site.languages, vectors=site.options.semantic)
            return _fingerprint(_indexed(current_build(root))), True
        except SearchIndexError:
            if not _writer_busy(root):
                raise
        while _writer_busy(root):
            if time.monotonic() > deadline:
                raise SearchIndexError(
                    f"another process has been writing the search index {root} for "
                    f"{WAIT_SECONDS:.0f} s; stop it or wait for it, then build again")
            time.sleep(0.2)


def _fingerprint(indexed: dict[tuple[str, str], str]) -> str:
    text = "\n".join(f"{lang}\t{path}\t{digest}"
                     for (lang, path), digest in sorted(indexed.items()))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
