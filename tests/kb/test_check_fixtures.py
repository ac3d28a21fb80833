"""`kb check` on the sample (clean) and on broken fixtures (each names file and line)."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from tests.conftest import FIXTURES

BROKEN = sorted(p.name for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def test_sample_help_center_has_no_errors_or_warnings(sample_site, run_kb):
    result = run_kb("check", "--config", sample_site, "--json", "--as-of", "2026-11-22")
    report = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert report["articles"] >= 45
    assert [p for p in report["problems"] if p["severity"] != "note"] == []


def test_mini_fixture_is_clean(make_kb, run_kb):
    result = run_kb("check", "--strict", "--config", make_kb(), "--as-of", "2026-11-22")
    assert result.exit_code == 0, result.output


def test_a_site_without_browser_search_is_warned(make_kb, run_kb):
    config = make_kb()
    config.write_text(config.read_text().replace("  - search:\n      lang: [en, ru]\n", ""))
    result = run_kb("check", "--strict", "--config", config, "--as-of", "2026-11-22")
    assert result.exit_code == 1, result.output
    assert "site_config.yml:7: warning: plugins lists kb/site but not search" in result.output
    report = json.loads(run_kb("check", "--config", config, "--json", "--as-of",
                               "2026-11-22").output)
    assert [p["code"] for p in report["problems"] if p["severity"] == "warning"] == [
        "no-browser-search"]


def test_a_font_from_google_is_warned_unless_the_site_serves_it(make_kb, run_kb):
    config = make_kb()
    config.write_text(config.read_text().replace(
        "theme:\n  name: material\n", "theme:\n  name: material\n  font:\n    text: Inter\n"))
    result = run_kb("check", "--strict", "--config", config, "--as-of", "2026-11-22")
    assert result.exit_code == 1, result.output
    assert ("site_config.yml:4: warning: theme.font (Inter) is loaded from Google Fonts"
            in result.output)
    config.write_text(config.read_text().replace("plugins:\n", "plugins:\n  - privacy\n"))
    result = run_kb("check", "--strict", "--config", config, "--as-of", "2026-11-22")
    assert result.exit_code == 0, result.output


def apply_overlay(config, case: str) -> dict:
    overlay = FIXTURES / "broken" / case
    site = config.parent
    if (overlay / "articles").is_dir():
        shutil.copytree(overlay / "articles", site / "articles", dirs_exist_ok=True)
    nav_add = overlay / "nav-add.yml"
    if nav_add.is_file():
        change = yaml.safe_load(nav_add.read_text())
        lines = config.read_text().split("\n")
        at = next(i for i, line in enumerate(lines) if line.strip() == f"- {change['after']}")
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        lines.insert(at + 1, f"{indent}- {change['add']}")
        config.write_text("\n".join(lines))
    return yaml.safe_load((overlay / "expect.yml").read_text())


@pytest.mark.parametrize("case", BROKEN)
def test_broken_fixture_fails_naming_file_and_line(case, make_kb, run_kb):
    config = make_kb()
    expect = apply_overlay(config, case)
    strict = ["--strict"] if expect.get("strict") else []
    result = run_kb("check", "--config", config, "--as-of", "2026-11-22", *strict)
    assert result.exit_code == 1, result.output
    where = expect["file"] if expect["file"] == "site_config.yml" else f"articles/{expect['file']}"
    assert f"{where}:{expect['line']}:" in result.output

    report = json.loads(run_kb("check", "--config", config, "--json", "--as-of",
                               "2026-11-22").output)
    found = [p for p in report["problems"] if p["code"] == expect["code"]]
    assert found, report["problems"]
    assert (found[0]["file"], found[0]["line"]) == (expect["file"], expect["line"])
    assert found[0]["fix"], "every problem says how to fix it"


def test_warnings_pass_without_strict(make_kb, run_kb):
    config = make_kb()
    apply_overlay(config, "overdue-review")
    result = run_kb("check", "--config", config, "--as-of", "2026-11-22")
    assert result.exit_code == 0
    assert "review was due on 2024-07-13" in result.output


def test_unknown_key_close_to_a_known_one_is_a_warning(make_kb, run_kb):
    text = (FIXTURES / "mini/articles/en/billing/invoices.md").read_text()
    config = make_kb(files={"articles/en/billing/invoices.md":
                            text.replace("owner:", "ownr:", 1)})
    report = json.loads(run_kb("check", "-f", config, "--json", "--as-of", "2026-11-22").output)
    codes = {(p["code"], p["severity"]) for p in report["problems"]}
    assert ("front-matter-ownr", "warning") in codes
    assert ("front-matter-owner", "warning") in codes
    ownr = next(p for p in report["problems"] if p["code"] == "front-matter-ownr")
    assert "did you mean 'owner'" in ownr["fix"]


def test_missing_translation_is_a_note_unless_required(make_kb, run_kb):
    config = make_kb()
    report = json.loads(run_kb("check", "-f", config, "--json", "--as-of", "2026-11-22").output)
    missing = [p for p in report["problems"] if p["code"] == "missing-translation"]
    assert [(p["file"], p["severity"]) for p in missing] == [("en/billing/invoices.md", "note")]

    config.write_text(config.read_text().replace(
        "languages: [en, ru]", "languages: [en, ru]\n      required_translations: [ru]"))
    result = run_kb("check", "-f", config, "--strict", "--as-of", "2026-11-22")
    assert result.exit_code == 1
    assert "no Русский (ru) translation of 'download-invoices'" in result.output


def test_a_translation_keyed_apart_is_named_not_asked_for_again(make_kb, run_kb):
    """ru/billing/refunds.md exists: the fix names its key, not 'write ru/billing/refunds.md'."""
    text = (FIXTURES / "mini/articles/ru/billing/refunds.md").read_text()
    config = make_kb(files={"articles/ru/billing/refunds.md": text.replace(
        "translation_key: request-a-refund", "translation_key: refunds")})
    report = json.loads(run_kb("check", "-f", config, "--json", "--as-of", "2026-11-22").output)
    found = {(p["file"], p["line"], p["severity"], p["code"]): p for p in report["problems"]
             if "refund" in p["file"]}
    assert set(found) == {
        ("en/billing/refunds.md", 9, "warning", "translation-key-mismatch"),
        ("ru/billing/refunds.md", 9, "warning", "translation-key-mismatch")}
    en = found[("en/billing/refunds.md", 9, "warning", "translation-key-mismatch")]
    assert "ru/billing/refunds.md has the same name but 'translation_key: refunds'" \
        in en["message"]
    assert "give both the same translation_key" in en["fix"]


def test_a_synonyms_file_search_never_reads_is_named(make_kb, run_kb):
    """`en.yaml` (the extension presets.yaml has) or a language the site lacks: no search
    reads it, so kb check says so rather than leave the writer's groups unused."""
    config = make_kb(files={"articles/_synonyms/en.yaml": "- [refund, money back]\n",
                            "articles/_synonyms/de.yml": "- [Rechnung, Beleg]\n"})
    result = run_kb("check", "-f", config, "--strict", "--as-of", "2026-11-22")
    assert result.exit_code == 1, result.output
    assert ("articles/_synonyms/en.yaml:1: warning: search never reads en.yaml: kb reads "
            "only en.yml, ru.yml here\n    fix: rename it to en.yml") in result.output
    assert "articles/_synonyms/de.yml:1: warning: search never reads de.yml" in result.output


