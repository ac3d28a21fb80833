"""Languages kb knows how to label, and how an article's language is decided."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

# Native names for the language switcher; any other code is shown as the code itself.
NATIVE_NAMES = {
    "en": "English",
    "ru": "Русский",
    "th": "ไทย",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
    "it": "Italiano",
    "nl": "Nederlands",
    "pl": "Polski",
    "uk": "Українська",
    "ja": "日本語",
    "zh": "中文",
    "ko": "한국어",
    "tr": "Türkçe",
}


def native_name(code: str) -> str:
    return NATIVE_NAMES.get(code, code)


def language_of(path: str, languages: list[str], default: str) -> str:
    """The language of an article at `path` (relative to docs_dir).

    A help center keeps one folder per language (`en/…`, `ru/…`); files outside
    those folders are in the default language.
    """
    parts = PurePosixPath(path).parts
    if len(parts) > 1 and parts[0] in languages:
        return parts[0]
    return default


# A config that names no language (no `languages` under kb/site, no `theme.language`)
# gets the help center's own: its language folders, or else the script of its articles.
FOLDER_LANGUAGES = ("en", "ru", "th")  # the languages kb analyses (deflection/analysis.py)
MARKDOWN = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
SAMPLE_FILES = 200
SAMPLE_CHARS = 2000
SCRIPT_SHARE = 0.3  # of an article sample's letters, to call it Thai or Russian
_SCRIPTS = (("th", re.compile(r"[\u0e01-\u0e4e]")), ("ru", re.compile(r"[\u0400-\u04ff]")))
_LETTER = re.compile(r"[^\W\d_]")
_CODE = re.compile(r"```.*?(```|\Z)|`[^`\n]*`|\{\{.*?\}\}|\{%.*?%\}|<[^>\n]*>|\]\([^)\n]*\)",
                   re.S)


def site_languages(configured: list[str], config: MkDocsConfig) -> list[str]:
    """The help center's languages, default first: as configured under kb/site, else the
    theme's language when it is not English (Material's default, so unset and English
    look alike), else found in the articles."""
    if configured:
        return list(configured)
    theme = config.theme.get("language") or "en"
    return [theme] if theme != "en" else found_languages(Path(config.docs_dir))


def found_languages(docs_dir: Path, fallback: str = "en") -> list[str]:
    """The language folders at the top of `docs_dir` when most articles are in them (`en/`,
    `ru/`: the fallback first when it is one of them, else the one with most articles),
    or else the language of the articles' script: a help center copied in as it is gets
    Russian or Thai search without a line of config. Only the languages kb analyses count
    as folders (an English center's `uk/` or `it/` section is not Ukrainian or Italian).
    Read again when the folder's own entries change (a language folder added while `kb
    serve` runs), else once per process."""
    try:
        changed = docs_dir.stat().st_mtime_ns
    except OSError:
        changed = 0
    return list(_found(docs_dir, fallback, changed))


@lru_cache(maxsize=16)
def _found(docs_dir: Path, fallback: str, changed: int) -> tuple[str, ...]:
    files = _markdown(docs_dir)
    counts: dict[str, int] = {}
    for path in files:
        top = path.relative_to(docs_dir).parts[0]
        if top in FOLDER_LANGUAGES and len(path.relative_to(docs_dir).parts) > 1:
            counts[top] = counts.get(top, 0) + 1
    if counts and 2 * sum(counts.values()) >= len(files):
        return tuple(sorted(counts, key=lambda lang: (lang != fallback, -counts[lang], lang)))
    # spread over the whole tree, not its first folders in sorted order
    sample = files[::max(1, len(files) // SAMPLE_FILES)][:SAMPLE_FILES]
    letters = {lang: 0 for lang, _ in _SCRIPTS}
    total = 0
    for file in sample:
        try:
            with file.open(encoding="utf-8", errors="replace") as handle:
                text = _CODE.sub(" ", handle.read(SAMPLE_CHARS))
        except OSError:
            continue
        total += len(_LETTER.findall(text))
        for lang, script in _SCRIPTS:
            letters[lang] += len(script.findall(text))
    for lang, _ in _SCRIPTS:
        if total and letters[lang] / total >= SCRIPT_SHARE:
            return (lang,)
    return (fallback,)


def _markdown(docs_dir: Path) -> list[Path]:
    """Every Markdown file under `docs_dir` (the extensions MkDocs reads), sorted."""
    try:
        return sorted(p for p in docs_dir.rglob("*")
                      if p.suffix.lower() in MARKDOWN and p.is_file())
    except OSError:
        return []
