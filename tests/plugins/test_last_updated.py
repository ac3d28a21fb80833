"""Article pages say when they last changed: git when tracked, `reviewed` otherwise."""

from __future__ import annotations

import os
import subprocess

from kb.build import build_site


def git(root, *args, date=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="w", GIT_AUTHOR_EMAIL="w@example.com",
               GIT_COMMITTER_NAME="w", GIT_COMMITTER_EMAIL="w@example.com")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def updated_line(site, url):
    html = (site / url / "index.html").read_text(encoding="utf-8")
    return html.split('class="md-source-file"', 1)[1].split("</aside>", 1)[0]


def test_git_date_wins_for_tracked_files_and_front_matter_for_the_rest(make_kb):
    config = make_kb()
    root = config.parent
    git(root, "init", "-q")
    git(root, "add", "articles/en/billing/refunds.md")
    git(root, "commit", "-qm", "refunds", date="2025-03-04T12:00:00+00:00")
    git(root, "add", "articles/ru/billing/refunds.md")
    git(root, "commit", "-qm", "ru refunds", date="2025-05-06T12:00:00+00:00")
    build_site(config)
    site = root / "site"
    assert "March 4, 2025" in updated_line(site, "en/billing/refunds")
    assert "6 мая 2025" in updated_line(site, "ru/billing/refunds")
    # invoices.md is not tracked: its `reviewed: 2026-10-01` is shown
    assert "October 1, 2026" in updated_line(site, "en/billing/invoices")


def test_last_updated_can_be_turned_off(make_kb):
    config = make_kb()
    config.write_text(config.read_text().replace("languages: [en, ru]",
                                                 "languages: [en, ru]\n      last_updated: false"))
    build_site(config)
    html = (config.parent / "site/en/billing/invoices/index.html").read_text()
    assert "md-source-file" not in html
