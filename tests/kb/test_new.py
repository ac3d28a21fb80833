"""`kb new`: a valid article, placed in the navigation, and clear refusals."""

from __future__ import annotations

import json
import subprocess

import yaml


def test_new_article_is_valid_and_in_the_navigation(make_kb, run_kb):
    config = make_kb()
    before = config.read_text()
    result = run_kb("new", "Update your card", "--section", "billing", "--owner", "sam.chen",
                    "--config", config)
    assert result.exit_code == 0, result.output
    file = config.parent / "articles/en/billing/update-your-card.md"
    meta = yaml.safe_load(file.read_text().split("---")[1])
    assert meta["title"] == "Update your card"
    assert meta["owner"] == "sam.chen"
    assert meta["translation_key"] == "update-your-card"
    assert meta["review_every"] == 365
    after = config.read_text()
    assert "          - en/billing/update-your-card.md\n" in after
    # a round-trip edit: everything else, comments included, is untouched
    assert after.replace("          - en/billing/update-your-card.md\n", "", 1) == before
    report = json.loads(run_kb("check", "-f", config, "--json").output)
    assert [p["code"] for p in report["problems"] if p["severity"] == "error"] == []


def test_an_article_left_as_kb_new_wrote_it_is_not_published_silently(make_kb, run_kb):
    """kb new's placeholder summary and empty heading are warnings: `--strict` stops them."""
    config = make_kb()
    run_kb("new", "Update your card", "--section", "billing", "--config", config)
    path = "articles/en/billing/update-your-card.md"
    result = run_kb("check", "-f", config, "--strict", "--as-of", "2026-11-22")
    assert result.exit_code == 1, result.output
    assert f"{path}:3: warning: the summary is still a placeholder ('TODO:" in result.output
    assert f"{path}:11: warning: the article has no text yet" in result.output
    file = config.parent / path
    file.write_text(file.read_text().replace("TODO: one sentence that says what this "
                                             "article answers.", "Replace an expired card.")
                    .replace("## \n", "## Change the card\n\nOpen **Billing**.\n"))
    result = run_kb("check", "-f", config, "--json", "--as-of", "2026-11-22")
    codes = {p["code"] for p in json.loads(result.output)["problems"]
             if p["file"] == "en/billing/update-your-card.md" and p["severity"] != "note"}
    assert codes == set()


def test_translation_shares_key_and_file_name(make_kb, run_kb):
    config = make_kb()
    result = run_kb("new", "Скачать счета", "--lang", "ru", "--section", "billing",
                    "--translation-of", "en/billing/invoices.md", "--config", config)
    assert result.exit_code == 0, result.output
    file = config.parent / "articles/ru/billing/invoices.md"
    meta = yaml.safe_load(file.read_text().split("---")[1])
    assert meta["translation_key"] == "download-invoices"
    assert "- ru/billing/invoices.md" in config.read_text()
    report = json.loads(run_kb("check", "-f", config, "--json").output)
    assert not [p for p in report["problems"] if p["code"] == "missing-translation"]


def test_refusals_name_the_fix(make_kb, run_kb):
    config = make_kb()
    before = config.read_text()
    cases = [
        (["Refunds", "--section", "payments"],
         "there is no section 'payments' in en; use one of: billing"),
        (["Request a refund", "--section", "billing", "--slug", "refunds"], "already exists"),
        (["Refunds", "--section", "billing", "--lang", "de"], "use one of en, ru"),
        (["การคืนเงิน", "--section", "billing", "--lang", "ru"], "--slug"),
    ]
    for args, message in cases:
        result = run_kb("new", *args, "--config", config)
        assert result.exit_code == 1, args
        assert message in result.output, result.output
    assert config.read_text() == before
    assert sorted(p.name for p in (config.parent / "articles/en/billing").iterdir()) == [
        "index.md", "invoices.md", "refunds.md"]


def test_owner_defaults_to_the_git_user(make_kb, run_kb, monkeypatch, tmp_path):
    config = make_kb()
    subprocess.run(["git", "init", "-q", str(config.parent)], check=True)
    subprocess.run(["git", "-C", str(config.parent), "config", "user.email", "nok@example.com"],
                   check=True)
    monkeypatch.chdir(config.parent)
    assert run_kb("new", "VAT numbers", "--section", "billing").exit_code == 0
    text = (config.parent / "articles/en/billing/vat-numbers.md").read_text()
    assert "owner: nok\n" in text


def test_a_summary_about_todo_lists_is_not_a_placeholder():
    """Only kb new's 'TODO:' marks a summary unwritten; Tasklane's own 'TODO lists' do not."""
    from kb.frontmatter import parse, validate

    def placeholder(summary: str) -> bool:
        fm = parse(f"---\ntitle: Lists\nsummary: \"{summary}\"\n---\n\n## Lists\n\nText.\n")
        return any("placeholder" in p.message for p in validate("en/a.md", fm, is_index=False))

    assert placeholder("TODO: one sentence that says what this article answers.")
    assert placeholder("TODO: say what lists are")
    assert not placeholder("TODO lists keep a project's small tasks in one place.")
