"""Languages kb knows how to label, and how an article's language is decided."""

from __future__ import annotations

from pathlib import PurePosixPath

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
