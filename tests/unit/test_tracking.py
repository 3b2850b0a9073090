"""Carrier tracking: the poll job asks a 快递100-style aggregator (a local server speaking its protocol) and
records each scan once; a parcel signed for delivers its order."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from sqlmodel import select

from shopapp.models import Order, Shipment, TrackingEvent
from shopapp.services.orders import fulfillment, tracking
from shopapp.settings import get_settings
from tests.shopping import paid_order, product_on_sale

CUSTOMER, KEY = "E1A2B3C4D5", "kd100-secret-key"

SIGNED = {"status": "200", "message": "ok", "state": "3", "ischeck": "1", "com": "shunfeng", "data": [
    {"time": "2025-11-13 14:05:11", "ftime": "2025-11-13 14:05:11",
     "context": "[杭州市]快件已签收，签收人：本人，如有疑问请电联快递员【王师傅，电话：13900001111】"},
    {"time": "2025-11-13 08:21:40", "ftime": "2025-11-13 08:21:40", "context": "[杭州市]快件交给王师傅，正在派送途中"},
    {"time": "2025-11-12 21:02:13", "ftime": "2025-11-12 21:02:13", "context": "[上海市]顺丰速运 已收取快件"},
]}
ON_THE_WAY = {"status": "200", "message": "ok", "state": "0", "ischeck": "0", "com": "zhongtong", "data": [
    {"time": "2025-11-12 23:40:02", "ftime": "2025-11-12 23:40:02", "context": "【上海转运中心】已发出 下一站【杭州中转部】"},
    {"time": "2025-11-12 19:15:00", "ftime": "2025-11-12 19:15:00", "context": "【上海市普陀区】的张三已揽收"},
]}
NOT_YET = {"result": False, "returnCode": "500", "message": "查询无结果，请隔段时间再查"}
BAD_SIGN = {"result": False, "returnCode": "408", "message": "签名验证失败"}


class Aggregator:
    """A local aggregator: checks each request's signature and answers what `answers` holds for the waybill."""

    def __init__(self):
        self.answers: dict[str, dict] = {}
        self.requests: list[dict] = []
        aggregator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                aggregator.requests.append(form)
                expected = hashlib.md5((form["param"] + KEY + CUSTOMER).encode()).hexdigest().upper()
                if form.get("customer") != CUSTOMER or form.get("sign") != expected:
                    return self._answer(BAD_SIGN)
                return self._answer(aggregator.answers.get(json.loads(form["param"])["num"], NOT_YET))

            def _answer(self, body: dict):
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/poll/query.do"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def aggregator(monkeypatch):
    server = Aggregator()
    configured = replace(get_settings(), tracking_url=server.url, tracking_customer=CUSTOMER, tracking_key=KEY)
    monkeypatch.setattr(tracking, "get_settings", lambda: configured)
    yield server
    server.close()


def _shipped(session, owner, carrier: str, tracking_no: str):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner, sku=tracking_no[-6:]), 1))
    parcel = fulfillment.ship(session, owner, order.id, None, carrier, tracking_no)
    session.commit()
    return order, parcel


def _scans(session, parcel: Shipment) -> list[tuple[str, str]]:
    return [(e.status, e.description) for e in session.exec(
        select(TrackingEvent).where(TrackingEvent.shipment_id == parcel.id).order_by(TrackingEvent.at)
    ).all()]


def test_a_parcel_signed_for_at_the_carrier_delivers_the_order(session, owner, aggregator):
    order, parcel = _shipped(session, owner, "SF", "SF1234567890123")
    aggregator.answers["SF1234567890123"] = SIGNED
    assert tracking.poll_open_shipments(session) == 1
    session.refresh(parcel)
    session.refresh(order)
    assert parcel.status == "delivered" and order.status == "delivered"
    assert parcel.delivered_at.isoformat() == "2025-11-13T06:05:11+00:00"  # 14:05 Beijing time
    scans = _scans(session, parcel)
    assert [status for status, _ in scans] == ["in_transit", "in_transit", "delivered"]
    assert scans[0][1] == "[上海市]顺丰速运 已收取快件"
    # SF is asked with the recipient's phone, the others are not.
    param = json.loads(aggregator.requests[0]["param"])
    assert param == {"com": "shunfeng", "num": "SF1234567890123", "phone": "13800138000"}


def test_each_scan_is_recorded_once_however_often_the_parcel_is_polled(session, owner, aggregator):
    order, parcel = _shipped(session, owner, "ZTO", "753123456789")
    aggregator.answers["753123456789"] = ON_THE_WAY
    tracking.poll_open_shipments(session)
    tracking.poll_open_shipments(session)
    assert len(_scans(session, parcel)) == 2
    out_for_delivery = {**ON_THE_WAY, "state": "5", "data": [
        {"time": "2025-11-13 07:30:00", "ftime": "2025-11-13 07:30:00", "context": "【杭州西湖】派件员 李师傅 正在派件"},
        *ON_THE_WAY["data"],
    ]}
    aggregator.answers["753123456789"] = out_for_delivery
    tracking.poll_open_shipments(session)
    session.refresh(parcel)
    assert len(_scans(session, parcel)) == 3 and parcel.status == "out_for_delivery"
    assert session.get(Order, order.id, populate_existing=True).status == "shipped"
    assert "phone" not in json.loads(aggregator.requests[0]["param"])


def test_a_refused_signature_or_no_tracks_yet_change_nothing_but_the_poll_time(session, owner, aggregator, monkeypatch):
    _, parcel = _shipped(session, owner, "SF", "SF1234567890123")
    tracking.poll_open_shipments(session)  # the aggregator has nothing yet
    wrong_key = replace(tracking.get_settings(), tracking_key="not-the-key")
    monkeypatch.setattr(tracking, "get_settings", lambda: wrong_key)
    aggregator.answers["SF1234567890123"] = SIGNED
    tracking.poll_open_shipments(session)
    session.refresh(parcel)
    assert _scans(session, parcel) == [] and parcel.status == "shipped" and parcel.last_polled_at is not None
    assert [r["sign"] == hashlib.md5((r["param"] + KEY + CUSTOMER).encode()).hexdigest().upper()
            for r in aggregator.requests] == [True, False]


def test_an_unreachable_aggregator_is_tried_again_next_time(session, owner, monkeypatch):
    _, parcel = _shipped(session, owner, "SF", "SF1234567890123")
    down = replace(get_settings(), tracking_url="http://127.0.0.1:9/query.do", tracking_customer=CUSTOMER, tracking_key=KEY)
    monkeypatch.setattr(tracking, "get_settings", lambda: down)
    assert tracking.poll_open_shipments(session) == 1
    session.refresh(parcel)
    assert parcel.status == "shipped" and _scans(session, parcel) == []


def test_without_tracking_settings_nothing_is_polled(session, owner):
    _shipped(session, owner, "SF", "SF1234567890123")
    assert tracking.poll_open_shipments(session) == 0


def test_delivered_parcels_are_not_polled_again(session, owner, aggregator):
    _, parcel = _shipped(session, owner, "SF", "SF1234567890123")
    aggregator.answers["SF1234567890123"] = SIGNED
    tracking.poll_open_shipments(session)
    assert tracking.poll_open_shipments(session) == 0 and len(aggregator.requests) == 1
