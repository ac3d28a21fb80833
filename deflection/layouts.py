"""Questions typed with the wrong keyboard layout: "lfi,jhl" for "дашборд", "l;ylfu" for
"สวัสดี", "куыуе зфыыцщкв" for "reset password".

Russian and Thai customers switch between their layout and the US one many times a day, and
a question typed before switching comes out as letters of the other script. Each layout
below is the key-for-key match of the US layout (xkb's `us`, `ru` and `th` symbols, checked
by tests/deflection/test_layouts.py where the machine has xkb-data).
"""

from __future__ import annotations

import re

# The US keys, unshifted then shifted, in the order of the rows below.
_US = ("`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./"
       '~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:"ZXCVBNM<>?')

# ЙЦУКЕН: the digits and most symbols are where US has them, so they map to themselves.
_RU = ("ё1234567890-=йцукенгшщзхъ\\фывапролджэячсмитьбю."
       'Ё!"№;%:?*()_+ЙЦУКЕНГШЩЗХЪ/ФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,')

# Kedmanee (TIS 820-2538).
_TH = ("_ๅ/-ภถุึคตจขชๆไำพะัีรนยบลฃฟหกดเ้่าสวงผปแอิืทมใฝ"
       '%+๑๒๓๔ู฿๕๖๗๘๙๐"ฎฑธํ๊ณฯญฐ,ฅฤฆฏโฌ็๋ษศซ.()ฉฮฺ์?ฒฬฦ')

assert len(_US) == len(_RU) == len(_TH)

_FROM_US = {"ru": str.maketrans(_US, _RU), "th": str.maketrans(_US, _TH)}
_TO_US = {"ru": str.maketrans(_RU, _US), "th": str.maketrans(_TH, _US)}

_SCRIPTS = {
    "en": re.compile(r"[A-Za-z]+"),
    "ru": re.compile(r"[А-яЁё]+"),
    "th": re.compile(r"[\u0e00-\u0e7f]+"),
}
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def retyped(text: str) -> dict[str, str]:
    """The question as it was meant, by the language it was meant in, when every letter of
    it is of one script: Latin letters meant as Russian or Thai, Cyrillic or Thai meant as
    English. Empty when the question mixes scripts or holds no letters."""
    letters = _NOT_LETTERS.sub("", text)
    script = next((lang for lang, only in _SCRIPTS.items() if only.fullmatch(letters)), None)
    if script == "en":
        return {lang: text.translate(table) for lang, table in _FROM_US.items()}
    if script in _TO_US:
        return {"en": text.translate(_TO_US[script])}
    return {}
