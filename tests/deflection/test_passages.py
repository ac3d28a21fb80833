"""Character n-grams of the question in the sections of the first results."""

from __future__ import annotations

import numpy as np

from deflection import passages


def test_the_page_whose_section_holds_the_questions_letters_scores_highest():
    pages = [
        passages.passages("Массивы", ["Возвращает элемент массива по его номеру."]),
        passages.passages("Строки", ["Удаляет пробелы в начале строки."]),
        [],  # a page without stored passages scores nothing
    ]
    found = passages.scores("элементы массивов по номерам", pages)
    assert found[0] > found[1] >= 0 and found[2] == 0


def test_a_page_counts_by_its_best_section_not_their_sum():
    focused = passages.passages("Webhooks", ["Retry failed webhook deliveries."])
    scattered = passages.passages("Reference", ["Retry budget.", "Failed logins.",
                                                "Webhook secrets.", "Deliveries by mail."])
    found = passages.scores("retry failed webhook deliveries", [scattered, focused])
    assert found[1] > found[0]


def test_no_ngram_spans_two_words_and_no_match_scores_zero():
    pages = [passages.passages("", ["ab cd"])]
    assert passages.scores("bc", pages)[0] == 0  # "ab cd" holds no " bc " nor "b c"
    assert passages.scores("zzz", pages)[0] == 0
    assert passages.scores("", pages)[0] == 0
    assert passages.scores("cd", pages)[0] > 0


def test_passages_are_capped_in_words_and_number():
    long_section = " ".join(f"w{n}" for n in range(1000))
    stored = passages.passages("Title", [long_section] * (passages.MAX_PASSAGES + 5))
    assert len(stored) == passages.MAX_PASSAGES
    assert stored[0].split() == ["title", *[f"w{n}" for n in range(passages.PASSAGE_WORDS)]]


def test_scores_are_the_same_counted_by_hand():
    """The vectorised counting against a plain count of every n-gram occurrence."""
    pages = [passages.passages("Proxy", ["Configure the proxy for proxies."]),
             passages.passages("Other", ["Nothing about it.", "Configuring things."])]
    question = "configuring proxies"
    flat = [p for page in pages for p in page]
    grams = list(dict.fromkeys(
        f" {w} "[i:i + 4] for w in question.split() for i in range(len(w) - 1)))

    def count(text: str, gram: str) -> int:  # overlapping occurrences
        return sum(text.startswith(gram, i) for i in range(len(text)))

    counts = np.array([[count(p, g) for g in grams] for p in flat], dtype=float)
    df = (counts > 0).sum(axis=0)
    idf = np.log1p((len(flat) - df + 0.5) / (df + 0.5))
    per = (np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0) @ idf) \
        / np.sqrt([len(p) for p in flat])
    expected = [per[0], max(per[1], per[2])]
    assert np.allclose(passages.scores(question, pages), expected)


def test_question_ngrams_sharing_a_table_slot_are_both_counted(monkeypatch):
    """Many of the question's n-grams on a table of 2 slots: every one still counts."""
    monkeypatch.setattr(passages, "_TABLE", 2)
    monkeypatch.setattr(passages, "_SHIFT", np.uint64(63))
    pages = [passages.passages("", ["alpha beta gamma"]), passages.passages("", ["delta"])]
    narrow = passages.scores("alpha gamma delta", pages)
    monkeypatch.undo()
    assert np.allclose(narrow, passages.scores("alpha gamma delta", pages))
    assert narrow[0] > 0 and narrow[1] > 0


def test_characters_outside_the_bmp_neither_break_nor_shift_the_count():
    pages = [passages.passages("", ["𝒳 proxy 😀 settings"]), passages.passages("", ["proxy"])]
    assert all("😀" not in p and "𝒳" not in p for page in pages for p in page)
    found = passages.scores("proxy 😀 settings", pages)
    assert found[0] > found[1] > 0
