"""Synonyms built in for every help center: the words customers type for the articles'
words, kept one way, and only where the articles use them less."""

from __future__ import annotations

import pytest


def test_built_in_colloquial_words_find_the_articles_word():
    from deflection.analysis import terms
    from deflection.synonyms import built_in

    en, ru = built_in("en"), built_in("ru")
    image = tuple(terms("image", "en"))
    assert en.expand(terms("attach a picture", "en")) == [((1,), image)]
    assert en.expand(terms("attach an image", "en")) == []  # one way: the articles' word stays
    assert ru.expand(terms("вставить картинку", "ru")) == \
        [((1,), tuple(terms("изображение", "ru")))]


def test_a_short_form_stands_for_its_word_unless_the_question_says_both():
    """"max" is "maximum" where customers type it; an error message quoting both
    ("Maximum number of concurrent DNS queries reached (max: 150)") credits no page twice
    for "maximum", which ranked the pages saying "maximum" above the warning's own."""
    from deflection.analysis import terms
    from deflection.synonyms import Synonyms, built_in

    en = built_in("en")
    maximum, configuration = tuple(terms("maximum", "en")), tuple(terms("configuration", "en"))
    assert en.expand(terms("max tables in a dataset", "en")) == [((0,), maximum)]
    assert en.expand(terms("pihole config file", "en")) == [((1,), configuration)]
    assert en.expand(terms("Maximum number of queries reached (max: 150)", "en")) == []
    group = Synonyms(groups=((("invoic",), ("bill",)),))
    assert group.expand(["invoic", "late"]) == [((0,), ("bill",))]
    assert group.expand(["invoic", "bill"]) == []


def test_every_built_in_synonym_keeps_each_of_its_words():
    """"sign out" would be "sign" alone ("out" is a stop word), and every question with
    "sign" would be widened; a built-in synonym is as many terms as it has words."""
    from deflection.analysis import terms
    from deflection.synonyms import BUILT_IN

    for lang in ("en", "ru"):
        for word, aliases in BUILT_IN[lang].items():
            for phrase in (word, *aliases):
                assert len(terms(phrase, lang)) >= len(phrase.replace("-", " ").split()), \
                    (lang, phrase)


def test_a_built_in_word_the_articles_use_more_is_their_own():
    """Where the articles write "admin" more than "administrator", "admin" is their word:
    widened, it would rank the administrator pages up (and cost time)."""
    from deflection.analysis import terms
    from deflection.synonyms import built_in

    admin, administrator = tuple(terms("admin", "en")), tuple(terms("administrator", "en"))
    asked = terms("admin rights", "en")
    used = {"admin": 30, "administr": 2}
    own = built_in("en").used_by(lambda term: used.get(term, 0))
    assert (0,) not in [at for at, _ in own.expand(asked)]
    used = {"admin": 1, "administr": 40}
    theirs = built_in("en").used_by(lambda term: used.get(term, 0))
    assert theirs.expand(asked) == [((0,), administrator)]
    assert admin != administrator


@pytest.mark.parametrize(("question", "expected"), [
    # the customer's word is in no article: the article's word is found for it
    ("wipe my account", "en/account/delete-your-account.md"),
    ("снести аккаунт", "ru/account/delete-your-account.md"),
])
def test_built_in_colloquial_words_answer(engine, question, expected):
    answer = engine.search(question)
    assert answer.answered and answer.results[0].path == expected
