"""A broken synonyms file is caught where writers look (`kb check`, `kb index`, `kb build`),
named by file and line, before the search meets it."""

from __future__ import annotations

import pytest

from kb.settings import load_site

BROKEN = [
    ("- [refund, money back]\n- [a, b\n", 3, "not valid YAML"),
    ("- [refund, money back]\n- [alone]\n", 2, "group 2 (['alone']) must list two or more"),
    ("refund: money back\n", 1, "must be a list of groups"),
    ("- [refund, money back]\n- refund\n", 2, "group 2 ('refund') is not a list"),
    # YAML reads yes/on as true, ~ and an empty entry as null: no word a customer types
    ("- [agree, yes]\n", 1, "group 1 (['agree', True]) holds True, not a word"),
    ("- [login, ~]\n", 1, "holds an empty entry"),
    ("- [a: b, c]\n", 1, "holds {'a': 'b'}, not a word"),
    ("- [[x, y], z]\n", 1, "holds ['x', 'y'], not a word"),
]


@pytest.mark.parametrize(("text", "line", "problem"), BROKEN)
def test_kb_check_names_the_file_and_line(make_kb, text, line, problem):
    from kb.check import check

    config = make_kb(files={"articles/_synonyms/en.yml": text})
    found = [p for p in check(load_site(config)).problems if p.code == "synonyms"]
    assert [(p.file, p.line, p.severity.value) for p in found] == \
        [("_synonyms/en.yml", line, "error")]
    assert problem in found[0].message and found[0].fix


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


@pytest.mark.parametrize("text", [None, "", "# words\n- [refund, money back]\n",
                                  '- ["yes", agree]\n- [404, not found]\n'])
def test_a_good_file_an_empty_one_and_none_pass(make_kb, text):
    from kb.check import check

    config = make_kb(files={} if text is None else {"articles/_synonyms/en.yml": text})
    assert not [p for p in check(load_site(config)).problems if p.code == "synonyms"]


# a good group, then the three kinds of bad one: one word, not a list, a mapping inside
SEVERAL = "# words\n- [refund, money back]\n- [timesheet]\n- foo\n- [a: b]\n"


def test_kb_check_names_every_bad_group_in_one_run(run_kb, make_kb):
    """A writer fixes them all at once instead of meeting them one run at a time."""
    import json

    config = make_kb(files={"articles/_synonyms/en.yml": SEVERAL})
    result = run_kb("check", "-f", config)
    assert result.exit_code == 1
    two = "must list two or more words\n    fix: e.g. - [invoice, receipt, bill]"
    for line, group in [(3, f"group 2 (['timesheet']) {two}"),
                        (4, "group 3 ('foo') is not a list\n    fix: put it in brackets with "
                            "its synonyms: - [foo, …]"),
                        (5, f"group 4 ([{{'a': 'b'}}]) {two}")]:
        assert f"articles/_synonyms/en.yml:{line}: error: {group}" in result.output
    problems = json.loads(run_kb("check", "-f", config, "--json").output)["problems"]
    assert [(p["file"], p["line"]) for p in problems if p["code"] == "synonyms"] == \
        [("_synonyms/en.yml", line) for line in (3, 4, 5)]


def test_yaml_that_does_not_parse_is_one_error_at_its_line(make_kb):
    """Nothing after a YAML error can be read, so a bad group before it is not guessed at."""
    from kb.check import check

    config = make_kb(files={"articles/_synonyms/en.yml": "- [alone]\n- [a, b\n"})
    found = [p for p in check(load_site(config)).problems if p.code == "synonyms"]
    assert [(p.line, p.message.split(" (")[0]) for p in found] == [(3, "not valid YAML")]


def test_index_names_the_first_bad_group_and_how_many_more(run_kb, make_kb):
    config = make_kb(files={"articles/_synonyms/en.yml": SEVERAL,
                            "articles/_synonyms/ru.yml": "- [счёт]\n"})
    result = run_kb("index", "--config", config)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "_synonyms/en.yml:3: group 2 (['timesheet']) must list two or more words; " \
        "e.g. - [invoice, receipt, bill] (3 more problems: kb check lists every one)" \
        in result.output


def test_the_count_survives_kb_builds_index_process():
    """`kb build` indexes in a second process; its error comes back pickled."""
    import pickle
    from pathlib import Path

    from deflection.synonyms import SynonymsError

    error = SynonymsError(Path("en.yml"), 3, "group 2 (['a']) must list two or more words",
                          "e.g. - [invoice, receipt, bill]", more=2)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)
    assert str(error).endswith("(2 more problems: kb check lists every one)")
