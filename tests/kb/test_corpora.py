"""kb check and kb build over real help centers written by others (../shared/corpora).

They hold what kb did not write: MDX, Diplodoc and Microsoft Docs syntax, pages
without front matter, very long pages. kb must report, never crash.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED

CORPORA = SHARED / "corpora"
DOCS_DIRS = {
    "plausible": "plausible-docs/docs",
    "mkdocs-material": "mkdocs-material-docs/docs",
    "pihole": "pihole-docs/docs",
    "traefik": "traefik-docs/docs",
    "datalens-en": "datalens-docs/en",
    "datalens-ru": "datalens-docs/ru",
    "powerbi-th": "powerbi-docs-th/th",
}
# The Markdown extensions most Material sites turn on.
EXTENSIONS = """markdown_extensions:
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.highlight
  - pymdownx.inlinehilite
"""

pytestmark = [
    pytest.mark.corpora,
    pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not here"),
]


def corpus_config(tmp_path, name: str) -> object:
    docs = CORPORA / DOCS_DIRS[name]
    lang = {"datalens-ru": "ru", "powerbi-th": "th"}.get(name, "en")
    config = tmp_path / "site_config.yml"
    config.write_text(
        f"site_name: {name}\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
        f"theme:\n  name: material\n  language: {lang}\n"
        f"plugins:\n  - search\n  - kb/site:\n      languages: [{lang}]\n"
        # the build is tested here, not the search: no article vectors to compute (about
        # 0.5 s an article; bench/RESULTS.md measures search on these corpora)
        "      semantic: false\n" + EXTENSIONS)
    return config


@pytest.mark.parametrize("name", sorted(DOCS_DIRS))
def test_check_reports_without_crashing(name, tmp_path, run_kb):
    if not (CORPORA / DOCS_DIRS[name]).is_dir():
        pytest.skip(f"{DOCS_DIRS[name]} is not here")
    result = run_kb("check", "--config", corpus_config(tmp_path, name), "--json")
    report = json.loads(result.output)
    assert report["articles"] > 50
    assert result.exit_code == (1 if report["errors"] else 0)
    for problem in report["problems"]:
        assert (CORPORA / DOCS_DIRS[name] / problem["file"]).is_file()
        assert problem["line"] >= 1 and problem["message"] and problem["fix"]


@pytest.mark.parametrize("name", sorted(DOCS_DIRS))
def test_build_finishes(name, tmp_path, run_kb):
    if not (CORPORA / DOCS_DIRS[name]).is_dir():
        pytest.skip(f"{DOCS_DIRS[name]} is not here")
    result = run_kb("build", "--config", corpus_config(tmp_path, name))
    assert result.exit_code == 0, result.output
    pages = list((tmp_path / "site").rglob("index.html"))
    assert len(pages) > 50


def report_for(tmp_path, run_kb, name: str) -> dict:
    if not (CORPORA / DOCS_DIRS[name]).is_dir():
        pytest.skip(f"{DOCS_DIRS[name]} is not here")
    return json.loads(run_kb("check", "--config", corpus_config(tmp_path, name), "--json").output)


def test_findings_are_real(tmp_path, run_kb):
    """Spot checks against what the sources really hold."""
    docs = CORPORA / DOCS_DIRS["plausible"]
    report = report_for(tmp_path, run_kb, "plausible")
    found = {(p["file"], p["line"], p["code"]) for p in report["problems"]}
    # a heading inside raw <details> HTML is not rendered, so its anchor truly is missing
    lines = (docs / "custom-event-goals.md").read_text().split("\n")
    heading = lines.index("## Trigger custom events manually with a JavaScript function")
    assert lines[heading - 2] == "<summary>"
    assert ("custom-event-goals.md", 102, "broken-anchor") in found
    # Docusaurus ':::' blocks are reported on their own line
    for file, line, code in found:
        if code == "foreign-syntax":
            text = (docs / file).read_text().split("\n")[line - 1]
            assert text.strip(), (file, line)
    # footnote definitions are not links
    (tmp_path / "pihole").mkdir()
    pihole = report_for(tmp_path / "pihole", run_kb, "pihole")
    assert not [p for p in pihole["problems"] if "'Guide'" in p["message"]]


LABELS = Path(__file__).resolve().parents[1] / "data"


def labeled_files() -> list[tuple[str, Path]]:
    """Each labeled-questions file of a corpus: development, second and third development,
    held-out, and the labeled tickets, with its corpus's name."""
    files = [(f.stem, f) for folder in ("corpora", "corpora/dev2", "corpora/dev3",
                                        "corpora/heldout")
             for f in sorted((LABELS / folder).glob("*.jsonl"))]
    files += [(f.stem.removeprefix("gaps_eval_"), f)
              for f in sorted(LABELS.glob("gaps_eval_*.jsonl"))]
    return [(name, f) for name, f in files if name in DOCS_DIRS]


@pytest.mark.parametrize(("name", "labels"), labeled_files(),
                         ids=lambda x: x if isinstance(x, str) else x.parent.name)
def test_every_gold_article_of_the_labeled_questions_is_in_its_corpus(name, labels):
    """A gold article renamed or moved upstream would score as a miss, silently."""
    docs = CORPORA / DOCS_DIRS[name]
    missing = []
    for number, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), 1):
        gold = json.loads(line)["gold"] or []
        missing += [f"{labels.name}:{number}: {path}" for path in
                    ([gold] if isinstance(gold, str) else gold) if not (docs / path).is_file()]
    assert not missing
