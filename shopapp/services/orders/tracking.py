"""Following parcels at the carriers: the adapter interface, a 快递100-style aggregator, and the polling job.

The aggregator takes a form POST of `customer`, `param` (a JSON string: `com` carrier code, `num`
waybill number, `phone` for SF) and `sign` = UPPER(MD5(param + key + customer)) over the exact
`param` sent. It answers JSON: `status` ("200" when it has tracks), `state` (0 in transit,
1 picked up, 2 problem, 3 signed for, 4 refused, 5 out for delivery, 6 returned), `ischeck`
and `data: [{time, ftime, context}]`, newest first, times in Beijing time. `state` alone
decides delivery (3), as the aggregator documents it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx
from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Shipment, TrackingEvent
from shopapp.models.base import utcnow
from shopapp.services.core.clock import CHINA_TIME
from shopapp.services.core.errors import Unavailable
from shopapp.services.orders import fulfillment
from shopapp.settings import get_settings

log = logging.getLogger(__name__)
STATES = {
    0: "in_transit", 1: "picked_up", 2: "problem", 3: "delivered", 4: "refused", 5: "out_for_delivery", 6: "returned",
}
FINISHED = ("delivered", "returned")
# A parcel nobody signed for after this long is lost or forgotten; asking again will not help.
FOLLOW_FOR = timedelta(days=30)
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class TrackingUnavailable(Unavailable):
    """The aggregator could not be reached or did not answer sensibly; the next poll tries again."""

    code = "tracking_unavailable"


@dataclass(frozen=True)
class CarrierScan:
    at: datetime  # aware UTC
    description: str
    location: str = ""


@dataclass(frozen=True)
class Tracks:
    """What a carrier says about a parcel: its status (None if it said nothing yet) and its scans, newest first."""

    status: str | None
    scans: list[CarrierScan]


class TrackingAdapter(Protocol):
    def track(self, carrier: str, tracking_no: str, phone: str = "") -> Tracks:
        """The parcel's tracks; raises TrackingUnavailable when they cannot be had now."""


class AggregatorAdapter:
    """A 快递100-style aggregator's real-time query."""

    def __init__(self, url: str, customer: str, key: str, http: httpx.Client | None = None):
        self.url, self.customer, self._key, self._http = url, customer, key, http

    def track(self, carrier: str, tracking_no: str, phone: str = "") -> Tracks:
        query = {"com": fulfillment.CARRIERS[carrier].aggregator_code, "num": tracking_no}
        if carrier == "SF" and phone:
            query["phone"] = phone  # SF shows its tracks only to who knows the recipient's phone
        param = json.dumps(query, ensure_ascii=False, separators=(",", ":"))
        form = {"customer": self.customer, "param": param, "sign": sign(param, self._key, self.customer)}
        try:
            if self._http is not None:
                answer = self._http.post(self.url, data=form)
            else:
                with httpx.Client(timeout=TIMEOUT) as http:
                    answer = http.post(self.url, data=form)
            answer.raise_for_status()
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise TrackingUnavailable() from exc
        return parse(body)


def sign(param: str, key: str, customer: str) -> str:
    return hashlib.md5((param + key + customer).encode("utf-8")).hexdigest().upper()  # noqa: S324 - their protocol


def parse(body) -> Tracks:
    """The aggregator's answer in our words; "no tracks yet" is an empty answer, anything odd is TrackingUnavailable."""
    if not isinstance(body, dict):
        raise TrackingUnavailable()
    if str(body.get("status")) != "200":
        # Its way of saying it has nothing yet (a parcel just handed over): not an error.
        log.info("tracking: no tracks (%s %s)", body.get("returnCode"), body.get("message"))
        return Tracks(status=None, scans=[])
    try:
        state = int(body.get("state"))
        scans = [
            CarrierScan(
                at=datetime.strptime(line.get("ftime") or line["time"], "%Y-%m-%d %H:%M:%S")
                .replace(tzinfo=CHINA_TIME).astimezone(UTC),
                description=str(line["context"]).strip()[: fulfillment.MAX_DESCRIPTION],
                location=str(line.get("location") or line.get("areaName") or "")[: fulfillment.MAX_LOCATION],
            )
            for line in body.get("data") or []
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise TrackingUnavailable() from exc
    return Tracks(status=STATES.get(state, "in_transit"), scans=scans)


def configured_adapter() -> TrackingAdapter | None:
    """The aggregator of TRACKING_URL / TRACKING_CUSTOMER / TRACKING_KEY, or None when any is unset."""
    settings = get_settings()
    if not (settings.tracking_url and settings.tracking_customer and settings.tracking_key):
        return None
    return AggregatorAdapter(settings.tracking_url, settings.tracking_customer, settings.tracking_key)


def poll_open_shipments(session: Session, adapter: TrackingAdapter | None = None, limit: int = 200) -> int:
    """The job: ask the carriers about parcels on their way, longest unasked first; returns how many were asked.

    No transaction stays open while a carrier is asked (on SQLite it would hold the write
    lock for every other request); each parcel's news is committed on its own.
    """
    adapter = adapter or configured_adapter()
    if adapter is None:
        return 0
    due = session.exec(
        select(Shipment.id, Shipment.carrier, Shipment.tracking_no, Shipment.address)
        .where(Shipment.status.not_in(FINISHED), Shipment.shipped_at >= utcnow() - FOLLOW_FOR)
        .order_by(func.coalesce(Shipment.last_polled_at, Shipment.shipped_at), Shipment.id).limit(limit)
    ).all()
    session.commit()
    for shipment_id, carrier, tracking_no, address in due:
        try:
            tracks = adapter.track(carrier, tracking_no, (address or {}).get("phone", ""))
        except TrackingUnavailable as exc:
            log.warning("tracking %s %s: %s", carrier, tracking_no, exc.__cause__ or exc)
            tracks = None
        try:
            apply_tracks(session, session.get(Shipment, shipment_id, populate_existing=True), tracks)
            session.commit()
        except Exception:  # noqa: BLE001 - one broken parcel must not stop the others
            session.rollback()
            log.exception("could not record the tracks of shipment %s", shipment_id)
    return len(due)


def apply_tracks(session: Session, shipment: Shipment, tracks: Tracks | None) -> list[TrackingEvent]:
    """Add the scans not seen before; a "signed for" (state 3) delivers the parcel and its orders."""
    shipment.last_polled_at = utcnow()
    session.add(shipment)
    if tracks is None or not tracks.scans:
        session.flush()
        return []
    seen = set(session.exec(
        select(TrackingEvent.at, TrackingEvent.description)
        .where(TrackingEvent.shipment_id == shipment.id, TrackingEvent.source == "carrier")
    ).all())
    seen = {(at.astimezone(UTC), description) for at, description in seen}
    newest = tracks.scans[0]
    added = []
    for scan in reversed(tracks.scans):  # oldest first, so ids follow time
        if (scan.at, scan.description) in seen:
            continue
        # Only the newest scan carries the parcel's status; older ones were on the way.
        status = tracks.status if scan is newest else "in_transit"
        event = TrackingEvent(
            shipment_id=shipment.id, shop_id=shipment.shop_id, status=status or "in_transit",
            description=scan.description, location=scan.location, at=scan.at, source="carrier",
        )
        session.add(event)
        added.append(event)
    session.flush()
    if added:
        fulfillment.record_tracking(session, shipment, added, f"carrier:{shipment.carrier}")
    return added
