"""Verdicts, evidence in plain words, trend and priority."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.gaps.model import Ticket
from kb.gaps.topics import Group
from kb.gaps.verdicts import Period, Signals, judge, period_of, trend

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2026, 8, 1, 9, 0, tzinfo=dt.UTC)
ARTICLE = "en/billing/request-a-refund.md"


def tickets_on(days: list[int]) -> list[Ticket]:
    return [
        Ticket(id=f"T{i}", subject="refund please", created_at=T0 + d * DAY)
        for i, d in enumerate(days)
    ]


def verdict_for(tickets, article=ARTICLE, signals=None, period=None, requesters=0):
    group = Group(
        "en", list(range(len(tickets))), article, label="refunds", subjects=["refund please"]
    )
    scores = [0.8 if article else 0.2] * len(tickets)
    return judge(
        group,
        0,
        tickets,
        scores,
        requesters,
        signals or Signals(),
        period,
        0.4,
        best="en/billing/plans-and-pricing.md",
    )


def test_no_article_is_missing_and_says_why():
    topic = verdict_for(tickets_on([1, 2, 3]), article=None)
    assert topic.verdict == "missing" and topic.article is None
    assert topic.evidence[0] == (
        "3 tickets: no article answers them (best match 0.20 on "
        "average, threshold 0.40); closest article "
        "en/billing/plans-and-pricing.md"
    )
    assert topic.ticket_ids == ["T0", "T1", "T2"] and topic.tickets == 3
    assert topic.first == T0 + DAY and topic.last == T0 + 3 * DAY


def test_tickets_after_the_last_change_make_an_update():
    signals = Signals(last_changed={ARTICLE: T0 + 10 * DAY})
    topic = verdict_for(tickets_on([1, 2, 11, 12, 13, 14]), signals=signals)
    assert topic.verdict == "update"
    assert "4 tickets since the article last changed on 2026-08-11" in topic.evidence


def test_an_article_changed_after_the_tickets_is_ok():
    signals = Signals(last_changed={ARTICLE: T0 + 30 * DAY})
    topic = verdict_for(tickets_on([1, 2, 3, 29, 28]), signals=signals)
    assert topic.verdict == "ok"
    assert "0 tickets since the article last changed on 2026-08-31" in topic.evidence
    assert topic.evidence[0] == f"5 tickets matched {ARTICLE} (score up to 0.80)"


def test_a_tenth_of_a_big_topic_after_the_change_makes_an_update():
    signals = Signals(last_changed={ARTICLE: T0 + 30 * DAY})
    assert verdict_for(tickets_on([1] * 19 + [31]), signals=signals).verdict == "ok"
    assert verdict_for(tickets_on([1] * 18 + [31, 32]), signals=signals).verdict == "update"
    assert verdict_for(tickets_on([1, 2, 31]), signals=signals).verdict == "update"


def test_no_votes_and_failed_searches_make_an_update():
    voted = verdict_for(
        tickets_on([1, 2, 3]), signals=Signals(votes_no={ARTICLE: 3}, votes_yes={ARTICLE: 1})
    )
    assert voted.verdict == "update"
    assert "3 No votes, 1 Yes vote" in voted.evidence
    liked = verdict_for(
        tickets_on([1, 2, 3]), signals=Signals(votes_no={ARTICLE: 3}, votes_yes={ARTICLE: 30})
    )
    assert liked.verdict == "ok"
    searched = verdict_for(tickets_on([1, 2, 3]), signals=Signals(failed_searches={0: 4}))
    assert searched.verdict == "update"
    assert "4 searches on the help center found nothing" in searched.evidence


def test_trend_against_the_previous_period_of_equal_length():
    period = Period(T0 + 10 * DAY, T0 + 20 * DAY)
    dates = [T0 + d * DAY for d in (1, 5, 11, 12, 15, 19)]
    assert trend(dates, period) == pytest.approx(4 / 2 - 1)
    assert trend([T0 + 12 * DAY], period) is None  # nothing earlier to compare with
    assert trend(dates, None) is None


def test_the_default_period_starts_at_the_median_date():
    period = period_of(tickets_on([0, 10, 20]))
    assert period == Period(T0 + 10 * DAY, T0 + 20 * DAY)
    assert period_of(tickets_on([30, 0, 1, 2])) == Period(T0 + 1.5 * DAY, T0 + 30 * DAY)
    assert period_of(tickets_on([0, 10]), since=T0 + 5 * DAY) == Period(T0 + 5 * DAY, T0 + 10 * DAY)
    assert period_of([Ticket(id="1", subject="x")]) is None


def test_priority_ranks_missing_and_growing_topics_first():
    period = Period(T0 + 10 * DAY, T0 + 20 * DAY)
    growing = verdict_for(tickets_on([1, 11, 12, 13]), article=None, period=period)
    shrinking = verdict_for(tickets_on([1, 2, 3, 11]), article=None, period=period)
    answered = verdict_for(tickets_on([1, 11, 12, 13]), period=period)
    assert growing.trend == pytest.approx(2.0) and shrinking.trend == pytest.approx(
        -2 / 3, abs=1e-4
    )
    assert growing.priority > shrinking.priority
    assert growing.priority > answered.priority
    many_people = verdict_for(tickets_on([1, 2, 3]), article=None, requesters=3)
    one_person = verdict_for(tickets_on([1, 2, 3]), article=None, requesters=1)
    assert many_people.priority > one_person.priority
    assert one_person.requesters == 1


def test_the_trend_reads_against_the_previous_period():
    period = Period(T0 + 10 * DAY, T0 + 20 * DAY)
    topic = verdict_for(tickets_on([1, 11, 12]), article=None, period=period)
    assert "+100% tickets vs the previous period" in topic.evidence


@pytest.mark.parametrize("outlier", [-3 * 365, 5 * 365])
def test_one_ticket_years_away_leaves_the_trend_of_a_steady_topic_flat(outlier):
    """The split is the median date: one ticket dated years before (or after) the others
    moved the middle of the first and last dates where no ticket is (trend None, -100 %)."""
    steady = tickets_on(list(range(60)))  # one a day
    tickets = [*steady, Ticket(id="stray", subject="x", created_at=T0 + outlier * DAY)]
    period = period_of(tickets)
    topic = [t.created_at for t in steady[::3]]  # every third day, all along
    assert trend(topic, period) == pytest.approx(0.0)
    both_halves = verdict_for(steady[::3], article=None, period=period)
    assert "+0% tickets vs the previous period" in both_halves.evidence


LOGIN = "en/account/cannot-log-in.md"


def judged(article, scores, bests, wording, joined=(), threshold=0.4, topic_threshold=None):
    tickets = tickets_on(list(range(len(scores))))
    group = Group("en", list(range(len(tickets))), article, label="passwords",
                  joined=set(joined), wording=wording)
    return judge(group, 0, tickets, scores, 0, Signals(), None, threshold, best=bests[0],
                 bests=bests, topic_threshold=topic_threshold)


def test_a_topic_is_judged_at_the_topics_threshold_its_tickets_at_theirs():
    """Tickets link one by one at 0.35, a topic's shared wording at 0.40: wording at 0.37
    is why the topic was refused, not that too few of its tickets came near it."""
    topic = judged(None, [0.45, 0.45, 0.36], [ARTICLE] * 3, (ARTICLE, 0.37),
                   threshold=0.35, topic_threshold=0.4)
    assert topic.evidence[0] == (
        "3 tickets, no article answers them as a topic (threshold 0.40): all link one by one "
        f"to {ARTICLE} (0.36–0.45), but their shared wording does not (0.37 there)"
    )


def test_a_missing_topic_says_which_of_its_tickets_link_one_by_one_and_why_not_it():
    topic = judged(None, [0.5, 0.55, 0.2], [LOGIN, LOGIN, ARTICLE], (LOGIN, 0.21))
    assert topic.verdict == "missing"
    assert topic.evidence[0] == (
        "3 tickets, no article answers them as a topic (threshold 0.40): 2 of them link one "
        f"by one to {LOGIN} (0.50–0.55), but their shared wording does not (0.21 there); the "
        "other one matches no article (best match 0.20)"
    )
    elsewhere = judged(None, [0.5, 0.45, 0.6], [LOGIN, LOGIN, ARTICLE], (ARTICLE, 0.3))
    assert elsewhere.evidence[0] == (
        "3 tickets, no article answers them as a topic (threshold 0.40): all link one by one: "
        f"2 to {LOGIN} (0.45–0.50), 1 to {ARTICLE} (0.60), but their shared wording does not "
        f"(its best match is {ARTICLE} at 0.30)"
    )
    assert "on average" not in elsewhere.evidence[0]  # no mean above the threshold


def test_an_article_topic_names_where_the_tickets_it_holds_by_wording_link_one_by_one():
    topic = judged(ARTICLE, [0.9, 0.5, 0.58, 0.3], [ARTICLE, LOGIN, LOGIN, ARTICLE],
                   None, joined=[1, 2, 3])
    assert topic.verdict == "ok" and topic.score == 0.9
    assert topic.evidence[0] == (
        f"4 tickets matched {ARTICLE} (score up to 0.90); 3 of them only through their topic's "
        f"shared wording, though 2 of them link one by one to {LOGIN} (0.50–0.58)"
    )
    only_joined = judged(ARTICLE, [0.5, 0.58, 0.49], [LOGIN] * 3, (ARTICLE, 1.0), [0, 1, 2])
    assert only_joined.score == 1.0  # its wording's, not another article's
    assert only_joined.evidence[0].endswith(f"though they link one by one to {LOGIN} (0.49–0.58)")
