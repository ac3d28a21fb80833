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


def test_rank_lists_the_first_articles_where_search_stays_silent(engine):
    """`rank` (for kb gaps) shows what the search would put first and how sure it is,
    also below the confidence that answers; no snippets, the spelling corrected."""
    query = "how to make a recurring task that repeats every monday"
    ranked = engine.rank(query, limit=3)
    assert engine.search(query).results == [] and len(ranked.results) == 3
    assert ranked.results[0].confidence < engine.min_confidence
    assert [h.snippet for h in ranked.results] == ["", "", ""]
    assert engine.rank("pasword reset").results[0].path == "en/account/reset-your-password.md"
    assert engine.rank("x" * 10_000).query == "x" * MAX_QUERY_CHARS  # cut, not refused


STORY = ("Hi team, we have used the app at our small company for about two years and it mostly "
         "worked well. Last weekend we moved our accounts to a new office and a colleague who "
         "set everything up left the company, so now I am trying to figure it out myself. "
         "I already looked through the forum and older threads without luck. ")


RUN_ON = ("so last weekend my daughter dropped my old phone in the pool at the hotel during our "
          "family vacation and I bought a new phone and now the app asks for the authenticator "
          "code and I never saved any backup codes, how do I get back in?")


@pytest.mark.parametrize(("question", "asks", "expected"), [
    (STORY + "How do I reset my password? I tried twice already. Thanks!", True,
     "en/account/reset-your-password.md"),
    (STORY + "I forgot my password and need to reset it. Thanks!", False,
     "en/account/reset-your-password.md"),
    # one sentence asks, and it holds more than 16 terms: its telling words
    (RUN_ON, False, "en/account/lost-2fa-device.md"),
    # many sentences ask: their telling words, not the first 16 ("what about 3")
    (" ".join(f"what about step {i} here?" for i in range(30)) + " how do I reset my password?",
     False, "en/account/reset-your-password.md"),
])
def test_a_question_told_as_a_story_is_still_answered(engine, question, asks, expected):
    """More than MAX_TERMS terms: the sentence that asks is read whole, then the words
    that tell articles apart; once only the first 16 terms were read (all story)."""
    from deflection import analysis

    assert len(set(analysis.terms(question, "en"))) > 16
    answer = engine.search(question)
    assert answer.results[0].path == expected, answer
    assert answer.did_you_mean is None  # a long question's spelling is not retyped
    if asks:  # the context counts half: the question's own words decide
        told = question.replace("How do I reset my password?", "I must reset my password.")
        assert answer.confidence > engine.search(told).confidence


def test_a_short_question_of_many_small_words_still_gets_did_you_mean(engine):
    """25 words but 4 terms is no long question: its misspelling is corrected, whole."""
    question = ("hi there, how do I reset my pasword if I can not get into it and it is not "
                "working for me at all now")
    answer = engine.search(question)
    assert answer.did_you_mean is not None and "password" in answer.did_you_mean
    assert answer.did_you_mean.endswith("at all now")
    assert answer.results[0].path == "en/account/reset-your-password.md"


@pytest.mark.parametrize(("plain", "polite", "expected"), [
    ("how do I reset my password", "hi, how do I reset my password? thanks",
     "en/account/reset-your-password.md"),
    ("не могу восстановить пароль", "Здравствуйте, не могу восстановить пароль, спасибо",
     "ru/account/reset-your-password.md"),
    ("ลืมรหัสผ่าน", "สวัสดีค่ะ ลืมรหัสผ่านค่ะ ขอบคุณค่ะ", "th/account/reset-your-password.md"),
])
def test_a_polite_question_is_as_answered_as_a_plain_one(engine, plain, polite, expected):
    """"hi", "please" and "thanks" are no article's words: they once counted in the share of
    the question an article must hold, and a polite question went unanswered. (The meaning
    reads the greeting too: where it re-ranks, the confidences may differ a little.)"""
    bare, kind = engine.search(plain), engine.search(polite)
    assert kind.answered and kind.results[0].path == expected
    assert kind.confidence == pytest.approx(bare.confidence, abs=0.02)


