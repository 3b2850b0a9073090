"""The reports' date ranges and the tracker's small judgements, without a server."""

from datetime import date

import pytest

from shopapp.services.analytics import ranges, tracking
from shopapp.services.core.errors import Invalid
from tests.loops import run_coroutine

TODAY = date(2026, 12, 6)


def test_the_presets_are_whole_days_ending_today_and_compare_with_the_days_just_before():
    assert ranges.period("today", today=TODAY) == ranges.Period(TODAY, TODAY)
    assert ranges.period("yesterday", today=TODAY) == ranges.Period(date(2026, 12, 5), date(2026, 12, 5))
    week = ranges.period("7d", today=TODAY)
    assert (week.first, week.last, week.days) == (date(2026, 11, 30), TODAY, 7)
    assert week.previous() == ranges.Period(date(2026, 11, 23), date(2026, 11, 29))
    assert ranges.period("30d", today=TODAY).days == 30
    assert ranges.period(None, "2026-01-01", "2026-12-31", today=TODAY).days == 365


@pytest.mark.parametrize(("from_", "to", "field", "code"), [
    ("2026-05-02", "2026-05-01", "to", "range_reversed"),
    ("2016-01-01", "2026-01-01", "to", "range_too_long"),
    ("someday", "2026-01-01", "from", "date_invalid"),
])
def test_a_bad_custom_range_names_its_field(from_, to, field, code):
    with pytest.raises(Invalid) as refused:
        ranges.period(None, from_, to, today=TODAY)
    assert refused.value.fields == {field: code}


def test_the_visitor_id_is_read_from_the_trackers_cookie_only_when_well_formed():
    assert tracking.visitor_from_cookies("a=1; _vid=4f1c2e9a-0b6d-4e55-9a51-0c2b7f1d9e33; b=2") == "4f1c2e9a-0b6d-4e55-9a51-0c2b7f1d9e33"
    assert tracking.visitor_from_cookies("_vid=<script>") == ""
    assert tracking.visitor_from_cookies("") == tracking.visitor_from_cookies(None) == ""


def test_crawlers_and_tools_are_bots_and_a_phone_is_not():
    assert tracking.is_bot("Mozilla/5.0 (compatible; Baiduspider/2.0)") and tracking.is_bot("") and tracking.is_bot("curl/8.5")
    assert not tracking.is_bot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger/8.0")


def _page_cookie(**headers) -> str:
    """What Set-Cookie a storefront page answers with, through the VisitorCookie middleware."""

    import httpx
    from starlette.responses import PlainTextResponse

    from shopapp.api.tracking import VisitorCookie

    async def page(scope, receive, send):
        await PlainTextResponse("页面")(scope, receive, send)

    async def get() -> str:
        transport = httpx.ASGITransport(app=VisitorCookie(page))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            answer = await client.get(headers.pop("path", "/s/demo-tea"), headers=headers)
        return answer.headers.get("set-cookie", "")

    return run_coroutine(get())


PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def test_a_storefront_page_gives_a_new_visitor_an_id_before_any_script_runs():
    assert _page_cookie(**{"user-agent": PHONE}).startswith("_vid=")
    assert "SameSite=Lax" in _page_cookie(**{"user-agent": PHONE})


def test_no_visitor_id_under_dnt_or_gpc_for_bots_for_known_visitors_or_off_the_storefront():
    assert _page_cookie(**{"user-agent": PHONE, "dnt": "1"}) == ""
    assert _page_cookie(**{"user-agent": PHONE, "sec-gpc": "1"}) == ""
    assert _page_cookie(**{"user-agent": "Googlebot/2.1"}) == ""
    assert _page_cookie(**{"user-agent": PHONE, "cookie": "_vid=4f1c2e9a-0b6d-4e55-9a51-0c2b7f1d9e33"}) == ""
    assert _page_cookie(**{"user-agent": PHONE, "path": "/console"}) == ""
