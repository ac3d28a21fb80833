"""Synthetic help centers of any size, for benchmarks and scaling tests.

The text imitates what real help-center prose looks like to a search engine, because
search cost and ranking both depend on it:

- Word frequencies follow Zipf's law (Zipf-Mandelbrot, exponent 1.05) over a vocabulary of
  12,000 words: a few dozen function words make up a large share of every text (the
  analyzers drop most of them as stop words), a few hundred product words ("account",
  "export") occur in many articles, and most words are rare. The earlier 46-word vocabulary
  drawn uniformly put every query word in nearly every article. Measured: the words of the
  real questions in tests/data/corpora occur in a median 17-23% of the Plausible, Pi-hole
  and Traefik pages (70-156 pages; one word in ten in 59-89%); the words of `questions`
  occur in a median 4% of 10,000 generated articles (one in ten in 44% or more), and a
  larger help center spreads its words thinner than a small one.
- Each article has a topic: a handful of words it repeats in its title, headings, summary
  and body (words are bursty: a word an article uses once it tends to use again).
- Titles and headings follow the patterns of real ones ("How to export invoices",
  "Troubleshooting webhook errors", "Before you begin"), and words carry English
  inflections (-s, -ed, -ing) so stemming has work to do.

Everything is seeded: the same arguments always write the same files, and `questions`
returns the same queries for them.
"""

from __future__ import annotations

import bisect
import itertools
import random
from pathlib import Path

VOCABULARY = 12_000
ZIPF_S, ZIPF_Q = 1.05, 2.7
TOPIC_WORDS = 6
TOPIC_SHARE = 0.12  # share of an article's body words drawn from its topic

FUNCTION_WORDS = (
    "the", "to", "and", "a", "of", "you", "your", "in", "is", "for", "on", "it", "with", "can",
    "this", "that", "be", "are", "if", "or", "as", "by", "from", "when", "an", "not", "will",
    "at", "use", "which", "have", "more", "all", "then", "how", "do", "each", "new", "after",
    "only", "its", "there",
)
# The head of the content vocabulary: words help centers really use, so the commonest
# query words read like real ones. The rest of the vocabulary is made-up words.
PRODUCT_WORDS = (
    "account", "billing", "invoice", "refund", "password", "login", "workspace", "project",
    "task", "export", "import", "webhook", "api", "limit", "token", "member", "owner", "admin",
    "plan", "upgrade", "card", "payment", "receipt", "tax", "notification", "email", "slack",
    "calendar", "report", "dashboard", "filter", "label", "comment", "file", "upload", "mobile",
    "desktop", "sync", "offline", "security", "session", "device", "permission", "guest",
    "team", "archive", "user", "settings", "page", "data", "access", "app", "integration",
    "domain", "server", "error", "request", "event", "template", "role", "link", "folder",
    "search", "history", "backup", "language", "time", "zone", "trial", "license",
)
VERBS = (
    "set up", "change", "delete", "export", "import", "connect", "reset", "invite", "remove",
    "enable", "disable", "configure", "update", "share", "restore", "find", "create", "edit",
    "cancel", "move", "verify", "schedule", "download", "sync",
)
TITLE_PATTERNS = (
    "How to {verb} {a} {b}", "{A} {b}", "{Verb} {a} {b}", "Troubleshooting {a} {b}",
    "{A} {b} settings", "About {a} {b}", "Why can't I {verb} {a}?", "{A} {b} limits",
    "Using {a} with {b}", "{A} {b} FAQ",
)
HEADING_PATTERNS = (
    "Before you begin", "{Verb} {a}", "{A} {b}", "Limits", "Troubleshooting", "{A} settings",
    "If {a} does not {verb}", "Next steps", "{Verb} {a} {b}", "Permissions",
)
TAGS = (
    "billing", "login", "api", "export", "security", "team", "mobile", "integrations",
    "notifications", "data", "plans", "admin",
)
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "or")]


