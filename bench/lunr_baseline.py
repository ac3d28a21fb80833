"""Material's built-in (lunr) search against kb's search, on the labeled real-corpus questions.

Issue #3 quotes Material's built-in search at about 0.61 / 0.84 / 0.71 (R@1 / R@5 / MRR) on
the team's hidden held-out questions. This bench measures Material's search and kb's on our
own labeled questions (tests/data/corpora/<name>.jsonl = dev, .../dev2/<name>.jsonl and
.../dev3/<name>.jsonl = a second and a third development set, .../heldout/<name>.jsonl =
held-out) in one run, so the sets can be compared with the hidden one.

For each corpus under /work/shared/corpora (skipped, with a line, when absent):
  1. `kb build -f CONFIG` in a temp dir. The config is the shape of /tmp/ce/<name>/site_config.yml
     plus Material's `search` plugin (default options: the theme language): without it Material
     ships no search box and no search/search_index.json at all.
  2. Material's search as a customer gets it when kb's API is unreachable: site/ is served by a
     plain static server (no /api), Debian's chromium (Playwright) opens a page, waits for
     html[data-kb-search='browser'] (kb-search.js gave up on the API), then for each question
     puts it into the search box (fill + keyup, i.e. a customer who typed it and paused; typing
     it key by key is no truer here: Playwright sends no keyup for Cyrillic characters, and
     Material searches on keyup), waits until Material's result meta shows this query's
     answer, and reads `.md-search-result__list a[href]` in order. What Material reads is
     what kb-search.js hands it in the browser search: the question's Thai words split, and
     its English and Russian words without their endings (plugins/site/assets/kb-search.js).
     Material lists an article and its sections: an article counts once, at its first
     position. URLs map back to source paths through MkDocs' own File.url
     (use_directory_urls). The box is cleared, and the clear shown, between questions.
  3. kb on the same questions: `kb eval-search FILE -f CONFIG --json` ("all"). `kb build`
     already wrote kb's index next to the config, so no separate `kb index` is needed.
Both are scored by kb.evaluate (R@1, R@5, MRR over the first 10 articles; questions with an
empty gold list are left out of R@k/MRR and counted as "unanswerable").

Example:
    .venv/bin/python bench/lunr_baseline.py
    .venv/bin/python bench/lunr_baseline.py --corpora pihole,powerbi-th --json
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import corpora
from corpora import CORPORA_DIR, Corpus, log, write_config

from kb.evaluate import Question, evaluate, read_labels

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "corpora"
KB = Path(sys.executable).parent / "kb"
CHROMIUM = Path("/usr/bin/chromium")
QUERY_BOX = '[data-md-component="search-query"]'
RESULT_LINKS = ".md-search-result__list a[href]"
META = ".md-search-result__meta"
ISSUE_3 = {"recall@1": 0.61, "recall@5": 0.84, "mrr": 0.71}
METRICS = ("recall@1", "recall@5", "mrr")


def source_by_url(docs: Path) -> dict[str, str]:
    """Site URL (as MkDocs makes it, use_directory_urls) -> source path relative to docs."""
    from mkdocs.structure.files import File

    urls: dict[str, str] = {}
    for path in sorted(docs.rglob("*.md")):
        src = path.relative_to(docs).as_posix()
        url = File(src, str(docs), "/unused", use_directory_urls=True).url
        # README.md only stands for its folder when there is no index.md beside it
        urls.setdefault("" if url == "./" else url, src)
    return urls


def articles(hrefs: list[str], urls: dict[str, str]) -> list[str]:
    """Material's result links -> source paths, each article once at its first position."""
    seen: list[str] = []
    for href in hrefs:
        url = unquote(urlsplit(href).path).lstrip("/")
        path = urls.get(url, url)  # kb's generated pages (search/, contact/) stay URLs
        if path not in seen:
            seen.append(path)
    return seen


@contextlib.contextmanager
def static_server(site: Path) -> Iterator[str]:
    """site/ on a plain static server: no search API, as on static hosting."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class MaterialSearch:
    """Material's search box on one open page of the built site."""

    def __init__(self, page, placeholder: str) -> None:
        self.page = page
        self.placeholder = placeholder

    def search(self, query: str) -> list[str]:
        page = self.page
        page.fill(QUERY_BOX, query)
        page.dispatch_event(QUERY_BOX, "keyup")
        page.wait_for_function(
            """([meta, placeholder]) => {
                 const m = document.querySelector(meta);
                 return m && m.textContent.trim() && m.textContent.trim() !== placeholder;
               }""", arg=[META, self.placeholder], timeout=30_000)
        hrefs = page.eval_on_selector_all(RESULT_LINKS, "els => els.map(e => e.href)")
        self.clear()
        return hrefs

    def clear(self, timeout: float = 30_000) -> None:
        self.page.fill(QUERY_BOX, "")
        self.page.dispatch_event(QUERY_BOX, "keyup")
        self.page.wait_for_function(
            """([meta, placeholder, links]) =>
                 document.querySelector(meta).textContent.trim() === placeholder &&
                 !document.querySelector(links)""",
            arg=[META, self.placeholder, RESULT_LINKS], timeout=timeout)


def open_search(browser, base: str, start: str) -> MaterialSearch:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.goto(f"{base}/{start}")
    page.wait_for_selector("html[data-kb-search='browser']", timeout=30_000)
    page.click(QUERY_BOX)
    # the meta line is empty until Material's worker is ready, then shows this placeholder
    placeholder = page.evaluate("""() => JSON.parse(document.getElementById("__config")
        .textContent).translations["search.result.placeholder"]""")
    material = MaterialSearch(page, placeholder.strip())
    # "Initializing search" until the worker has built its lunr index; the placeholder after
    material.clear(timeout=180_000)
    return material


