"""Per-language analysis: the same words in, the same terms out, at index and query time."""

from __future__ import annotations

import unicodedata

import pytest

from deflection import analysis
from deflection.analysis import asks, detect_language, terms, words


def test_english_uses_snowball_not_porter():
    assert terms("Resetting passwords", "en") == ["reset", "password"]


def test_russian_stems_and_folds_yo():
    assert terms("учётная запись", "ru") == terms("учетная запись", "ru")
    assert terms("пароли", "ru") == terms("пароль", "ru")


def test_russian_words_whose_stem_changes_analyse_alike():
    # Snowball alone stems these apart ("дне"/"ден", "ошибок"/"ошибк"); lemmas join them
    assert terms("сколько дней", "ru") == terms("сколько день", "ru")
    assert terms("список ошибок", "ru") == terms("список ошибка", "ru")
    assert terms("окон", "ru") == terms("окно", "ru")


def test_russian_pronouns_are_stop_words_in_every_form():
    # the Snowball list holds "такой" and "этот"; their other forms used to stem to "так"/"эт"
    assert terms("что такое дашборд", "ru") == ["дашборд"]
    assert terms("какие поля в этих таблицах", "ru") == terms("поля таблицах", "ru")
    # numerals keep their forms: "между двумя датами" is what a date difference page says
    assert terms("две таблицы", "ru")[0] != terms("таблицы", "ru")[0]


def test_thai_is_segmented_and_latin_inside_is_stemmed():
    assert terms("ลืมรหัสผ่านเข้าระบบไม่ได้", "th") == ["ลืม", "รหัสผ่าน", "เข้า", "ระบบ", "ไม่", "ได้"]
    assert "bill" in terms("ไปที่ Settings → Billing", "th")
    assert words("ขอใบกำกับภาษี", "th") == ["ขอ", "ใบกำกับภาษี"]


@pytest.mark.parametrize("lang", ["en", "ru", "th"])
def test_contractions_read_the_same_with_either_apostrophe(lang):
    # a phone types "I’m" and "can’t"; the curly one was the term "can't", no article's
    for straight in ["I'm locked out", "can't log in", "it's broken", "we've been charged"]:
        assert terms(straight.replace("'", "’"), lang) == terms(straight, lang)
    locked = terms("locked out", lang)
    assert terms("I'm locked out", lang) == terms("im locked out", lang) == locked
    assert terms("we're", lang) == terms("they’ve", lang) == []
    assert "cant" in terms("can’t log in", lang)  # a negation is kept, as articles say it
    # "I'd" was the term "id", an identifier's word
    assert terms("I'd like to change the site", lang) == terms("like to change the site", lang)


def test_a_phrasal_verb_written_apart_finds_it_written_as_one_word():
    # customers type "cant login", articles say "Log in to your account", and back
    for apart, one in [("Log in", "login"), ("logged in", "logins"), ("setting up", "setup"),
                       ("signed up", "sign-up"), ("shut down", "shutdown")]:
        assert set(terms(one, "en")) <= set(terms(apart, "en")), (apart, one)
    assert terms("log-in", "en") == terms("log in", "en") == ["log", "login"]
    # only phrasal verbs: "users in" is no word, and would weigh as one no article holds
    assert terms("users in my team", "en") == ["user", "team"]
    assert terms("add on the right", "en") == ["add", "right"]


def test_british_spellings_read_as_american_ones():
    for british, american in [("organisation settings", "organization settings"),
                              ("colour", "color"), ("licence", "license"),
                              ("greyed out", "grayed out"), ("favourites", "favorites"),
                              ("customised", "customized"), ("analyse", "analyze"),
                              ("synchronising", "synchronizing")]:
        assert terms(british, "en") == terms(american, "en"), british
    assert terms("colour", "ru") == terms("color", "ru")  # Latin words inside Russian too
    # a closed list: "-ise" is no "-ize" in these
    for word in ("promise", "enterprise", "advise", "premise", "exercise", "noise"):
        assert terms(word, "en") == [word[:-1]], word


