"""What kb adds to the page reads well and works from the keyboard, in both colour schemes.

Colour contrast is measured the way WCAG defines it (relative luminance), from the
colours the browser computed, so kb's CSS is checked against Material's palettes as
they are shipped; axe-core found these problems, but the suite does not depend on it.
"""

from __future__ import annotations

import pytest

from plugins.site.strings import STRINGS
from tests.browser.conftest import show_feedback

pytestmark = pytest.mark.browser

ARTICLE = "/en/account/reset-your-password/"

# The text's colour (with every opacity on the way down) over the backgrounds behind it.
CONTRAST = """element => {
  const parse = text => {
    const n = text.match(/[\\d.]+/g).map(Number);
    return [n[0], n[1], n[2], n.length > 3 ? n[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    return [0, 1, 2].map(i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a)
      .concat([a]);
  };
  const chain = [];
  for (let e = element; e; e = e.parentElement) chain.unshift(e);
  let background = [255, 255, 255, 1];
  let opacity = 1;
  for (const e of chain) {
    const style = getComputedStyle(e);
    background = over(parse(style.backgroundColor), background);
    opacity *= Number(style.opacity);
  }
  const color = parse(getComputedStyle(element).color);
  color[3] *= opacity;
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(over(color, background)), luminance(background)]
    .sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""


@pytest.fixture(params=["light", "dark"])
def scheme_page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme=request.param)
    page = context.new_page()
    yield page
    context.close()


def low_contrast(page, selector: str) -> list[str]:
    """The elements `selector` finds whose text is below WCAG AA's 4.5:1 (none found fails)."""
    page.wait_for_selector(selector)
    page.wait_for_timeout(400)  # Material's buttons fade their colours in
    found = []
    for element in page.query_selector_all(selector):
        ratio = element.evaluate(CONTRAST)
        if ratio < 4.5:
            found.append(f"{selector} {element.inner_text()[:30]!r}: {ratio:.2f}")
    return found


def test_feedback_widget_text_is_readable(scheme_page, api_server):
    page = scheme_page
    page.goto(api_server + ARTICLE)
    show_feedback(page)
    page.click('[data-kb-vote="no"]')
    page.mouse.move(0, 0)  # not hovering the button: its chosen look is measured
    problems = []
    for selector in ['[data-kb-vote="yes"]', ".kb-feedback__vote--chosen",
                     "#kb-feedback-hint", "#kb-feedback-count", ".kb-feedback__reason span"]:
        problems += low_contrast(page, selector)
    assert problems == []


def test_suggested_and_found_snippets_are_readable(scheme_page, api_server):
    page = scheme_page
    page.goto(f"{api_server}/en/contact/")
    page.wait_for_selector("html[data-kb-api='up']")
    page.fill("#kb-contact-question", "reset password")
    problems = low_contrast(page, ".kb-contact__list small")
    problems += low_contrast(page, ".kb-contact__list small mark")
    page.goto(f"{api_server}/search/?q=reset+password")
    problems += low_contrast(page, ".kb-search-results small")
    problems += low_contrast(page, ".kb-search-results small mark")
    page.goto(f"{api_server}/en/")
    page.wait_for_selector("html[data-kb-search='api']")
    page.click('[data-md-component="search-query"]')
    page.keyboard.type("reset password")
    problems += low_contrast(page, ".md-search-result__list .kb-hit")
    assert problems == []


def test_translation_links_are_told_from_their_sentence_by_more_than_colour(page, api_server):
    page.goto(api_server + ARTICLE)
    decoration = page.eval_on_selector(".kb-translations a",
                                       "a => getComputedStyle(a).textDecorationLine")
    assert decoration == "underline"


def focus_ring(page) -> str:
    """The focused element's outline as `style width colour`, or "none"."""
    return page.evaluate("""() => {
      const style = getComputedStyle(document.activeElement);
      return style.outlineStyle === "none" || style.outlineWidth === "0px" ? "none"
        : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`;
    }""")


def test_feedback_form_shows_where_the_keyboard_is(page, api_server):
    page.goto(api_server + ARTICLE)
    show_feedback(page)
    page.focus('[data-kb-vote="no"]')
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "reason"
    assert focus_ring(page) != "none"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "kb-feedback-comment"
    ring = focus_ring(page)
    assert ring != "none" and "0.1)" not in ring  # not the accent at 10 %, nearly invisible
    page.keyboard.type("The steps skip the email.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    thanks = page.locator(".kb-feedback__thanks")
    assert thanks.get_attribute("role") == "status"
    assert page.evaluate("document.activeElement.classList.contains('kb-feedback__thanks')")
    assert thanks.inner_text().strip()


def test_the_search_box_tells_how_many_articles_it_found(page, api_server):
    """The focus stays in the box while results change: their number is a live status."""
    page.goto(f"{api_server}/en/")
    page.wait_for_selector("html[data-kb-search='api']")
    page.click('[data-md-component="search-query"]')
    page.keyboard.type("reset password")
    page.wait_for_selector(".md-search-result__list a[data-kb-path]")
    # kb's own status, not Material's meta line, which Material rewrites too (read twice)
    assert page.get_attribute(".md-search-result__meta", "role") is None
    status = page.locator("[role=status]#kb-search-status")
    found = page.locator(".md-search-result__list a[data-kb-path]").count()
    assert status.text_content().endswith(f": {found}")
    assert status.text_content() == page.inner_text(".md-search-result__meta")
    page.keyboard.press("ArrowDown")  # the results are reached by keyboard
    assert page.evaluate("document.activeElement.dataset.kbRank") == "1"
    page.keyboard.press("Escape")
    assert not page.is_checked('[data-md-toggle="search"]')


def test_the_contact_page_tells_how_many_articles_it_suggests(page, api_server):
    page.goto(f"{api_server}/th/contact/")
    page.wait_for_selector("html[data-kb-api='up']")
    status = page.locator("#kb-contact-status")
    # a live region must be in the page, not hidden, before it speaks
    assert status.get_attribute("role") == "status" and status.text_content() == ""
    assert not status.evaluate("e => e.closest('[hidden]')")
    page.fill("#kb-contact-question", "ลืมรหัสผ่าน")
    page.wait_for_selector(".kb-contact__suggestions:not([hidden])")
    suggested = page.locator(".kb-contact__list li").count()
    assert status.text_content() == f"{STRINGS['th']['contact']['suggested']}: {suggested}"


def test_the_feedback_buttons_are_a_fingers_height_on_a_phone(browser, api_server):
    context = browser.new_context(viewport={"width": 375, "height": 667}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(api_server + ARTICLE)
        show_feedback(page)
        page.tap('[data-kb-vote="no"]')
        heights = page.eval_on_selector_all(
            ".kb-feedback__vote, .kb-feedback__send",
            "els => els.map(e => e.getBoundingClientRect().height)")
        assert len(heights) == 3 and min(heights) >= 44, heights
    finally:
        context.close()
