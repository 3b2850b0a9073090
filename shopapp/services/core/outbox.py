"""E-mail: written to the outbox with the change that causes it, delivered later by a job.

By default a message is "delivered" by writing it to the log; with SMTP_URL it goes out over SMTP.
A failed delivery is retried with back-off; a sent message is never sent again.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

from sqlalchemy import insert
from sqlmodel import Session, select

from shopapp.i18n import t
from shopapp.models import OutboxEmail
from shopapp.models.base import utcnow
from shopapp.settings import get_settings

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def queue_email(session: Session, *, to: str, subject: str, body: str, shop_id: int | None = None,
                html: str = "", unsubscribe_url: str = "", campaign_id: int | None = None) -> OutboxEmail:
    message = OutboxEmail(shop_id=shop_id, to=to, subject=subject[:200], body=body, html=html,
                          unsubscribe_url=unsubscribe_url, campaign_id=campaign_id)
    session.add(message)
    return message


def queue_bilingual(session: Session, shop_id: int, to: str, key: str, **params) -> OutboxEmail:
    """An e-mail from the catalogue's `<key>.subject` / `<key>.body`, in Chinese and then English."""
    subject, body = _bilingual(key, params)
    return queue_email(session, shop_id=shop_id, to=to, subject=subject, body=body)


# Built once, a Core INSERT on the table: every checkout's confirmation goes through it.
_INSERT_EMAIL = insert(OutboxEmail.__table__)


def queue_bilingual_at_once(session: Session, shop_id: int, to: str, key: str, **params) -> None:
    """queue_bilingual written at once by a Core INSERT, without an object for the session's unit of work
    to flush: the checkout's hot path (every order's confirmation), whose caller needs no message back."""
    subject, body = _bilingual(key, params)
    session.execute(_INSERT_EMAIL, {"shop_id": shop_id, "to": to, "subject": subject[:200], "body": body})


def _bilingual(key: str, params: dict) -> tuple[str, str]:
    subject = " / ".join(t(f"{key}.subject", lang, **params) for lang in ("zh-CN", "en"))
    body = "\n\n".join(t(f"{key}.body", lang, **params) for lang in ("zh-CN", "en"))
    return subject, body


def masked_address(email: str) -> str:
    """An address as logs and shoppers may see it: enough to recognise ("d***@example.com"), not to use."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


def file_unsent(session: Session, shop_id: int) -> int:
    """Mark a shop's waiting e-mails as sent without sending them: the demo shop's replayed past, whose
    shoppers are made up and whose news is weeks old. Returns how many were filed."""
    waiting = session.exec(select(OutboxEmail).where(OutboxEmail.shop_id == shop_id, OutboxEmail.status == "pending")).all()
    for message in waiting:
        message.status, message.sent_at = "sent", message.created_at
        session.add(message)
    return len(waiting)


def deliver_due(session: Session, limit: int = 50) -> int:
    """Send what is due; returns how many were sent. Each message is committed on its own."""
    due = session.exec(
        select(OutboxEmail)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= utcnow())
        # An order's or a password's mail first: a campaign to thousands never holds them up.
        .order_by(OutboxEmail.campaign_id.is_not(None), OutboxEmail.id)
        .limit(limit)
    ).all()
    sent = 0
    for message in due:
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 - any failure is retried later
            message.attempts += 1
            message.last_error = str(exc)[:500]
            message.status = "failed" if message.attempts >= MAX_ATTEMPTS else "pending"
            message.next_attempt_at = utcnow() + timedelta(seconds=30 * 2**message.attempts)
            log.warning("e-mail %s to %s failed (attempt %s): %s",
                        message.id, masked_address(message.to), message.attempts, exc)
        else:
            message.status, message.sent_at = "sent", utcnow()
            sent += 1
            # Who was sent what, for the operator, without putting shoppers' addresses in the log.
            log.info("e-mail %s sent for shop %s to %s: %s",
                     message.id, message.shop_id or "-", masked_address(message.to), message.subject)
        session.add(message)
        session.commit()
    return sent


def _send(message: OutboxEmail) -> None:
    settings = get_settings()
    if not settings.smtp_url:
        log.info("e-mail to %s: %s\n%s", message.to, message.subject, message.body)
        return
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = settings.mail_from, message.to, message.subject
    email.set_content(message.body)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    if message.unsubscribe_url:
        # One-click unsubscribe (RFC 8058): mail apps show their own button and POST to the link.
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    url = urlparse(settings.smtp_url)
    client_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with client_class(url.hostname, url.port or (465 if url.scheme == "smtps" else 25), timeout=20) as client:
        if url.scheme == "smtp" and client.has_extn("starttls"):
            client.starttls()
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(email)
