"""Per-language text analysis for the search index, the same at index and query time.

English and Russian: Snowball stemming (Porter's stemmer turns "resetting" into
"resett"), with ё folded into е; a Russian word the OpenCorpora dictionary knows is
first reduced to its lemma (pymorphy3), since Snowball stems "дней" and "день" apart.
English reads British spellings as American ones ("organisation", "colour"), and a
phrasal verb's two words give its one word too ("log in" → login).
Thai has no spaces between words: pythainlp's newmm segmenter splits it. Latin words
inside Russian or Thai articles (API, Slack, SSO) are stemmed as English. Any other
language gets a plain lowercase analyzer with accents folded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    IntraWordFilter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

# Bump when analysis changes: every article is re-analysed on the next build.
VERSION = "27"

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
WORD = r"\w+(?:[.'’-]\w+)*"


def normalize(text: str) -> str:
    """NFC (so NFD spellings match), no control characters, no lone surrogates."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    return "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)


def detect_language(text: str, languages: list[str], default: str) -> str:
    """The query's language from its script: Thai, Cyrillic, or the default."""
    if "th" in languages and _THAI.search(text):
        return "th"
    if "ru" in languages and _CYRILLIC.search(text):
        return "ru"
    return default


class YoFilter(Filter):
    """ё → е: Russian writers use both for the same word."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if "ё" in t.text:
                t.text = t.text.replace("ё", "е")
            yield t


class ScriptStemFilter(Filter):
    """Stems each word with the stemmer of its script: Cyrillic as Russian, Latin as English."""

    # Holds no state: Whoosh pickles analyzers into the index's table of contents.

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScriptStemFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped:
                if _CYRILLIC.search(t.text):
                    t.text = _stem("ru", t.text)
                elif _LATIN.search(t.text):
                    t.text = _stem("en", t.text)
            yield t


@cache
def _stemmer(lang: str):
    return stemmer_for_language(lang)


@lru_cache(maxsize=100_000)
def _stem(lang: str, word: str) -> str:
    if lang == "ru":
        word = _lemma(word)
    elif lang == "en":
        word = _american(word)
    return _stemmer(lang)(word)


@cache
def _morph_analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _lemma(word: str) -> str:
    """The dictionary form of a Russian word (OpenCorpora, through pymorphy3): Snowball
    alone stems "дней" and "день", "ошибок" and "ошибка" apart. Words the dictionary
    lacks (loanwords, jargon, product names) are left to Snowball alone, as before:
    pymorphy3 would only guess their lemma from their ending."""
    morph = _morph_analyzer()
    if not morph.word_is_known(word):
        return word
    return morph.parse(word)[0].normal_form.replace("ё", "е")


class ThaiTokenizer(Tokenizer):
    """Splits Thai into words with pythainlp's newmm (dictionary-based, offline)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ThaiTokenizer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: object) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for start, end in thai_word_spans(value):
            t.text = value[start:end]
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


# Loanwords of software help centers that pythainlp's dictionary splits ("แอป" → แอ + ป).
THAI_EXTRA_WORDS = frozenset((
    "แอป", "แอพ", "แอปพลิเคชัน", "อีเมล", "อีเมล์", "ล็อกอิน", "ล็อกเอาต์", "รีเซ็ต",
    "ดาวน์โหลด", "อัปโหลด", "อัปเดต", "แดชบอร์ด", "แดชบอด", "เวิร์กสเปซ", "แพ็กเกจ",
    "พาสเวิร์ด", "ยูสเซอร์", "แอดมิน", "แอคเคาท์", "แอคเคานต์", "เซิร์ฟเวอร์", "ลิงก์", "คลิก",
    "เว็บฮุก", "ซิงค์", "ฟีเจอร์", "สเปรดชีต", "เอ็กซ์เซล", "รีพอร์ต", "ดาต้า", "ดาต้าเซ็ต",
    "ซับสคริปชัน", "โปรเจกต์", "ทาสก์", "อินทิเกรชัน", "ออนพริม", "คลาวด์", "เบราว์เซอร์",
    "โทเค็น", "ไทล์", "วิชวล", "สไลเซอร์", "บุ๊กมาร์ก", "อินไซต์",
))


@cache
def _thai_dictionary():
    from pythainlp.corpus.common import thai_words
    from pythainlp.util import dict_trie

    return dict_trie(set(thai_words()) | THAI_EXTRA_WORDS)


_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
_WORD_RE = re.compile(WORD)


