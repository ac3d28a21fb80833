"""Diplodoc's template variables (`presets.yaml`): the site shows their values and the
index holds their words."""

from __future__ import annotations

import logging
import re

import pytest

from deflection.search import SearchEngine
from deflection.site_index import index_site
from kb.build import BuildFailed, build_site
from kb.errors import ConfigError
from kb.settings import load_site
from kb.variables import Variables, substitute

CONNECT = ("---\ntitle: Connect to {{ MY }} in {{ product.name }}\n"
           "description: Connect {{ product.name }} to {{ MY }}.\n---\n\n"
           "# Connect to {{ MY }}\n\nOpen the connection settings and enter the host of your "
           "{{ MY }} server. Templates keep `{{ param }}` as written.\n")


def test_a_nearer_presets_file_wins_and_names_read_with_dots(tmp_path):
    (tmp_path / "presets.yaml").write_text(
        "default:\n  MY: MySQL\n  product:\n    name: Acme\n  port: 3306\n"
        "internal:\n  MY: never read\n")
    (tmp_path / "en" / "db").mkdir(parents=True)
    (tmp_path / "en" / "db" / "presets.yaml").write_text("default:\n  MY: MySQL®\n")
    variables = Variables(tmp_path)
    top, nested = variables.for_page("start.md"), variables.for_page("en/db/connect.md")
    assert top == {"MY": "MySQL", "product.name": "Acme", "port": "3306"}
    assert nested == {**top, "MY": "MySQL®"}
    assert variables.for_page("en/other.md") == top
    page = "Connect to {{ MY }}."
    assert variables.fingerprint("en/db/x.md", page) != variables.fingerprint("en/x.md", page)
    assert variables.fingerprint("en/db/x.md", "{{ port }}") == \
        variables.fingerprint("en/x.md", "{{ port }}"), "only the values the page uses"
    assert Variables(tmp_path / "none").fingerprint("a.md", page) == ""

    assert substitute("{{ MY }} on {{- port -}}, {{ product.name | upper }}", nested) == \
        "MySQL® on 3306, Acme"
    assert substitute("{{ param }} and {% if x %}", nested) == "{{ param }} and {% if x %}"
    assert substitute("write not_var{{ MY }} to show it", nested) == "write {{ MY }} to show it"


def test_values_read_as_diplodoc_reads_them(tmp_path):
    """YAML 1.2 as Diplodoc's reader: `NO` is Norway, not false; dates and numbers as
    written; an empty `default:` is no variables, not an error."""
    (tmp_path / "presets.yaml").write_text(
        "default:\n  country: NO\n  answer: yes\n  enabled: true\n  since: 2024-05-01\n"
        "  port: 3306\n  nothing: null\n  list: [a, b]\n")
    assert Variables(tmp_path).for_page("a.md") == {
        "country": "NO", "answer": "yes", "enabled": "true", "since": "2024-05-01",
        "port": "3306"}
    (tmp_path / "presets.yaml").write_text("default:\n")
    assert Variables(tmp_path).for_page("a.md") == {}


@pytest.mark.parametrize(("text", "message"), [
    ("default:\n  MY: [unclosed\n", r"presets\.yaml:3: not valid YAML.*fix the line"),
    ("default: MySQL\n", r"presets\.yaml:1: `default` must map variable names to values"),
    ("- a list\n", r"presets\.yaml:1: `default` must map variable names to values"),
    ("default:\n  launch: 2026-31-10\n",
     r"presets\.yaml:2: not valid YAML \('2026-31-10' is not a valid date"),
])
def test_a_broken_presets_file_is_named_with_its_line(tmp_path, text, message):
    (tmp_path / "presets.yaml").write_text(text)
    variables = Variables(tmp_path)
    with pytest.raises(ConfigError, match=message):
        variables.for_page("a.md")
    (tmp_path / "presets.yaml").write_text("default:\n  MY: MySQL\n")
    with pytest.raises(ConfigError, match=message):  # read once: not again for each page
        variables.for_page("b.md")


