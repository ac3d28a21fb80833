"""Synonyms writers keep per language: `<docs_dir>/_synonyms/<lang>.yml`.

    # Words customers use for the same thing: one group per line.
    - [sign in, log in, login]
    - [2fa, two-factor, mfa]

The folder is never published (kb/site leaves it out of the site).

Built in, for every help center: the English words of software that Russian and Thai
customers type as they are or transliterated ("dashboard", "дашборд", "แดชบอร์ด"), and the
colloquial words customers type for what articles call otherwise ("picture", "картинка"
for "image", "изображение"), each with the word the articles use. Writers' groups are
added to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from deflection import analysis
from kb.errors import KBError


class SynonymsError(KBError):
    pass


@dataclass(frozen=True)
class Synonyms:
    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()  # each member analysed to terms
    one_way: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # (alias, word)

    def expand(self, query_terms: list[str]) -> list[tuple[tuple[int, ...], tuple[str, ...]]]:
        """(positions of a member in the query, another member of its group), for
        every group with a member among the query's terms."""
        out = []
        for group in self.groups:
            for member in group:
                at = _find(query_terms, member)
                if at is not None:
                    out += [(at, other) for other in group if other != member]
        for alias, word in self.one_way:
            at = _find(query_terms, alias)
            if at is not None:
                out.append((at, word))
        return out


def _find(terms: list[str], phrase: tuple[str, ...]) -> tuple[int, ...] | None:
    n = len(phrase)
    for i in range(len(terms) - n + 1):
        if tuple(terms[i:i + n]) == phrase:
            return tuple(range(i, i + n))
    return None


# The word articles use ← what customers type instead (the English word, a
# transliteration, a common misspelling, a colloquial word). One way only: a question in
# the articles' own words is not widened to English ones, which match file names and code.
BUILT_IN: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "image": ("picture", "pic"), "password": ("pw", "pwd", "passwd"),
    },
    "ru": {
        "изображение": ("картинка", "пикча"), "программа": ("прога",),
        "компьютер": ("комп",), "интернет": ("инет",), "обновление": ("апдейт",),
        "пользователь": ("юзер",),
        "дашборд": ("dashboard",), "чарт": ("chart",), "датасет": ("dataset",),
        "воркбук": ("workbook",), "объединение": ("join", "джойн"),
        "селектор": ("selector",), "экспорт": ("export",), "выгрузка": ("export",),
        "фильтр": ("filter",), "пароль": ("password",), "отчет": ("report",),
        "настройки": ("settings",), "ссылка": ("link",),
        "учетная запись": ("account", "аккаунт"), "почта": ("email", "имейл"),
    },
    "th": {
        "แดชบอร์ด": ("dashboard", "แดชบอด"), "รายงาน": ("report", "รีพอร์ต"),
        "ไทล์": ("tile",), "ส่งออก": ("export", "เอ็กซ์พอร์ต"), "แชร์": ("share",),
        "แอป": ("app", "แอพ"), "ข้อคิดเห็น": ("comment", "คอมเมนต์"),
        "พื้นที่ทำงาน": ("workspace", "เวิร์กสเปซ"), "ชุดข้อมูล": ("dataset", "ดาต้าเซ็ต"),
        "วิชวล": ("visual",), "ตัวกรอง": ("filter", "ฟิลเตอร์"),
        "ดาวน์โหลด": ("download",), "มือถือ": ("mobile",), "ออฟไลน์": ("offline",),
        "ใบอนุญาต": ("license", "ไลเซนส์"), "เผยแพร่": ("publish",),
        "สมัครใช้งาน": ("subscribe",), "การแจ้งเตือน": ("notification",),
        "รหัสผ่าน": ("password", "พาสเวิร์ด"), "เข้าสู่ระบบ": ("login", "ล็อกอิน"),
        "อีเมล": ("email", "อีเมล์"), "การตั้งค่า": ("settings",), "อัปเดต": ("update",),
    },
}


def _analysed(groups, lang: str) -> list[tuple[tuple[str, ...], ...]]:
    out = []
    for group in groups:
        analysed = tuple(dict.fromkeys(
            t for t in (tuple(analysis.terms(str(m), lang)) for m in group) if t))
        if len(analysed) > 1:
            out.append(analysed)
    return out


def built_in(lang: str) -> Synonyms:
    pairs = []
    for word, aliases in BUILT_IN.get(lang.split("-")[0], {}).items():
        target = tuple(analysis.terms(word, lang))
        for alias in aliases:
            source = tuple(analysis.terms(alias, lang))
            if target and source and source != target:
                pairs.append((source, target))
    return Synonyms(one_way=tuple(pairs))


def load(folder: Path | None, lang: str) -> Synonyms:
    """The built-in groups for `lang` and the writers' own from `folder`."""
    base = built_in(lang)
    file = folder / f"{lang}.yml" if folder else None
    if file is None or not file.is_file():
        return base
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SynonymsError(f"{file}{line}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                            "write one group per line: - [sign in, log in]") from None
    if not isinstance(data, list):
        raise SynonymsError(f"{file}: must be a list of groups, e.g. - [sign in, log in]")
    for number, group in enumerate(data, 1):
        if not isinstance(group, list) or len(group) < 2:
            raise SynonymsError(f"{file}: group {number} ({group!r}) must list two or more "
                                "words, e.g. - [invoice, receipt, bill]")
    return Synonyms(tuple(_analysed(data, lang)), base.one_way)