def _newmm(run: str) -> list[str]:
    """A run of Thai letters as newmm splits it, with the loanwords added."""
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(run, engine="newmm", keep_whitespace=False,
                         custom_dict=_thai_dictionary())


def thai_word_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each word as the index splits it: Thai runs through newmm, the
    rest by the word pattern."""
    last = 0
    for run in _THAI_RUN.finditer(text):
        for m in _WORD_RE.finditer(text, last, run.start()):
            yield m.start(), m.end()
        offset = run.start()
        for word in _newmm(run.group(0)):
            start = text.find(word, offset)
            if start < 0:
                continue
            offset = start + len(word)
            if any(ch.isalnum() for ch in word):
                yield start, offset
        last = run.end()
    for m in _WORD_RE.finditer(text, last):
        yield m.start(), m.end()


def split_thai(text: str, separator: str = "\u200b") -> str:
    """`text` with `separator` between the words of each Thai run (newmm, as the index
    splits them); everything else as it was."""
    return _THAI_RUN.sub(lambda run: separator.join(_newmm(run.group(0))), text)


def _stops(*langs: str) -> frozenset[str]:
    words: set[str] = set()
    for lang in langs:
        words |= set(stopwords_for_language(lang))
    return frozenset(words)


# Pronouns, pronominal adjectives and "быть" in the Snowball list stand for all
# their forms: the list holds "такой" and "этот" but not "такое" or "этих", which
# Snowball then stems to content words ("что такое дашборд" → "так дашборд").
_RU_EXPANDED = frozenset({"NPRO", "Apro"})


@cache
def russian_stopwords() -> frozenset[str]:
    words = set(stopwords_for_language("ru")) | {"который", "это"}
    morph = _morph_analyzer()
    for word in list(words):
        parse = morph.parse(word)[0]
        if _RU_EXPANDED & parse.tag.grammemes or parse.normal_form == "быть":
            words |= {form.word.replace("ё", "е") for form in parse.lexeme
                      if not {"PRTF", "GRND"} & form.tag.grammemes}
    return frozenset(words)


@cache
def thai_stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords as words

    # Keep negations and question words: "ไม่ได้" (can't) carries the meaning of a question.
    # Add the words the list lacks though it holds their kin: the particles that only make
    # it a question (มั้ย, หรือเปล่า, ที่ไหน are listed; "ได้ไหม" asks "can I?", and "ไหม",
    # a word no article uses, would weigh more in the question than what it asks about),
    # and "แล้วก็" ("and then"), which newmm keeps whole though แล้ว and ก็ are listed
    return (frozenset(words()) - {"ไม่", "ได้", "ไม่ได้", "อย่างไร", "ทำไม", "เข้า", "ออก"}) \
        | THAI_FUNCTION_WORDS


THAI_FUNCTION_WORDS = frozenset({"ไหม", "เหรอ", "หรอ", "ป่าว", "รึเปล่า", "ตรงไหน", "แล้วก็"})


class ContractionFilter(Filter):
    """English contractions read as their words, whichever apostrophe a phone typed: "I’m",
    "we're", "I'd" are the pronoun, a stop word ("I'd" was the term "id", an identifier's
    word; "I'm" was "im" and "m"); a negation is one word, as typed without its
    apostrophe: "can’t" and "won't" are "cant" and "wont" (the curly one was the term
    "can't", which no article holds, and the straight one "won", "t" and "wont")."""

    _SUFFIX = re.compile(r"'(?:m|re|ve|ll|d)$", re.IGNORECASE)
    _NOT = re.compile(r"n't$", re.IGNORECASE)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContractionFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if "’" in t.text or "ʼ" in t.text:
                t.text = t.text.replace("’", "'").replace("ʼ", "'")
            if "'" in t.text:
                t.text = self._NOT.sub("nt", self._SUFFIX.sub("", t.text))
            yield t


# British spellings read as American ones: articles and customers each write one or the
# other ("organisation", "colour", "licence", "greyed out"). A closed list: "-ise" is no
# "-ize" in "promise", "enterprise" or "advise".
_BRITISH = {
    "colour": "color", "colours": "colors", "coloured": "colored", "licence": "license",
    "licences": "licenses", "favourite": "favorite", "favourites": "favorites",
    "behaviour": "behavior", "behaviours": "behaviors", "centre": "center",
    "centres": "centers", "catalogue": "catalog", "catalogues": "catalogs", "grey": "gray",
    "greyed": "grayed", "dialogue": "dialog", "dialogues": "dialogs", "programme": "program",
    "analyse": "analyze", "analysed": "analyzed", "analyses": "analyzes",
    "analysing": "analyzing", "cancelled": "canceled", "cancelling": "canceling",
}
_BRITISH_ISE = re.compile(
    r"((?:organ|custom|optim|author|personal|synchron|recogn|initial|priorit|categor|summar"
    r"|visual|minim|maxim|final|normal|serial|util|real|special|standard|central|local"
    r"|capital|sanit|memor|emphas|apolog)i)s(e|es|ed|ing|ation|ations|er|ers|able)")


def _american(word: str) -> str:
    """A British spelling as the American one ("organisation" → "organization")."""
    if word in _BRITISH:
        return _BRITISH[word]
    m = _BRITISH_ISE.fullmatch(word) if "is" in word else None
    return f"{m.group(1)}z{m.group(2)}" if m else word


# Phrasal verbs, written apart or as one word ("log in", "login"; "set up", "setup"; "logged
# in"): the words apart give the one word's term as well, so either spelling finds the
# other. Only these: "users in" must not become a rare term that weighs in the confidence.
PHRASAL = {
    "log": ("in", "on", "out", "off"), "sign": ("in", "on", "out", "up"), "set": ("up",),
    "back": ("up",), "check": ("out",), "pop": ("up",), "drop": ("down",), "plug": ("in",),
    "opt": ("in", "out"), "roll": ("back",), "look": ("up",), "start": ("up",),
    "shut": ("down",), "clean": ("up",), "lock": ("out",), "work": ("around",),
    "walk": ("through",),
}
PARTICLES = frozenset(p for particles in PHRASAL.values() for p in particles)
# each phrasal verb's one word (stemmed) → the verb's stem: "signout" → "sign"
PHRASAL_JOINS = {_stem("en", verb + particle): verb
                 for verb, particles in PHRASAL.items() for particle in particles}


def phrasal(word: str, after: str) -> str | None:
    """The one word of a phrasal verb written apart ("logged", "in" → "login"), or None."""
    after = after.lower()
    if after not in PARTICLES:
        return None
    word = word.lower()
    if not (word.isascii() and word.isalpha()):
        return None
    verb = _stem("en", word)
    return verb + after if after in PHRASAL.get(verb, ()) else None


class PhrasalFilter(Filter):
    """After a phrasal verb's two words, its one word ("logged in" → also "login"), at the
    second word's place. Before the compounds are split: "log-in" is one word already."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PhrasalFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        before = None
        for t in tokens:
            joined = phrasal(before, t.text) if before is not None else None
            before = t.text
            if joined is not None:
                t.text = joined
                yield t
                t.text = before
            yield t