def test_an_email_address_in_a_question_is_no_articles_word(engine):
    """An address says nothing about which article answers; counted, its two unknown
    words took the question's confidence under the threshold. Numbers stay: a dotted quad
    may be a version, "401 403" what an article is about."""
    bare = engine.search("reset my password")
    question = "reset my password for jane.doe@example.com"
    answer = engine.search(question)
    assert answer.answered and answer.results[0].path == "en/account/reset-your-password.md"
    assert answer.confidence == pytest.approx(bare.confidence)
    assert answer.query == question  # the answer echoes the question as typed
    errors = engine.search("webhook returns 401 403").results
    assert errors and errors[0].path == "en/troubleshooting/webhook-deliveries-failing.md"


@pytest.mark.parametrize("question", [
    "This is Tom Kowalczyk at Norvella Inc. How do I reset my password?",
    "reset my password, account 7741023",
])
def test_an_introduction_or_an_identifier_does_not_sink_the_answer(engine, question):
    """Their names and their account number weighed in the question as words a missing
    article lacks: the answer went."""
    answer = engine.search(question)
    assert answer.answered and answer.results[0].path == "en/account/reset-your-password.md"
    assert answer.confidence == pytest.approx(engine.search("reset my password").confidence)


def test_an_unknown_sites_web_address_counts_as_one_word(engine):
    """Its scheme, host and path were many words the articles lack; now it is one, as the
    site's name would be."""
    answer = engine.search("reset my password on https://www.mysite-example.com/blog/post-1")
    assert answer.answered and answer.results[0].path == "en/account/reset-your-password.md"
    assert answer.confidence == pytest.approx(engine.search(
        "reset my password on mysiteexample").confidence)
    assert engine.search("import my boards from clickup.com").confidence == pytest.approx(
        engine.search("import my boards from clickup").confidence)


@pytest.mark.parametrize(("question", "without"), [
    ("My name is Sarah and I cannot reset my password. The desktop app is also slow.",
     "and I cannot reset my password. The desktop app is also slow."),
    ("Jenna here, SAML SSO login fails with Okta. Also the desktop app is slow.",
     "SAML SSO login fails with Okta. Also the desktop app is slow."),
])
def test_an_introduction_goes_and_its_sentence_stays(engine, question, without):
    answer, bare = engine.search(question), engine.search(without)
    assert answer.results[0].path == bare.results[0].path
    assert answer.confidence == pytest.approx(bare.confidence)


@pytest.mark.parametrize(("question", "as_one"), [
    ("error 1603", None),  # left alone, "error" would hold the whole question
    ("invoice shows 2023 instead of 2024", None),
    # the setup no article covers is what the question is about
    ("I'm on Linux Mint. The desktop app won't install.",
     "I'm on Linux Mint, the desktop app won't install"),
])
def test_what_says_which_article_is_missing_stays(engine, question, as_one):
    answer = engine.search(question)
    assert answer.confidence < 0.5
    if as_one:
        assert answer.confidence == pytest.approx(engine.search(as_one).confidence)


def test_typos_are_tolerated(engine):
    assert engine.search("pasword reset").results[0].path == "en/account/reset-your-password.md"
    assert engine.search("webhok signature").results[0].path in {
        "en/integrations/webhooks.md", "en/troubleshooting/webhook-deliveries-failing.md"}


def test_did_you_mean_corrects_a_misspelt_question(engine):
    answer = engine.search("refnud anual plan")
    assert answer.did_you_mean and "refund" in answer.did_you_mean
    assert answer.corrected and answer.results[0].path == "en/billing/request-a-refund.md"


