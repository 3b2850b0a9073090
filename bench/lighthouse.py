"""Lighthouse (mobile preset) on the demo shop's home and a product page, with Debian's Chromium.

    python3 bench/lighthouse.py http://localhost:8000     # a running `make run`

Installs the lighthouse npm package into bench/.lighthouse on first use (from the npm registry).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOL = HERE / ".lighthouse"
PAGES = ("/s/demo-tea", "/s/demo-tea/p/1")
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"


def main(base: str) -> None:
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOL.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOL), "--no-audit", "--no-fund", "--silent", "lighthouse@12"], check=True)
    print(f"{'page':<20} perf  a11y  best  seo   KiB   FCP     LCP     TBT     CLS")
    for page in PAGES:
        out = TOOL / "report.json"
        subprocess.run(
            [str(binary), base + page, "--quiet", f"--chrome-flags={FLAGS}", "--output=json", f"--output-path={out}", "--form-factor=mobile"],
            check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        )
        report = json.loads(out.read_text())
        scores = [round(report["categories"][k]["score"] * 100) for k in ("performance", "accessibility", "best-practices", "seo")]
        audits = report["audits"]
        kib = round(audits["total-byte-weight"]["numericValue"] / 1024)
        timing = [audits[k]["displayValue"] for k in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")]
        print(f"{page:<20} " + "  ".join(f"{s:>4}" for s in scores) + f"  {kib:>4}  " + "  ".join(f"{t:<6}" for t in timing))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8000")