def _split() -> IntraWordFilter:
    """X-Forwarded-For, sub_filter, IPAllowList: the parts and the whole, so either matches."""
    return IntraWordFilter(mergewords=True, mergenums=True)


# A customer's "hi", "please" and "thanks" are no article's words, and would count in the
# share of the question an article must hold to answer it (the confidence). Not "hey",
# "dear" or "thx": a product may be called that.
POLITE = {
    "en": frozenset(["hi", "hello", "please", "pls", "plz", "kindly", "thanks", "thank",
                     "regards"]),
    "ru": frozenset(["здравствуйте", "привет", "пожалуйста", "спасибо", "благодарю"]),
    "th": frozenset(["สวัสดี", "ค่ะ", "ครับ", "คะ", "นะคะ", "นะครับ", "ขอบคุณ"]),
}


# Contractions of stop words typed without their apostrophe ("im getting 404"): not "id",
# "ill", "were" or "lets", which are words of their own
WITHOUT_APOSTROPHE = frozenset(["im", "ive", "youre", "youve", "theyre", "weve", "thats",
                                "whats", "theres", "hows"])


@cache
def analyzer(lang: str) -> Analyzer:
    """The analyzer of the main text fields for `lang`."""
    base = lang.split("-")[0]
    english = _stops("en") | POLITE["en"] | WITHOUT_APOSTROPHE
    if base == "en":
        return (RegexTokenizer(WORD) | ContractionFilter() | PhrasalFilter() | _split()
                | LowercaseFilter() | CharsetFilter(accent_map)
                | StopFilter(stoplist=english, minsize=1) | ScriptStemFilter())
    if base == "ru":
        return (RegexTokenizer(WORD) | ContractionFilter() | _split() | LowercaseFilter()
                | YoFilter()
                | StopFilter(stoplist=russian_stopwords() | POLITE["ru"] | english, minsize=1)
                | ScriptStemFilter())
    if base == "th":
        return (ThaiTokenizer() | ContractionFilter() | _split() | LowercaseFilter()
                | StopFilter(stoplist=thai_stopwords() | POLITE["th"] | english, minsize=1)
                | ScriptStemFilter())
    return RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(accent_map)


