"""How kb's search scales: index builds, rebuilds and query latency against two baselines.

For each size a synthetic help center is generated (kb.synthetic) and measured:
  1. full index build (index_site on a fresh index folder, in a child process: time, peak RSS);
  2. incremental rebuild after rewriting ONE article (time; added/updated/unchanged counts);
  3. in-process query latency, SearchEngine.search(q, lang="en", limit=10), after a warm-up;
  4. HTTP latency and throughput: 20 concurrent clients against a `kb serve-api` subprocess;
  5. baselines over the same documents and queries: a bare Whoosh index (StandardAnalyzer,
     MultifieldParser with OrGroup) and tantivy (title/body text fields, parse_query).
The ~200 queries are fixed (seeded, kb.synthetic.questions): 2-4 words about one article,
some with a typo, a few one- or two-word ones, some matching nothing. The generator's text
is Zipfian (see kb.synthetic), so query words are as common or rare as in real help centers.
Baseline build times cover indexing only; kb's figure also
reads and parses the Markdown sources (shown separately as "source parse").

Example:
    .venv/bin/python bench/search.py                     # 1,000 and 10,000 articles
    .venv/bin/python bench/search.py --sizes 1000 --json
    .venv/bin/python bench/search.py --sizes 10000 --http-requests 500 --words-only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kb.synthetic import generate, questions

ROOT = Path(__file__).resolve().parent.parent
TARGET_ARTICLES, TARGET_P95_MS, TARGET_INCREMENTAL_S = 10_000, 15.0, 2.0
CHILD = """
import json, resource, sys, time
from deflection.site_index import index_site
from kb.settings import load_site
site = load_site(sys.argv[1])
start = time.perf_counter()
r = index_site(site)
print(json.dumps({"seconds": time.perf_counter() - start, "added": r.added,
                  "updated": r.updated, "removed": r.removed, "unchanged": r.unchanged,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def sanitize(query: str) -> str:
    """Words only, lowercase: no field, phrase, boost, fuzzy or boolean syntax for the parsers."""
    return re.sub(r"[^\w\s]", " ", query).lower()


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50 and p95 (nearest rank) in milliseconds."""
    ordered = sorted(seconds)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))] * 1000

    return {"p50_ms": round(rank(0.50), 2), "p95_ms": round(rank(0.95), 2)}


def timed_queries(search, queries: list[str], before=None) -> dict[str, float]:
    """One warm-up pass, then one timed pass over every query (`before()` first, untimed)."""
    for q in queries:
        search(q)
    samples = []
    for q in queries:
        if before:
            before()
        start = time.perf_counter()
        search(q)
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def index_in_child(config: Path) -> dict:
    """index_site in a fresh process, so the peak RSS is that build's alone."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(config)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def touch_one_article(docs: Path) -> None:
    """Change the text of exactly one article."""
    article = docs / "en" / "section-00" / "article-00-0000.md"
    article.write_text(article.read_text(encoding="utf-8")
                       + "\nUpdated: exports now include archived projects.\n", encoding="utf-8")


def load_documents(config: Path) -> tuple[list[tuple[str, str, str]], float]:
    """(path, title, body) of every article as kb extracts it, and the seconds that took."""
    from deflection.index import sources_from_site
    from kb.settings import load_site

    start = time.perf_counter()
    docs = []
    for source in sources_from_site(load_site(config)):
        doc = source.load()
        if doc is not None:
            docs.append((doc.path, doc.title, "\n".join([doc.summary, doc.headings, doc.body])))
    return docs, time.perf_counter() - start


def bare_whoosh(docs: list[tuple[str, str, str]], folder: Path, queries: list[str]) -> dict:
    """A plain Whoosh index: StandardAnalyzer title/body, MultifieldParser with OrGroup."""
    from whoosh import fields, index
    from whoosh.analysis import StandardAnalyzer
    from whoosh.qparser import MultifieldParser, OrGroup

    schema = fields.Schema(path=fields.ID(stored=True, unique=True),
                           title=fields.TEXT(analyzer=StandardAnalyzer(), stored=True),
                           body=fields.TEXT(analyzer=StandardAnalyzer()))
    folder.mkdir()
    start = time.perf_counter()
    ix = index.create_in(folder, schema)
    with ix.writer() as writer:
        for path, title, body in docs:
            writer.add_document(path=path, title=title, body=body)
    build = time.perf_counter() - start
    parser = MultifieldParser(["title", "body"], schema, group=OrGroup)
    with ix.searcher() as searcher:
        def search(q: str) -> list:
            return [hit["path"] for hit in searcher.search(parser.parse(sanitize(q)), limit=10)]

        return {"build_s": round(build, 2), **timed_queries(search, queries)}


def tantivy_baseline(docs: list[tuple[str, str, str]], folder: Path, queries: list[str]) -> dict:
    """tantivy with title/body text fields (default tokenizer), index on disk."""
    import tantivy

    schema = (tantivy.SchemaBuilder().add_text_field("path", stored=True)
              .add_text_field("title", stored=True).add_text_field("body").build())
    folder.mkdir()
    start = time.perf_counter()
    ix = tantivy.Index(schema, path=str(folder))
    writer = ix.writer()
    for path, title, body in docs:
        writer.add_document(tantivy.Document(path=path, title=title, body=body))
    writer.commit()
    writer.wait_merging_threads()
    ix.reload()
    build = time.perf_counter() - start
    searcher = ix.searcher()

    def search(q: str) -> list:
        hits = searcher.search(ix.parse_query(sanitize(q), ["title", "body"]), 10).hits
        return [searcher.doc(address)["path"] for _, address in hits]

    return {"build_s": round(build, 2), **timed_queries(search, queries)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_load(config: Path, queries: list[str], clients: int, requests: int,
              seconds: float, log: Path) -> dict:
    """Start `kb serve-api`, warm it up, then `clients` threads send up to `requests` GETs."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/"
    with log.open("w") as out:
        server = subprocess.Popen([str(Path(sys.executable).parent / "kb"), "serve-api",
                                   "--config", str(config), "--port", str(port)],
                                  cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "health", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"kb serve-api did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        urls = [f"{base}search?lang=en&q={urllib.parse.quote(q)}" for q in queries]

        def run(count: int, seconds: float) -> tuple[list[float], int, float]:
            """`clients` threads share `count` requests; returns (latencies, errors, wall)."""
            numbers, lock, samples, errors = iter(range(count)), threading.Lock(), [], []
            stop = time.monotonic() + seconds

            def client() -> None:
                while time.monotonic() < stop:
                    with lock:
                        i = next(numbers, None)
                    if i is None:
                        return
                    start = time.perf_counter()
                    try:
                        with urllib.request.urlopen(urls[i % len(urls)], timeout=30) as resp:
                            resp.read()
                        samples.append(time.perf_counter() - start)
                    except OSError as exc:
                        errors.append(str(exc))

            start = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                for _ in range(clients):
                    pool.submit(client)
            if errors:
                print(f"HTTP errors: {len(errors)}, first: {errors[0]}", file=sys.stderr)
            return samples, len(errors), time.perf_counter() - start

        run(clients, 60)  # warm-up: every server thread opens its searcher
        samples, errors, wall = run(requests, seconds)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {"requests": len(samples), "errors": errors, "seconds": round(wall, 1),
            "rps": round(len(samples) / wall, 1), **percentiles(samples or [0.0])}


def measure(n: int, workdir: Path, args: argparse.Namespace) -> dict:
    """Every figure for one size."""
    from deflection import analysis
    from deflection.site_index import engine_for
    from kb.settings import load_site

    root = workdir / f"site-{n}"
    config = generate(root, n, semantic=not args.words_only)
    queries = questions(n, args.queries)
    load_before = os.getloadavg()[0]
    log = lambda text: print(f"{n:>6}: {text}", file=sys.stderr, flush=True)  # noqa: E731
    full = index_in_child(config)
    log(f"full build {full['seconds']:.1f} s, {full['peak_rss_mb']:.0f} MB peak")
    touch_one_article(root / "articles")
    incremental = index_in_child(config)
    log(f"incremental {incremental['seconds']:.2f} s ({incremental['updated']} updated)")
    if (incremental["added"], incremental["updated"]) != (0, 1):  # e.g. analysis.VERSION bumped
        log("WARNING: the incremental rebuild did not reuse the full build; its time is invalid")
    engine = engine_for(load_site(config))
    timed_out: list[bool] = []  # answers cut by the engine's own time limit (TIME_LIMIT_S)
    kb_queries = timed_queries(
        lambda q: timed_out.append(engine.search(q, lang="en", limit=10).timed_out), queries)
    kb_queries["timed_out"] = sum(timed_out[len(queries):])
    log(f"in-process p50 {kb_queries['p50_ms']} ms, p95 {kb_queries['p95_ms']} ms, "
        f"{kb_queries['timed_out']} timed out (a question asked before: its vector cached)")
    if engine.semantic:  # as if each were asked for the first time: encoded by the model
        kb_queries["new_question"] = timed_queries(
            lambda q: engine.search(q, lang="en", limit=10), queries, engine.forget_questions)
        log(f"in-process, new questions: p50 {kb_queries['new_question']['p50_ms']} ms, "
            f"p95 {kb_queries['new_question']['p95_ms']} ms")
    http = http_load(config, queries, args.clients, args.http_requests, args.http_seconds,
                     root / "serve-api.log")
    log(f"HTTP p95 {http['p95_ms']} ms, {http['rps']} req/s")
    docs, parse_s = load_documents(config)
    whoosh = bare_whoosh(docs, root / "bare-whoosh", queries)
    log(f"bare Whoosh build {whoosh['build_s']} s, p95 {whoosh['p95_ms']} ms")
    tantivy = tantivy_baseline(docs, root / "tantivy", queries)
    log(f"tantivy build {tantivy['build_s']} s, p95 {tantivy['p95_ms']} ms")
    return {"articles": n, "queries": len(queries), "source_parse_s": round(parse_s, 2),
            "analysis_version": analysis.VERSION, "semantic": not args.words_only,
            "load_avg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "kb": {"build_s": round(full["seconds"], 2), "build_peak_rss_mb":
                   round(full["peak_rss_mb"], 1), "incremental_s": round(incremental["seconds"], 2),
                   "incremental": {k: incremental[k] for k in
                                   ("added", "updated", "removed", "unchanged")},
                   **kb_queries, "http": http},
            "bare_whoosh": whoosh, "tantivy": tantivy}


def report(results: list[dict], clients: int) -> None:
    """The tables, the ratios and the targets."""
    print(f"kb ({results[0]['queries']} queries; HTTP: {clients} concurrent clients)\n")
    print("| articles | full build s | peak RSS MB | incremental s | added/updated/unchanged "
          "| query p50 ms | query p95 ms | HTTP p50 ms | HTTP p95 ms | HTTP req/s |")
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        kb, inc, h = r["kb"], r["kb"]["incremental"], r["kb"]["http"]
        print(f"| {r['articles']:,} | {kb['build_s']:.2f} | {kb['build_peak_rss_mb']:.0f} | "
              f"{kb['incremental_s']:.2f} | {inc['added']}/{inc['updated']}/{inc['unchanged']} | "
              f"{kb['p50_ms']:.2f} | {kb['p95_ms']:.2f} | {h['p50_ms']:.1f} | {h['p95_ms']:.1f} | "
              f"{h['rps']:.1f} |")
    for r in results:
        kb, h = r["kb"], r["kb"]["http"]
        inc = kb["incremental"]
        print(f"\n{r['articles']:,} articles: {kb['timed_out']} of {r['queries']} in-process "
              f"answers hit the engine's time limit; HTTP {h['requests']} requests in "
              f"{h['seconds']} s, {h['errors']} errors; 1-min load average "
              f"{r['load_avg_1min'][0]} -> {r['load_avg_1min'][1]}"
              + ("" if (inc["added"], inc["updated"]) == (0, 1) else
                 "; INCREMENTAL REBUILD INVALID (it re-analysed everything)"), end="")
        if "new_question" in kb:
            print(f"\n{r['articles']:,} articles, the queries above asked again (their "
                  "vectors cached); each as a new question (encoded by the model of meaning): "
                  f"p50 {kb['new_question']['p50_ms']:.2f} ms, "
                  f"p95 {kb['new_question']['p95_ms']:.2f} ms", end="")
    print()
    print("\n| articles | engine | build s | query p50 ms | query p95 ms |")
    print("|---:|---|---:|---:|---:|")
    for r in results:
        for name in ("kb", "bare_whoosh", "tantivy"):
            e = r[name]
            print(f"| {r['articles']:,} | {name.replace('_', ' ')} | {e['build_s']:.2f} | "
                  f"{e['p50_ms']:.2f} | {e['p95_ms']:.2f} |")
        print(f"| {r['articles']:,} | (source parse, in kb's build only) | "
              f"{r['source_parse_s']:.2f} | | |")
    print("\nratios (kb / baseline):")
    for r in results:
        for name in ("bare_whoosh", "tantivy"):
            b = r[name]
            print(f"  {r['articles']:>6,} kb/{name.replace('_', '-')}: build "
                  f"{r['kb']['build_s'] / b['build_s']:.1f}x, "
                  f"query p95 {r['kb']['p95_ms'] / b['p95_ms']:.1f}x")
    print(f"\ntargets at {TARGET_ARTICLES:,} articles:")
    at = next((r for r in results if r["articles"] == TARGET_ARTICLES), None)
    if at is None:
        print("  not measured (add it to --sizes)")
        return
    new = at["kb"].get("new_question")
    for label, value, limit, unit in (
            ("in-process query p95", at["kb"]["p95_ms"], TARGET_P95_MS, "ms"),
            *([("in-process query p95, new questions", new["p95_ms"], TARGET_P95_MS, "ms")]
              if new else []),
            ("incremental rebuild", at["kb"]["incremental_s"], TARGET_INCREMENTAL_S, "s")):
        inc = at["kb"]["incremental"]
        valid = "query" in label or (inc["added"], inc["updated"]) == (0, 1)
        verdict = "invalid run" if not valid else "met" if value <= limit else "MISSED"
        print(f"  {label} <= {limit:g} {unit}: {value:,.2f} {unit} -> {verdict}")


def main(argv: list[str] | None = None) -> int:
    """Parse the options, measure every size, print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split(
        "\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated article counts (default: 1000,10000)")
    parser.add_argument("--queries", type=int, default=200, help="number of queries (200)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent HTTP clients (20)")
    parser.add_argument("--http-requests", type=int, default=2000,
                        help="HTTP requests per size, at most (2000)")
    parser.add_argument("--http-seconds", type=float, default=60.0,
                        help="stop the HTTP run after this many seconds (60)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--words-only", action="store_true",
                        help="`semantic: false`: no article vectors, no re-rank by meaning "
                             "(a first build embeds every article: ~0.5 s each on 2 cores)")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="kb-bench-search-") as tmp:
        for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
            results.append(measure(n, Path(tmp), args))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results, args.clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
