"""Ranking many questions at once on every core (deflection.batch), against the sample
help center's real index.

kb forks no workers while other threads run, and this test process keeps the threads of
other tests (event writers, servers), so what the workers do is tested in a new
interpreter, as `kb gaps` runs. There, `batch._ranked` is replaced by `marked(...)`, whose
answers say which process ranked each question: the forked workers run it too."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

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


def script(sample_index, body: str) -> str:
    """Python for a new interpreter: `engine` (the sample index's), `QUESTIONS`, and
    `body`."""
    return f"""
import json, os, threading, time
from deflection import batch
from deflection.site_index import engine_for
from kb.settings import load_site
engine = engine_for(load_site({str(sample_index.config_file)!r}))
from deflection.search import Hit
QUESTIONS = {QUESTIONS!r}
ranked = batch._ranked
assert threading.active_count() == 1

# a batch._ranked whose answer's first article is what say(engine) says (JSON), in the
# process that ranks
def marked(say):
    def ranked_and_marked(engine, lang, question):
        answer = ranked(engine, lang, question)
        answer.unsure = None
        answer.results = [Hit(json.dumps(say(engine)), "", "", 0.0, 0.0)]
        return answer
    return ranked_and_marked

def first_articles(*args, **options):
    return [answer.results[0].path if answer.results else None
            for answer in batch.rank_all(*args, **options)]

def said(articles):
    return [json.loads(article) for article in articles]
""" + textwrap.dedent(body)


@pytest.fixture
def with_engine(sample_index, in_a_new_process):
    return lambda body: in_a_new_process(script(sample_index, body))


def test_workers_answer_as_one_process_does_in_the_same_order(with_engine):
    out = with_engine("""
        questions = QUESTIONS * 5
        one = first_articles(engine, questions, workers=1)
        two = first_articles(engine, questions, workers=2)
        engine._local.caller = True  # the workers' searchers must be their own
        batch._ranked = marked(lambda engine: [os.getpid(), getattr(engine._local, "caller",
                                                                    False)])
        heard = []
        by = said(first_articles(engine, questions, heard.append, workers=2))
        print(json.dumps({"me": os.getpid(), "one": one, "two": two, "by": by,
                          "heard": sum(heard)}))
    """)
    assert out["two"] == out["one"]
    assert out["one"][0] == "en/account/reset-your-password.md" and out["one"][4] is None
    ranked_by = {pid for pid, _ in out["by"]}
    assert out["me"] not in ranked_by and 1 <= len(ranked_by) <= 2
    assert not any(caller for _, caller in out["by"])  # engine.forked() in each worker
    assert out["heard"] == len(QUESTIONS) * 5


def test_workers_start_for_many_questions_on_several_cores_only(with_engine):
    out = with_engine("""
        batch._ranked = marked(lambda engine: os.getpid())
        many = QUESTIONS * 100  # 600: past POOL_MIN
        def where(questions, cores, **kw):
            os.sched_getaffinity = lambda pid: set(range(cores))
            return sorted(set(said(first_articles(engine, questions, **kw)))
                          - {os.getpid()})
        out = {"many, 2 cores": where(many, 2), "many, 1 core": where(many, 1),
               "few, 2 cores": where(QUESTIONS, 2), "workers=1": where(many, 2, workers=1),
               "few, workers=2": where(QUESTIONS, 1, workers=2)}
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)  # as in `mkdocs serve`
        thread.start()
        out["another thread"] = where(many, 2, workers=2)
        stop.set()
        thread.join()
        print(json.dumps(out))
    """)
    assert out.pop("many, 2 cores") and out.pop("few, workers=2")  # in workers
    assert out == {"many, 1 core": [], "few, 2 cores": [], "workers=1": [],
                   "another thread": []}  # here


def test_a_worker_that_dies_leaves_the_rest_to_this_process(with_engine, tmp_path):
    """A worker dies after answering its first chunks: the caller keeps those answers
    and ranks only the rest, each once."""
    died = tmp_path / "died"
    out = with_engine(f"""
        questions = QUESTIONS * 100
        one = first_articles(engine, questions, workers=1)
        rank, answered = batch._rank, []
        def dies_later(question):
            answered.append(question)  # in this worker's own memory
            if len(answered) > 40:  # past its first chunks (18 questions each)
                with open({str(died)!r}, "a") as f:
                    f.write(f"{{os.getpid()}}\\n")
                os._exit(1)  # killed mid-way, as by the out-of-memory killer
            return rank(question)
        batch._rank = dies_later
        heard = []
        found = first_articles(engine, questions, heard.append, workers=2)
        print(json.dumps({{"me": os.getpid(), "same": found == one, "count": len(found),
                           "heard": sum(heard)}}))
    """)
    assert (out["same"], out["count"], out["heard"]) == (True, 600, 600)
    assert died.exists() and str(out["me"]) not in died.read_text().split()


def test_the_workers_end_with_their_caller_however_it_ends(sample_index, tmp_path):
    """Killed for memory, or sent SIGTERM alone, the caller leaves no worker waiting on
    its task queue forever (holding memory, the index and the caller's stdout)."""
    started = tmp_path / "started"
    caller = subprocess.Popen([sys.executable, "-c", script(sample_index, f"""
        def hang(engine, lang, question):
            with open({str(started)!r}, "a") as f:
                f.write(f"{{os.getpid()}}\\n")
            time.sleep(120)
        batch._ranked = hang
        first_articles(engine, QUESTIONS * 4, workers=2)  # a chunk for each
    """)], cwd=batch.__file__.rsplit("/deflection/", 1)[0])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
                not started.exists() or len(set(started.read_text().split())) < 2):
            time.sleep(0.1)
        workers = [int(pid) for pid in set(started.read_text().split())]
        assert len(workers) == 2
    finally:
        caller.send_signal(signal.SIGKILL)
        caller.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left


