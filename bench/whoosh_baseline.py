"""Plain Whoosh defaults against kb, on the labeled real-corpus questions and tickets.

Issue #5 says plain top-1 search linking scores 0.52 (Whoosh defaults) to 0.59 (lunr) on the
team's hidden held-out tickets; issue #3 quotes Material's lunr at 0.61 / 0.84 / 0.71
(R@1 / R@5 / MRR) on hidden search questions. This bench measures "Whoosh defaults" on our
own labeled sets, with kb in the same run, to calibrate how hard our sets are.

"Whoosh defaults" here means:
  - one Whoosh index per corpus, schema `path` (ID, stored), `title` (TEXT), `content`
    (TEXT): TEXT's default StandardAnalyzer (lowercase, English stop words, no stemming),
    no boosts; Thai is not split into words by it, and that is reported as it is;
  - built from the pages kb itself lists (`kb.articles.load_articles` on the site loaded by
    `kb.settings.load_site`, so the same pages and paths): title = the front matter title,
    else the first H1 outside code, else the file name (kb's `Article.title`); content =
    the Markdown after the front matter (`kb.frontmatter.parse`), without the H1 taken as
    the title;
  - questions parsed by `MultifieldParser(["title", "content"], schema, group=OrGroup)`
    (row "OR"), and with the parser's default AndGroup (row "AND": every word must match,
    which returns nothing for most natural questions); Whoosh's default BM25F; top 10.
    Query syntax in a question (`:` `(` `?` `*` quotes ...) is blanked before parsing, so
    "pihole?" is not a wildcard and "a (b" does not parse to nothing; should the parser
    still fail or give nothing, the query falls back to a plain OR of the analysed terms.

Measured per corpus, on dev (tests/data/corpora/<labels>.jsonl, tests/data/gaps_eval_<c>.jsonl)
a second and a third development set (tests/data/corpora/dev2/<c>.jsonl and dev3/, each
serving both) and
held-out (tests/data/corpora/heldout/<c>.jsonl, which serves both):
  - search: R@1, R@5, MRR by kb.evaluate; empty-gold questions are left out, as in
    `kb eval-search`;
  - gaps top-1 linking as issue #5 defines plain top-1 linking ("never says none"): the first
    result over ALL lines of the gaps labels, a line with gold null/[] always counting wrong;
    a ticket's query is subject + " " + body;
  - kb on the same files: `kb index -f CONFIG`, then `kb eval-search FILE -f CONFIG --json`
    (R@1, R@5, MRR) and `kb eval-gaps FILE -f CONFIG --json` (top1_accuracy, accuracy).
Means are unweighted over the corpora that have a held-out set (as bench/lunr_baseline.py).
Configs are written to a temp dir (the shape kb's corpus experiments use); a corpus whose
folder under ../shared/corpora is absent is skipped with a line.

Example:
    .venv/bin/python bench/whoosh_baseline.py
    .venv/bin/python bench/whoosh_baseline.py --corpora pihole,powerbi-th --json
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corpora
from corpora import Corpus, log, write_config
from whoosh import fields, index
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import NullQuery, Or, Term

from kb.articles import first_heading, load_articles
from kb.evaluate import Question, evaluate, read_labels
from kb.gaps.evaluate import Labeled, read_labeled
from kb.settings import load_site

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LABELS = DATA / "corpora"
KB = Path(sys.executable).parent / "kb"
ISSUE_3_LUNR = {"recall@1": 0.61, "recall@5": 0.84, "mrr": 0.71}
ISSUE_5_TOP1 = {"whoosh_defaults": 0.52, "lunr": 0.59}
METRICS = ("recall@1", "recall@5", "mrr")
ENGINES = ("whoosh_or", "whoosh_and", "kb")
SETS = ("dev", "dev2", "dev3", "held-out")
# Whoosh's query syntax (fields, groups, phrases, wildcards, fuzzy, boosts, ranges)
SYNTAX = re.compile(r"[:()\[\]{}\"'~^*?<>]")


class WhooshDefaults:
    """One plain Whoosh index of a corpus, searched with the stock query parser."""

    def __init__(self, config: Path, folder: Path) -> None:
        self.schema = fields.Schema(
            path=fields.ID(stored=True), title=fields.TEXT, content=fields.TEXT
        )
        folder.mkdir(parents=True)
        self.index = index.create_in(str(folder), self.schema)
        self.pages = 0
        writer = self.index.writer()
        for article in load_articles(load_site(config)):
            if article.read_error:
                log(f"  {article.path}: left out, {article.read_error}")
                continue
            body = article.fm.body
            title = article.title
            # the heading kb.articles took the title from (first_heading: outside code)
            h1 = re.search(rf"^ {{0,3}}#[ \t]+{re.escape(title)}(?:[ \t]+#+)?[ \t]*$", body,
                           re.M)
            if (
                not (isinstance(article.meta.get("title"), str) and article.meta["title"].strip())
                and h1
                and first_heading(body) == title
            ):
                body = body[: h1.start()] + body[h1.end() :]
            writer.add_document(path=article.path, title=title, content=body)
            self.pages += 1
        writer.commit()
        self.parsers = {
            "whoosh_or": MultifieldParser(["title", "content"], self.schema, group=OrGroup),
            "whoosh_and": MultifieldParser(["title", "content"], self.schema),
        }
        self.fallbacks = dict.fromkeys(self.parsers, 0)
        self.searcher = self.index.searcher()  # BM25F, Whoosh's default weighting

    def query(self, engine: str, text: str):
        try:
            parsed = self.parsers[engine].parse(SYNTAX.sub(" ", text))
        except Exception:  # noqa: BLE001 - any parser failure takes the plain fallback
            parsed = NullQuery
        if parsed is NullQuery or not list(parsed.iter_all_terms()):
            self.fallbacks[engine] += 1
            terms = [
                Term(field, token.text)
                for field in ("title", "content")
                for token in self.schema[field].analyzer(text)
            ]
            parsed = Or(terms) if terms else NullQuery
        return parsed

    def search(self, engine: str, text: str) -> list[str]:
        parsed = self.query(engine, text)
        if parsed is NullQuery:
            return []
        return [hit["path"] for hit in self.searcher.search(parsed, limit=10)]

    def close(self) -> None:
        self.searcher.close()
        self.index.close()


def search_scores(
    whoosh: WhooshDefaults, engine: str, questions: list[Question], lang: str
) -> dict:
    def lookup(q: Question) -> tuple[str, list[str]]:
        return lang, whoosh.search(engine, q.query)

    scores = evaluate(questions, lookup)["all"].as_dict()
    return {m: scores[m] for m in METRICS}


def top1_accuracy(whoosh: WhooshDefaults, engine: str, tickets: list[Labeled]) -> float:
    """Issue #5's plain top-1 linking: the first result, never "none"; gold none is wrong."""
    right = 0
    for item in tickets:
        results = whoosh.search(engine, f"{item.ticket.subject} {item.ticket.body}")
        right += bool(item.gold) and bool(results) and results[0] in item.gold
    return round(right / len(tickets), 4)


