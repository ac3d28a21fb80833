"""Benchmark: `kb gaps` end to end on generated tickets (import → link → topics → verdicts
→ JSON), time per stage and peak memory, and the topic stage against a plain
scikit-learn TF-IDF + KMeans baseline in the same run.

The tickets are written in English, Russian and Thai from the sample help center's
own articles (subjects from titles and headings, bodies from their sentences) plus
noise words, greetings and signatures; a share asks about planted topics no article
covers, and some are one-offs.

    .venv/bin/python bench/gaps.py                 # 100,000 tickets
    .venv/bin/python bench/gaps.py --tickets 20000
    .venv/bin/python bench/gaps.py --own-words   # subjects in the customers' own words
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_NOISE_WORDS = {
    "en": "urgent asap please customer team yesterday again still since monday weird really "
    "help issue problem thing stuff colleague manager",
    "ru": "срочно пожалуйста клиент команда вчера опять снова всё ещё странно помогите "
    "проблема вопрос коллега менеджер",
    "th": "ด่วน กรุณา ลูกค้า ทีม เมื่อวาน อีกแล้ว ยังคง แปลก ช่วยด้วย ปัญหา คำถาม เพื่อนร่วมงาน",
}
NOISE = {lang: words.split() for lang, words in _NOISE_WORDS.items()}
MISSING = {  # planted topics the sample help center does not answer
    "en": [
        "dark mode turns off after update",
        "gantt chart prints blank pages",
        "voice notes won't play on tablet",
        "bulk import from trello loses labels",
        "calendar sync shows wrong time zone for holidays",
    ],
    "ru": [
        "тёмная тема выключается после обновления",
        "диаграмма ганта печатает пустые страницы",
        "голосовые заметки не воспроизводятся на планшете",
        "импорт из трелло теряет метки",
    ],
    "th": ["โหมดมืดปิดเองหลังอัปเดต", "แผนภูมิแกนต์พิมพ์หน้าว่าง", "บันทึกเสียงเล่นไม่ได้บนแท็บเล็ต"],
}
GREETING = {
    "en": ["Hi team,", "Hello,", "Hey there"],
    "ru": ["Здравствуйте!", "Добрый день,"],
    "th": ["สวัสดีครับ", "สวัสดีค่ะ"],
}
SIGNATURE = {
    "en": ["Thanks, Sam", "Best regards\nAlex"],
    "ru": ["Спасибо, Иван", "С уважением"],
    "th": ["ขอบคุณครับ", "ขอบคุณค่ะ"],
}


def sample_articles() -> dict[str, list[tuple[str, list[str]]]]:
    """language → (title, body sentences) of the sample help center's articles."""
    from deflection.text import extract
    from kb.frontmatter import parse

    out: dict[str, list[tuple[str, list[str]]]] = {}
    for file in sorted((ROOT / "articles").rglob("*.md")):
        rel = file.relative_to(ROOT / "articles")
        if rel.name == "index.md" or rel.parts[0] not in NOISE or rel.parts[1].startswith("_"):
            continue
        fm = parse(file.read_text(encoding="utf-8"))
        title = str(fm.meta.get("title") or rel.stem.replace("-", " "))
        sentences = [
            s.strip()
            for s in extract(fm.body).body.replace("\n", ". ").split(". ")
            if 20 < len(s.strip()) < 200
        ]
        out.setdefault(rel.parts[0], []).append((title, sentences[:40] or [title]))
    return out


def own_words(sentences: list[str], rng: random.Random, noise: list[str]) -> str:
    """A subject in the customer's own words: a few words of one of the article's
    sentences and a word of their own, so nearly every subject is new (`--own-words`)."""
    words = rng.choice(sentences).split()
    size = min(len(words), rng.randint(4, 7))
    start = rng.randint(0, len(words) - size)
    return " ".join(words[start:start + size] + [rng.choice(noise)])