def alive(pid: int) -> bool:
    """Running (a zombie, waiting for init to reap it, has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_cores_are_those_this_process_may_run_on(in_a_new_process):
    assert batch.cores() == len(os.sched_getaffinity(0)) >= 1
    assert in_a_new_process("""
        import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        from deflection import batch; print(batch.cores())""") == 1


def test_a_cpu_quota_of_one_core_starts_no_workers(sample_index, tmp_path):
    """In a control group with a CPU quota of one core, as `docker run --cpus 1` makes it
    (the group mounted where the container sees its own), kb ranks in-process: two
    workers on one core's time would wait for each other."""
    v1, v2 = Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup")
    if os.geteuid() != 0 or not shutil.which("unshare") or subprocess.run(
            ["unshare", "-m", "true"], capture_output=True).returncode:
        pytest.skip("making a control group needs root and a mount namespace (unshare)")
    controllers = v2 / "cgroup.subtree_control"
    if (v1 / "cpu.cfs_quota_us").is_file() and os.access(v1, os.W_OK):
        root, quota = v1, {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "100000"}
    elif controllers.is_file() and "cpu" in controllers.read_text().split():
        root, quota = v2, {"cpu.max": "100000 100000"}
    else:
        pytest.skip("no writable cgroup CPU controller here")
    group = root / f"kb-test-{os.getpid()}"
    group.mkdir()
    try:
        for name, value in quota.items():
            (group / name).write_text(value)
        code = script(sample_index, """
            batch._ranked = marked(lambda engine: os.getpid())
            print(json.dumps([batch.cores(), os.getpid(),
                              sorted(set(said(first_articles(engine, QUESTIONS * 100))))]))
        """)
        done = subprocess.run(
            ["unshare", "-m", "sh", "-c", 'echo $$ > "$1/cgroup.procs" && '
             'mount --bind "$1" "$2" && exec "$3" -c "$4"', "sh",
             str(group), str(root), sys.executable, code],
            cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        quota_cores, me, ranked_by = json.loads(done.stdout)
        assert quota_cores == 1 and ranked_by == [me]
    finally:
        group.rmdir()