def run_kb(*args: str) -> dict:
    done = subprocess.run([str(KB), *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"kb {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout) if "--json" in args else {}


def label_files(corpus: Corpus) -> dict[str, tuple[Path | None, Path | None]]:
    """set -> (search labels, gaps labels), each None when the corpus has none."""
    heldout = LABELS / "heldout" / f"{corpus.name}.jsonl"
    files = {
        "dev": (LABELS / f"{corpus.dev_labels}.jsonl", DATA / f"gaps_eval_{corpus.name}.jsonl"),
        "dev2": (LABELS / "dev2" / f"{corpus.name}.jsonl",) * 2,
        "dev3": (LABELS / "dev3" / f"{corpus.name}.jsonl",) * 2,
        "held-out": (heldout, heldout),
    }
    return {
        s: tuple(p if p.is_file() else None for p in pair)
        for s, pair in files.items()
        if any(p.is_file() for p in pair)
    }


def measure_corpus(corpus: Corpus, tmp: Path) -> list[dict]:
    folder = tmp / corpus.name
    config = write_config(corpus, folder)
    start = time.perf_counter()
    run_kb("index", "-f", str(config))
    log(f"{corpus.name}: kb index in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    whoosh = WhooshDefaults(config, folder / "whoosh")
    log(
        f"{corpus.name}: Whoosh index of {whoosh.pages} pages in "
        f"{time.perf_counter() - start:.1f} s"
    )
    rows = []
    try:
        for set_name, (search_file, gaps_file) in label_files(corpus).items():
            row: dict = {
                "corpus": corpus.name,
                "set": set_name,
                "lang": corpus.lang,
                "pages": whoosh.pages,
                "questions": None,
                "tickets": None,
                "search": None,
                "gaps_top1": None,
                "kb_gaps_accuracy": None,
            }
            if search_file:
                questions = read_labels(search_file)
                row["questions"] = sum(1 for q in questions if q.gold)
                kb = run_kb("eval-search", str(search_file), "-f", str(config), "--json")["all"]
                row["search"] = {
                    e: search_scores(whoosh, e, questions, corpus.lang) for e in ENGINES[:2]
                }
                row["search"]["kb"] = {m: kb[m] for m in METRICS}
            if gaps_file:
                tickets = read_labeled(gaps_file)
                row["tickets"] = len(tickets)
                kb = run_kb("eval-gaps", str(gaps_file), "-f", str(config), "--json")["all"]
                row["gaps_top1"] = {e: top1_accuracy(whoosh, e, tickets) for e in ENGINES[:2]}
                row["gaps_top1"]["kb"] = kb["top1_accuracy"]
                row["kb_gaps_accuracy"] = kb["accuracy"]
            log(f"  {corpus.name} {set_name}: done")
            rows.append(row)
        for engine, n in whoosh.fallbacks.items():
            if n:
                log(f"  {corpus.name}: {n} queries took the plain-OR fallback ({engine})")
    finally:
        whoosh.close()
    return rows


def mean(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None


def means(rows: list[dict], names: list[str]) -> dict:
    """Unweighted means per set over the chosen corpora."""
    out: dict = {}
    for set_name in SETS:
        chosen = [r for r in rows if r["set"] == set_name and r["corpus"] in names]
        if not chosen:
            continue
        searched = [r for r in chosen if r["search"]]
        linked = [r for r in chosen if r["gaps_top1"]]
        out[set_name] = {
            "corpora": [r["corpus"] for r in chosen],
            "questions": sum(r["questions"] or 0 for r in chosen),
            "tickets": sum(r["tickets"] or 0 for r in chosen),
            "search": {
                e: {m: mean([r["search"][e][m] for r in searched]) for m in METRICS}
                for e in ENGINES
            }
            if searched
            else None,
            "gaps_top1": {e: mean([r["gaps_top1"][e] for r in linked]) for e in ENGINES}
            if linked
            else None,
            "kb_gaps_accuracy": mean([r["kb_gaps_accuracy"] for r in linked]),
        }
    return out


def f(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "  - "


def cells(row: dict) -> str:
    """Search triples (R@1 R@5 MRR) per engine, then the gaps top-1 figures, 6 wide each."""
    search = row["search"]
    triples = [
        " ".join(f(search[e][m]) for m in METRICS) if search else "  -    -    - " for e in ENGINES
    ]
    gaps = row["gaps_top1"] or {}
    tops = [f(gaps.get(e)) for e in ENGINES] + [f(row["kb_gaps_accuracy"])]
    return "   ".join(triples) + "   " + " ".join(t.rjust(6) for t in tops)


HEADER = (
    "   ".join(name.ljust(14) for name in ("Whoosh OR", "Whoosh AND", "kb"))
    + "   "
    + " ".join(name.rjust(6) for name in ("W-OR", "W-AND", "kb", "kb acc"))
)
RULE = "   ".join(["-" * 14] * 3) + "   " + " ".join(["-" * 6] * 4)


def table(report: dict) -> str:
    out = []
    for set_name in SETS:
        rows = [r for r in report["rows"] if r["set"] == set_name]
        if not rows:
            continue
        out += [
            f"{set_name}: search R@1 R@5 MRR (q answerable questions); gaps top-1 "
            "(t tickets, all lines) and kb's accuracy with 'none'",
            "corpus         q    t  " + HEADER,
            "------------ ---  ---  " + RULE,
        ]
        for r in rows:
            out.append(
                f"{r['corpus']:<12} {r['questions'] or '-':>3}  {r['tickets'] or '-':>3}"
                f"  {cells(r)}"
            )
        m = report["means"].get(set_name)
        if m:
            out.append(
                f"{'mean of ' + str(len(m['corpora'])):<12} {m['questions']:>3} "
                f"{m['tickets']:>4}  {cells(m)}"
            )
        out.append("")
    out.append(
        f"issue #3, hidden held-out, Material's lunr search: "
        f"{' '.join(f(v) for v in ISSUE_3_LUNR.values())}"
    )
    out.append(
        f"issue #5, hidden held-out tickets, plain top-1: Whoosh defaults "
        f"{ISSUE_5_TOP1['whoosh_defaults']:.2f}, lunr {ISSUE_5_TOP1['lunr']:.2f}"
    )
    out.append(f"means over the corpora with a held-out set: {', '.join(report['mean_over'])}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    corpora.add_option(parser)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    chosen = corpora.chosen(parser, args.corpora)
    rows: list[dict] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kb-whoosh-") as tmp:
        for corpus in chosen:
            rows.extend(measure_corpus(corpus, Path(tmp)))
    with_heldout = sorted({r["corpus"] for r in rows if r["set"] == "held-out"})
    report = {
        "rows": rows,
        "means": means(rows, with_heldout),
        "mean_over": with_heldout,
        "issue_3_hidden_heldout_lunr": ISSUE_3_LUNR,
        "issue_5_hidden_heldout_top1": ISSUE_5_TOP1,
        "seconds": round(time.perf_counter() - began, 1),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
