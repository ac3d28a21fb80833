"""A broken synonyms file is caught where writers look (`kb check`, `kb index`, `kb build`),
named by file and line, before the search meets it."""

from __future__ import annotations

import pytest

from kb.settings import load_site

BROKEN = [
    ("- [refund, money back]\n- [a, b\n", 3, "not valid YAML"),
    ("- [refund, money back]\n- [alone]\n", 2, "group 2 (['alone']) must list two or more"),
    ("refund: money back\n", 1, "must be a list of groups"),
]


@pytest.mark.parametrize(("text", "line", "problem"), BROKEN)
def test_kb_check_names_the_file_and_line(make_kb, text, line, problem):
    from kb.check import check

    config = make_kb(files={"articles/_synonyms/en.yml": text})
    found = [p for p in check(load_site(config)).problems if p.code == "synonyms"]
    assert [(p.file, p.line, p.severity.value) for p in found] == \
        [("_synonyms/en.yml", line, "error")]
    assert problem in found[0].message and "e.g." in found[0].fix or "- [" in found[0].fix


@pytest.mark.parametrize(("command", "text", "line"), [
    ("index", *BROKEN[0][:2]), ("build", *BROKEN[1][:2]),
])
def test_index_and_build_stop_on_it_and_keep_the_index_they_had(run_kb, make_kb, command,
                                                                text, line):
    config = make_kb()
    assert run_kb("index", "--config", config).exit_code == 0
    index = config.parent / "index"
    before = sorted(p.relative_to(index) for p in index.rglob("*"))
    (config.parent / "articles/_synonyms").mkdir(exist_ok=True)
    (config.parent / "articles/_synonyms/en.yml").write_text(text, encoding="utf-8")
    result = run_kb(command, "--config", config)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"_synonyms/en.yml:{line}: " in result.output
    assert sorted(p.relative_to(index) for p in index.rglob("*")) == before


@pytest.mark.parametrize("text", [None, "", "# words\n- [refund, money back]\n"])
def test_a_good_file_an_empty_one_and_none_pass(make_kb, text):
    from kb.check import check

    config = make_kb(files={} if text is None else {"articles/_synonyms/en.yml": text})
    assert not [p for p in check(load_site(config)).problems if p.code == "synonyms"]