def vocabulary(size: int = VOCABULARY, seed: int = 7) -> list[str]:
    """Function words, then product words, then made-up words: rank order, commonest first."""
    rng = random.Random(seed)
    words = list(dict.fromkeys(FUNCTION_WORDS + PRODUCT_WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class _Zipf:
    """Draws words by Zipf-Mandelbrot rank frequency: p(rank) ∝ 1 / (rank + q) ** s."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.cumulative = list(
            itertools.accumulate(1 / (rank + ZIPF_Q) ** ZIPF_S for rank in range(1, len(words) + 1))
        )

    def __call__(self, rng: random.Random, start: int = 0) -> str:
        """One word; `start` skips the commonest ranks (topics are content words)."""
        low = self.cumulative[start - 1] if start else 0.0
        x = low + rng.random() * (self.cumulative[-1] - low)
        return self.words[min(bisect.bisect(self.cumulative, x), len(self.words) - 1)]


def _inflect(rng: random.Random, word: str) -> str:
    roll = rng.random()
    if word in FUNCTION_WORDS or roll < 0.8:
        return word
    return word + ("s" if roll < 0.9 else "ed" if roll < 0.95 else "ing")


class _Writer:
    """Text for one help center: topics, titles, headings and paragraphs."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.zipf = _Zipf(vocabulary(seed=seed))
        self.first_content = len(set(FUNCTION_WORDS))

    def topic(self, article: int) -> list[str]:
        """The words article number `article` is about (its own seed, so `questions` can
        ask about it without writing the help center)."""
        rng = random.Random(self.seed * 1_000_003 + article)
        words: list[str] = []
        while len(words) < TOPIC_WORDS:
            word = self.zipf(rng, start=self.first_content)
            if word not in words:
                words.append(word)
        return words

    def _fill(self, pattern: str, topic: list[str]) -> str:
        a, b = self.rng.sample(topic[:4], 2)
        verb = self.rng.choice(VERBS)
        return pattern.format(a=a, b=b, verb=verb, A=a.capitalize(), Verb=verb.capitalize())

    def title(self, topic: list[str]) -> str:
        return self._fill(self.rng.choice(TITLE_PATTERNS), topic)

    def heading(self, topic: list[str]) -> str:
        return self._fill(self.rng.choice(HEADING_PATTERNS), topic)

    def paragraph(self, words: int, topic: list[str] | None = None) -> str:
        rng = self.rng
        out = [
            _inflect(
                rng, rng.choice(topic) if topic and rng.random() < TOPIC_SHARE else self.zipf(rng)
            )
            for _ in range(words)
        ]
        text = " ".join(out)
        return text[0].upper() + text[1:] + "."


def generate(
    root: Path,
    articles: int,
    sections: int = 20,
    *,
    seed: int = 7,
    kb_plugin: bool = True,
    material_nav: bool = True,
    semantic: bool = True,
) -> Path:
    """Write `articles` articles in `sections` sections under root/articles and a config.

    Returns the config file. `kb_plugin=False` writes the same config without kb's
    plugin: plain Material, the baseline of the benchmarks.
    """
    writer = _Writer(seed)
    rng = writer.rng
    docs = root / "articles"
    nav_lines = ["nav:", "  - index.md"]
    (docs / "en").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("---\ntitle: Help\n---\n\nWelcome.\n", encoding="utf-8")
    per_section = [
        articles // sections + (1 if i < articles % sections else 0) for i in range(sections)
    ]
    numbers = itertools.count()
    for s, count in enumerate(per_section):
        section = f"section-{s:02d}"
        folder = docs / "en" / section
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(
            f"---\ntitle: Section {s}\nsummary: Articles about topic {s}.\n---\n\n"
            f"{writer.paragraph(20)}\n",
            encoding="utf-8",
        )
        nav_lines += [f"  - Section {s}:", f"      - en/{section}/index.md"]
        for a in range(count):
            slug = f"article-{s:02d}-{a:04d}"
            topic = writer.topic(next(numbers))
            tags = rng.sample(TAGS, 2)
            body = "\n\n".join(
                f"## {writer.heading(topic)}\n\n{writer.paragraph(60, topic)}\n\n"
                f"{writer.paragraph(40, topic)}"
                for _ in range(3)
            )
            (folder / f"{slug}.md").write_text(
                f'---\ntitle: "{writer.title(topic)}"\n'
                f"summary: {writer.paragraph(12, topic)}\ntags: [{', '.join(tags)}]\n"
                f"owner: bench\nreviewed: 2026-10-01\nreview_every: 365\n"
                f"keywords: [{topic[0]}]\ntranslation_key: {slug}\n---\n\n"
                f"{writer.paragraph(30, topic)}\n\n{body}\n",
                encoding="utf-8",
            )
            nav_lines.append(f"      - en/{section}/{slug}.md")
    plugins = ["plugins:", "  - search"]
    if kb_plugin:
        plugins.append("  - kb/site:\n      languages: [en]"
                       + ("" if semantic else "\n      semantic: false"))
    config = root / "site_config.yml"
    config.write_text(
        "site_name: Synthetic Help\ndocs_dir: articles\nsite_dir: site\n"
        "theme:\n  name: material\n  font: false\n"
        "  features: [navigation.indexes, navigation.path]\n"
        + "\n".join(plugins)
        + "\n"
        + "markdown_extensions:\n  - toc:\n      permalink: true\n  - admonition\n"
        + ("\n".join(nav_lines) + "\n" if material_nav else ""),
        encoding="utf-8",
    )
    return config


NO_MATCH_WORDS = (
    "kangaroo", "volcano", "saxophone", "glacier", "zeppelin", "origami", "pelican", "tundra",
    "banjo", "meteorite"
)


def questions(
    articles: int, count: int = 200, seed: int = 11, help_center_seed: int = 7
) -> list[str]:
    """Fixed search queries for a help center `generate` wrote with `help_center_seed`.

    Like real searches: 60% ask about one of its articles (2-3 of its topic words, sometimes
    with a common product word), 10% are one or two common words, 15% ask about an article
    with a typo in one longer word, 15% use words no article holds.
    """
    rng = random.Random(seed)
    writer = _Writer(help_center_seed)
    out = []
    for i in range(count):
        kind = i % 20
        if kind < 3:  # nothing in the help center uses these words
            words = rng.sample(NO_MATCH_WORDS, rng.randint(2, 3))
        elif kind < 5:
            words = [writer.zipf(rng, start=writer.first_content) for _ in range(rng.randint(1, 2))]
        else:
            words = rng.sample(writer.topic(rng.randrange(articles)), rng.randint(2, 3))
            if rng.random() < 0.4:
                words.append(rng.choice(PRODUCT_WORDS))
            if kind < 8:  # a typo: drop a letter or swap two inside a longer word
                long = [j for j, w in enumerate(words) if len(w) >= 5]
                if long:
                    j = rng.choice(long)
                    w, k = words[j], rng.randrange(1, len(words[j]) - 2)
                    words[j] = w[:k] + (w[k + 1 :] if k % 2 else w[k + 1] + w[k] + w[k + 2 :])
        out.append(" ".join(words))
    return out
