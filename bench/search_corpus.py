"""Benchmark: in-process search latency on a real help center's labeled questions.

`bench/search.py` times generated questions on generated articles; this times the
questions of `tests/data/corpora/<corpus>.jsonl` against a real corpus, asked several
times over, as a help center's customers repeat their questions: a warm-up pass, then the
median and 95th percentile of `SearchEngine.search` over the timed passes. With meaning on
(`semantic`), also as new questions: each question's vector forgotten before it is asked
(untimed), so a question the words leave unsure is encoded by the model each time. For an
A/B of two trees, run it alternately with `PYTHONPATH=<tree>`.

    .venv/bin/python bench/search_corpus.py -f CONFIG tests/data/corpora/traefik.jsonl
    .venv/bin/python bench/search_corpus.py -f CONFIG QUESTIONS --passes 10 --json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path, help="a labeled JSONL file ({\"query\": ...})")
    parser.add_argument("-f", "--config", type=Path, required=True,
                        help="the corpus' site config (indexed with `kb index -f CONFIG`)")
    parser.add_argument("--passes", type=int, default=5, help="timed passes (5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from deflection.site_index import engine_for
    from kb.settings import load_site

    engine = engine_for(load_site(args.config))
    questions = [json.loads(line)["query"] for line in args.questions.open(encoding="utf-8")
                 if line.strip()]
    for question in questions:  # warm-up: the posting lists every version caches
        engine.search(question)
    figures = {"questions": len(questions), "passes": args.passes,
               **timed(engine, questions, args.passes)}
    if engine.semantic:
        figures["new_question"] = timed(engine, questions, args.passes, engine.forget_questions)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['questions']} questions × {args.passes} passes: "
          f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms")
    if "new_question" in figures:
        print(f"as new questions (vectors forgotten): p50 {figures['new_question']['p50_ms']} "
              f"ms, p95 {figures['new_question']['p95_ms']} ms")


def timed(engine, questions: list[str], passes: int, before=None) -> dict[str, float]:
    """p50 and p95 of `engine.search` over `passes` passes (`before()` first, untimed)."""
    times = []
    for _ in range(passes):
        for question in questions:
            if before:
                before()
            start = time.perf_counter()
            engine.search(question)
            times.append(time.perf_counter() - start)
    ms = np.array(times) * 1000
    return {"p50_ms": round(float(np.median(ms)), 2),
            "p95_ms": round(float(np.percentile(ms, 95)), 2)}


if __name__ == "__main__":
    main()
