"""A "No" the reader did not send: it counts once when they leave the article, however
they leave, and never twice. Read from the events table of a server of its own."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.browser.conftest import FEEDBACK as NO
from tests.browser.conftest import serving, show_feedback

pytestmark = pytest.mark.browser

ARTICLE = "en/billing/request-a-refund.md"
ARTICLE_URL = "/en/billing/request-a-refund/"
# pageshow says whether a page came back from the back/forward cache
RESTORED = "window.addEventListener('pageshow', (e) => { window.kbRestored = e.persisted; });"


@pytest.fixture(scope="module")
def leaving_server(built_sample, tmp_path_factory):
    db = tmp_path_factory.mktemp("leaving") / "events.db"
    with serving(built_sample, db) as url:
        yield url, db


@pytest.fixture
def reader(desktop_browser, leaving_server):
    context = desktop_browser.new_context(base_url=leaving_server[0],
                                          viewport={"width": 1280, "height": 900})
    context.add_init_script(RESTORED)
    yield context.new_page()
    context.close()


@pytest.fixture
def votes(leaving_server):
    """`votes(sentinel)`: the votes this test stored, see `votes_once_there`."""
    db = leaving_server[1]
    since = last_rowid(db)  # this test's events are the ones after it
    return lambda sentinel: votes_once_there(db, since, sentinel)


def last_rowid(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()[0]


def events(db: Path, since: int) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT type, path, helpful, reason, comment FROM events "
                            "WHERE rowid > ? ORDER BY rowid", (since,)).fetchall()


def votes_once_there(db: Path, since: int, sentinel: str, timeout: float = 10.0) -> list[tuple]:
    """The votes stored once a vote and the view of `sentinel` have landed.

    The view is recorded by the page the reader went to, after the one they left had
    sent its beacons: once it is stored, a second vote sent on leaving would be there
    too (a late one could slip past, so this can miss a double vote, never invent one)."""
    rows = once_there(db, since, sentinel, lambda rows: any(row[0] == "vote" for row in rows),
                      "a vote", timeout)
    return [row for row in rows if row[0] == "vote"]


def once_there(db: Path, since: int, sentinel: str, enough, what: str,
               timeout: float = 10.0) -> list[tuple]:
    """The events stored once the view of `sentinel` has landed and `enough(rows)` holds
    (polled for up to `timeout` seconds; `what` names `enough` when it never does)."""
    view = ("view", sentinel, None, None, None)
    deadline = time.monotonic() + timeout
    while True:
        rows = events(db, since)
        if view in rows and enough(rows):
            return rows
        if time.monotonic() > deadline:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                drops = conn.execute("SELECT reason, count FROM drops").fetchall()
            raise AssertionError(f"no {what} and view of {sentinel} after {timeout} s: "
                                 f"{rows}; dropped: {drops}")
        time.sleep(0.1)


def back_from_the_cache(page, step) -> None:
    """Go back or forward (`step`) and check the page came from the back/forward cache."""
    page.evaluate("window.kbRestored = undefined")
    step(wait_until="commit")
    page.wait_for_function("window.kbRestored !== undefined")
    assert page.evaluate("window.kbRestored") is True, "the page was loaded again, not restored"


def open_article(page) -> None:
    """The article, once its feedback widget shows (when the API answered /health)."""
    page.goto(ARTICLE_URL)
    show_feedback(page)


UNSENT_NO = ("vote", ARTICLE, 0, None, None)


@pytest.mark.parametrize("leave, sentinel", [
    (lambda page: page.click(".kb-related a[href='../download-invoices/']"),
     "en/billing/download-invoices.md"),
    (lambda page: page.click(".md-sidebar--primary a.md-nav__link[href='../failed-payments/']"),
     "en/billing/failed-payments.md"),
    (lambda page: page.goto("/en/billing/update-payment-method/"),
     "en/billing/update-payment-method.md"),
    (lambda page: (page.close(), page.context.new_page().goto("/en/billing/vat-and-tax-ids/")),
     "en/billing/vat-and-tax-ids.md"),
], ids=["link-in-the-article", "navigation", "goto", "closing-the-tab"])
def test_an_unsent_no_counts_once_when_the_reader_leaves(reader, leave, sentinel, votes):
    open_article(reader)
    reader.click(NO)
    leave(reader)
    assert votes(sentinel) == [UNSENT_NO]


def test_an_unsent_no_counts_once_going_back(reader, votes):
    reader.goto("/en/billing/plans-and-pricing/")
    open_article(reader)
    reader.click(NO)
    back_from_the_cache(reader, reader.go_back)
    reader.goto("/en/billing/change-your-plan/")
    assert votes("en/billing/change-your-plan.md") == [UNSENT_NO]


def test_an_unsent_no_counts_once_going_forward(reader, votes):
    open_article(reader)
    reader.goto("/en/billing/plans-and-pricing/")
    back_from_the_cache(reader, reader.go_back)
    reader.click(NO)
    back_from_the_cache(reader, reader.go_forward)
    reader.goto("/en/billing/change-your-plan/")
    assert votes("en/billing/change-your-plan.md") == [UNSENT_NO]


def test_leaving_again_after_coming_back_adds_no_second_vote(reader, votes):
    open_article(reader)
    reader.click(NO)
    reader.goto("/en/billing/plans-and-pricing/")
    assert votes("en/billing/plans-and-pricing.md") == [UNSENT_NO]
    back_from_the_cache(reader, reader.go_back)
    assert reader.is_hidden(".kb-feedback form")  # that page view has voted
    reader.goto("/en/billing/change-your-plan/")
    assert votes("en/billing/change-your-plan.md") == [UNSENT_NO]


def test_a_sent_no_is_not_counted_again_on_leaving(reader, votes):
    open_article(reader)
    reader.click(NO)
    reader.check("input[name='reason'][value='outdated']")
    reader.fill("#kb-feedback-comment", "The 30-day window is now 14 days.")
    reader.click(".kb-feedback__send")
    reader.goto("/en/billing/change-your-plan/")
    assert votes("en/billing/change-your-plan.md") == [
        ("vote", ARTICLE, 0, "outdated", "The 30-day window is now 14 days.")]


def test_an_unsent_no_keeps_its_reason_but_not_its_comment(reader, votes):
    open_article(reader)
    reader.click(NO)
    reader.check("input[name='reason'][value='outdated']")
    reader.fill("#kb-feedback-comment", "Written, then thought better of.")
    reader.goto("/en/billing/change-your-plan/")
    assert votes("en/billing/change-your-plan.md") == [
        ("vote", ARTICLE, 0, "outdated", None)]


# Coming back from the back/forward cache: the page keeps its state and runs no script
# again, but the reader sees the article again, which counts as a view (as analytics
# tools count `pageshow` with `persisted`); nothing else is recorded again.

PLANS = "en/billing/plans-and-pricing.md"
SENTINEL = "en/billing/change-your-plan.md"
SENTINEL_URL = "/en/billing/change-your-plan/"


@pytest.fixture
def stored(leaving_server):
    """`stored(views)`: this test's events once `views` ({path: n}) views of each path
    and the view of SENTINEL (which the test opens last) have landed."""
    db = leaving_server[1]
    since = last_rowid(db)

    def landed(views: dict[str, int]) -> list[tuple]:
        def enough(rows):
            return all(len(views_of(rows, path)) >= n for path, n in views.items())
        return once_there(db, since, SENTINEL, enough, f"views {views}")
    return landed


def views_of(rows: list[tuple], path: str) -> list[tuple]:
    return [row for row in rows if row[:2] == ("view", path)]


def test_a_page_load_is_one_view(reader, stored):
    open_article(reader)
    reader.goto("/en/billing/plans-and-pricing/")
    reader.goto(SENTINEL_URL)
    rows = stored({ARTICLE: 1, PLANS: 1})
    assert len(views_of(rows, ARTICLE)) == 1
    assert len(views_of(rows, PLANS)) == 1


@pytest.mark.parametrize("step", ["back", "forward"])
def test_an_article_restored_from_the_cache_is_a_view_again(reader, stored, step):
    open_article(reader)
    reader.goto("/en/billing/plans-and-pricing/")
    back_from_the_cache(reader, reader.go_back)  # the article, restored
    if step == "forward":
        back_from_the_cache(reader, reader.go_forward)  # plans and pricing, restored
    reader.goto(SENTINEL_URL)
    expected = {ARTICLE: 2, PLANS: 2 if step == "forward" else 1}
    rows = stored(expected)
    assert {path: len(views_of(rows, path)) for path in expected} == expected
    assert [row for row in rows if row[0] not in ("view", "vote")] == []
    assert [row for row in rows if row[0] == "vote"] == []


@pytest.mark.parametrize("vote, stored_vote", [
    (lambda page: page.click(".kb-feedback:not([hidden]) [data-kb-vote='yes']"),
     ("vote", ARTICLE, 1, None, None)),
    (lambda page: page.click(NO), UNSENT_NO),
    (lambda page: (page.click(NO), page.check("input[name='reason'][value='outdated']"),
                   page.click(".kb-feedback__send")),
     ("vote", ARTICLE, 0, "outdated", None)),
], ids=["yes", "unsent-no", "sent-no"])
def test_a_restored_article_counts_its_view_but_not_its_vote_again(reader, stored, vote,
                                                                   stored_vote):
    open_article(reader)
    vote(reader)
    reader.goto("/en/billing/plans-and-pricing/")
    back_from_the_cache(reader, reader.go_back)
    assert reader.is_hidden(".kb-feedback form")  # the widget kept its vote
    reader.goto(SENTINEL_URL)
    rows = stored({ARTICLE: 2})
    assert len(views_of(rows, ARTICLE)) == 2
    assert [row for row in rows if row[0] == "vote"] == [stored_vote]


# Synthetic: a page restored while hidden cannot be produced on purpose, so this sends
# the page the events a browser would (a restoring `pageshow`, then `visibilitychange`)
# and watches the beacons the page sends.
RESTORED_HIDDEN = """async () => {
  const sent = [];
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, body) => {
    sent.push(...JSON.parse(body).events.map((e) => e.type));
    return beacon(url, body);
  };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  let state = "hidden";
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => state});
  window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true}));
  await tick();
  const whileHidden = sent.slice();
  state = "visible";
  document.dispatchEvent(new Event("visibilitychange"));
  await tick();
  document.dispatchEvent(new Event("visibilitychange"));
  await tick();
  return [whileHidden, sent];
}"""


def test_an_article_restored_hidden_counts_once_shown(reader, stored):
    open_article(reader)
    while_hidden, sent = reader.evaluate(RESTORED_HIDDEN)
    assert while_hidden == []
    assert sent == ["view"]
    reader.goto(SENTINEL_URL)
    assert len(views_of(stored({ARTICLE: 2}), ARTICLE)) == 2
