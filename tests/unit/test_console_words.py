"""The console speaks its reader's language: no event code, actor id, provider or status code reaches the screen."""

import re
from datetime import UTC, datetime
from pathlib import Path

from shopapp.i18n import CATALOGUES
from shopapp.ui.components.uploads import refusal_messages
from shopapp.ui.console.orders.timeline import event_rows, payment_rows

SERVICES = Path(__file__).resolve().parents[2] / "shopapp" / "services"


def _event_types_the_services_write() -> set[str]:
    code = "\n".join(path.read_text() for path in SERVICES.rglob("*.py"))
    written = set(re.findall(r"record_event\(\s*session,\s*\w+,\s*\"(\w+)\"", code))
    written |= set(re.findall(r"transition\(\s*session,\s*\w+,\s*\"(\w+)\"", code))
    written |= {"cancelled", "paid", "closed", "shipped", "partially_shipped", "delivered", "completed", "note"}
    return written


def test_every_event_the_services_write_has_words_in_both_languages():
    types = _event_types_the_services_write()
    assert {"placed", "aftersales_requested", "stock_not_released"} <= types
    for lang, catalogue in CATALOGUES.items():
        missing = [t for t in types if f"console.event.{t}" not in catalogue]
        assert not missing, (lang, missing)


def test_a_timeline_reads_as_words_and_names_not_codes():
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    events = [{"type": t, "at": at, "actor": a, "data": {}} for t, a in (
        ("placed", "shopper"), ("paid", "payment:sandbox"), ("shipped", "user:1"), ("completed", "system"),
        ("delivered", "carrier:SF"), ("mystery", "robot:7"),
    )]
    actors = {"shopper": {"kind": "shopper", "name": ""}, "payment:sandbox": {"kind": "payment", "name": "sandbox"},
              "user:1": {"kind": "staff", "name": "boss@example.com"}, "system": {"kind": "system", "name": ""},
              "carrier:SF": {"kind": "carrier", "name": "SF"}}
    zh = CATALOGUES["zh-CN"]
    rows = event_rows(events, actors, "zh-CN")
    shown = [(zh[r["type_key"]], r["actor_name"] or zh[r["actor_key"]]) for r in rows]
    assert shown == [("顾客下单", "顾客"), ("已付款", "测试支付"), ("已发货", "boss@example.com"), ("交易完成", "系统"),
                     ("已签收", "顺丰速运"), ("其他记录", "其他")]
    assert event_rows(events[-2:-1], actors, "en")[0]["actor_name"] == "SF Express"


def test_payments_show_the_provider_and_status_in_words():
    rows = payment_rows([{"provider": "alipay", "status": "succeeded", "amount": 3800, "provider_reference": "2026"}], str)
    en = CATALOGUES["en"]
    assert (CATALOGUES["zh-CN"][rows[0]["provider_key"]], CATALOGUES["zh-CN"][rows[0]["status_key"]]) == ("支付宝", "支付成功")
    assert (en[rows[0]["provider_key"]], en[rows[0]["status_key"]]) == ("Alipay", "Succeeded")


def test_a_refused_picture_says_which_file_why_and_the_limit():
    limit = 10 * 1024 * 1024
    lines = [f"海报.jpg|{int(20.9 * 1024 * 1024)}|file-too-large", "notes.pdf|1200|file-invalid-type"]
    assert refusal_messages(lines, "zh-CN", limit) == [
        "海报.jpg 有 20.9 MB，超过了单张 10 MB 的上限，请压缩后再上传", "notes.pdf 不是 JPEG、PNG、WebP 或 GIF 图片",
    ]
    assert "over the 10 MB limit" in refusal_messages(lines, "en", limit)[0]