def test_a_synonym_search_reads_as_one_word_is_named(make_kb, run_kb):
    """"turn off" is "turn" ("off" is a word search ignores): every question with "turn"
    would get the group. "log in" is two words ("log", "login": analysis.PHRASAL)."""
    config = make_kb(files={"articles/_synonyms/en.yml":
                            "- [log in, signin]\n- [disable, turn off]\n"})
    result = run_kb("check", "-f", config, "--strict", "--as-of", "2026-11-22")
    assert result.exit_code == 1, result.output
    assert ('articles/_synonyms/en.yml:2: warning: "turn off" is read as "turn" alone') \
        in result.output
    assert "log in" not in result.output


def test_a_suggested_link_is_written_from_the_linking_article(make_kb):
    from kb.check import check
    from kb.settings import load_site

    config = make_kb(files={"articles/en/billing/more/page.md":
                            "---\ntitle: More\nsummary: More.\n---\n\nSee [refunds](refunds.md) "
                            "and [invoices](../invoice.md).\n\n![shot](img/shot.png)\n"})
    found = {p.message: p.fix for p in check(load_site(config)).problems
             if p.file == "en/billing/more/page.md" and p.code in ("broken-link", "missing-image")}
    assert found["link target 'refunds.md' does not exist"].endswith(
        "did you mean '../refunds.md'?")  # the same name elsewhere
    assert found["link target '../invoice.md' does not exist"].endswith(
        "did you mean '../invoices.md'?")  # a near name in the folder
    assert found["image 'img/shot.png' does not exist"].startswith(
        "add the file as 'en/billing/more/img/shot.png' in docs_dir")
