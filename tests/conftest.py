"""Shared fixtures: throwaway help centers under tmp_path, and the kb CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def run_kb():
    """Run `kb ARGS…` in-process; returns click's Result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def in_a_new_process():
    """Run Python code in a new interpreter from the repository's folder; returns what it
    prints, read as JSON. For what kb does only in a process without other threads (it
    forks no workers beside them: deflection.batch), since this one keeps other tests'."""

    def run(code: str):
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


@pytest.fixture
def make_kb(tmp_path):
    """Copy a fixture site (default: `mini`) to tmp_path, overlay `files`; return its config."""

    def make(fixture: str = "mini", files: dict[str, str] | None = None) -> Path:
        target = tmp_path / fixture
        shutil.copytree(FIXTURES / fixture, target)
        for rel, text in (files or {}).items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return target / "site_config.yml"

    return make


SAMPLE_EXPORT = "tests/data/tickets/tickets.ndjson"  # the sample config's kb/gaps tickets


def copy_sample(target: Path) -> Path:
    """Copy the sample help center (articles, site_config.yml and the ticket export it
    names) into `target`; returns the copied config."""
    shutil.copytree(ROOT / "articles", target / "articles")
    shutil.copy(ROOT / "site_config.yml", target / "site_config.yml")
    (target / SAMPLE_EXPORT).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / SAMPLE_EXPORT, target / SAMPLE_EXPORT)
    return target / "site_config.yml"


@pytest.fixture
def sample_site(tmp_path) -> Path:
    """A copy of the repository's sample help center (articles + site_config.yml)."""
    return copy_sample(tmp_path / "sample")


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    """The sample help center copied once per session, with its search index built."""
    from deflection.site_index import index_site
    from kb.settings import load_site

    site = load_site(copy_sample(tmp_path_factory.mktemp("sample-index")))
    index_site(site)
    return site


@pytest.fixture(scope="session")
def engine(sample_index):
    from deflection.site_index import engine_for

    return engine_for(sample_index)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The sample help center built once with `kb build --strict`'s MkDocs step; its site/."""
    from kb.build import build_site

    root = tmp_path_factory.mktemp("built-sample")
    build_site(copy_sample(root), strict=True)
    return root / "site"


def read_page(site: Path, url: str) -> str:
    """The HTML of a built page, by its address (`en/billing`)."""
    return (site / url / "index.html").read_text(encoding="utf-8")
