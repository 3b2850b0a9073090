"""E-mail campaigns: written once, sent to a segment through the outbox, throttled, with their figures.

A campaign is a draft until the owner sends it now or at a time. The `start_due` job then lists its
recipients once (the segment's members, less anyone who unsubscribed and any address twice), and
`send_due` hands them to the outbox a few at a time, so a campaign to 100 000 never crowds out an
order's confirmation. Opens, clicks and unsubscribes come back through the platform's own links
(services/customers/campaign_mail.py).
"""

from __future__ import annotations

import nh3
from sqlalchemy import func, insert, update
from sqlmodel import Session, select

from shopapp.models import Campaign, CampaignRecipient, EmailUnsubscribe, OutboxEmail, Product, User
from shopapp.models.base import utcnow
from shopapp.services.core import outbox, plan_limits
from shopapp.services.core.clock import typed_moment
from shopapp.services.core.errors import Conflict, Invalid, require_fields
from shopapp.services.core.paging import page_start
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.tokens import new_token
from shopapp.services.core.validation import checked_text
from shopapp.services.customers import campaign_mail, segments

MAX_PRODUCTS = 6
MAX_BODY = 50_000
PER_PAGE = 20
SEND_PER_TICK = 100  # recipients handed to the outbox per run of send_due (every 10 s: 600 a minute)
EDITABLE = ("draft", "scheduled")


def list_campaigns(session: Session, actor: Actor, page: int = 1) -> dict:
    require(actor, "manage_marketing")
    where = (Campaign.shop_id == actor.shop_id,)
    total = session.exec(select(func.count()).select_from(Campaign).where(*where)).one()
    rows = session.exec(select(Campaign).where(*where).order_by(Campaign.created_at.desc(), Campaign.id.desc())
                        .offset(page_start(page, PER_PAGE)).limit(PER_PAGE)).all()
    delivered = _delivered(session, actor.shop_id, [row.id for row in rows])
    return {"items": [campaign_dict(row, delivered.get(row.id, {})) for row in rows], "total": total}


def get_campaign(session: Session, actor: Actor, campaign_id: int) -> dict:
    require(actor, "manage_marketing")
    row = shop_row(session, Campaign, actor.shop_id, campaign_id, "campaign_not_found")
    return _full(session, row)


def create_campaign(session: Session, actor: Actor, data: dict) -> dict:
    require(actor, "manage_marketing")
    row = Campaign(shop_id=actor.shop_id, **_checked(session, actor, data))
    session.add(row)
    session.flush()
    return _full(session, row)


def update_campaign(session: Session, actor: Actor, campaign_id: int, data: dict) -> dict:
    require(actor, "manage_marketing")
    row = _editable(session, actor, campaign_id)
    for field, value in _checked(session, actor, data, partial=True).items():
        setattr(row, field, value)
    row.updated_at = utcnow()
    session.add(row)
    return _full(session, row)


def send_test(session: Session, actor: Actor, campaign_id: int) -> str:
    """The campaign as a recipient will get it, to the staff member's own address; returns that address."""
    require(actor, "manage_marketing")
    row = shop_row(session, Campaign, actor.shop_id, campaign_id, "campaign_not_found")
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise Conflict("campaign_test_needs_person")
    mail = campaign_mail.letter(session, row).to(None)
    outbox.queue_email(session, shop_id=row.shop_id, to=user.email, subject=f"[测试 Test] {row.subject}",
                       body=mail.text, html=mail.html)
    return user.email


def schedule(session: Session, actor: Actor, campaign_id: int, send_at=None) -> dict:
    """Send now (`send_at` empty) or at a time to come (ISO 8601; without a zone, on the shop's clock).
    An empty segment is refused before anything is queued."""
    require(actor, "manage_marketing")
    plan_limits.require_feature(session, actor.shop_id, "campaigns")  # drafts may be written on any plan
    row = _editable(session, actor, campaign_id)
    errors: dict[str, str] = {}
    try:
        moment = typed_moment(send_at, actor.shop_id)
    except ValueError:
        errors["send_at"], moment = "time_invalid", None
    if moment is not None and moment <= utcnow():
        errors["send_at"] = "time_in_past"
    if not row.segment:
        errors["segment"] = "required"
    require_fields(errors)
    if not segments.segment_count(session, actor, row.segment):
        raise Conflict("campaign_segment_empty")
    row.status, row.send_at, row.updated_at = "scheduled", moment or utcnow(), utcnow()
    session.add(row)
    return _full(session, row)


