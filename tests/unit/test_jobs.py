"""Scheduled jobs: one worker runs a job per interval; the outbox sends each e-mail once, by SMTP when set."""

import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from shopapp import jobs
from shopapp.db import session_scope
from shopapp.models import OutboxEmail
from shopapp.services.core import outbox
from shopapp.settings import load_settings
from tests.api.conftest import free_port


def test_several_workers_run_a_job_once_per_interval():
    runs = []
    job = jobs.Job("count_runs", 3600, lambda session: runs.append(1))
    barrier = threading.Barrier(6)

    def worker():
        barrier.wait()
        jobs.run_due_jobs([job])

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 1
    jobs.run_due_jobs([job])
    assert len(runs) == 1  # the interval has not passed


def test_a_failing_job_does_not_stop_the_others():
    ran = []

    def broken(session):
        raise RuntimeError("carrier API down")

    assert jobs.run_due_jobs([jobs.Job("broken", 60, broken), jobs.Job("fine", 60, lambda s: ran.append(1))]) == ["fine"]
    assert ran == [1]


def test_the_outbox_logs_mail_when_no_smtp_is_set_and_sends_it_once(session, caplog):
    outbox.queue_email(session, to="fan@example.com", subject="到货啦", body="白毫银针到货")
    session.commit()
    with caplog.at_level("INFO"):
        assert outbox.deliver_due(session) == 1
        assert outbox.deliver_due(session) == 0
    assert sum("白毫银针到货" in record.getMessage() for record in caplog.records) == 1


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch, tmp_path):
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings = load_settings({"DATA_DIR": str(tmp_path), "SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "shop@example.com"})
    monkeypatch.setattr(outbox, "get_settings", lambda: settings)
    yield inbox
    controller.stop()


def test_the_outbox_sends_over_smtp_when_configured(session, smtp_server):
    outbox.queue_email(session, to="fan@example.com", subject="您的订单已发货", body="顺丰 SF1234567890")
    session.commit()
    assert outbox.deliver_due(session) == 1
    [mail] = smtp_server.messages
    assert mail["To"] == "fan@example.com" and mail["From"] == "shop@example.com"
    assert mail["Subject"] == "您的订单已发货" and "SF1234567890" in mail.get_content()
    with session_scope() as fresh:
        assert fresh.exec(select(OutboxEmail.status)).one() == "sent"


def test_a_campaign_mail_goes_with_its_html_and_a_one_click_unsubscribe_header(session, smtp_server):
    link = "https://shop.example/api/v1/mail/unsubscribe/abc"
    outbox.queue_email(session, to="fan@example.com", subject="新茶", body="新茶到了", html="<p>新茶到了</p>", unsubscribe_url=link)
    session.commit()
    assert outbox.deliver_due(session) == 1
    [mail] = smtp_server.messages
    assert mail["List-Unsubscribe"] == f"<{link}>" and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_body(("html",)).get_content().strip() == "<p>新茶到了</p>"
    assert "新茶到了" in mail.get_body(("plain",)).get_content()


def test_an_unreachable_smtp_server_is_retried_later(session, monkeypatch, tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), "SMTP_URL": f"smtp://127.0.0.1:{free_port()}"})
    monkeypatch.setattr(outbox, "get_settings", lambda: settings)
    outbox.queue_email(session, to="fan@example.com", subject="s", body="b")
    session.commit()
    assert outbox.deliver_due(session) == 0
    message = session.exec(select(OutboxEmail)).one()
    assert message.status == "pending" and message.attempts == 1 and message.last_error
    assert outbox.deliver_due(session) == 0  # not due again yet: back-off
