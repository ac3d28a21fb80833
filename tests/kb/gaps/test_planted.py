"""`kb gaps` on every sample export finds the planted topics with the right verdicts.

tests/data/tickets/planted.yml is the ground truth the sample generator wrote: each
topic's tickets, the article that answers it (or none) and the verdict. The site is
the repository's own articles (so their git dates are real), indexed into tmp_path.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kb.gaps.topics import MIN_SIZE
from kb.gitdates import last_commit_dates
from tests.conftest import ROOT, SAMPLE_EXPORT

TICKETS = ROOT / "tests" / "data" / "tickets"
PLANTED = yaml.safe_load((TICKETS / "planted.yml").read_text(encoding="utf-8"))
SHARE = 0.6  # of a planted topic's tickets in the export, at least this many in one kb topic
# A planted topic is checked where the export holds at least this many of its tickets. At
# the bare minimum of 3, one ticket linked elsewhere or worded apart ("LINE", "ไลน์")
# leaves two, which do not recur: kb gets 54 of the 56 (export, topic) pairs with 3 or
# more tickets right, and all 40 with 4 or more (bench/RESULTS.md, "Gaps from tickets").
LEAST = MIN_SIZE + 1


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    from deflection.site_index import index_site
    from kb.settings import load_site

    root = tmp_path_factory.mktemp("planted")
    text = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: articles", f"docs_dir: {ROOT / 'articles'}", 1)
    text = text.replace("site_dir: site", f"site_dir: {root / 'site'}", 1)
    text = text.replace(f"tickets: {SAMPLE_EXPORT}", f"tickets: {ROOT / SAMPLE_EXPORT}", 1)
    (root / "site_config.yml").write_text(text, encoding="utf-8")
    index_site(load_site(root / "site_config.yml"))
    return root / "site_config.yml"


def git_dates() -> dict[str, str]:
    docs = ROOT / "articles"
    return {
        p.relative_to(docs).as_posix(): when.isoformat()
        for p, when in last_commit_dates(docs).items()
        if docs in p.parents
    }


@pytest.mark.parametrize("name", sorted(PLANTED["files"]))
def test_planted_topics_are_found(name, config, run_kb):
    info = PLANTED["files"][name]
    result = run_kb("gaps", "--tickets", TICKETS / name, "--config", config, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["tickets"]) == info["tickets"]
    imported = {t["id"] for t in data["tickets"]}
    dates = git_dates()
    checked = 0
    for planted in PLANTED["topics"]:
        ids = {info["id"].replace("<n>", i) for i in planted["ticket_ids"]} & imported
        if len(ids) < LEAST:
            continue
        topic = max(data["topics"], key=lambda t: len(ids & set(t["ticket_ids"])))
        found = len(ids & set(topic["ticket_ids"]))
        where = f"{name}: {planted['key']} ({len(ids)} tickets) → {topic['label']!r}"
        assert found >= SHARE * len(ids), f"{where} holds only {found}"
        assert topic["article"] == planted["article"], where
        article = planted["article"]
        if article is None or dates.get(article) == planted["article_last_change"]:
            assert topic["verdict"] == planted["verdict"], f"{where}: {topic['evidence']}"
        checked += 1
    assert checked >= 3
    evidence_agrees_with_the_links(data)


def evidence_agrees_with_the_links(data: dict) -> None:
    """A topic's evidence never contradicts `tickets`: a "missing" topic whose tickets an
    article answers one by one says so and names it; an article's topic names the other
    articles its tickets link to."""
    links = {t["id"]: t["article"] for t in data["tickets"]}
    for topic in data["topics"]:
        own = {links[i] for i in topic["ticket_ids"]} - {None, topic["article"]}
        first = topic["evidence"][0]
        for article in own:
            assert article in first, f"{topic['label']}: {first}"
        if topic["verdict"] == "missing" and own:
            assert "one by one" in first and "as a topic" in first, first
        elif topic["verdict"] == "missing":
            assert "no article answers" in first and "one by one" not in first, first


def test_a_topic_its_tickets_link_elsewhere_follows_its_wording(config, run_kb):
    """Tickets 113, 117, 132, 155 and 199 ask to set a new password: each comes closest to
    "Can't log in" (0.49-0.58 by words; 0.27-0.37 once the meaning says that article is not
    the one), what they share ("รหัสผ่าน") to "Reset your password" (1.00), the article
    planted.yml says answers them. They were a "missing" topic whose evidence read "no
    article answers them (best match 0.56 on average, threshold 0.40)". Four of them link
    one by one to "Can't log in" at 0.37, over the tickets' threshold (0.35), under the
    topics' (0.40): the topic follows its wording, and its evidence says where they differ."""
    result = run_kb("gaps", "--tickets", TICKETS / "tickets.ndjson", "--config", config, "--json")
    data = json.loads(result.stdout)
    ids = {"113", "117", "132", "155", "199"}
    (topic,) = [t for t in data["topics"] if ids & set(t["ticket_ids"])]
    assert ids <= set(topic["ticket_ids"])
    assert topic["article"] == "th/account/reset-your-password.md"
    assert topic["verdict"] == "ok", topic["evidence"]
    assert "5 of them only through their topic's shared wording" in topic["evidence"][0]
    login = "th/troubleshooting/cannot-log-in.md"
    linked = {t["id"]: t for t in data["tickets"] if t["id"] in ids}
    for ticket in linked.values():  # their own links are kept
        assert ticket["article"] in (None, login) and 0.24 <= ticket["score"] < 0.4
        assert ticket["topic"] == topic["label"]
    assert sum(t["article"] == login for t in linked.values()) == 4
    assert f"though 4 of them link one by one to {login}" in topic["evidence"][0]
