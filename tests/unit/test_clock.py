"""One clock: moments are kept in UTC and every person sees them on the shop's clock (China time today)."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

from shopapp.services.core import clock
from shopapp.ui.components.time import shown_time

SHOPAPP = Path(__file__).resolve().parents[2] / "shopapp"


def test_a_moment_after_four_in_the_afternoon_utc_is_already_tomorrow_in_the_shop():
    late = datetime(2026, 12, 5, 16, 30, tzinfo=UTC)
    assert clock.shop_time(late).date() == date(2026, 12, 6)
    assert clock.start_of_day(date(2026, 12, 6)) == datetime(2026, 12, 5, 16, 0, tzinfo=UTC)


def test_the_storefront_the_console_and_the_desk_show_a_paid_order_at_the_same_shop_time():
    paid_at = datetime(2026, 12, 6, 0, 33, tzinfo=UTC)
    assert shown_time(paid_at) == "2026-12-06 08:33"
    assert shown_time(None) == ""


def test_the_shops_time_zone_is_written_once():
    written = [
        path.relative_to(SHOPAPP).as_posix() for path in SHOPAPP.rglob("*.py")
        if re.search(r"timedelta\(hours=8\)|ZoneInfo\(", path.read_text())
    ]
    assert written == ["services/core/clock.py"]
