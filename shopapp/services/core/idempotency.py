"""Idempotency-Key: the first answer to a money-moving request, given again to its repeats."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import IdempotencyRecord
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, Invalid

MAX_KEY = 100
KEEP = timedelta(hours=24)


def recall(session: Session, shop_id: int, endpoint: str, key: str, request: dict) -> dict | None:
    """The answer given to this key before, or None after claiming the key for this request.

    The claim is a row under a unique constraint: of two identical requests racing, the second
    waits for the first to commit and then receives its answer. A key sent again with a
    different request is refused, so nobody gets another shopper's answer by reusing a key.
    """
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise Invalid(fields={"idempotency_key": "too_long" if key else "required"})
    digest = hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    record = _find(session, shop_id, endpoint, key)
    if record is None:
        try:
            with session.begin_nested():
                session.add(IdempotencyRecord(shop_id=shop_id, endpoint=endpoint, key=key, request_digest=digest))
            return None
        except IntegrityError:
            record = _find(session, shop_id, endpoint, key)  # the other request committed first
    if record is None or record.request_digest != digest:
        raise Conflict("idempotency_key_reused")
    if record.response is None:
        raise Conflict("request_in_progress")
    return record.response


def remember(session: Session, shop_id: int, endpoint: str, key: str, response: dict) -> None:
    """Keep the answer for the key `recall` claimed."""
    record = _find(session, shop_id, endpoint, key.strip())
    record.response = response
    session.add(record)
    session.flush()


def purge_old(session: Session, keep: timedelta = KEEP) -> int:
    """The job: forget answers older than a day (a client retries within minutes, not days)."""
    return session.exec(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < utcnow() - keep)).rowcount


def _find(session: Session, shop_id: int, endpoint: str, key: str) -> IdempotencyRecord | None:
    return session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.shop_id == shop_id, IdempotencyRecord.endpoint == endpoint, IdempotencyRecord.key == key,
        )
    ).first()
