"""Lighthouse (mobile preset) on the demo shop's home and a product page, with Debian's Chromium.

    python3 bench/lighthouse.py http://localhost:8000            # a running `make run`
    python3 bench/lighthouse.py http://localhost:8000 --runs 3   # each page 3 times, then the medians

Installs the lighthouse npm package into bench/.lighthouse on first use (from the npm registry).
Each run's full report is kept as bench/.lighthouse/<page>-<run>.json (network requests, unused JS...).
"""

import argparse
import json
import os
import statistics
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOL = HERE / ".lighthouse"
PAGES = ("/s/demo-tea", "/s/demo-tea/p/1")
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TIMINGS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", nargs="?", default="http://localhost:8000")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; with more than one, a median row follows")
    args = parser.parse_args()
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOL.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOL), "--no-audit", "--no-fund", "--silent", "lighthouse@12"], check=True)
    print(f"{'page':<20} perf  a11y  best  seo   KiB   FCP     LCP     TBT     CLS")
    for page in PAGES:
        rows = []
        for run in range(1, args.runs + 1):
            out = TOOL / f"{page.strip('/').replace('/', '_')}-{run}.json"
            command = [str(binary), args.base + page, "--quiet", f"--chrome-flags={FLAGS}", "--output=json",
                       f"--output-path={out}", "--form-factor=mobile"]
            # Lighthouse now and then fails to record the trace (NO_NAVSTART): that run again, twice at most.
            for attempt in range(3):
                done = subprocess.run(command, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"})
                if done.returncode == 0 or attempt == 2:
                    done.check_returncode()
                    break
            rows.append(_figures(json.loads(out.read_text())))
            _print(page, rows[-1])
        if args.runs > 1:
            _print("  median", [statistics.median(column) for column in zip(*rows)])


def _figures(report: dict) -> list[float]:
    """Scores (0-100), weight (KiB), FCP and LCP (s), TBT (ms) and CLS of one report."""
    audits = report["audits"]
    scores = [report["categories"][k]["score"] * 100 for k in CATEGORIES]
    fcp, lcp, tbt, cls = (audits[k]["numericValue"] for k in TIMINGS)
    return [*scores, audits["total-byte-weight"]["numericValue"] / 1024, fcp / 1000, lcp / 1000, tbt, cls]


def _print(label: str, f: list[float]) -> None:
    scores = "  ".join(f"{round(s):>4}" for s in f[:4])
    print(f"{label:<20} {scores}  {round(f[4]):>4}  {f[5]:.1f} s   {f[6]:.1f} s   {round(f[7]):>3} ms  {f[8]:.3f}", flush=True)


if __name__ == "__main__":
    main()
