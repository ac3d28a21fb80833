"""Glue between a kb site and its search index: where it lives, building, opening."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from deflection.index import BuildReport, build_index, sources_from_site
from kb.errors import ConfigError

if TYPE_CHECKING:
    from deflection.search import SearchEngine
    from kb.settings import Site


def index_root(site: Site) -> Path:
    root = (site.root / site.options.index_dir).resolve()
    docs = site.docs_dir.resolve()
    if root == docs or docs in root.parents:
        raise ConfigError(
            f"index_dir '{site.options.index_dir}' is inside docs_dir ({docs}), so MkDocs "
            "would publish the index; choose a folder outside it, e.g. 'index'")
    return root


def synonyms_dir(site: Site) -> Path:
    return site.docs_dir / site.options.synonyms_dir


def index_site(site: Site, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    from deflection import synonyms

    # the search would fail on its first question
    synonyms.raise_first(synonyms.check(synonyms_dir(site), site.languages))
    sources = list(sources_from_site(site))
    return build_index(index_root(site), sources, site.languages, progress=progress,
                       vectors=site.options.semantic)


def engine_for(site: Site) -> SearchEngine:
    from deflection.search import SearchEngine

    return SearchEngine(index_root(site), site.languages, synonyms_dir(site),
                        min_confidence=site.options.min_confidence,
                        semantic=site.options.semantic)
