"""What a customer touches for feedback: "Was this helpful?" and the contact page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deflection.events import REASONS
from kb.build import build_site
from kb.errors import ConfigError
from kb.settings import load_site
from plugins.site.generated import contact_uris
from plugins.site.strings import STRINGS
from tests.conftest import ROOT
from tests.conftest import read_page as page

HELPDESK = "https://tasklane.example/support/new"


@pytest.fixture
def built(built_site) -> Path:
    return built_site


def widget(html: str) -> str:
    return html.split('<section class="kb-feedback"', 1)[1].split("</section>", 1)[0]


def test_the_widget_is_on_articles_only(built):
    article = page(built, "en/billing/request-a-refund")
    assert 'class="kb-feedback" data-kb-feedback hidden' in article  # kb-events.js shows it
    assert '<meta name="kb-article" content="en/billing/request-a-refund.md">' in article
    for url in ("en/billing", "en", "ru/account", "search", "en/contact"):
        html = page(built, url)
        assert "data-kb-feedback" not in html, url
        assert 'name="kb-article"' not in html, url


def test_the_widget_offers_every_reason_the_api_accepts(built):
    form = widget(page(built, "en/account/reset-your-password"))
    assert re.findall(r'name="reason" value="([a-z_]+)"', form) == list(REASONS)
    assert 'maxlength="2000"' in form
    assert "0 of 2000 characters" in form
    assert 'data-kb-vote="yes"' in form and 'data-kb-vote="no"' in form


@pytest.mark.parametrize("lang", sorted(STRINGS))
def test_every_language_labels_every_reason(lang):
    assert list(STRINGS[lang]["feedback"]["reasons"]) == list(REASONS)
    assert STRINGS[lang].keys() == STRINGS["en"].keys()
    for group in ("feedback", "contact"):
        assert STRINGS[lang][group].keys() == STRINGS["en"][group].keys(), (lang, group)


@pytest.mark.parametrize("lang", ["ru", "th"])
def test_the_widget_speaks_the_articles_language(built, lang):
    words = STRINGS[lang]
    html = page(built, f"{lang}/billing/request-a-refund")
    form = widget(html)
    assert words["feedback"]["question"] in form
    for label in words["feedback"]["reasons"].values():
        assert label in form, label
    assert words["feedback"]["thanks_no"] in form
    assert STRINGS["en"]["feedback"]["question"] not in html
    link = html.split('class="kb-contact-link"', 1)[1].split("</p>", 1)[0]
    assert words["contact"]["link"] in link
    assert 'href="../../contact/"' in link  # the contact page of the same language


def test_events_load_through_materials_custom_analytics(built):
    html = page(built, "en/billing/request-a-refund")
    assert "function __md_analytics()" in html
    assert "assets/javascripts/kb-events.js" in html
    assert 'href="../../../assets/stylesheets/kb.css"' in html
    assert '<meta name="kb-search-api" content="/api">' in html
    assert (built / "assets/javascripts/kb-events.js").is_file()
    assert (built / "assets/stylesheets/kb.css").is_file()


def test_each_language_has_a_contact_page_that_hands_off_to_the_helpdesk(built):
    for lang in ("en", "ru", "th"):
        html = page(built, f"{lang}/contact")
        assert f'<html lang="{lang}"' in html
        assert f"<h1>{STRINGS[lang]['contact']['title']}</h1>" in html
        assert 'id="kb-contact-question"' in html
        assert f'href="{HELPDESK}" data-kb-contact' in html
    switcher = page(built, "ru/contact").split('class="md-select__list"', 1)[1].split("</ul>")[0]
    assert 'href="../../en/contact/" hreflang="en"' in switcher
    assert 'href="../../th/contact/" hreflang="th"' in switcher


def test_contact_pages_stay_out_of_the_browser_search_index(built):
    index = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if "contact/" in d["location"]]


def test_without_a_helpdesk_the_contact_page_says_how_to_get_help(make_kb):
    config = make_kb("mini")
    site = build_site(config, strict=True)
    html = page(Path(site.config.site_dir), "ru/contact")
    assert STRINGS["ru"]["contact"]["no_helpdesk"] in html
    assert "data-kb-contact" not in html


def test_hide_feedback_in_front_matter_removes_the_widget(make_kb):
    refunds = ROOT / "tests/fixtures/mini/articles/en/billing/refunds.md"
    text = refunds.read_text(encoding="utf-8").replace("---\n", "---\nhide: [feedback]\n", 1)
    site = build_site(make_kb("mini", files={"articles/en/billing/refunds.md": text}),
                      strict=True)
    out = Path(site.config.site_dir)
    assert "data-kb-feedback" not in page(out, "en/billing/refunds")
    assert "data-kb-feedback" in page(out, "en/billing/invoices")


def test_the_writers_own_contact_page_wins(make_kb):
    own = "---\ntitle: Talk to us\n---\n\nCall us.\n"
    config = make_kb("mini", files={"articles/en/contact.md": own})
    text = config.read_text(encoding="utf-8").replace(
        "          - en/billing/invoices.md\n",
        "          - en/billing/invoices.md\n      - en/contact.md\n")
    config.write_text(text, encoding="utf-8")
    out = Path(build_site(config, strict=True).config.site_dir)
    assert "Call us." in page(out, "en/contact")
    assert 'href="../../contact/"' in page(out, "en/billing/refunds")


def test_contact_pages_go_into_each_languages_folder():
    assert contact_uris(["en", "ru"], {"en", "ru"}) == {
        "en": "en/contact/index.md", "ru": "ru/contact/index.md"}
    assert contact_uris(["en", "ru"], {"ru"}) == {
        "en": "contact/index.md", "ru": "ru/contact/index.md"}
    assert contact_uris(["en", "th"], {"en"}) == {"en": "en/contact/index.md"}


@pytest.mark.parametrize("value", ["javascript:alert(1)", "support.example.com", 42])
def test_a_bad_helpdesk_url_names_the_option_and_the_fix(make_kb, value):
    config = make_kb("mini")
    text = config.read_text(encoding="utf-8").replace(
        "languages: [en, ru]", f"languages: [en, ru]\n      helpdesk_url: {json.dumps(value)}")
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"helpdesk_url.*https://"):
        load_site(config)


@pytest.mark.parametrize("value", ["https://help.example.com/new", "mailto:help@example.com", ""])
def test_good_helpdesk_urls_load(make_kb, value):
    config = make_kb("mini")
    text = config.read_text(encoding="utf-8").replace(
        "languages: [en, ru]", f"languages: [en, ru]\n      helpdesk_url: {json.dumps(value)}")
    config.write_text(text, encoding="utf-8")
    assert load_site(config).options.helpdesk_url == value
