"""A ticket's words as the linker reads them: analysed a chunk or a sentence at a time
through caches (customers reuse few words, and Thai segmentation is the costliest step),
the joined forms of compounds, the words as written, and the words of support mail that
say nothing about which article answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from deflection import analysis

MAX_SENTENCE = 1000
BODY_CHARS = 4000  # distinct body sentences are analysed up to this many characters


_WORD = re.compile(analysis.WORD)
# where a phrasal verb's two words may follow each other (a word, then a particle): the
# verb is matched alone, so that a particle may be the next pair's verb ("back" in "come
# back up")
_PHRASAL_PAIR = re.compile(rf"(?i)\b([a-z]+)(?=\W+({'|'.join(sorted(analysis.PARTICLES))})\b)")


@lru_cache(maxsize=500_000)
def chunk_terms(chunk: str, lang: str) -> tuple[str, ...]:
    return tuple(analysis.terms(chunk, lang))


def terms(text: str, lang: str) -> list[str]:
    """`analysis.terms`, a space-separated chunk at a time through a cache. The same
    terms: no token spans a space (Thai is segmented a run of Thai letters at a time),
    and every filter but the English phrasal verbs' sees one token; those are joined
    here across the space ("log in" → also "login"). Customers reuse few words, so the
    cache saves most of the analysis, Thai segmentation above all."""
    if lang.split("-")[0] == "en" and any(
            analysis.phrasal(m.group(1), m.group(2)) for m in _PHRASAL_PAIR.finditer(text)):
        return _terms_joining_phrasal_verbs(text, lang)
    out: list[str] = []
    for chunk in text.split():
        out.extend(chunk_terms(chunk, lang))
    return out


def _terms_joining_phrasal_verbs(text: str, lang: str) -> list[str]:
    out: list[str] = []
    last = None  # the last word of the chunks before
    for chunk in text.split():
        words = _WORD.findall(chunk)
        if words and last is not None and (joined := analysis.phrasal(last, words[0])):
            out.extend(chunk_terms(joined, lang))
        last = words[-1] if words else last
        out.extend(chunk_terms(chunk, lang))
    return out


@lru_cache(maxsize=200_000)
def sentence_terms(sentence: str, lang: str) -> tuple[str, ...]:
    return tuple(terms(sentence, lang))


_THAI = re.compile("[\u0e00-\u0e7f]")


def joined_terms(text: str, lang: str) -> set[str]:
    """The joined forms of the compounds in `text`: where a word gives several terms
    (X-Forwarded-For → x, forward, xforwardedfor), the longest when it holds the others.
    Thai is left out: a run of Thai letters gives several words, not a compound."""
    out: set[str] = set()
    for chunk in text.split():
        # a plain word (letters, no capital inside) is never split
        if (chunk.isalpha() and chunk[1:].islower()) or _THAI.search(chunk):
            continue
        found = list(dict.fromkeys(chunk_terms(chunk, lang)))
        if len(found) < 2:
            continue
        whole = max(found, key=len)
        parts = [t for t in found if t != whole]
        # parts are stems ("proxi" in "proxycach"): all but their last letter must be there
        if all(p[: max(1, len(p) - 1)] in whole for p in parts):
            out.add(whole)
    return out


def written(text: str, lang: str, wanted: set[str]) -> dict[str, str]:
    """A word of `text` for each of the `wanted` terms, as it was written (the search
    would take a stem for a misspelling and correct it)."""
    out: dict[str, str] = {}
    for chunk in text[:BODY_CHARS].split():
        for term in chunk_terms(chunk, lang):
            if term in wanted and term not in out:
                out[term] = chunk
        if len(out) == len(wanted):
            break
    return out


def analysed(text: str, lang: str, budget: int | None = None) -> list[str]:
    """Terms of a text, sentence by sentence: a sentence said twice is read once, and
    analysis is cached, since tickets repeat greetings, signatures and pasted errors
    (Thai segmentation is the costliest step). With a `budget`, distinct sentences are
    read up to that many characters, so a 10 MB body costs what a long e-mail does."""
    out: list[str] = []
    seen: set[str] = set()
    used = 0
    for sentence in analysis.SENTENCE_END.split(text):
        sentence = sentence.strip()
        if not sentence or sentence in seen:
            continue
        seen.add(sentence)
        out.extend(sentence_terms(sentence[:MAX_SENTENCE], lang))
        used += len(sentence)
        if budget is not None and used >= budget:
            break
    return out


# A sentence that asks has analysis.TELLING_WORDS words that tell the help center's
# articles apart, as the search reads a long question ("I can't get it to work" has none).
# Words of support mail that say nothing about which article answers: greetings, thanks,
# pleas for help, "problem", "question". A subject of nothing else ("Need help",
# "Вопрос", "สอบถามค่ะ") leaves the body's first sentence that asks to be the question.
TICKET_NOISE = {
    "en": "hi hello hey dear sir madam team support help helps helping need needs needed please "
          "pls plz kindly assist assistance advise urgent asap problem problems issue issues "
          "question questions query request inquiry enquiry trouble thanks thank thx regards "
          "appreciate appreciated wondering "
          # what a web form or a mail channel puts as the subject: "Contact form submission",
          # "New message from website", "Feedback"
          "contact form submission submitted message new website web site feedback general "
          "ticket case customer",
    "ru": "здравствуйте привет добрый день утро вечер уважаемый уважаемая коллеги команда "
          "поддержка помощь помогите помочь нужна нужно нужен пожалуйста подскажите срочно "
          "срочный проблема проблемы вопрос вопросы обращение спасибо благодарю заранее "
          "сообщение новое новый заявка форма обратной связи сайт сайта с отзыв",
    "th": "สวัสดี ค่ะ ครับ คะ นะคะ นะครับ ทีมงาน ช่วย ช่วยด้วย หน่อย รบกวน ขอ ความช่วยเหลือ "
          "ขอความช่วยเหลือ ด่วน ปัญหา สอบถาม ติดต่อ ขอบคุณ ข้อความ ใหม่ แบบฟอร์ม เว็บไซต์ "
          "คำติชม",
}


def question_of(body: str, lang: str, telling: Callable[[tuple[str, ...]], int]) -> str | None:
    """The sentence of `body` that is its question, when its subject says nothing: the
    first that asks and says something (`telling(terms)`: how many of a sentence's terms
    tell articles apart) is, else the first that says more. "how do I connect
    postgresql?" says one thing where most articles speak of connecting, and "I have been
    trying for ages" two; a sentence that does not ask must say two ("I can't get it to
    work" says one)."""
    said: dict[str, int] = {}  # each sentence scored once, and only when reached

    def says(sentence: str) -> int:
        if sentence not in said:
            said[sentence] = telling(sentence_terms(sentence[:MAX_SENTENCE], lang))
        return said[sentence]

    sentences = analysis.sentences(body, lang)
    asking = [s for s in sentences if analysis.asks(s)]
    enough = analysis.TELLING_WORDS
    for group, needed in ((asking, enough), (asking, 1), (sentences, enough)):
        for sentence in group:
            if says(sentence) >= needed:
                return sentence
    return None


@cache
def ticket_noise(lang: str) -> frozenset[str]:
    words = TICKET_NOISE.get(lang.split("-")[0], "")
    return frozenset(t for w in words.split() for t in analysis.terms(w, lang))
