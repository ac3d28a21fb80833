"""Ticket text made plain: HTML, quoted replies, signatures; dates; languages; tags."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.gaps.normalise import (
    _TextExtractor,
    clean_subject,
    clean_text,
    html_to_text,
    language_code,
    parse_datetime,
    split_tags,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>Hello&nbsp;there &amp; <b>welcome</b></p>", "Hello there & welcome"),
        ("<div>one</div><div>two</div>", "one two"),
        ("Plain text, a < b and c > d", "Plain text, a < b and c > d"),  # not HTML: kept
        ("Tweet with &amp; entity", "Tweet with & entity"),
        ("<p>Question?</p><blockquote>old message</blockquote>", "Question?"),
        ('<div>New</div><div class="gmail_quote">On Mon wrote: old</div>', "New"),
        ("<p>Hi<script>alert(1)</script><style>p{}</style></p>", "Hi"),
        ("<p>unclosed <b>bold <i>italic", "unclosed bold italic"),
        ("<div><p>a</div>b", "a b"),  # an end tag closes what is still open inside it
        ("", ""),
        (None, ""),
    ],
)
def test_html_and_entities(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Help!\n\nOn Mon, 14 Jul 2025 at 15:42, Ann <a@example.com> wrote:\n> old", "Help!"),
        ("Help!\nOn Mon, 14 Jul 2025 at 15:42, Ann Lee <a@example.com>\nwrote:\n> old", "Help!"),
        ("Help!\n-----Original Message-----\nFrom: x", "Help!"),
        ("Help!\nFrom: Support <s@example.com>\nSent: Monday\nTo: me", "Help!"),
        ("Помогите\n\n14 июл. 2025 г., в 15:42, Анна <a@example.com> пишет:\n> старое", "Помогите"),
        ("Помогите\nИван Петров писал(а):\n> старое", "Помогите"),
        ("ช่วยด้วย\nเมื่อ 14 ก.ค. 2568 Ann <a@example.com> เขียนว่า:\n> เก่า", "ช่วยด้วย"),
        ("first\n> quoted line\nsecond", "first second"),
        ("Question\n-- \nAnn Lee\nCEO", "Question"),
        ("Question\n\nSent from my iPhone", "Question"),
        ("Question\n\nОтправлено с iPhone", "Question"),
        ("Question\n\nส่งจาก iPhone ของฉัน", "Question"),
        ("Question\n\nBest regards,\nAnn Lee\n+1 555 010 4477", "Question"),
        ("Вопрос\n\nС уважением,\nИван", "Вопрос"),
        ("คำถาม\nขอบคุณครับ\nสมชาย", "คำถาม"),
        # A closing word as the first line, or followed by a long text, is content.
        ("Thanks!\nThe export fails.", "Thanks! The export fails."),
        ("Help\nThanks,\n" + "\n".join("abcdefgh"), "Help Thanks, " + " ".join("abcdefgh")),
        # A greeting on the first line goes; one with more to say, or alone, stays.
        ("Hello support team,\n\nThe export fails.", "The export fails."),
        ("Dear Sir or Madam,\nThe export fails.", "The export fails."),
        ("Здравствуйте!\nНе работает экспорт.", "Не работает экспорт."),
        ("Добрый день, коллеги!\nНе работает экспорт.", "Не работает экспорт."),
        ("สวัสดีค่ะทีมงาน\nลืมรหัสผ่าน", "ลืมรหัสผ่าน"),
        ("Hi, the export fails since Monday\nFix it", "Hi, the export fails since Monday Fix it"),
        ("Hi 2FA not working\nsince Monday", "Hi 2FA not working since Monday"),
        ("Hello world app crashes\non start", "Hello world app crashes on start"),
        ("Hello Anna!\nThe export fails.", "The export fails."),
        ("Здравствуйте, не работает экспорт\nс понедельника",
         "Здравствуйте, не работает экспорт с понедельника"),
        ("Уважаемые коллеги, экспорт сломался\nсрочно",
         "Уважаемые коллеги, экспорт сломался срочно"),
        ("เรียนรู้การใช้งานไม่ได้\nช่วยด้วย", "เรียนรู้การใช้งานไม่ได้ ช่วยด้วย"),
        ("Hi team,", "Hi team,"),
    ],
)  # fmt: skip
def test_quotes_and_signatures_dropped(raw, expected):
    assert clean_text(raw) == expected


def test_html_email_with_signature_and_quote():
    body = (
        "<div>Hi,</div><div>The invoice is wrong.</div><br><div>Best regards,</div>"
        "<div>Ann</div><blockquote>earlier</blockquote>"
    )
    assert clean_text(body) == "The invoice is wrong."  # "Hi," is a greeting


def test_html_to_text_never_raises_on_garbage():
    assert html_to_text("<<<>>></div></p><a href='x") is not None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015-07-19T22:44:20Z", dt.datetime(2015, 7, 19, 22, 44, 20, tzinfo=UTC)),
        ("2011-12-15T15:35:06.000+1300", dt.datetime(2011, 12, 15, 2, 35, 6, tzinfo=UTC)),
        ("2021-04-09 12:26:56", dt.datetime(2021, 4, 9, 12, 26, 56, tzinfo=UTC)),
        ("2026-07-14 15:42:09 +0200", dt.datetime(2026, 7, 14, 13, 42, 9, tzinfo=UTC)),
        ("2025-07-14", dt.datetime(2025, 7, 14, tzinfo=UTC)),
        ("14/Jul/25 3:42 PM", dt.datetime(2025, 7, 14, 15, 42, tzinfo=UTC)),
        ("01/Dec/2025 12:05 AM", dt.datetime(2025, 12, 1, 0, 5, tzinfo=UTC)),
        ("14/Jul/25", dt.datetime(2025, 7, 14, tzinfo=UTC)),
        ("14/июл/25 15:42", dt.datetime(2025, 7, 14, 15, 42, tzinfo=UTC)),
        ("01/мая/26 9:05", dt.datetime(2026, 5, 1, 9, 5, tzinfo=UTC)),
        (1437345860, dt.datetime(2015, 7, 19, 22, 44, 20, tzinfo=UTC)),
        ("1437345860", dt.datetime(2015, 7, 19, 22, 44, 20, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_dates(raw, expected):
    assert parse_datetime(raw) == expected


def test_date_with_format():
    assert parse_datetime("14.07.2025 15:42", "%d.%m.%Y %H:%M") == dt.datetime(
        2025, 7, 14, 15, 42, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="does not match the date format"):
        parse_datetime("2025-07-14", "%d.%m.%Y")


@pytest.mark.parametrize("raw", ["yesterday", "14/Foo/25 3:42 PM", "32/13/2025", True])
def test_bad_dates_say_what_is_expected(raw):
    with pytest.raises(ValueError, match="not"):
        parse_datetime(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("en-US", "en"), ("pt_BR", "pt"), ("RU", "ru"), ("th", "th"), ("Russian", "ru"),
        ("Русский", "ru"), ("ไทย", "th"), ("English", "en"), ("rus", "ru"), ("", None),
        ("Klingon", None), (None, None), (42, None),
    ],
)  # fmt: skip
def test_language_codes(raw, expected):
    assert language_code(raw) == expected


def test_tags():
    assert split_tags("a, b,,a ,c") == ("a", "b", "c")
    assert split_tags(["x", "", None, "y"]) == ("x", "y")
    assert split_tags([{"id": 1, "tag": "vip"}, {"tag": "refund"}]) == ("vip", "refund")
    assert split_tags("a;b", ";") == ("a", "b")
    assert split_tags(None) == ()


_TEXT = st.lists(
    st.sampled_from(
        ["a", "b", " ", "й", "ไ", "&", ";", "&amp;", "&lt;", "&nbsp;", "x > y", "a < b", "<"]
    ),
    max_size=6,
).map("".join)
_FRAGMENT = st.recursive(
    _TEXT,
    lambda inner: (
        st.builds(
            lambda tag, style, body: f"<{tag}{style}>{body}</{tag}>",
            st.sampled_from(["p", "div", "span", "b", "li", "td", "font", "a"]),
            st.sampled_from(["", ' style="color:red"', ' href="https://x.example.com/?a=1&b=2"']),
            inner,
        )
        | st.lists(inner, max_size=3).map("<br>".join)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(_FRAGMENT)
def test_fast_html_path_reads_like_the_parser(fragment):
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    by_parser = "".join(parser.parts).replace("\xa0", " ")
    assert " ".join(html_to_text(fragment).split()) == " ".join(by_parser.split())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Outlook \x1b[31mRED\x1b[0m sync \x07 broken", "Outlook RED sync broken"),
        ("pass\x1b[1mword\x1b[m reset", "password reset"),  # a styled part of a word
        ("\x1b]0;window title\x07export fails", "export fails"),
        ("charset\x1b(B switch\x9b31m red", "charset switch red"),
        ("nul\x00byte and\x7fdelete", "nul byte and delete"),
        ("Привет\x1b[0m, ยินดี", "Привет, ยินดี"),
    ],
)
def test_terminal_escapes_and_control_characters_leave_no_words(raw, expected):
    assert clean_subject(raw) == expected
    assert clean_text(raw) == expected


def test_an_unterminated_terminal_title_takes_no_more_than_its_line():
    assert clean_text("\x1b]0;my title\nHow do I export a project?") == \
        "How do I export a project?"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Re: Fwd: export fails", "export fails"),
        ("RE[2]: RE: export fails", "export fails"),
        ("[EXTERNAL] AW: Passwort vergessen", "Passwort vergessen"),
        ("Ответ: не работает экспорт", "не работает экспорт"),
        ("ตอบกลับ: ลืมรหัสผ่าน", "ลืมรหัสผ่าน"),
        # words that only start like a marker stay
        ("Regarding: export", "Regarding: export"),
        ("Retention policy", "Retention policy"),
        ("Re:", ""),  # nothing else: the import falls back to the body's first words
    ],
)
def test_reply_and_forward_markers_leave_the_subject(raw, expected):
    """"re" and "fwd" were the commonest words of a thread's subjects, and no article's."""
    assert clean_subject(raw) == expected
