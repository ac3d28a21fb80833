"""Questions typed with the wrong keyboard layout are answered as they were meant."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from deflection import layouts
from deflection.layouts import retyped


@pytest.mark.parametrize(("typed", "meant"), [
    ("lfi,jhl", {"ru": "дашборд"}),
    ("c,hjc gfhjkz", {"ru": "сброс пароля"}),
    ("l;ylfu", {"th": "สวัสดี"}),
    ("]n,isylzjko", {"th": "ลืมรหัสผ่าน"}),
    ("куыуе зфыыцщкв", {"en": "reset password"}),
    ("พำหำะ", {"en": "reset"}),
])
def test_a_question_is_retyped_in_the_layout_it_was_meant_in(typed, meant):
    assert retyped(typed).items() >= meant.items()


@pytest.mark.parametrize("text", ["", "2024 / 15", "reset пароль", "🙂"])
def test_mixed_scripts_or_no_letters_are_not_retyped(text):
    assert retyped(text) == {}


def test_retyping_there_and_back_gives_the_question_again():
    for lang in ("ru", "th"):
        for typed in (layouts._US, layouts._US.upper()):
            meant = typed.translate(layouts._FROM_US[lang])
            assert meant.translate(layouts._TO_US[lang]) == typed


@pytest.mark.parametrize(("typed", "lang", "meant", "expected"), [
    ("c,hjc gfhjkz", None, "сброс пароля", "ru/account/reset-your-password.md"),
    ("c,hjc gfhjkz", "ru", "сброс пароля", "ru/account/reset-your-password.md"),
    ("rfr dthyenm ltymub", None, "как вернуть деньги", "ru/billing/request-a-refund.md"),
    ("]n,isylzjko", "th", "ลืมรหัสผ่าน", "th/account/reset-your-password.md"),
    ("куыуе зфыыцщкв", "en", "reset password", "en/account/reset-your-password.md"),
])
def test_a_question_in_the_wrong_layout_finds_its_article(engine, typed, lang, meant, expected):
    answer = engine.search(typed, lang=lang)
    assert answer.corrected and answer.did_you_mean == meant
    assert answer.answered and answer.results[0].path == expected
    assert answer.lang == expected.split("/")[0]
    assert "<mark" in answer.results[0].snippet


def test_a_named_language_is_kept(engine):
    # Thai meant, but the page is Russian: the answer stays in Russian (and says none)
    answer = engine.search("]n,isylzjko", lang="ru")
    assert not answer.corrected and answer.lang == "ru"


def test_a_question_typed_right_is_not_retyped(engine):
    for query, lang in [("reset password", None), ("забыл пароль", None),
                        ("kubernetes helm values", None), ("есть ли диаграмма ганта", "ru")]:
        answer = engine.search(query, lang=lang)
        assert not (answer.corrected and answer.did_you_mean == retyped(query).get(answer.lang))


XKB = Path("/usr/share/X11/xkb/symbols")
_KEYS = (["TLDE"] + [f"AE{i:02d}" for i in range(1, 13)] + [f"AD{i:02d}" for i in range(1, 13)]
         + ["BKSL"] + [f"AC{i:02d}" for i in range(1, 12)] + [f"AB{i:02d}" for i in range(1, 11)])
_PUNCTUATION = {"underscore": "_", "percent": "%", "plus": "+", "slash": "/", "minus": "-",
                "quotedbl": '"', "comma": ",", "period": ".", "parenleft": "(",
                "parenright": ")", "question": "?", "numerosign": "№", "semicolon": ";",
                "colon": ":", "asterisk": "*", "exclam": "!", "backslash": "\\",
                "numbersign": "#", "dollar": "$", "asciicircum": "^", "ampersand": "&",
                "bar": "|", "equal": "=", "grave": "`", "asciitilde": "~", "at": "@",
                "Thai_baht": "฿"}
_DIGITS = ["sun", "nung", "song", "sam", "si", "ha", "hok", "chet", "paet", "kao"]


def _keysym(name: str) -> str:
    """xkb's keysym name as its character (the names in the ru and th symbols files)."""
    if len(name) == 1:
        return name
    if name in _PUNCTUATION:
        return _PUNCTUATION[name]
    if name.startswith("Thai_lek"):
        return chr(0x0E50 + _DIGITS.index(name[8:]))
    if name.startswith("Thai_"):
        wanted = name[5:].upper()
        return next(chr(c) for c in range(0x0E01, 0x0E5C)
                    if re.sub("[^A-Z]", "", unicodedata.name(chr(c), "")[15:]) == wanted)
    size = "CAPITAL" if name[9].isupper() else "SMALL"
    letter = {"shorti": "SHORT I", "hardsign": "HARD SIGN", "softsign": "SOFT SIGN"}.get(
        name[9:].lower(), name[9:].upper())
    return unicodedata.lookup(f"CYRILLIC {size} LETTER {letter}")


def _xkb_layout(name: str, section: str, overrides: str = "") -> str:
    text = (XKB / name).read_text(encoding="utf-8")
    keys: dict[str, list[str]] = {}
    for part in (section, overrides):
        if part:
            body = re.search(rf'xkb_symbols "{part}" \{{(.*?)\n\}};', text, re.S).group(1)
            for key, lower, upper in re.findall(
                    r"key <(\w+)>\s*\{\s*\[\s*([^,\s]+)\s*,\s*([^,\s\]]+)", body):
                keys[key] = [_keysym(lower), _keysym(upper)]
    return "".join(keys[k][0] for k in _KEYS) + "".join(keys[k][1] for k in _KEYS)


@pytest.mark.skipif(not XKB.is_dir(), reason="xkb-data is not installed")
def test_the_layouts_are_xkbs():
    assert _xkb_layout("th", "basic") == layouts._TH
    # the default Russian layout: "common" with the Windows digits row ("winkeys")
    assert _xkb_layout("ru", "common", "winkeys") == layouts._RU
