"""Scheduled work: outbox delivery, session clean-up, and (as features land) order expiry and tracking.

Each job holds a lease in the database while it runs, so with several workers (web
processes or `python -m shopapp jobs`) a job runs once per interval, not once per worker.
Jobs commit item by item, so a crash mid-job loses nothing: the next run picks up the rest.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from shopapp.db import session_scope
from shopapp.models import AuthSession, JobLease, LoginAttempt
from shopapp.models.base import utcnow
from shopapp.services.analytics import rollups
from shopapp.services.checkout import group_orders
from shopapp.services.core import idempotency, outbox
from shopapp.services.customers import campaigns
from shopapp.services.insights import recommendations
from shopapp.services.marketing import affiliate_money, flash_sales
from shopapp.services.orders import cancel, fulfillment, tracking
from shopapp.services.platform import billing, invoices
from shopapp.services.shops import accounts

log = logging.getLogger(__name__)
HOLDER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[Session], object]


def purge_expired_sessions(session: Session) -> int:
    now = utcnow()
    gone = session.exec(delete(AuthSession).where(AuthSession.expires_at < now - timedelta(days=7))).rowcount
    # Failures only count for minutes; a success names an address the account is known at for a month.
    session.exec(delete(LoginAttempt).where(LoginAttempt.succeeded.is_(False), LoginAttempt.at < now - timedelta(days=1)))
    session.exec(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=accounts.KNOWN_ADDRESS_DAYS)))
    return gone


JOBS: list[Job] = [
    Job("deliver_email", 5, outbox.deliver_due),
    Job("purge_expired_sessions", 3600, purge_expired_sessions),
    Job("expire_unpaid_orders", 15, cancel.expire_unpaid_orders),
    Job("purge_idempotency_records", 3600, idempotency.purge_old),
    Job("poll_tracking", 600, tracking.poll_open_shipments),
    Job("auto_complete_delivered", 3600, fulfillment.auto_complete_delivered),
    # Seals the days that are over into analytics_day (the reports read today live).
    Job("roll_up_analytics", 900, rollups.roll_up_recent),
    # E-mail campaigns: list a due campaign's recipients, then hand them to the outbox a hundred at a time.
    Job("start_campaigns", 10, campaigns.start_due),
    Job("send_campaigns", 10, campaigns.send_due),
    # 买了这个的人也买了 / 相似商品 / 猜你喜欢, rebuilt from the day's orders and views; pages read the rows by id.
    Job("refresh_recommendations", 3 * 3600, recommendations.refresh_all),
    # 分销: commissions whose order completed settle_days ago become available to withdraw.
    Job("settle_commissions", 300, affiliate_money.settle_due),
    # A flash-sale unit taken at the gate by a worker that died before its order committed comes back.
    Job("reconcile_flash_gates", 15, flash_sales.reconcile_gates),
    # Plans: renewal reminders, renewals with their grace, and the fall to the free plan after it.
    Job("plan_renewals", 3600, billing.run_renewals),
    # Commission accrued in months that are over, one invoice per shop (nothing when already invoiced).
    Job("commission_invoices", 3600, lambda session: invoices.issue_commission_invoices(session)),
    # 拼团: groups whose window closed form with virtual members or fail, and a failed group's members are refunded.
    Job("close_group_buys", 30, group_orders.close_due_groups),
]


def run_due_jobs(jobs: list[Job] | None = None, stop: threading.Event | None = None) -> list[str]:
    """Run every job whose lease is free; returns the names of the jobs run by this worker.
    Once `stop` is set no further job starts; the one running finishes (each commits item by item)."""
    ran = []
    for job in jobs or JOBS:
        if stop is not None and stop.is_set():
            break
        if not _take_lease(job):
            continue
        try:
            with session_scope() as session:
                job.run(session)
            ran.append(job.name)
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            log.exception("job %s failed", job.name)
    return ran


def run_forever(stop: threading.Event, tick_seconds: float = 1.0) -> None:
    log.info("jobs running in %s", HOLDER)
    while not stop.is_set():
        run_due_jobs(stop=stop)
        stop.wait(tick_seconds)
    log.info("jobs stopped in %s", HOLDER)


def _take_lease(job: Job) -> bool:
    now = utcnow()
    with session_scope() as session:
        taken = session.exec(
            update(JobLease)
            .where(JobLease.name == job.name, JobLease.leased_until <= now)
            .values(holder=HOLDER, leased_until=now + timedelta(seconds=job.every_seconds))
        ).rowcount
        if taken:
            return True
        if session.get(JobLease, job.name) is not None:
            return False
    try:
        with session_scope() as session:
            session.add(JobLease(name=job.name, holder=HOLDER, leased_until=now + timedelta(seconds=job.every_seconds)))
        return True
    except IntegrityError:
        return False  # another worker created it first


def start_in_background() -> threading.Event:
    """Start the job loop on a daemon thread inside this process; set the event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="shopapp-jobs", daemon=True).start()
    return stop


def main_loop() -> None:
    """`python -m shopapp jobs`: runs until SIGTERM (systemd, docker stop) or Ctrl-C, then finishes the job
    in hand, starts no other and exits, so a restart never cuts a delivery or an expiry sweep in half."""
    stop = threading.Event()

    def stop_soon(signum, _frame) -> None:
        if stop.is_set():  # asked twice: the job in hand is rolled back (it commits item by item)
            raise KeyboardInterrupt
        log.info("%s received: finishing the current job, then stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, stop_soon)
    signal.signal(signal.SIGINT, stop_soon)
    try:
        run_forever(stop)
    except KeyboardInterrupt:
        log.info("jobs stopped at once in %s", HOLDER)

