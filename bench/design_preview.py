"""How long the store editor's live preview takes to show a change: from the last key typed into a
section's setting until the framed storefront shows the new words. The preview takes the unsaved text
at once (the editor posts it into the frame, whose state renders it; no save, no reload), so this is
one event to the editor's state, the message, one event to the frame's state and the render; the
draft's save follows on its own after autosave's 250 ms pause (timed too, as "saved"). Against a
running platform with the demo shop decorated (bench/design_home.py):

    python bench/design_preview.py http://localhost:8720 editor-bench-pass --runs 5
"""

import argparse
import statistics
import time

from playwright.sync_api import expect, sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("password")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(base_url=args.base, viewport={"width": 1280, "height": 900}).new_page()
        page.goto("/login")
        page.get_by_label("邮箱").fill("demo@example.com")
        page.get_by_label("密码").fill(args.password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/console**")
        page.goto("/console/design")
        page.locator("[data-testid=section-row][data-type=notice]").get_by_test_id("choose-section").click()
        box = page.locator("[data-field=text] textarea")
        preview = page.frame_locator("[data-testid=preview]")
        saves = page.get_by_test_id("design-saved")
        timings, saved = [], []
        for run in range(args.runs):
            words = f"新茶上市 {run} {time.time():.0f}"
            before = saves.get_attribute("data-saves")
            box.fill(words)
            typed = time.perf_counter()
            expect(preview.get_by_text(words)).to_be_visible(timeout=30_000)
            timings.append((time.perf_counter() - typed) * 1000)
            expect(saves).not_to_have_attribute("data-saves", before or "0", timeout=30_000)
            saved.append((time.perf_counter() - typed) * 1000)
            print(f"run {run + 1}: preview {timings[-1]:.0f} ms, saved {saved[-1]:.0f} ms")
            page.wait_for_timeout(500)
        print(f"median {statistics.median(timings):.0f} ms to the preview (saved after {statistics.median(saved):.0f} ms) over {len(timings)} runs")
        browser.close()


if __name__ == "__main__":
    main()