def cancel(session: Session, actor: Actor, campaign_id: int) -> dict:
    """Stops a scheduled or sending campaign: what the outbox already holds still goes, the rest never does."""
    require(actor, "manage_marketing")
    row = shop_row(session, Campaign, actor.shop_id, campaign_id, "campaign_not_found")
    if row.status not in ("scheduled", "sending"):
        raise Conflict("campaign_not_cancellable")
    row.status, row.finished_at, row.updated_at = "cancelled", utcnow(), utcnow()
    session.add(row)
    return _full(session, row)


def start_due(session: Session) -> int:
    """Job: list the recipients of every campaign whose time has come. Returns how many campaigns started."""
    due = session.exec(select(Campaign).where(Campaign.status == "scheduled", Campaign.send_at <= utcnow())
                       .order_by(Campaign.send_at).limit(5)).all()
    for row in due:
        _list_recipients(session, row)
        session.commit()
    return len(due)


def send_due(session: Session, limit: int = SEND_PER_TICK) -> int:
    """Job: hand the next waiting recipients to the outbox, oldest campaign first; finish campaigns with none left."""
    waiting = session.exec(
        select(CampaignRecipient).join(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(Campaign.status == "sending", CampaignRecipient.status == "waiting")
        .order_by(CampaignRecipient.campaign_id, CampaignRecipient.id).limit(limit)
    ).all()
    campaigns = {row.campaign_id: session.get(Campaign, row.campaign_id) for row in waiting}
    letters = {campaign_id: campaign_mail.letter(session, campaign) for campaign_id, campaign in campaigns.items()}
    gone = _unsubscribed(session, waiting)
    queued: list[tuple[CampaignRecipient, OutboxEmail]] = []
    for recipient in waiting:
        campaign = campaigns[recipient.campaign_id]
        if recipient.email in gone.get(campaign.shop_id, set()):
            recipient.status = "skipped"
            campaign.skipped += 1
        else:
            mail = letters[campaign.id].to(recipient.token)
            queued.append((recipient, outbox.queue_email(
                session, shop_id=campaign.shop_id, to=recipient.email, subject=campaign.subject, body=mail.text,
                html=mail.html, unsubscribe_url=mail.unsubscribe_url, campaign_id=campaign.id)))
        session.add(recipient)
    session.flush()  # one batch of INSERTs for the whole run
    for recipient, message in queued:
        recipient.status, recipient.outbox_id = "queued", message.id
    _finish_sent(session)
    session.commit()
    return len(waiting)


def campaign_dict(row: Campaign, delivered: dict) -> dict:
    return {
        "id": row.id, "name": row.name, "subject": row.subject, "body_html": row.body_html,
        "product_ids": list(row.product_ids), "segment": row.segment, "status": row.status,
        "send_at": row.send_at, "created_at": row.created_at, "started_at": row.started_at, "finished_at": row.finished_at,
        "recipients": row.recipients, "skipped": row.skipped, "sent": delivered.get("sent", 0),
        "failed": delivered.get("failed", 0), "opened": row.opened, "clicked": row.clicked, "unsubscribed": row.unsubscribed,
    }


def _full(session: Session, row: Campaign) -> dict:
    """One campaign with its numbers and its featured products (id, title, price_min, price_max), in the chosen order."""
    session.flush()
    shown = campaign_dict(row, _delivered(session, row.shop_id, [row.id]).get(row.id, {}))
    shown["products"] = [{k: s[k] for k in ("id", "title", "price_min", "price_max")} for s in campaign_mail.featured(session, row)]
    return shown


def _checked(session: Session, actor: Actor, data: dict, partial: bool = False) -> dict:
    if not isinstance(data, dict):
        raise Invalid(fields={"body": "must_be_object"})
    errors: dict[str, str] = {}
    checked: dict = {}
    for field, limit in (("name", 60), ("subject", 150)):
        if field in data or not partial:
            checked[field] = checked_text(data.get(field), errors, field, limit=limit, required=True)
    if "body_html" in data or not partial:
        body = data.get("body_html") or ""
        if not isinstance(body, str) or len(body) > MAX_BODY:
            errors["body_html"] = "too_long"
        else:
            checked["body_html"] = nh3.clean(body)  # no script, no event handlers, no javascript: links
    if "product_ids" in data or not partial:
        checked["product_ids"] = _checked_products(session, actor.shop_id, data.get("product_ids") or [], errors)
    if "segment" in data or not partial:
        checked["segment"] = _checked_segment(session, actor, data.get("segment"), errors)
    require_fields(errors)
    return checked


def _checked_products(session: Session, shop_id: int, raw, errors: dict[str, str]) -> list[int]:
    if not isinstance(raw, list) or len(raw) > MAX_PRODUCTS or not all(isinstance(i, int) for i in raw):
        errors["product_ids"] = "too_many_products"
        return []
    found = set(session.exec(select(Product.id).where(Product.shop_id == shop_id, Product.id.in_(raw))).all()) if raw else set()
    if found != set(raw):
        errors["product_ids"] = "product_not_found"
    return list(dict.fromkeys(raw))


def _checked_segment(session: Session, actor: Actor, raw, errors: dict[str, str]) -> str:
    segment = str(raw or "").strip()
    if not segment:
        return ""
    try:
        segments.segment_filters(session, actor, segment)
    except Exception:  # noqa: BLE001 - NotFound or a bad id: the same answer to the owner
        errors["segment"] = "segment_not_found"
    return segment


def _editable(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    row = shop_row(session, Campaign, actor.shop_id, campaign_id, "campaign_not_found")
    if row.status not in EDITABLE:
        raise Conflict("campaign_already_sent")
    return row


def _list_recipients(session: Session, row: Campaign) -> None:
    """The segment's members as they are now, each address once, less those who unsubscribed."""
    actor = Actor(shop_id=row.shop_id, role="owner")
    emails = list(dict.fromkeys(email.lower() for email in segments.segment_emails(session, actor, row.segment)))
    gone = set(session.exec(select(EmailUnsubscribe.email).where(EmailUnsubscribe.shop_id == row.shop_id)).all())
    wanted = [email for email in emails if email not in gone]
    for start in range(0, len(wanted), 5000):  # one INSERT per 5 000: 100 000 addresses in seconds
        session.execute(insert(CampaignRecipient), [
            {"shop_id": row.shop_id, "campaign_id": row.id, "email": email, "token": new_token("m")[2:34], "status": "waiting"}
            for email in wanted[start:start + 5000]
        ])
    row.recipients, row.skipped = len(wanted), len(emails) - len(wanted)
    row.status, row.started_at = ("sending", utcnow()) if wanted else ("sent", utcnow())
    row.finished_at = None if wanted else utcnow()
    session.add(row)


def _unsubscribed(session: Session, recipients: list[CampaignRecipient]) -> dict[int, set[str]]:
    """{shop id: the addresses among these recipients that asked that shop for no more}."""
    by_shop: dict[int, set[str]] = {}
    for recipient in recipients:
        by_shop.setdefault(recipient.shop_id, set()).add(recipient.email)
    return {shop_id: set(session.exec(select(EmailUnsubscribe.email).where(
        EmailUnsubscribe.shop_id == shop_id, EmailUnsubscribe.email.in_(emails))).all())
        for shop_id, emails in by_shop.items()}


def _finish_sent(session: Session) -> None:
    still_waiting = select(CampaignRecipient.id).where(CampaignRecipient.campaign_id == Campaign.id,
                                                        CampaignRecipient.status == "waiting").exists()
    session.exec(update(Campaign).where(Campaign.status == "sending", ~still_waiting)
                 .values(status="sent", finished_at=utcnow()))


def _delivered(session: Session, shop_id: int, ids: list[int]) -> dict[int, dict]:
    """{campaign id: {"sent": n, "failed": n}} from the outbox's own statuses, in one query."""
    figures: dict[int, dict] = {}
    if ids:
        rows = session.exec(select(OutboxEmail.campaign_id, OutboxEmail.status, func.count())
                            .where(OutboxEmail.shop_id == shop_id, OutboxEmail.campaign_id.in_(ids))
                            .group_by(OutboxEmail.campaign_id, OutboxEmail.status)).all()
        for campaign_id, status, count in rows:
            figures.setdefault(campaign_id, {})[status] = count
    return figures
