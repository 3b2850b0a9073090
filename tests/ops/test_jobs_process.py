"""The separate jobs process (`python -m shopapp jobs`): SIGTERM lets the job in hand finish, starts no other and
exits cleanly; each e-mail it sends is logged with the address masked, so an operator sees who was sent what."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import JobLease, OutboxEmail
from shopapp.services.core import outbox
from tests.api.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
SHOPPERS = ["dora@example.com", "fang@example.com", "gao@example.com"]


class HeldInbox:
    """An SMTP server that holds the first message until the test lets it go: the jobs process is then
    provably in the middle of a delivery when it is told to stop."""

    def __init__(self):
        self.received: list[str] = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received.extend(envelope.rcpt_tos)
        self.first_arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        return "250 OK"


@pytest.fixture
def held_inbox():
    inbox = HeldInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    inbox.release.set()
    controller.stop()


def _start_jobs(tmp_path: Path, smtp_port: int) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "jobs.log"
    env = {**os.environ, "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "MAIL_FROM": "shop@example.com", "LOG_LEVEL": "INFO"}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "shopapp", "jobs"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    return process, log


def test_sigterm_mid_delivery_finishes_the_mail_in_hand_and_stops_without_starting_another_job(
    session, held_inbox, tmp_path
):
    inbox, smtp_port = held_inbox
    for address in SHOPPERS:
        outbox.queue_email(session, to=address, subject="您的订单已发货", body="顺丰 SF1234567890")
    session.commit()
    process, log = _start_jobs(tmp_path, smtp_port)
    try:
        assert inbox.first_arrived.wait(120), log.read_text()
        process.send_signal(signal.SIGTERM)  # while the first message is still on the wire
        inbox.release.set()
        assert process.wait(timeout=120) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()

    text = log.read_text()
    assert sorted(inbox.received) == SHOPPERS  # each once: the delivery run was finished, not cut
    with session_scope() as fresh:
        assert set(fresh.exec(select(OutboxEmail.status)).all()) == {"sent"}
        assert fresh.exec(select(JobLease.name)).all() == ["deliver_email"]  # no job started after the signal
    assert "SIGTERM received: finishing the current job, then stopping" in text and "jobs stopped" in text
    for masked in ("d***@example.com", "f***@example.com", "g***@example.com"):
        assert f"to {masked}: 您的订单已发货" in text
    assert not any(address in text for address in SHOPPERS)


def test_an_idle_jobs_process_stops_at_once_on_sigterm(session, held_inbox, tmp_path):
    _, smtp_port = held_inbox
    process, log = _start_jobs(tmp_path, smtp_port)
    try:
        while "jobs running" not in log.read_text():
            assert process.poll() is None, log.read_text()
            threading.Event().wait(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
    assert "jobs stopped" in log.read_text()


def test_a_second_sigterm_stops_at_once_and_leaves_the_unsent_mail_for_the_next_run(session, held_inbox, tmp_path):
    inbox, smtp_port = held_inbox
    outbox.queue_email(session, to="dora@example.com", subject="到货啦", body="白毫银针到货")
    session.commit()
    process, log = _start_jobs(tmp_path, smtp_port)
    try:
        assert inbox.first_arrived.wait(120), log.read_text()
        process.send_signal(signal.SIGTERM)
        while "SIGTERM received" not in log.read_text():  # one signal at a time: two at once arrive as one
            assert process.poll() is None, log.read_text()
            threading.Event().wait(0.2)
        process.send_signal(signal.SIGTERM)  # the operator will not wait for a stuck mail server
        assert process.wait(timeout=120) == 0, log.read_text()
    finally:
        inbox.release.set()
        if process.poll() is None:
            process.kill()
    assert "jobs stopped at once" in log.read_text()
    with session_scope() as fresh:
        assert fresh.exec(select(OutboxEmail.status)).all() == ["pending"]  # sent by the next jobs process
