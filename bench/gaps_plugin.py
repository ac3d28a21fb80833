"""What the kb/gaps plugin adds to a build of the sample help center.

Builds a copy of the sample (articles + site_config.yml) with MkDocs, in a fresh process
each time as `kb build`'s MkDocs step runs: without the plugin, then with it on the
sample export (tests/data/tickets/tickets.ndjson) from a cold index (the plugin builds
it), warm (nothing changed: the index is current), and after one article changed
(incremental). Then `kb build` itself (site and index side by side) without and with
the plugin. Prints seconds per build, best of --repeat.

    .venv/bin/python bench/gaps_plugin.py [--repeat 3] [--in-process]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXPORT = ROOT / "tests" / "data" / "tickets" / "tickets.ndjson"


def copy_sample(target: Path, plugin: bool) -> Path:
    shutil.copytree(ROOT / "articles", target / "articles")
    text = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    if plugin:
        text = text.replace("plugins:\n", f"plugins:\n  - kb/gaps:\n      tickets: {EXPORT}\n", 1)
    config = target / "site_config.yml"
    config.write_text(text, encoding="utf-8")
    return config


IN_PROCESS = False


def timed_build(config: Path) -> float:
    """One MkDocs build in a fresh process, as `kb build` runs it (imports count), or with
    --in-process in this one, as `kb serve` rebuilds (imports done, plugin state kept
    only within one build here)."""
    started = time.perf_counter()
    if IN_PROCESS:
        from kb.build import build_site

        build_site(config)
    else:
        code = f"from kb.build import build_site; build_site({str(config)!r})"
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return time.perf_counter() - started


def timed_kb_build(config: Path) -> float:
    """`kb build` itself: MkDocs and the indexer side by side, the plugin waiting for it."""
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "kb"), "build", "--config", str(config)],
                   check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--in-process", action="store_true",
                        help="build in this process (imports warm after the first build)")
    args = parser.parse_args()
    global IN_PROCESS
    IN_PROCESS = args.in_process
    rows: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            plain = copy_sample(Path(tmp) / "plain", plugin=False)
            rows.setdefault("without kb/gaps", []).append(timed_build(plain))
            config = copy_sample(Path(tmp) / "gaps", plugin=True)
            rows.setdefault("kb/gaps, cold index (plugin builds it)", []).append(
                timed_build(config))
            rows.setdefault("kb/gaps, index current", []).append(timed_build(config))
            article = config.parent / "articles/en/billing/request-a-refund.md"
            article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n",
                               encoding="utf-8")
            rows.setdefault("kb/gaps, one article changed", []).append(timed_build(config))
            if IN_PROCESS:
                continue
            plain = copy_sample(Path(tmp) / "plain-cli", plugin=False)
            rows.setdefault("kb build (site + index), without kb/gaps", []).append(
                timed_kb_build(plain))
            config = copy_sample(Path(tmp) / "gaps-cli", plugin=True)
            rows.setdefault("kb build (site + index), kb/gaps, cold index", []).append(
                timed_kb_build(config))
    tickets = sum(1 for _ in EXPORT.open(encoding="utf-8"))
    where = "in one process" if IN_PROCESS else "fresh process per build"
    print(f"sample help center, {tickets} tickets, {where}, best of {args.repeat}")
    for name, times in rows.items():
        base = min(rows["kb build (site + index), without kb/gaps" if name.startswith("kb build")
                        else "without kb/gaps"])
        best = min(times)
        print(f"  {name:<48} {best:6.2f} s   (+{best - base:.2f} s)")


if __name__ == "__main__":
    main()