def test_a_number_is_never_corrected_to_the_articles_nearest(make_kb):
    """"Did you mean … 31.01.2019?" for a customer's 31.01.2024 (an article's date)."""
    from deflection.search import SearchEngine
    from deflection.site_index import index_site
    from kb.settings import load_site

    config = make_kb(files={"articles/en/billing/invoices.md": (
        FIXTURES / "mini/articles/en/billing/invoices.md").read_text(encoding="utf-8")
        + "\nInvoices issued before 31.01.2019 are in the archive.\n"})
    config.write_text(config.read_text().replace(
        "      languages: [en, ru]", "      languages: [en, ru]\n      semantic: false"))
    index_site(load_site(config))
    engine = SearchEngine(config.parent / "index", ["en", "ru"], semantic=False)
    assert engine.search("invoices before 31.01.2019").results[0].path == "en/billing/invoices.md"
    answer = engine.search("invoices before '31.01.2024' in the archive", lang="en")
    assert answer.did_you_mean is None and answer.results[0].path == "en/billing/invoices.md"


def test_synonyms_from_the_writers_file(engine):
    # "money back" appears in no article; the synonyms file says it means "refund"
    assert engine.search("money back").results[0].path == "en/billing/request-a-refund.md"


def test_a_synonyms_file_with_an_impossible_date_names_its_line(tmp_path):
    from deflection.synonyms import SynonymsError, read

    file = tmp_path / "en.yml"
    file.write_text("- [invoice, receipt]\n- [2026-31-10, launch day]\n")
    with pytest.raises(SynonymsError, match=r"en\.yml:2: not valid YAML \('2026-31-10' is not"):
        read(file)


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


def test_array_scoring_equals_whooshs_bm25f(engine):
    """The numpy scorer (deflection.ranking) gives every document Whoosh's own BM25F score."""
    from whoosh import scoring
    from whoosh.query import Or, Term

    from deflection.plan import TEXT_FIELDS
    from deflection.search import Answer

    for query, lang in [("reset password", "en"), ("refund twice charged invoice", "en"),
                        ("удалить учётную запись", "ru"), ("pasword", "en")]:
        searcher, postings = engine._searcher(lang)
        plan = engine._plan(searcher, postings, query, lang)
        ours, _, _ = engine._score(searcher, postings, plan, Answer(query, lang))
        clauses = [Or([Term(f, t, boost=max(c for _, c in credits)) for f in TEXT_FIELDS])
                   for t, credits in plan.stands_for.items()]
        clauses += [Term("morph", t, boost=max(c for _, c in credits))
                    for t, credits in plan.morphs.items() if t not in plan.stands_for]
        weighting = scoring.BM25F(B=0.75, K1=1.2, title_B=0.3, keywords_B=0.3, tags_B=0.0)
        with engine._indexes[lang].searcher(weighting=weighting) as whoosh:
            theirs = {hit.docnum: hit.score for hit in whoosh.search(Or(clauses), limit=None)}
        assert theirs, query
        assert set(theirs) == {int(d) for d in ours.nonzero()[0]}, query
        for docnum, score in theirs.items():
            assert ours[docnum] == pytest.approx(score, rel=1e-6), (query, docnum)


def test_a_search_out_of_time_answers_from_what_it_scored(engine, monkeypatch):
    import deflection.search

    monkeypatch.setattr(deflection.search, "TIME_LIMIT_S", 0.0)
    answer = engine.search("reset password invoice refund")
    assert answer.timed_out and answer.results == []


def test_snippets_mark_every_form_of_the_words():
    from deflection.snippets import snippet

    text = ("Intro line. " * 40 + "Resetting your <b>password</b> sends a reset link. "
            + "Filler words here. " * 40 + "Passwords expire after 90 days.")
    out = snippet(text, {"reset", "password"}, "en")
    assert '<mark class="kb-hit kb-term0">Resetting</mark>' in out
    assert '<mark class="kb-hit kb-term1">password</mark>' in out
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert out.count("...") == 1 and "Passwords</mark>" in out  # two passages
    assert snippet(text, {"invoic"}, "en") == ""


def test_snippets_in_russian_and_thai():
    from deflection.snippets import snippet

    assert "<mark" in snippet("Удалите учётную запись в настройках.", {"учетн"}, "ru")
    assert '<mark class="kb-hit kb-term0">รหัสผ่าน</mark>' in snippet(
        "หากคุณลืมรหัสผ่าน ให้กดลิงก์", {"รหัสผ่าน"}, "th")