def kb_scores(labels: Path, config: Path) -> dict:
    done = subprocess.run([str(KB), "eval-search", str(labels), "-f", str(config), "--json"],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"kb eval-search {labels} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)["all"]


def label_sets(corpus: Corpus) -> list[tuple[str, Path]]:
    sets = [("dev", LABELS / f"{corpus.dev_labels}.jsonl"),
            ("dev2", LABELS / "dev2" / f"{corpus.name}.jsonl"),
            ("dev3", LABELS / "dev3" / f"{corpus.name}.jsonl"),
            ("held-out", LABELS / "heldout" / f"{corpus.name}.jsonl")]
    return [(name, path) for name, path in sets if path.is_file()]


def measure_corpus(corpus: Corpus, browser, tmp: Path) -> list[dict]:
    folder = tmp / corpus.name
    config = write_config(corpus, folder, browser_search=True)
    start = time.perf_counter()
    built = subprocess.run([str(KB), "build", "-f", str(config)], capture_output=True,
                           text=True, check=False)
    if built.returncode:
        raise SystemExit(f"kb build -f {config} failed:\n{built.stderr[-2000:]}")
    log(f"{corpus.name}: built in {time.perf_counter() - start:.1f} s")
    docs = CORPORA_DIR / corpus.docs
    urls = source_by_url(docs)
    start_url = "" if "" in urls else next(iter(sorted(urls)))
    rows = []
    with static_server(folder / "site") as base:
        material = open_search(browser, base, start_url)
        try:
            for set_name, labels in label_sets(corpus):
                questions = read_labels(labels)
                results: dict[int, list[str]] = {}
                begun = time.perf_counter()
                for i, q in enumerate(questions, 1):
                    results[q.line] = articles(material.search(q.query), urls)
                    if i % 10 == 0 or i == len(questions):
                        log(f"  {corpus.name} {set_name}: {i}/{len(questions)} questions")
                seconds = time.perf_counter() - begun

                def lookup(q: Question, results=results) -> tuple[str, list[str]]:
                    return q.lang or corpus.lang, results[q.line]

                lunr = evaluate(questions, lookup)["all"].as_dict()
                answerable = [q for q in questions if q.gold]
                rows.append({
                    "corpus": corpus.name, "set": set_name, "lang": corpus.lang,
                    "questions": lunr["questions"], "unanswerable": lunr["unanswerable"],
                    "lunr": {k: lunr[k] for k in (*METRICS, "recall@10")},
                    "lunr_nothing_returned": sum(1 for q in answerable if not results[q.line]),
                    "lunr_nothing_returned_unanswerable": sum(
                        1 for q in questions if not q.gold and not results[q.line]),
                    "lunr_ms_per_question": round(seconds * 1000 / max(1, len(questions)), 1),
                    "kb": {k: v for k, v in kb_scores(labels, config).items()
                           if k in (*METRICS, "recall@10")},
                })
        finally:
            material.page.context.close()
    return rows


def means(rows: list[dict], names: list[str]) -> dict:
    """Unweighted means over the corpora that have a held-out set, per set and engine."""
    out: dict = {}
    for set_name in ("dev", "dev2", "dev3", "held-out"):
        chosen = [r for r in rows if r["set"] == set_name and r["corpus"] in names]
        if not chosen:
            continue
        entry: dict = {"corpora": [r["corpus"] for r in chosen],
                       "questions": sum(r["questions"] for r in chosen)}
        for engine in ("lunr", "kb"):
            entry[engine] = {m: round(sum(r[engine][m] for r in chosen) / len(chosen), 4)
                             for m in METRICS}
        entry["kb/lunr"] = {m: round(entry["kb"][m] / entry["lunr"][m], 2)
                            if entry["lunr"][m] else None for m in METRICS}
        out[set_name] = entry
    return out


def fmt(scores: dict) -> str:
    return " ".join(f"{scores[m]:.2f}" if scores[m] is not None else "  - " for m in METRICS)


def table(report: dict) -> str:
    lines = ["corpus           set       q  lunr R@1 R@5  MRR   kb R@1 R@5  MRR   lunr empty",
             "---------------  --------  --  ----------------  ---------------   ----------"]
    for r in report["rows"]:
        lines.append(f"{r['corpus']:<15}  {r['set']:<8}  {r['questions']:>2}  "
                     f"{fmt(r['lunr']):>16}  {fmt(r['kb']):>15}   {r['lunr_nothing_returned']:>10}")
    for set_name, m in report["means"].items():
        ratio = " ".join(f"{v:.2f}" if v is not None else "-" for v in m["kb/lunr"].values())
        lines.append(f"{'mean of ' + str(len(m['corpora'])):<15}  {set_name:<8}  "
                     f"{m['questions']:>2}  {fmt(m['lunr']):>16}  {fmt(m['kb']):>15}   "
                     f"kb/lunr {ratio}")
    lines.append(f"issue #3, hidden held-out, Material's search: {fmt(ISSUE_3)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split(
        "\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    corpora.add_option(parser)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    chosen = corpora.chosen(parser, args.corpora)
    if not CORPORA_DIR.is_dir():
        print(f"skipped: {CORPORA_DIR} is absent (the real corpora live outside the repo)")
        return 0
    if not CHROMIUM.is_file():
        raise SystemExit(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    rows: list[dict] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kb-lunr-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        try:
            for corpus in chosen:
                rows.extend(measure_corpus(corpus, browser, Path(tmp)))
        finally:
            browser.close()
    with_heldout = sorted({r["corpus"] for r in rows if r["set"] == "held-out"})
    report = {"rows": rows, "means": means(rows, with_heldout), "issue_3_hidden_heldout": ISSUE_3,
              "seconds": round(time.perf_counter() - began, 1)}
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