def test_presets_for_other_builds_only_are_no_variables(tmp_path):
    (tmp_path / "presets.yaml").write_text("internal:\n  MY: MySQL\n")
    assert Variables(tmp_path).for_page("a.md") == {}


def test_the_index_holds_the_values_and_reads_the_page_again_when_they_change(make_kb):
    config = make_kb(files={
        "articles/presets.yaml": "default:\n  MY: MySQL\n  product:\n    name: Acme\n",
        "articles/en/billing/connect.md": CONNECT})
    index_site(load_site(config))
    engine = SearchEngine(config.parent / "index", ["en", "ru"])
    hit = engine.search("connect mysql").results[0]
    assert (hit.path, hit.title) == ("en/billing/connect.md", "Connect to MySQL in Acme")

    (config.parent / "articles/presets.yaml").write_text(
        "default:\n  MY: MySQL\n  product:\n    name: Acme\n  unused: changed\n")
    assert index_site(load_site(config)).updated == 0, "a value no page uses changes nothing"
    (config.parent / "articles/presets.yaml").write_text("default:\n  MY: MariaDB\n")
    report = index_site(load_site(config))
    assert report.updated == 1, "a changed value re-reads the pages that use it"
    engine.refresh()
    assert engine.search("mariadb").results[0].path == "en/billing/connect.md"


def test_the_site_shows_the_values(make_kb):
    config = make_kb(files={
        "articles/presets.yaml": "default:\n  MY: MySQL\n  product:\n    name: Acme\n",
        "articles/en/billing/connect.md": CONNECT})
    build_site(config)
    html = (config.parent / "site/en/billing/connect/index.html").read_text(encoding="utf-8")
    assert "<title>Connect to MySQL in Acme" in html
    assert 'content="Connect Acme to MySQL."' in html
    assert "your MySQL server" in html
    assert "{{ MY }}" not in html and "{{ param }}" in html  # unknown names stay as written
    assert not (config.parent / "site/presets.yaml").exists(), "configuration, not content"


def test_a_broken_presets_file_stops_the_build_with_its_name(make_kb, caplog):
    config = make_kb(files={"articles/presets.yaml": "default:\n  MY: [unclosed\n",
                            "articles/en/billing/connect.md": CONNECT})
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(BuildFailed):
        build_site(config)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(re.search(r"kb/site: .*presets\.yaml:3: not valid YAML", e) for e in errors)
    assert not (config.parent / "site/en/billing/connect").exists(), "stopped before pages"


def test_kb_check_names_a_broken_presets_file(make_kb):
    from kb.check import check

    config = make_kb(files={"articles/en/presets.yaml": "default:\n  MY: MySQL\n  : [\n"})
    problems = [p for p in check(load_site(config)).problems if p.code == "presets"]
    assert [(p.file, p.line) for p in problems] == [("en/presets.yaml", 3)]
    assert "not valid YAML" in problems[0].message and "fix the line" in problems[0].fix


def test_kb_check_lets_defined_variables_be_and_flags_the_others(make_kb):
    from kb.check import check

    config = make_kb(files={
        "articles/presets.yaml": "default:\n  MY: MySQL\n",
        "articles/en/billing/connect.md": CONNECT + "\nThen {{ MY }} and {{ PG }}.\n",
        "articles/en/billing/setup.md": "---\ntitle: Setup\n---\n\n# Setup\n\n"
                                          "See [the setup](connect.md#connect-to-mysql), "
                                          "not [the presets](../../presets.yaml).\n"})
    problems = check(load_site(config)).problems
    flagged = {p.message.split("('", 1)[1].split("')", 1)[0] for p in problems
               if p.code == "foreign-syntax" and p.file == "en/billing/connect.md"}
    assert flagged == {"{{ PG }}"}  # MY is defined; code is skipped
    assert not [p for p in problems if p.code == "broken-anchor"], "ids as the site has them"
    assert [p.message for p in problems if p.code == "broken-link"] == [
        p.message for p in problems if "presets.yaml" in p.message], "presets are not published"
    assert any("presets.yaml" in p.message for p in problems if p.code == "broken-link")
