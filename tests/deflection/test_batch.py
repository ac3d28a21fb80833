"""Ranking many questions at once on every core (deflection.batch), against the sample
help center's real index.

kb forks no workers while other threads run, and this test process keeps the threads of
other tests (event writers, servers), so what the workers do is tested in a new
interpreter, as `kb gaps` runs."""

from __future__ import annotations

import os
import textwrap
import threading

import pytest

from deflection import batch

QUESTIONS = [
    ("en", "reset password"),
    ("ru", "как вернуть деньги за подписку"),
    ("th", "รีเซ็ตรหัสผ่าน"),
    ("en", "export one project to a spreadsheet"),
    ("en", "zzzz qqqq"),  # no article holds these words
    ("ru", "пароль"),
]


@pytest.fixture
def with_engine(sample_index, in_a_new_process):
    """Runs code in a new interpreter with `engine` (the sample index's) and `QUESTIONS`."""
    head = f"""
import json, os, threading
from deflection import batch
from deflection.site_index import engine_for
from kb.settings import load_site
engine = engine_for(load_site({str(sample_index.config_file)!r}))
QUESTIONS = {QUESTIONS!r}
assert threading.active_count() == 1
"""
    return lambda body: in_a_new_process(head + textwrap.dedent(body))


def test_workers_answer_as_one_process_does_in_the_same_order(with_engine):
    out = with_engine("""
        questions = QUESTIONS * 5
        one = [(a.results[0].path if a.results else None)
               for a in (engine.rank(q, lang) for lang, q in questions)]
        heard = []
        two = batch.first_articles(engine, questions, heard.append, workers=2)
        print(json.dumps({"one": one, "two": two, "heard": sum(heard)}))
    """)
    assert out["two"] == out["one"]
    assert out["one"][0] == "en/account/reset-your-password.md" and out["one"][4] is None
    assert out["heard"] == len(QUESTIONS) * 5


def test_the_questions_are_ranked_in_other_processes(with_engine):
    out = with_engine("""
        batch._first = lambda engine, lang, question: os.getpid()
        print(json.dumps({"me": os.getpid(),
                          "ranked_by": batch.first_articles(engine, QUESTIONS * 20, workers=2)}))
    """)
    ranked_by = set(out["ranked_by"])
    assert out["me"] not in ranked_by and 1 <= len(ranked_by) <= 2


def test_a_worker_that_dies_leaves_the_rest_to_this_process(with_engine):
    out = with_engine("""
        def die(question):
            os._exit(1)  # a worker killed mid-way, as by the out-of-memory killer
        batch._rank = die
        print(json.dumps(batch.first_articles(engine, QUESTIONS, workers=2)))
    """)
    assert out[0] == "en/account/reset-your-password.md" and len(out) == len(QUESTIONS)


def pids(engine, lang, question):
    return os.getpid()  # which process ranked the question


def test_few_questions_one_core_or_other_threads_rank_here(engine, monkeypatch):
    monkeypatch.setattr(batch, "_first", pids)
    here = {os.getpid()}
    assert set(batch.first_articles(engine, QUESTIONS)) == here  # fewer than POOL_MIN
    assert set(batch.first_articles(engine, QUESTIONS, workers=1)) == here
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # as in `mkdocs serve`
    thread.start()
    try:
        assert set(batch.first_articles(engine, QUESTIONS * 20, workers=2)) == here
    finally:
        stop.set()
        thread.join()
