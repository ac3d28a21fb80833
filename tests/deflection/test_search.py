"""Search on the sample help center: the right article first, silence when none answers."""

from __future__ import annotations

import unicodedata

import pytest

from deflection.search import MAX_QUERY_CHARS, QueryError
from tests.conftest import FIXTURES


@pytest.mark.parametrize(("query", "lang", "expected"), [
    ("reset password", None, "en/account/reset-your-password.md"),
    ("got charged twice this month", None, "en/billing/request-a-refund.md"),
    ("забыл пароль", None, "ru/account/reset-your-password.md"),
    ("верните деньги за годовой тариф", None, "ru/billing/request-a-refund.md"),
    ("ลืมรหัสผ่าน", None, "th/account/reset-your-password.md"),
    ("ขอใบกำกับภาษี", "th", "th/billing/download-invoices.md"),
])
def test_the_answer_comes_first(engine, query, lang, expected):
    answer = engine.search(query, lang=lang)
    assert answer.answered
    assert answer.results[0].path == expected


def test_unanswerable_questions_get_no_results(engine):
    for query in ["how to make a recurring task that repeats every monday",
                  "kubernetes helm values",
                  "есть ли диаграмма ганта", "มี gantt chart ไหม"]:
        answer = engine.search(query)
        assert not answer.answered and answer.results == [], (query, answer.confidence)


def test_typos_are_tolerated(engine):
    assert engine.search("pasword reset").results[0].path == "en/account/reset-your-password.md"
    assert engine.search("webhok signature").results[0].path in {
        "en/integrations/webhooks.md", "en/troubleshooting/webhook-deliveries-failing.md"}


def test_did_you_mean_corrects_a_misspelt_question(engine):
    answer = engine.search("refnud anual plan")
    assert answer.did_you_mean and "refund" in answer.did_you_mean
    assert answer.corrected and answer.results[0].path == "en/billing/request-a-refund.md"


def test_synonyms_from_the_writers_file(engine):
    # "money back" appears in no article; the synonyms file says it means "refund"
    assert engine.search("money back").results[0].path == "en/billing/request-a-refund.md"


def test_snippets_are_highlighted_and_escaped(make_kb):
    from deflection.site_index import engine_for, index_site
    from kb.settings import load_site

    text = (FIXTURES / "mini/articles/en/billing/invoices.md").read_text()
    config = make_kb(files={"articles/en/billing/invoices.md": text + (
        "\nIf the total shows `<script>alert(1)</script>` & nothing else, reload the page.\n")})
    site = load_site(config)
    index_site(site)
    hit = engine_for(site).search("invoice total reload").results[0]
    assert "<mark" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "<script" not in hit.snippet


def test_nfc_and_nfd_rank_the_same(engine):
    query = "учётная запись удалить"
    nfc = [h.path for h in engine.search(unicodedata.normalize("NFC", query)).results]
    nfd = [h.path for h in engine.search(unicodedata.normalize("NFD", query)).results]
    assert nfc == nfd and nfc


def test_query_syntax_is_just_words(engine):
    plain = [h.path for h in engine.search("title refund").results]
    assert [h.path for h in engine.search("title:refund*").results] == plain


def test_overlong_query_is_refused_clearly(engine):
    with pytest.raises(QueryError, match=f"limit is {MAX_QUERY_CHARS}"):
        engine.search("a" * (MAX_QUERY_CHARS + 1))