def test_typos_with_swapped_letters_count_as_one_edit():
    from deflection.ranking import Lexicon

    lexicon = Lexicon(["history", "histories", "hist", "mystery", "export"])
    assert lexicon.within("hitsory", 1) == [("history", 1)]
    assert lexicon.within("history", 1) == []  # the word itself is not a correction


def test_the_posting_cache_stays_within_its_bound(make_kb, monkeypatch):
    import deflection.ranking
    from deflection.site_index import engine_for, index_site
    from kb.settings import load_site

    monkeypatch.setattr(deflection.ranking, "CACHE_POSTINGS", 5)
    site = load_site(make_kb())
    index_site(site)
    engine = engine_for(site)
    first = [h.path for h in engine.search("invoice refund duplicate charges").results]
    for query in ["reset password", "export data", "invoice refund duplicate charges"]:
        engine.search(query)
    postings = engine._searcher("en")[1]
    assert postings._cached <= 5 or len(postings._cache) == 1
    # evicted lists are read again, with the same answer
    assert [h.path for h in engine.search("invoice refund duplicate charges").results] == first


def test_stored_fields_are_cached_within_their_bound_and_one_build(make_kb, monkeypatch):
    import deflection.ranking
    from deflection.site_index import engine_for, index_site
    from kb.settings import load_site

    monkeypatch.setattr(deflection.ranking, "CACHE_STORED", 2)
    config = make_kb()
    site = load_site(config)
    index_site(site)
    engine = engine_for(site)
    for query in ["refund", "download invoices", "billing refund invoices"]:
        engine.search(query)
    assert len(engine._searcher("en")[1]._stored) == 2
    first = engine.search("request a refund").results[0]
    assert first.title == "Request a refund"
    # a rebuild with a new title: the new build's answer shows it, not a cached copy
    article = config.parent / "articles" / first.path
    article.write_text(article.read_text(encoding="utf-8").replace(
        "title: Request a refund", "title: Request a refund of a payment"), encoding="utf-8")
    index_site(load_site(config))
    engine.refresh()
    assert engine.search("request a refund").results[0].title == "Request a refund of a payment"


def test_loanwords_customers_type_find_the_articles_words():
    from deflection import analysis, synonyms

    thai = synonyms.load(None, "th")
    query = analysis.terms("แชร์ dashboard ให้เพื่อน", "th")
    assert ((query.index("dashboard"),), ("แดชบอร์ด",)) in thai.expand(query)
    # one way: the articles' own word is not widened to English (file names, code)
    assert thai.expand(analysis.terms("แดชบอร์ด", "th")) == []
    russian = synonyms.load(None, "ru")
    assert any(word == ("дашборд",) for _, word in russian.expand(["dashboard"]))
    assert synonyms.load(None, "en").expand(["dashboard"]) == []


def test_a_russian_inflection_finds_the_article(make_kb):
    """"окон" (genitive plural) and "окно" share no Snowball stem ("окон", "окн"), and the
    word is too short for typo matching; the lemma joins them."""
    from deflection.site_index import engine_for, index_site
    from kb.settings import load_site

    config = make_kb(files={"articles/ru/billing/trial.md": (
        "---\ntitle: Пробный период\n---\n\nСрок виден в окне настроек тарифа.\n")})
    site = load_site(config)
    index_site(site)
    answer = engine_for(site).search("сколько окон", lang="ru")
    assert [h.path for h in answer.results][:1] == ["ru/billing/trial.md"]


