"""Topics: link first, then group by wording what no article answers."""

from __future__ import annotations

from deflection import analysis
from kb.gaps.link import Linked
from kb.gaps.model import Ticket
from kb.gaps.topics import cluster_by_wording, find_topics


def make(rows: list[tuple[str, str | None]], lang: str = "en", tags=()):
    """(subject, linked article) → tickets and their links, terms from the real analyzers."""
    tickets, links = [], []
    for i, (subject, article) in enumerate(rows):
        tickets.append(Ticket(id=f"T{i}", subject=subject, tags=tuple(tags)))
        links.append(
            Linked(
                f"T{i}",
                lang,
                article,
                0.9 if article else 0.1,
                article,
                tuple(analysis.terms(subject, lang)),
            )
        )
    return tickets, links


CRASH = [
    "The app crashes when I open a photo",
    "app crashes opening photos",
    "Photo makes the app crash",
    "crashes on every photo in the app",
]
PRINT = [
    "Gantt chart prints blank pages",
    "printing the gantt chart gives blank pages",
    "blank pages when I print a Gantt chart",
]


def test_tickets_linked_to_one_article_are_one_topic_whatever_their_wording():
    refund = "en/billing/request-a-refund.md"
    tickets, links = make(
        [
            ("I was charged twice", refund),
            ("the invoice is wrong", refund),
            ("money back please", refund),
            *[(s, None) for s in CRASH],
        ]
    )
    topics = find_topics(tickets, links, {refund: "Request a refund"})
    by_article = {t.article: t for t in topics}
    assert sorted(by_article[refund].members) == [0, 1, 2]
    assert by_article[refund].label == "Request a refund"


def test_unanswered_tickets_are_grouped_by_wording_into_recurring_topics():
    noise = ["my cat likes the keyboard", "weather is nice today", "lunch order for friday"]
    tickets, links = make([(s, None) for s in CRASH + PRINT + noise])
    topics = find_topics(tickets, links)
    groups = sorted(sorted(t.members) for t in topics)
    assert groups == [[0, 1, 2, 3], [4, 5, 6]]  # the three one-offs are not topics
    assert all(t.article is None for t in topics)


def test_groups_under_the_minimum_size_are_one_offs():
    tickets, links = make([(s, None) for s in CRASH[:2] + PRINT[:2]])
    assert find_topics(tickets, links) == []
    assert len(find_topics(tickets, links, min_size=2)) == 2


def test_labels_are_readable_words_and_subjects_are_redacted():
    rows = [(f"{s} jane.doe{i}@example.com", None) for i, s in enumerate(CRASH)]
    rows += [(s, None) for s in PRINT]
    tickets, links = make(rows)
    topic = next(t for t in find_topics(tickets, links) if 0 in t.members)
    assert sorted(topic.members) == [0, 1, 2, 3]
    words = topic.label.split()
    assert "crashes" in words or "crash" in words
    assert "photo" in topic.label or "photos" in topic.label
    assert all(w in " ".join(CRASH).lower() for w in words)  # words as written, not stems
    assert len(topic.subjects) == 3
    for text in [topic.label, *topic.subjects]:
        assert "jane.doe" not in text and "example.com" not in text


def test_russian_and_thai_are_grouped_per_language():
    ru = [
        "приложение падает при открытии фото",
        "приложение вылетает на фото",
        "фото роняет приложение",
    ]
    th = ["แอปค้างเมื่อเปิดรูปภาพ", "เปิดรูปภาพแล้วแอปค้าง", "แอปค้างทุกครั้งที่เปิดรูปภาพ"]
    t1, l1 = make([(s, None) for s in ru], "ru")
    t2, l2 = make([(s, None) for s in th], "th")
    topics = find_topics(t1 + t2, l1 + l2)
    assert sorted((t.lang, len(t.members)) for t in topics) == [("ru", 3), ("th", 3)]
    assert len({t.label for t in topics}) == 2


def test_helpdesk_tags_pull_tickets_together():
    # three differently worded tickets that share only a rare tag
    rows = [
        "cannot see the sidebar",
        "where did the sidebar go",
        "sidebar vanished",
        "export button greyed out",
        "greyed out export",
        "export is greyed out",
    ]
    tickets, links = make([(s, None) for s in rows])
    tagged = [
        Ticket(id=t.id, subject=t.subject, tags=("ui-sidebar",) if i < 3 else ("export",))
        for i, t in enumerate(tickets)
    ]
    groups = cluster_by_wording(tagged, links, list(range(6)))
    assert sorted(sorted(g) for g in groups) == [[0, 1, 2], [3, 4, 5]]


def test_many_tickets_go_through_minibatch_kmeans_first():
    import random

    rng = random.Random(1)
    subjects = [rng.choice(CRASH) + f" #{i}" for i in range(1500)]
    subjects += [rng.choice(PRINT) + f" #{i}" for i in range(1500)]
    tickets, links = make([(s, None) for s in subjects])
    topics = find_topics(tickets, links)
    big = sorted(len(t.members) for t in topics)[-2:]
    assert sum(big) >= 2900  # almost every ticket lands in one of the two topics


def test_a_topics_shared_wording_does_not_depend_on_string_hashing():
    """Ties among a topic's shared terms are broken by the term, not by the order of a set
    (which Python's hash seed changes from run to run): the same export gives the same
    topics every time."""
    import subprocess
    import sys

    code = (
        "from kb.gaps.link import Linked\n"
        "from kb.gaps.run import _shared_terms\n"
        "from kb.gaps.topics import ticket_frequency\n"
        "words = tuple(f'word{n:02d}' for n in range(20))\n"
        "links = [Linked(str(i), 'en', None, 0.1, None, words, len(words)) for i in range(3)]\n"
        "links.append(Linked('other', 'en', None, 0.1, None, ('elsewhere',), 1))\n"
        "df = ticket_frequency(links, 'en', seed=0)\n"
        "print(list(_shared_terms(links, [0, 1, 2], df)))\n"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert outputs == {str([f"word{n:02d}" for n in range(8)]) + "\n"}


def test_a_topics_wording_is_what_sets_its_tickets_apart():
    """The product's name is in every ticket and says nothing of a topic: a group's
    wording is the terms its tickets use and the others do not."""
    from kb.gaps.link import Linked
    from kb.gaps.run import _shared_terms
    from kb.gaps.topics import ticket_frequency

    def link(i, *terms):
        return Linked(str(i), "en", None, 0.5, None, terms, len(terms))

    group = [link(i, "tasklane", "sign", "calendar", "sync") for i in range(4)]
    others = [link(10 + i, "tasklane", "sign", "invoice") for i in range(12)]
    links = group + others
    wording = _shared_terms(links, list(range(4)), ticket_frequency(links, "en", seed=0))
    assert list(wording)[:2] == ["calendar", "sync"]
    assert wording["calendar"] == 4  # how many of the group's tickets use it
    # an export of one topic: its own words are in every ticket, and still its wording
    extra = ["link", "expir", "today", "mobil", "email", "arriv", "cannot", "account", "login"]
    one = [link(i, "password", "reset", extra[i % 9], extra[(i + 1) % 9]) for i in range(10)]
    wording = _shared_terms(one, list(range(10)), ticket_frequency(one, "en", seed=0))
    assert list(wording)[:2] == ["password", "reset"]
