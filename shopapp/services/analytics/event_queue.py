"""Storefront events wait here for a moment, then go to the database together.

A beacon used to be one transaction (about 5 ms of a 8 ms request): at a few hundred beacons a second the
database, not the shoppers, set the pace. Now a beacon's events are checked and put in this process's
queue, and the door's flusher (api/tracking.py) writes everything queued with one INSERT every half second.
What a crash can lose is the last half second of page views, never an order or a payment: tracking is
counted, not owed. Attribution reads the queue too (`latest_source`), so an order placed the instant after
its landing page still finds its source.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from shopapp.models import VisitEvent

log = logging.getLogger(__name__)
FLUSH_SECONDS = 0.5
MAX_WAITING = 5000  # events held at most; past that the flusher is woken at once


class EventQueue:
    def __init__(self) -> None:
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self.full = threading.Event()  # set when MAX_WAITING is reached: the flusher writes before its tick

    def put(self, rows: list[dict]) -> None:
        with self._lock:
            self._rows.extend(rows)
            if len(self._rows) >= MAX_WAITING:
                self.full.set()

    def flush(self, session: Session) -> int:
        """Write every waiting event in one INSERT; returns how many. On failure they are put back for the next try."""
        with self._lock:
            rows, self._rows = self._rows, []
            self.full.clear()
        if not rows:
            return 0
        try:
            session.execute(insert(VisitEvent), rows)
            session.flush()
        except IntegrityError:
            # A row the database refuses (its shop gone) would refuse its neighbours on every try: drop the batch.
            session.rollback()
            log.exception("%s tracking events dropped", len(rows))
            return 0
        except Exception:
            with self._lock:
                self._rows[:0] = rows[-MAX_WAITING:]  # never grows without bound while the database is away
            raise
        return len(rows)

    def waiting(self) -> int:
        with self._lock:
            return len(self._rows)

    def latest_source(self, shop_id: int, visitor_id: str) -> tuple[str, str, str] | None:
        """The source of the visitor's newest event still waiting here that came from somewhere, if any."""
        with self._lock:
            for row in reversed(self._rows):
                if row["shop_id"] == shop_id and row["visitor_id"] == visitor_id and row["source"] != "direct":
                    return row["source"], row["medium"], row["campaign"]
        return None

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


queue = EventQueue()
