"""A customer's way through the site, as the events API stores it and `kb deflection` counts it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import FEEDBACK, show_feedback

pytestmark = pytest.mark.browser

QUERY_BOX = '[data-md-component="search-query"]'
ARTICLE = "en/billing/request-a-refund.md"


@pytest.fixture
def visitor(desktop_browser):
    context = desktop_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def deflection(config: Path) -> dict:
    kb = Path(sys.executable).parent / "kb"
    result = subprocess.run([str(kb), "deflection", "--json", "--config", str(config)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def stored(config: Path, enough, timeout: float = 20.0) -> dict:
    """`kb deflection --json` once `enough(metrics)` holds: sendBeacon is asynchronous."""
    deadline = time.monotonic() + timeout
    while True:
        metrics = deflection(config)
        if enough(metrics):
            return metrics
        if time.monotonic() > deadline:
            raise AssertionError(f"the events never arrived: {metrics['events']}")
        time.sleep(0.3)


def test_search_read_vote_and_contact_make_one_session(visitor, api_server, built_sample):
    page = visitor
    page.goto(f"{api_server}/en/")
    page.wait_for_selector("html[data-kb-search='api']")
    page.click(QUERY_BOX)
    page.keyboard.type("refund annual plan", delay=40)  # one search, not one per keystroke
    page.wait_for_selector(".md-search-result__list[data-kb-query='refund annual plan'] "
                           "a[data-kb-path]")
    page.wait_for_timeout(1500)  # the query settles
    page.click(".md-search-result__list a[data-kb-rank='1']")
    page.wait_for_url(f"{api_server}/en/billing/request-a-refund/")

    show_feedback(page)
    page.click(FEEDBACK)
    page.check("input[name='reason'][value='outdated']")
    page.fill("#kb-feedback-comment", "The 30-day window is now 14 days.")
    assert "33 of 2000" in page.inner_text(".kb-feedback__count")
    page.click(".kb-feedback__send")
    assert "Thank you" in page.inner_text(".kb-feedback__thanks")
    assert page.is_hidden(".kb-feedback form")

    page.click("[data-kb-contact-link]")
    page.wait_for_url(f"{api_server}/en/contact/")
    page.type("#kb-contact-question", "I cannot log in", delay=40)
    page.wait_for_selector(".kb-contact__suggestions:not([hidden]) a[data-kb-path]")
    suggested = page.get_attribute(".kb-contact__list a[data-kb-rank='1']", "data-kb-path")
    page.click(".kb-contact__list a[data-kb-rank='1']")
    page.wait_for_selector(".kb-feedback:not([hidden])")  # the suggested article, shown

    config = built_sample / "site_config.yml"
    metrics = stored(config, lambda m: m["events"].get("suggestion_click") and
                     m["events"].get("view", 0) >= 2)
    assert metrics["events"] == {"search": 1, "result_click": 1, "view": 2, "vote": 1,
                                 "suggestion_click": 1}
    assert metrics["sessions"] == 1
    assert metrics["searches"]["total"] == 1 and metrics["searches"]["no_click_rate"] == 0
    by_path = {a["path"]: a for a in metrics["articles"]}
    assert by_path[ARTICLE]["votes_no"] == 1 and by_path[ARTICLE]["votes_yes"] == 0
    assert by_path[suggested]["views"] == 1


def test_contact_support_opens_the_helpdesk_after_recording_the_click(visitor, api_server,
                                                                       built_sample):
    page = visitor
    page.route("https://tasklane.example/**",
               lambda route: route.fulfill(status=200, content_type="text/html",
                                           body="<title>Helpdesk</title>"))
    page.goto(f"{api_server}/ru/contact/")
    page.wait_for_selector("html[data-kb-api='up']")
    page.fill("#kb-contact-question", "не приходит счёт")
    page.click("[data-kb-contact]")
    page.wait_for_url("https://tasklane.example/support/new")
    stored(built_sample / "site_config.yml", lambda m: m["events"].get("contact_click") == 1)


def votes_yes(page, built_sample, path: str) -> None:
    """Wait for the widget, vote "Yes", and wait until the store has the vote for `path`."""
    show_feedback(page)
    page.click(".kb-feedback:not([hidden]) [data-kb-vote='yes']")
    stored(built_sample / "site_config.yml",
           lambda m: any(a["path"] == path and a["votes_yes"] for a in m["articles"]))


def test_an_api_slower_than_the_search_box_waits_for_still_takes_the_vote(
        visitor, api_server, built_sample):
    """The search box gives /health 1.5 s and falls back to the browser's search; the
    feedback widget asks again and shows once the (real, delayed) API answers."""
    page = visitor
    delayed = []

    def slow_first_health(route):
        if not delayed:
            delayed.append(route.request.url)
            time.sleep(2.5)  # past the search box's 1.5 s
        route.continue_()

    page.route("**/api/health", slow_first_health)
    page.goto(f"{api_server}/en/billing/change-your-plan/")
    page.wait_for_selector("html[data-kb-api='down']")
    assert page.get_attribute("html", "data-kb-search") != "api"
    votes_yes(page, built_sample, "en/billing/change-your-plan.md")
    assert delayed


def test_the_events_script_waits_for_the_page_it_reads(visitor, api_server, built_sample):
    """Material loads kb-events.js from the <head>, async: it may run before the rest of
    the head (the API's address in a meta tag) and the article (the widget) are parsed.
    Here the parser is held in the head while the script runs, as a busy machine does
    now and then; the widget must still show and take the vote."""
    page = visitor
    held = []

    def hold_the_parser(route):
        response = route.fetch()
        call = "__md_analytics&&__md_analytics()</script>"
        html = response.text().replace(call, call + '<script src="/kb-test-hold.js"></script>', 1)
        assert html != response.text()
        route.fulfill(response=response, body=html)

    def slow_script(route):
        held.append(route.request.url)
        time.sleep(1.5)  # kb-events.js, fetched meanwhile, runs while the parser waits
        route.fulfill(body="", content_type="text/javascript")

    page.route("**/kb-test-hold.js", slow_script)
    page.route("**/en/billing/failed-payments/", hold_the_parser)
    page.goto(f"{api_server}/en/billing/failed-payments/")
    votes_yes(page, built_sample, "en/billing/failed-payments.md")
    assert held


def test_without_the_api_the_widget_stays_hidden_and_nothing_is_sent(page, static_server):
    posts = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" else None)
    page.goto(f"{static_server}/en/billing/request-a-refund/")
    page.wait_for_selector("html[data-kb-api='down']")
    page.wait_for_timeout(300)
    assert page.is_hidden(".kb-feedback")
    page.goto(f"{static_server}/en/")  # leaving the article sends nothing either
    assert posts == []