def test_the_linkers_analysis_by_chunks_joins_phrasal_verbs_as_the_index_does():
    from kb.gaps.wording import terms as by_chunks

    for text in ["can't log in. Logged in, then: log - in", "signed up twice; set up sso",
                 "Вход: log in", "users in my team", "log"]:
        assert by_chunks(text, "en") == terms(text, "en"), text


@pytest.mark.parametrize("asked", ["ได้ไหมคะ", "ได้ป่าวคะ", "ได้รึเปล่า", "ได้เหรอ", "ได้มั้ยครับ"])
def test_a_thai_question_particle_is_no_term(asked):
    # "ไหม" only makes it a question ("can I?"): as a term no article uses, it would weigh
    # more in the confidence than what the customer asks about
    assert terms("ใช้ธีมดำ" + asked, "th") == terms("ใช้ธีมดำได้", "th") == ["ธีม", "ดำ", "ได้"]
    assert terms("ดู report ตรงไหนครับ", "th") == ["ดู", "report"]


@pytest.mark.parametrize("lang", ["en", "ru", "th", "de"])
def test_nfc_and_nfd_analyse_the_same(lang):
    text = "Café résumé ёлка Ä ก๊"
    assert terms(text, lang) == terms(unicodedata.normalize("NFD", text), lang)


def test_hostile_text_never_breaks_analysis():
    for text in ["\x00\x01", "\ud800 lone", "😀" * 50, "مرحبا بالعالم", "a" * 10000, ""]:
        for lang in ("en", "ru", "th", "xx"):
            assert isinstance(terms(text, lang), list)


def test_language_is_detected_from_the_script():
    langs = ["en", "ru", "th"]
    assert detect_language("забыл пароль", langs, "en") == "ru"
    assert detect_language("ลืมรหัสผ่าน", langs, "en") == "th"
    assert detect_language("reset password", langs, "en") == "en"
    assert detect_language("забыл пароль", ["en"], "en") == "en"


@pytest.mark.parametrize(("sentence", "asking"), [
    ("How do I reset my password?", True), ("как сбросить пароль？", True),
    ("export report เป็น PDF ยังไงคะ", True), ("แชร์แดชบอร์ดให้คนนอกบริษัทได้มั้ย", True),
    ("รายงานไม่อัปเดตเพราะอะไร ครับ", True),
    ("I reset my password yesterday.", False), ("เปลี่ยนภาษาเมนูเป็นภาษาไทย", False),
    ("ลองรีสตาร์ทแล้ว", False),
])
def test_a_sentence_that_asks(sentence, asking):
    """A long question's asking sentences are read first (deflection.search); Thai asks
    with a particle more often than with a question mark."""
    assert analysis.asks(sentence) is asking


@pytest.mark.parametrize(("sentence", "asking"), [
    ("How do I reset my password?", True),
    ("how do I reset my password", True),  # its question mark left out
    ("как подключить postgresql к даталенс.", True),
    ("Можно ли выгрузить отчёт в Excel", True),
    ("รีเซ็ตรหัสผ่านยังไงคะ", True),
    ("Is there a way to export tags", True),
    ("Does the export include tags", True),
    ("Can't log in.", False),
    ("Do not show the banner", False),
    # statements that open with a word that may ask
    ("Does not sync anymore", False),
    ("Would be great to have dark mode", False),
    ("When I click export the page freezes", False),
    ("What a mess this update is", False),
    ("Что-то пошло не так после обновления", False),
    ("Как будто отчёт не обновился", False),
    ("I have been trying for a while.", False),
    ("Уже давно пытаюсь разобраться.", False),
])
def test_a_sentence_asks_by_its_mark_its_particle_or_its_first_word(sentence, asking):
    assert asks(sentence) is asking
