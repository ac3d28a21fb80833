"""The customer's own words (web address, order number, introduction) leave a question only
when what remains still tells articles apart."""

from __future__ import annotations

import pytest

from deflection import analysis
from deflection.own_words import question_part

# A help center that knows these terms; the rare ones tell its articles apart
KNOWN = {"reset", "password", "pageview", "show", "error", "plausibleio", "pihol", "404",
         "export", "csv", "fail", "сброс", "парол", "верс", "постав", "сервер", "нужн",
         "รีเซ็ต", "รหัสผ่าน"}
TELLING = KNOWN - {"show", "error", "fail"}


def part(text: str, lang: str = "en") -> str:
    return " ".join(question_part(text, lang, KNOWN.__contains__, TELLING.__contains__).split())


@pytest.mark.parametrize(("question", "lang", "expected"), [
    ("reset password on https://www.mysite-example.com/blog/post-1?x=1", "en",
     "reset password on"),
    ("reset password on www.norvella.com", "en", "reset password on"),
    ("reset password for shop.norvella.co.uk/checkout", "en", "reset password for"),
    ("reset password (order #48213)", "en", "reset password (order )"),
    ("сброс пароля, заказ №7741023", "ru", "сброс пароля, заказ"),
    ("This is Tom Kowalczyk at Norvella Inc. How do I reset my password?", "en",
     "How do I reset my password?"),
    ("Меня зовут Ольга Смирнова, компания Брайтвейв. Как сделать сброс пароля?", "ru",
     "Как сделать сброс пароля?"),
])
def test_the_customers_own_parts_leave_the_question(question, lang, expected):
    assert part(question, lang) == expected


@pytest.mark.parametrize(("question", "lang"), [
    # what the help center names is the product's: its hosts and its numbers
    ("pageviews missing on https://plausible.io/js/script.js and reset", "en"),
    ("pageviews missing on docs.plausible.io/x and reset", "en"),
    ("http://pi.hole/admin shows 404", "en"),
    # with the part gone, one word would hold the whole question: it stays as written
    ("error 1603", "en"),
    ("export fails on https://www.mysite-example.com", "en"),
    # a lower-case word the help center lacks is the question's, not a name
    ("можно поставить на свой сервер? Нужна коробочная версия.", "ru"),
    # a sentence that asks stays, and so does a question of one sentence
    ("Is Norvella Inc supported? Reset password.", "en"),
    ("Kowalczyk Norvella reset password", "en"),
    # Thai writes no capitals: a name cannot be told from a missing word
    ("ผมชื่อธนากรจากนอร์เวลล่า รีเซ็ตรหัสผ่านยังไง", "th"),
])
def test_what_the_question_needs_stays(question, lang):
    assert question_part(question, lang, KNOWN.__contains__, TELLING.__contains__) == question


def test_the_host_pattern_takes_linear_time():
    """"a." repeated once took seconds with an unbounded host pattern (quadratic); bounded,
    a run of 40,000 characters is read as quickly as a question (unbounded: a minute)."""
    text = "reset password " + "a." * 20_000
    assert question_part(text, "en", KNOWN.__contains__, TELLING.__contains__) == text
    assert analysis.terms("a.a", "en")  # the run is words, not an address
