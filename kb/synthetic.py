"""Synthetic help centers of any size, for benchmarks and scaling tests."""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = [
    "account",
    "billing",
    "invoice",
    "refund",
    "password",
    "login",
    "workspace",
    "project",
    "task",
    "export",
    "import",
    "webhook",
    "api",
    "limit",
    "token",
    "member",
    "owner",
    "admin",
    "plan",
    "upgrade",
    "card",
    "payment",
    "receipt",
    "tax",
    "notification",
    "email",
    "slack",
    "calendar",
    "report",
    "dashboard",
    "filter",
    "label",
    "comment",
    "file",
    "upload",
    "mobile",
    "desktop",
    "sync",
    "offline",
    "security",
    "session",
    "device",
    "permission",
    "guest",
    "team",
    "archive",
]
_TAGS = [
    "billing",
    "login",
    "api",
    "export",
    "security",
    "team",
    "mobile",
    "integrations",
    "notifications",
    "data",
    "plans",
    "admin",
]


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def generate(
    root: Path,
    articles: int,
    sections: int = 20,
    *,
    seed: int = 7,
    kb_plugin: bool = True,
    material_nav: bool = True,
) -> Path:
    """Write `articles` articles in `sections` sections under root/articles and a config.

    Returns the config file. `kb_plugin=False` writes the same config without kb's
    plugin: plain Material, the baseline of the benchmarks.
    """
    rng = random.Random(seed)
    docs = root / "articles"
    nav_lines = ["nav:", "  - index.md"]
    (docs / "en").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("---\ntitle: Help\n---\n\nWelcome.\n", encoding="utf-8")
    per_section = [
        articles // sections + (1 if i < articles % sections else 0) for i in range(sections)
    ]
    for s, count in enumerate(per_section):
        section = f"section-{s:02d}"
        folder = docs / "en" / section
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(
            f"---\ntitle: Section {s}\nsummary: Articles about topic {s}.\n---\n\n"
            f"{_paragraph(rng, 20)}\n",
            encoding="utf-8",
        )
        nav_lines += [f"  - Section {s}:", f"      - en/{section}/index.md"]
        for a in range(count):
            slug = f"article-{s:02d}-{a:04d}"
            tags = rng.sample(_TAGS, 2)
            body = "\n\n".join(
                f"## {_paragraph(rng, 4)[:-1]}\n\n{_paragraph(rng, 60)}\n\n{_paragraph(rng, 40)}"
                for _ in range(3)
            )
            (folder / f"{slug}.md").write_text(
                f"---\ntitle: Article {s}-{a} {rng.choice(_WORDS)} {rng.choice(_WORDS)}\n"
                f"summary: {_paragraph(rng, 12)}\ntags: [{', '.join(tags)}]\nowner: bench\n"
                f"reviewed: 2026-10-01\nreview_every: 365\nkeywords: [{rng.choice(_WORDS)}]\n"
                f"translation_key: {slug}\n---\n\n{_paragraph(rng, 30)}\n\n{body}\n",
                encoding="utf-8",
            )
            nav_lines.append(f"      - en/{section}/{slug}.md")
    plugins = ["plugins:", "  - search"]
    if kb_plugin:
        plugins.append("  - kb/site:\n      languages: [en]")
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
