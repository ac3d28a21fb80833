"""kb's options in the site config: a wrong one names the key, the value and the fix."""

from __future__ import annotations


def test_wrong_option_value_names_key_value_and_fix(make_kb, run_kb):
    config = make_kb()
    config.write_text(config.read_text().replace("languages: [en, ru]",
                                                 "languages: [en, ru]\n      nav_window: lots"))
    result = run_kb("check", "--config", config)
    assert result.exit_code == 1
    assert "nav_window" in result.output
    assert "'lots'" in result.output
    assert "write a whole number of at least 1" in result.output


def test_unknown_option_suggests_the_right_one(make_kb, run_kb):
    config = make_kb()
    config.write_text(config.read_text().replace("languages: [en, ru]",
                                                 "languages: [en, ru]\n      relatd: 3"))
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
    config.write_text(config.read_text().replace(
        "languages: [en, ru]", "languages: [en, ru]\n      trusted_proxies: [my-proxy]"))
    result = run_kb("check", "--config", config)
    assert result.exit_code == 1
    assert "'my-proxy' is not an IP address or network" in result.output
