"""Ranking many questions at once, on every core the machine gives this process.

`kb gaps` sends the search engine the tickets its matrix cannot decide: thousands in a
quarter's export, a few milliseconds each, in Python, so one core ranks one at a time.
Forked worker processes share the caller's engine as it stands, each with searchers of
its own (a Whoosh searcher's open files cannot be shared), and rank their share; the
answers are what one process gives, in the same order. Fewer than POOL_MIN questions,
one core, a system other than Linux, or a caller with threads of its own (forking copies
their locks as they stand: the site plugin runs inside `mkdocs serve`) rank here.

The workers rank by words alone: the model of meaning cannot run in a forked process (its
OpenMP threads do not survive the fork). Where the words leave a question's first
results close, the caller re-ranks them by meaning once the workers are done
(`SearchEngine.by_meaning_all`: a batch of questions encodes on every core, a question to a
core, where one question at a time beside the workers fought them for the cores).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deflection.search import Answer, SearchEngine

# A question takes 2-8 ms; two workers rank 11,901 in 21-26 s where one process takes
# 39 s, and a worker starts in a fork (bench/RESULTS.md, "Linking on every core").
POOL_MIN = 500
MAX_WORKERS = 8
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

_engine: SearchEngine | None = None  # the engine the workers fork with
_caller = 0  # its process


def cores() -> int:
    """The cores this process may use: those it may run on, fewer where its control group
    has a CPU quota (`docker run --cpus 2`, a Kubernetes CPU limit), and fewer where
    LOKY_MAX_CPU_COUNT says so. Workers beyond a quota would only wait for each other."""
    from joblib import cpu_count  # (scikit-learn's, imported by kb gaps anyway)

    return cpu_count()


def cpu_seconds() -> float:
    """CPU seconds of this process and of the child processes it has finished with (the
    search's workers, and any other: git)."""
    try:
        import resource
    except ImportError:  # not on Unix
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def rank_all(
    engine: SearchEngine,
    questions: Sequence[tuple[str, str]],
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    by_meaning: Callable[[], bool] | None = None,
) -> list[Answer]:
    """What `engine.rank` answers each (language, question), in the order of
    `questions`. `progress` hears how many more are done.
    `workers` defaults to the cores; with one, fewer than POOL_MIN questions (unless
    `workers` is given), or where forking is not safe, no process is started.
    `by_meaning` is asked, in `questions`' order, whether each question the words leave
    unsure may be re-ranked by meaning (None: all may)."""
    answers = _Answers(engine, progress, by_meaning)
    count = min(cores() if workers is None else workers, MAX_WORKERS, len(questions))
    if not sys.platform.startswith("linux") or threading.active_count() > 1 or count < 2 \
            or (workers is None and len(questions) < POOL_MIN):
        _here(engine, questions, answers)
    else:
        try:
            _pooled(engine, questions, count, answers)
        except BrokenProcessPool:  # a worker died (killed for memory): the rest ranks here
            _here(engine, questions[len(answers.all):], answers)
    return answers.ranked()


class _Answers:
    """The words' answers as they come; those the words leave unsure, and `may()` allows
    (None: all), wait to be re-ranked by meaning together at the end (`progress` hears of
    them then)."""

    def __init__(self, engine: SearchEngine, progress: Callable[[int], None] | None,
                 may: Callable[[], bool] | None) -> None:
        self.engine = engine
        self.progress = progress or (lambda done: None)
        self.may = may
        self.all: list[Answer] = []
        self.unsure: list[Answer] = []

    def add(self, answer: Answer) -> None:
        self.all.append(answer)
        if answer.unsure is not None and (self.may is None or self.may()):
            self.unsure.append(answer)
        else:
            self.progress(1)

    def ranked(self) -> list[Answer]:
        self.engine.by_meaning_all(self.unsure, self.progress)
        return self.all


def _here(engine: SearchEngine, questions: Sequence[tuple[str, str]],
          answers: _Answers) -> None:
    for lang, question in questions:
        answers.add(_ranked(engine, lang, question))


def _pooled(engine: SearchEngine, questions: Sequence[tuple[str, str]], workers: int,
            answers: _Answers) -> None:
    global _engine, _caller
    _engine, _caller = engine, os.getpid()
    chunk = max(8, min(256, len(questions) // (workers * 16)))
    # the workers share the caller's memory until they write to it, and a collection
    # writes to every object it visits: frozen, the caller's objects are none of its
    # business, and the tickets and queries of a large export stay shared
    frozen = gc.get_freeze_count() == 0  # the caller's own freeze stays its own
    if frozen:
        gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_forked) as pool:
            for answer in pool.map(_rank, questions, chunksize=chunk):
                answers.add(answer)
    finally:
        if frozen:
            gc.unfreeze()
        _engine = None


def _forked() -> None:
    """A worker's start: it ends with its caller, however the caller ends (killed by the
    kernel for memory, SIGTERM to it alone), not blocked on the task queue forever."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = (ctypes.c_int, ctypes.c_ulong)
    if prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:  # the pool breaks: ranked here
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != _caller:  # the caller ended before the line above
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    assert _engine is not None, "the worker forked with no engine"
    _engine.forked()


def _ranked(engine: SearchEngine, lang: str, question: str) -> Answer:
    """A question ranked by words alone (here or in a worker)."""
    return engine.rank(question, lang, by_meaning=False)


def _rank(question: tuple[str, str]) -> Answer:
    assert _engine is not None, "the worker forked with no engine"
    return _ranked(_engine, *question)
