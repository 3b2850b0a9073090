"""Steps several journeys share."""

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, expect

DEMO_EMAIL = "demo@example.com"
# The platform generates the demo owner's password per install; the served test platform is given this one
# (DEMO_PASSWORD, see conftest.platform_url) so the journeys can log in.
DEMO_PASSWORD = "e2e-demo-owner-pass"


# How long another worker may show what it remembered for all its shoppers (a product page's blocks, the
# published design: services/core/changes.py, shops/design.py), with a margin.
OTHER_WORKERS_SECONDS = 1.2


def let_other_workers_see_it() -> None:
    """Before a phone reloads to see an owner's change: with page state in Redis (E2E_REDIS_URL) the platform
    runs several workers, and the phone's page may be served by another worker than the owner's, which shows
    the change a second later at most, by design. One worker (the embedded default) shows it at once."""
    if os.environ.get("E2E_REDIS_URL"):
        time.sleep(OTHER_WORKERS_SECONDS)


def log_in_as_demo_owner(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("邮箱").fill(DEMO_EMAIL)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile("/console/?$"))
    expect(page.get_by_test_id("console-shop-name")).to_have_text("一叶茶舍")


def fill_checkout_address(page: Page, *, postcode: str = "310012") -> None:
    """A good Chinese address on the checkout page (收货人 … 邮编)."""
    page.get_by_label("收货人").fill("张三")
    page.get_by_label("手机号").fill("138 0013 8000")
    page.get_by_label("省份").select_option("浙江省")
    page.get_by_label("城市").select_option("杭州市")
    page.get_by_label("区/县").select_option("西湖区")
    page.get_by_label("详细地址").fill("文三路 100 号 2 幢 301")
    page.get_by_label("邮编").fill(postcode)


def last_email_to(platform_data: Path, address: str) -> str:
    """The body of the newest e-mail the served platform wrote to its outbox for `address`."""
    with sqlite3.connect(platform_data / "shopapp.db") as db:
        row = db.execute("SELECT body FROM outbox_email WHERE \"to\" = ? ORDER BY id DESC LIMIT 1", (address,)).fetchone()
    assert row, f"no e-mail to {address}"
    return row[0]


def run_jobs(platform_data: Path, platform_url: str, *names: str) -> None:
    """Run the named scheduled jobs once on the served platform's data and address, as its job loop would (the
    suite's servers run with RUN_JOBS=false so that no job fires in the middle of a journey)."""
    code = ("import sys; from shopapp import jobs; "
            "jobs.run_due_jobs([job for job in jobs.JOBS if job.name in sys.argv[1:]])")
    run_on_platform(platform_data, platform_url, code, *names)


def run_on_platform(platform_data: Path, platform_url: str, code: str, *args: str) -> None:
    """Run Python `code` (with `args` in sys.argv[1:]) on the served platform's data and settings, as one of its
    own processes would: what a journey cannot do through a page (a job, yesterday's visits)."""
    env = {**os.environ, "DATA_DIR": str(platform_data), "PORT": platform_url.rsplit(":", 1)[1].strip("/")}
    for name in ("DATABASE_URL", "REDIS_URL", "PUBLIC_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, timeout=120)