MORPH_PREFIX = 5


def morph(term: str) -> str:
    """The first letters of a stemmed Russian word: "подключить" and "подключение" stem
    apart but share "подкл". A low-weight fallback field is indexed this way."""
    return term[:MORPH_PREFIX] if len(term) > MORPH_PREFIX and _CYRILLIC.search(term) else term


class MorphFilter(Filter):
    """Applies `morph` to every token."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MorphFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = morph(t.text)
            yield t


@cache
def morph_analyzer(lang: str) -> Analyzer:
    return analyzer(lang) | MorphFilter()


@cache
def spelling_analyzer(lang: str) -> Analyzer:
    """Unstemmed words, for "did you mean" suggestions a reader can recognise."""
    tokenizer = ThaiTokenizer() if lang.split("-")[0] == "th" else RegexTokenizer(WORD)
    return tokenizer | LowercaseFilter() | YoFilter()


def terms(text: str, lang: str) -> list[str]:
    return [t.text for t in analyzer(lang)(normalize(text)) if t.text]


def words(text: str, lang: str) -> list[str]:
    return [t.text for t in spelling_analyzer(lang)(normalize(text)) if t.text]


# A word tells the help center's articles apart when it is used in under TELLING_SHARE of
# them; a part of a question says something when it holds TELLING_WORDS such words
TELLING_SHARE = 0.5
TELLING_WORDS = 2


def tells(df: int, n: int) -> bool:
    """A word found in `df` of `n` articles tells them apart."""
    return 0 < df < TELLING_SHARE * n


SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Thai ends a sentence with a space, not a full stop
_THAI_SENTENCE_END = re.compile(
    SENTENCE_END.pattern + r"|(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])")


# Thai asks with a particle at the end of the sentence, rarely with "?": ไหม/มั้ย (yes or
# no), ยังไง/อย่างไร (how), อะไร (what), ที่ไหน (where), เมื่อไหร่ (when), ทำไม (why), บ้าง,
# หรือเปล่า/หรือไม่, optionally followed by a polite particle.
_ASKS = re.compile(r"(\?|？|(ไหม|มั้ย|มั๊ย|ไม๊|ยังไง|อย่างไร|อะไร|ที่ไหน|ตรงไหน|เมื่อไหร่|เมื่อไร|ทำไม"
                   r"|บ้าง|หรือเปล่า|หรือไม่|รึเปล่า|ได้ป่าว)\s*(ครับ|คะ|ค่ะ|คับ|ฮะ|จ้ะ|จ๊ะ|นะคะ|นะครับ)?)$")


# A question left without its question mark: it opens with a word that asks, an
# auxiliary before its subject ("can I", "is there", "does the export"), not a statement
# ("Does not sync", "Would be great", "What a mess", "Что-то сломалось", "Как будто")
_SUBJECT = (r"i|you|we|they|he|she|it|there|this|that|these|those|my|our|your|the|a|an"
            r"|someone|anyone|somebody|anybody")
_ASKS_FIRST = re.compile(
    r"^\W*(?i:(?:how|whats|why|where|which|who|what(?!\s+an?\b))\b"
    rf"|(?:can|could|is|are|does|do|did|should|will|would)\s+(?:{_SUBJECT})\b"
    r"|(?:как(?:ой|ая|ое|ие|им|ую)?|что|почему|зачем|где|сколько|можно)\b(?![-‐])"
    r"(?!\s+(?:будто|только)\b)|(?:есть|нужно)\s+ли\b)")


def asks(sentence: str) -> bool:
    """A sentence that asks: it ends in a question mark or a Thai question particle, or
    opens with a word that asks ("how do I reset my password", "как сбросить пароль")."""
    return bool(_ASKS.search(sentence.rstrip(" .!")) or _ASKS_FIRST.match(sentence))


def sentences(text: str, lang: str) -> list[str]:
    ends = _THAI_SENTENCE_END if lang.split("-")[0] == "th" else SENTENCE_END
    return [s.strip() for s in ends.split(text) if s.strip()]