def generate(n: int, path: Path, seed: int = 7, subjects_in_own_words: bool = False) -> list[str]:
    """Write the export; return each ticket's true topic (never shown to kb)."""
    rng = random.Random(seed)
    truth: list[str] = []
    articles = sample_articles()
    langs = [lang for lang in ("en", "ru", "th") if articles.get(lang)]
    start = 1_754_000_000  # 2025-07-31
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            lang = rng.choices(langs, weights=[5, 3, 2][: len(langs)])[0]
            noise = NOISE[lang]
            kind = rng.random()
            if kind < 0.6:  # about an article
                title, sentences = rng.choice(articles[lang])
                if subjects_in_own_words:
                    subject = own_words(sentences, rng, noise)
                else:
                    subject = title if rng.random() < 0.5 else f"{title} {rng.choice(noise)}"
                body = [rng.choice(sentences) for _ in range(rng.randint(1, 3))]
                truth.append(f"{lang}:{title}")
            elif kind < 0.9:  # a planted topic no article answers
                subject = rng.choice(MISSING[lang])
                body = [subject, " ".join(rng.sample(noise, 3))]
                truth.append(f"missing:{subject}")
            else:  # a one-off
                subject = " ".join(rng.sample(noise, 4))
                body = [" ".join(rng.sample(noise, 6)), f"order {rng.randint(1000, 99999)}"]
                truth.append(f"one-off:{i}")
            text = "\n".join([rng.choice(GREETING[lang]), *body, rng.choice(SIGNATURE[lang])])
            created = start + rng.randint(0, 90 * 86400)
            record = {
                "id": f"B{i}",
                "subject": subject,
                "body": text,
                "language": lang,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
                "requester": f"user{rng.randint(1, n // 5)}@example.com",
                "tags": [rng.choice(["web", "mobile", "billing", "account"])],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return truth


def topic_quality(truth: list[str], found: list[str]) -> tuple[float, int]:
    """Adjusted Rand index against the true topics (one-offs as singletons), and how many
    true recurring topics one found group holds at least 80 % of, at least 80 % pure."""
    from sklearn.metrics import adjusted_rand_score

    by_found: dict[str, Counter] = {}
    for t, f in zip(truth, found, strict=True):
        by_found.setdefault(f, Counter())[t] += 1
    sizes = Counter(truth)
    recovered = 0
    for key, size in sizes.items():
        if key.startswith("one-off:"):
            continue
        best = max(by_found.values(), key=lambda c: c[key])
        if best[key] >= 0.8 * size and best[key] >= 0.8 * sum(best.values()):
            recovered += 1
    return adjusted_rand_score(truth, found), recovered


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--own-words", action="store_true",
                        help="subjects of tickets about an article in the customer's own words "
                        "(a few words of one of its sentences), not its title: nearly every "
                        "subject is distinct, as in a real export")
    args = parser.parse_args()

    from deflection.site_index import index_site
    from kb.gaps import report as reports
    from kb.gaps.importers import read_tickets
    from kb.gaps.run import analyse, open_linker, site_signals
    from kb.settings import load_site

    work = Path(tempfile.mkdtemp(prefix="kb-gaps-bench-"))
    shutil.copytree(ROOT / "articles", work / "articles")
    text = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    (work / "site_config.yml").write_text(  # the sample export, where it is
        text.replace("tickets: tests/", f"tickets: {ROOT}/tests/", 1), encoding="utf-8")
    site = load_site(work / "site_config.yml")
    index_site(site)
    export = work / "tickets.ndjson"
    t = time.perf_counter()
    truth = generate(args.tickets, export, subjects_in_own_words=args.own_words)
    print(
        f"generated {args.tickets:,} tickets ({export.stat().st_size / 2**20:.1f} MiB) in "
        f"{time.perf_counter() - t:.1f} s (not timed below)"
    )
    stages: dict[str, tuple[float, float]] = {}  # stage → (wall s, CPU s)

    from pss import PeakPss

    from deflection.batch import cpu_seconds

    def clock() -> tuple[float, float]:  # CPU: with the search's workers, and git
        return time.perf_counter(), cpu_seconds()

    def since(start: tuple[float, float]) -> tuple[float, float]:
        now = clock()
        return now[0] - start[0], now[1] - start[1]

    load_before = os.getloadavg()
    with PeakPss() as tree:
        t0 = t = clock()
        stream = read_tickets(export)
        tickets = list(stream)
        stages["import"] = since(t)
        t = clock()
        linker = open_linker(site)
        signals, failed = site_signals(site, None, None)
        stages["open index + git dates"] = since(t)
        timings: dict[str, tuple[float, float]] = {}
        report = analyse(tickets, linker, signals, failed_queries=failed,
                         problems=stream.problems, timings=timings)
        stages.update(timings)
        t = clock()
        text = json.dumps(reports.report_dict(report), ensure_ascii=False)
        stages["JSON"] = since(t)
        end_to_end = since(t0)
    peak = peak_mb()

    # the baseline: wording alone over every ticket, told the true number of topics
    recurring = {key for key, count in Counter(truth).items() if count >= 3}
    k = len(recurring)
    t = clock()
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer().fit_transform(f"{ticket.subject}\n{ticket.body}" for ticket in tickets)
    predicted = KMeans(n_clusters=k, n_init=1, random_state=0).fit_predict(x)
    baseline = since(t)
    kb_topics = [link.topic or f"one-off:{n}" for n, link in enumerate(report.tickets)]
    truth_topics = [key if key in recurring else f"one-off:{n}" for n, key in enumerate(truth)]
    quality = {
        "kb": topic_quality(truth_topics, kb_topics),
        "baseline": topic_quality(truth_topics, [str(c) for c in predicted]),
    }

    print(
        f"\n{args.tickets:,} tickets, {len(report.topics)} topics "
        f"({sum(t.verdict == 'missing' for t in report.topics)} missing), "
        f"{sum(1 for x in report.tickets if x.article):,} linked, "
        f"JSON {len(text) / 2**20:.1f} MiB; {len({t.subject for t in tickets}):,} distinct "
        f"subjects; the search ranked {linker.searched:,} contested questions, "
        f"{linker.by_meaning:,} of them re-ranked by meaning"
    )
    print("| stage | wall s | CPU s (with child processes) |\n|---|---:|---:|")
    for name, (wall, cpu) in stages.items():
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    print(f"| **end to end** | **{end_to_end[0]:.2f}** | {end_to_end[1]:.2f} |")
    print(
        f"\npeak RSS {peak:.0f} MB of this process; peak PSS "
        f"{f'{tree.mb:.0f} MB' if tree.mb else 'n/a (no /proc/PID/smaps_rollup)'} of it and the "
        f"search's workers together (before the baseline; the sampler took {tree.cpu_s:.1f} s "
        f"CPU); load average before/after: "
        f"{load_before} / {os.getloadavg()}"
    )
    print(
        f"\ntopic stage: kb {stages['topics'][0]:.2f} s wall ({stages['topics'][1]:.2f} s CPU), "
        f"link stage {stages['link'][0]:.2f} s; baseline TF-IDF + KMeans(k={k}, the true "
        f"number of recurring topics) over all {len(tickets):,} tickets: {baseline[0]:.2f} s "
        f"wall ({baseline[1]:.2f} s CPU)"
    )
    print(
        "| grouping | adjusted Rand index | recurring topics recovered (>= 80% in one group, "
        "pure >= 80%) |\n|---|---:|---:|"
    )
    for name, (ari, recovered) in quality.items():
        print(f"| {name} | {ari:.3f} | {recovered}/{k} |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"work folder: {work}")


if __name__ == "__main__":
    main()
