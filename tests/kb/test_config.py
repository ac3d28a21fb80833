"""kb's options in the site config: a wrong one names the key, the value and the fix."""

from __future__ import annotations

import pytest

from kb.settings import load_site


def with_option(config, option: str) -> None:
    """Set a kb/site option (`name: value`) in the mini fixture's config."""
    config.write_text(config.read_text().replace(
        "languages: [en, ru]", f"languages: [en, ru]\n      {option}"))


def test_wrong_option_value_names_key_value_and_fix(make_kb, run_kb):
    config = make_kb()
    with_option(config, "nav_window: lots")
    result = run_kb("check", "--config", config)
    assert result.exit_code == 1
    assert "nav_window" in result.output
    assert "'lots'" in result.output
    assert "write a whole number of at least 1" in result.output


def test_unknown_option_suggests_the_right_one(make_kb, run_kb):
    config = make_kb()
    with_option(config, "relatd: 3")
    result = run_kb("build", "--strict", "--config", config)
    assert result.exit_code == 1
    assert "relatd" in result.output and "Did you mean 'related'?" in result.output


def test_bad_language_code(make_kb, run_kb):
    config = make_kb()
    config.write_text(config.read_text().replace("languages: [en, ru]",
                                                 "languages: [English, ru]"))
    result = run_kb("check", "--config", config)
    assert result.exit_code == 1
    assert "'English' is not a language code" in result.output


def test_missing_config_says_where_it_looked(tmp_path, run_kb, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_kb("check")
    assert result.exit_code == 1
    assert "no site config at" in result.output and "--config" in result.output


def test_plain_mkdocs_config_works_with_every_command(tmp_path, run_kb):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Hello\n\nSee [the guide](guide.md).\n")
    (tmp_path / "docs/guide.md").write_text("# Guide\n\nText.\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Plain\ndocs_dir: docs\n")
    result = run_kb("check", "--config", config)
    assert "2 articles" in result.output
    assert result.exit_code == 1  # guide.md has no front matter: a real finding
    assert "docs/guide.md:1: error: the article has no front matter" in result.output
    assert run_kb("build", "--config", config).exit_code == 0
    assert (tmp_path / "site/guide/index.html").is_file()


def test_bad_trusted_proxy_is_named(make_kb, run_kb):
    config = make_kb()
    with_option(config, "trusted_proxies: [my-proxy]")
    result = run_kb("check", "--config", config)
    assert result.exit_code == 1
    assert "'my-proxy' is not an IP address or network" in result.output


@pytest.mark.parametrize(("value", "error"), [
    ("help.example.com", "'help.example.com' is not an origin: it does not start with "
     "https:// or http://. Write scheme://host[:port], for example https://help.example.com"),
    ("https://help.example.com/kb/", "an origin has no path, query or fragment. Write "
     "scheme://host[:port], for example https://help.example.com"),
    ("'https://*.example.com'", "'*.example.com' is not a host name"),
    ("ftp://help.example.com", "it does not start with https:// or http://"),
])
def test_allowed_origins_must_be_origins(make_kb, run_kb, value, error):
    config = make_kb()
    with_option(config, f"allowed_origins: [{value}]")
    result = run_kb("check", "--config", config)
    assert result.exit_code == 1 and error in result.output


def test_allowed_origins_are_written_as_browsers_send_them(make_kb):
    config = make_kb()
    with_option(config, "allowed_origins: [https://help.example.com/, "
                "'HTTP://Docs.Example.com:80', 'http://[::1]:8000/', https://пример.рф]")
    assert load_site(config).options.allowed_origins == [
        "https://help.example.com", "http://docs.example.com", "http://[::1]:8000",
        "https://xn--e1afmkfd.xn--p1ai"]


def test_a_misspelt_option_is_a_check_warning_on_its_line(make_kb, run_kb):
    config = make_kb()
    with_option(config, "min_confidnce: 0.5")
    line = config.read_text().split("\n").index("      min_confidnce: 0.5") + 1
    result = run_kb("check", "--config", config)
    assert f"site_config.yml:{line}: warning: " in result.output
    assert "Did you mean 'min_confidence'?" in result.output


@pytest.mark.parametrize(("value", "error"), [
    ("1", None), ("0", None), ("0.45", None), ("5", "got 5;"), ("high", "got 'high';"),
    ("true", "got True;"),
])
def test_min_confidence_is_a_number_from_0_to_1(make_kb, run_kb, value, error):
    config = make_kb()
    with_option(config, f"min_confidence: {value}")
    result = run_kb("check", "--config", config)
    if error is None:
        assert "min_confidence" not in result.output
        assert load_site(config).options.min_confidence == float(value)
    else:
        assert result.exit_code == 1 and error in result.output
        assert "write a number from 0 to 1, for example 0.3" in result.output


def test_an_article_that_is_not_utf8_stops_the_build_with_its_name(make_kb, run_kb):
    config = make_kb()
    (config.parent / "articles/en/latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    result = run_kb("build", "--config", config)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "articles/en/latin1.md is not UTF-8" in result.output
    assert "re-save it as UTF-8" in result.output


def test_kb_site_under_another_theme_is_named_by_check_and_build(tmp_path, run_kb):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("---\ntitle: Home\nsummary: Hi.\n---\n\nHello.\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Plain\ndocs_dir: docs\nplugins:\n  - search\n  - kb/site\n")
    result = run_kb("check", "--config", config)
    assert "mkdocs.yml:0: error: plugins lists kb/site" in result.output
    assert "set `theme: {name: material}`" in result.output and result.exit_code == 1
    result = run_kb("build", "--config", config)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "needs the theme Material for MkDocs, not 'mkdocs'" in result.output
