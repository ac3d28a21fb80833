"""The real help centers the quality benches measure, and a site config for each.

The corpora live outside the repository (`../shared/corpora`); a bench skips one that is
absent. Labeled questions: `tests/data/corpora/<labels>.jsonl` (development),
`tests/data/corpora/dev2/<name>.jsonl` and `dev3/<name>.jsonl` (a second and a third
development set, each written later by others) and
`tests/data/corpora/heldout/<name>.jsonl` (held-out, where there is one).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA_DIR = ROOT.parent / "shared" / "corpora"


@dataclass(frozen=True)
class Corpus:
    name: str
    docs: str  # relative to CORPORA_DIR
    lang: str
    labels: str = ""  # stem of the development questions, when not `name`

    @property
    def dev_labels(self) -> str:
        return self.labels or self.name


CORPORA = [
    Corpus("plausible", "plausible-docs/docs", "en"),
    Corpus("pihole", "pihole-docs/docs", "en"),
    Corpus("traefik", "traefik-docs/docs", "en"),
    Corpus("datalens-ru", "datalens-docs/ru", "ru"),
    Corpus("powerbi-th", "powerbi-docs-th/th", "th"),
    Corpus("mkdocs-material", "mkdocs-material-docs/docs", "en"),
    Corpus("datalens-en", "datalens-docs/en", "en"),
]

_CONFIG = """\
site_name: {name}
docs_dir: {docs}
site_dir: {site}
theme:
  name: material
  language: {lang}
plugins:
{search}  - kb/site:
      languages: [{lang}]
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - toc
"""


def write_config(corpus: Corpus, folder: Path, browser_search: bool = False) -> Path:
    """`folder/site_config.yml` for `corpus`; with `browser_search`, Material's own search
    plugin too (without it Material ships no search index)."""
    folder.mkdir(parents=True)
    config = folder / "site_config.yml"
    config.write_text(_CONFIG.format(
        name=corpus.name, docs=CORPORA_DIR / corpus.docs, site=folder / "site",
        lang=corpus.lang, search="  - search\n" if browser_search else ""), encoding="utf-8")
    return config


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def add_option(parser) -> None:
    parser.add_argument("--corpora", default=",".join(c.name for c in CORPORA),
                        help="comma-separated corpus names (default: all)")


def chosen(parser, value: str) -> list[Corpus]:
    """The corpora `--corpora` names, in its order; an unknown name is an error, an absent
    corpus is skipped with a line on stderr."""
    known = {c.name: c for c in CORPORA}
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)}; choose from {', '.join(known)}")
    out = []
    for name in names:
        if (CORPORA_DIR / known[name].docs).is_dir():
            out.append(known[name])
        else:
            log(f"{name}: skipped, {CORPORA_DIR / known[name].docs} is absent")
    return out
