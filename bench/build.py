"""How site builds scale: kb (MkDocs + Material + kb/site) against plain Material.

For each size, a synthetic help center is generated once per variant and built in
its own fresh child process, so the peak memory reported is that build's alone.

Example:
    .venv/bin/python bench/build.py                      # 100, 1000, 5000 articles
    .venv/bin/python bench/build.py --sizes 100,1000 --json
    .venv/bin/python bench/build.py --skip-plain-above 1000 --timeout 300
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.synthetic import generate

ROOT = Path(__file__).resolve().parent.parent

MB = 1024 * 1024
TARGET_ARTICLES, TARGET_SECONDS, TARGET_SITE_MB = 5000, 60.0, 500.0
VARIANTS = {"kb": True, "plain": False}  # variant name -> kb_plugin
CHILD = "import sys; from kb.build import build_site; build_site(sys.argv[1], site_dir=sys.argv[2])"


def folder_size(folder: Path) -> int:
    """Total size in bytes of every file under folder."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_child(config: Path, site_dir: Path, timeout: float, log: Path) -> tuple[str, float, float]:
    """Build in a fresh Python process; return (status, wall seconds, peak RSS in MB).

    Peak RSS is the child's own ru_maxrss from os.wait4 (kilobytes on Linux).
    """
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(config), str(site_dir)],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    status = "ok"
    while True:
        pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            proc.kill()
            _, code, usage = os.wait4(proc.pid, 0)
            status = "timeout"
            break
        time.sleep(0.05)
    proc.returncode = code  # reaped here, so Popen must not wait for it again
    wall = time.perf_counter() - start
    if status == "ok" and code != 0:
        status = "failed"
    return status, wall, usage.ru_maxrss / 1024


def measure(articles: int, variant: str, workdir: Path, timeout: float) -> dict:
    """Generate one synthetic site, build it in a child process, measure its output."""
    root = workdir / f"{variant}-{articles}"
    config = generate(root, articles, kb_plugin=VARIANTS[variant])
    site = root / "site"
    status, wall, rss = run_child(config, site, timeout, root / "build.log")
    result = {"articles": articles, "variant": variant, "status": status,
              "seconds": round(wall, 2), "peak_rss_mb": round(rss, 1),
              "site_mb": None, "search_index_mb": None, "largest_page_kb": None}
    if status == "ok":
        index = site / "search" / "search_index.json"
        pages = [p.stat().st_size for p in site.glob("en/section-*/article-*/index.html")]
        index_mb = round(index.stat().st_size / MB, 2) if index.exists() else None
        result.update(site_mb=round(folder_size(site) / MB, 1), search_index_mb=index_mb,
                      largest_page_kb=round(max(pages) / 1024, 1) if pages else None)
    elif status == "failed":
        print((root / "build.log").read_text()[-2000:], file=sys.stderr)
    shutil.rmtree(root)  # the plain sites reach gigabytes: keep one on disk at a time
    return result


def fmt(value: float | None, status: str, key: str, timeout: float) -> str:
    """One table cell: a number, '> timeout', the status, or a dash when there is no figure."""
    if key == "seconds" and status == "timeout":
        return f"> {timeout:g}"
    if key == "seconds" and status != "ok":
        return status
    if value is None:
        return "-"
    prefix = ">= " if status == "timeout" else ""  # peak memory until the kill
    return prefix + (f"{value:,.2f}" if key == "search_index_mb" else f"{value:,.1f}")


def ratio(kb: dict, plain: dict, key: str, timeout: float) -> str:
    """kb / plain for one figure, as text ('< x' when the baseline timed out)."""
    if plain["status"] == "timeout" and key == "seconds" and kb["status"] == "ok":
        return f"< {kb['seconds'] / timeout:.2f}x"
    if kb.get(key) and plain.get(key) and "ok" == kb["status"] == plain["status"]:
        return f"{kb[key] / plain[key]:.2f}x"
    return "n/a"


def report(results: list[dict], timeout: float) -> None:
    """Print the table, the kb/plain ratios, the growth between sizes and the targets."""
    cols = [("seconds", "time s"), ("peak_rss_mb", "peak RSS MB"), ("site_mb", "site MB"),
            ("search_index_mb", "search index MB"), ("largest_page_kb", "largest page KB")]
    print(f"| articles | variant | {' | '.join(h for _, h in cols)} |")
    print("|---:|---|" + "---:|" * len(cols))
    for r in results:
        cells = " | ".join(fmt(r[k], r["status"], k, timeout) for k, _ in cols)
        print(f"| {r['articles']} | {r['variant']} | {cells} |")
    by = {(r["articles"], r["variant"]): r for r in results}
    sizes = sorted({r["articles"] for r in results})
    print("\nkb / plain:")
    for n in sizes:
        kb, plain = by[(n, "kb")], by[(n, "plain")]
        print(f"  {n:>5} articles: time {ratio(kb, plain, 'seconds', timeout)}, "
              f"memory {ratio(kb, plain, 'peak_rss_mb', timeout)}, "
              f"site {ratio(kb, plain, 'site_mb', timeout)}")
    if len(sizes) >= 2:
        a, b = sizes[-2], sizes[-1]
        print(f"\ngrowth {a} -> {b} articles ({b / a:g}x; linear ~{b / a:g}x, "
              f"quadratic ~{(b / a) ** 2:g}x):")
        for variant in VARIANTS:
            small, large = by[(a, variant)], by[(b, variant)]
            if "ok" == small["status"] == large["status"]:
                print(f"  {variant:>5}: time {large['seconds'] / small['seconds']:.1f}x, "
                      f"site {large['site_mb'] / small['site_mb']:.1f}x")
            else:
                print(f"  {variant:>5}: n/a ({a}: {small['status']}, {b}: {large['status']})")
    kb = by.get((TARGET_ARTICLES, "kb"))
    print(f"\ntargets at {TARGET_ARTICLES} articles (kb build):")
    if kb is None or kb["status"] != "ok":
        print("  not measured" if kb is None else f"  build {kb['status']}")
        return
    for label, value, limit, unit in (("time", kb["seconds"], TARGET_SECONDS, "s"),
                                      ("output", kb["site_mb"], TARGET_SITE_MB, "MB")):
        verdict = "met" if value <= limit else "MISSED"
        print(f"  {label} <= {limit:g} {unit}: {value:,.1f} {unit} -> {verdict}")


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run every build in turn, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split(
        "\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000",
                        help="comma-separated article counts (default: 100,1000,5000)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds before a build is killed and reported as '> timeout'")
    parser.add_argument("--skip-plain-above", type=int, metavar="N",
                        help="skip the plain Material baseline above N articles")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        for n in sizes:
            for variant in VARIANTS:
                if variant == "plain" and args.skip_plain_above is not None \
                        and n > args.skip_plain_above:
                    results.append({"articles": n, "variant": variant, "status": "skipped",
                                    "seconds": None, "peak_rss_mb": None, "site_mb": None,
                                    "search_index_mb": None, "largest_page_kb": None})
                    print(f"{n:>5} {variant:>5}: skipped", file=sys.stderr)
                    continue
                r = measure(n, variant, Path(tmp), args.timeout)
                results.append(r)
                print(f"{n:>5} {variant:>5}: {r['status']}, {r['seconds']:.1f} s, "
                      f"{r['peak_rss_mb']:.0f} MB peak, site {r['site_mb'] or '-'} MB",
                      file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results, args.timeout)
    return 0 if all(r["status"] in ("ok", "timeout", "skipped") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