def test_a_listing_page_does_not_outrank_the_pages_it_lists(make_kb):
    """A page of sections each headed by a link to another page (a function reference)
    holds every listed page's words; the page the question is about comes first."""
    from deflection.site_index import engine_for, index_site
    from kb.settings import load_site

    listing = "---\ntitle: All functions\n---\n\nEvery function of formulas.\n\n" + "".join(
        f"## [{name}]({name.lower()}.md)\n\n{text}\n\n#### Example\n\n```\n{name}(x)\n```\n\n"
        for name, text in [
            ("TRIM", "Removes the spaces at the start and end of a string."),
            ("LEN", "Counts the characters of a string and returns its length."),
            ("UPPER", "Returns the string in capital letters."),
        ])
    config = make_kb(files={
        "articles/en/functions/all.md": listing,
        "articles/en/functions/trim.md": (
            "---\ntitle: TRIM\n---\n\nRemoves the spaces at the start and end of a string."
            "\n\n## Example\n\n`TRIM(\"  a  \")` returns `\"a\"`.\n"),
        "articles/en/functions/len.md": (
            "---\ntitle: LEN\n---\n\nCounts the characters of a string and returns its "
            "length.\n"),
    })
    site = load_site(config)
    index_site(site)
    engine = engine_for(site)
    question = "remove spaces at the start of a string before counting its length in capital"
    paths = [h.path for h in engine.search(question).results]
    assert paths[0] == "en/functions/trim.md"
    # the listing is still found by its own words and the names it lists
    assert engine.search("all functions").results[0].path == "en/functions/all.md"


def test_template_syntax_is_not_indexed_or_shown(make_kb):
    from deflection.site_index import engine_for, index_site
    from kb.settings import load_site

    config = make_kb(files={"articles/en/billing/export.md": (
        "---\ntitle: Export invoices from {{ product-name }}\n---\n\n"
        "{% note info %}\n\nExports include every invoice.\n\n{% endnote %}\n\n"
        "{% cut \"Spreadsheet columns\" %}\n\nDate, amount.\n\n{% endcut %}\n")})
    site = load_site(config)
    index_site(site)
    engine = engine_for(site)
    hit = engine.search("export invoices").results[0]
    assert (hit.path, hit.title) == ("en/billing/export.md", "Export invoices from")
    assert engine.search("spreadsheet columns").results[0].path == "en/billing/export.md"
    assert engine.search("product name endnote").results == []


def test_a_page_answering_in_one_section_outranks_words_scattered_over_many(
        make_kb, monkeypatch):
    """The reference holds every word of the question, each in another section; the
    delivery log holds most of them in one place."""
    import deflection.search
    from deflection.site_index import engine_for, index_site
    from kb.settings import load_site

    config = make_kb(files={
        "articles/en/billing/reference.md": (
            "---\ntitle: Reference\n---\n\n## Retries\n\nWebhooks retry failed deliveries."
            "\n\n## Money\n\nInvoices use the currency of the workspace.\n\n## Storage\n\n"
            "Old invoices move to the archive after a year.\n"),
        "articles/en/billing/webhooks.md": (
            "---\ntitle: Delivery log\n---\n\nWhen webhooks fail, each delivery of an invoice "
            "event is retried.\n"),
    })
    site = load_site(config)
    index_site(site)
    engine = engine_for(site)
    question = "failed webhooks for an invoice in the archive"
    assert engine.search(question).results[0].path == "en/billing/webhooks.md"
    monkeypatch.setattr(deflection.search, "SECTION_WEIGHT", 0.0)
    assert engine.search(question).results[0].path == "en/billing/reference.md"


def test_the_questions_own_word_forms_decide_between_equal_pages(make_kb, monkeypatch):
    """Both pages hold the same stems once ("configur", "proxi"): the ranking ties, and
    the page spelling the question's words as the customer did comes first."""
    import deflection.search
    from deflection.site_index import engine_for, index_site
    from kb.settings import load_site

    config = make_kb(files={
        "articles/en/network/a-setup.md": "---\ntitle: Network\n---\n\nConfigure a proxy.\n",
        "articles/en/network/b-setup.md": "---\ntitle: Network\n---\n\nConfiguring proxies.\n",
    })
    site = load_site(config)
    index_site(site)
    engine = engine_for(site)
    assert engine.search("configuring proxies").results[0].path == "en/network/b-setup.md"
    monkeypatch.setattr(deflection.search, "PASSAGE_WEIGHT", 0.0)  # the ranking alone
    words = deflection.search.SearchEngine(config.parent / "index", ["en", "ru"], semantic=False)
    assert words.search("configuring proxies").results[0].path == "en/network/a-setup.md"
