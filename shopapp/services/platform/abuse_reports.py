"""Reports of abuse (举报): anyone reports a shop from its storefront, no account needed; the operator's queue
lists them open or resolved, and resolving one (with a note) is an audited operator action.

Against bots and floods: a hidden field a person never fills (a filled one is thanked and dropped), and at most
REPORTS_PER_HOUR from one address (kept only as a keyed hash)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import AbuseReport
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, Invalid, NotFound, RateLimited, require_fields
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.validation import checked_text
from shopapp.services.platform import audit
from shopapp.services.shops import shops
from shopapp.settings import get_settings

REASONS = ("counterfeit", "fraud", "prohibited", "infringement", "other")
STATUSES = ("open", "resolved")
REPORTS_PER_HOUR = 5
DETAILS_LIMIT = 2000


def file_report(session: Session, slug: str, form: dict, reporter_ip: str) -> dict:
    """POST /store/{slug}/reports: `{reason, details, contact?, page_url?, website}` (website is the honeypot).
    Answers `{received: true}`; Invalid for a bad reason or empty details, RateLimited past the hourly share."""
    shop = shops.shop_by_slug(session, slug)
    if str(form.get("website") or "").strip():
        return {"received": True}  # a bot filled the field people never see: thanked, nothing kept
    errors: dict[str, str] = {}
    reason = form.get("reason")
    if reason not in REASONS:
        errors["reason"] = "report_reason_invalid"
    details = checked_text(form.get("details"), errors, "details", limit=DETAILS_LIMIT, required=True)
    contact = checked_text(form.get("contact"), errors, "contact", limit=200)
    page_url = checked_text(form.get("page_url"), errors, "page_url", limit=500)
    require_fields(errors)
    source = _source(reporter_ip)
    recent = session.exec(select(func.count()).select_from(AbuseReport).where(
        AbuseReport.source == source, AbuseReport.created_at > utcnow() - timedelta(hours=1))).one()
    if recent >= REPORTS_PER_HOUR:
        raise RateLimited("too_many_reports", seconds=3600)
    session.add(AbuseReport(shop_id=shop.id, reason=reason, details=details, contact=contact, page_url=page_url,
                            source=source))
    session.flush()
    return {"received": True}


def list_reports(session: Session, *, status: str = "open", shop_id: int | None = None, page: int = 1,
                 per_page: int = 30) -> dict:
    """The operator's queue, newest first: `{items: [report], total, open}` (`open`: how many wait, all shops)."""
    if status and status not in STATUSES:
        raise Invalid(fields={"status": "report_status_invalid"})
    per_page = page_size(per_page)
    query = select(AbuseReport)
    if status:
        query = query.where(AbuseReport.status == status)
    if shop_id:
        query = query.where(AbuseReport.shop_id == shop_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(AbuseReport.created_at.desc(), AbuseReport.id.desc())
                        .offset(page_start(page, per_page)).limit(per_page)).all()
    names = shops.names_by_id(session, {row.shop_id for row in rows})
    waiting = session.exec(select(func.count()).select_from(AbuseReport).where(AbuseReport.status == "open")).one()
    return {"items": [_view(row, names) for row in rows], "total": total, "open": waiting}


def resolve(session: Session, operator, report_id: int, note: str) -> dict:
    """Close a report with the operator's note (required; it goes into the audit log with the action)."""
    errors: dict[str, str] = {}
    note = checked_text(note, errors, "note", limit=500, required=True)
    require_fields(errors)
    row = session.exec(select(AbuseReport).where(AbuseReport.id == report_id).with_for_update()).first()
    if row is None:
        raise NotFound("report_not_found")
    if row.status == "resolved":
        raise Conflict("report_already_resolved")
    row.status, row.resolved_at, row.resolved_by, row.resolution = "resolved", utcnow(), operator.id, note
    session.add(row)
    audit.record(session, operator, "resolve_report", shop_id=row.shop_id, reason=note, data={"report_id": row.id})
    session.flush()
    return _view(row, shops.names_by_id(session, {row.shop_id}))


def _view(row: AbuseReport, names: dict[int, tuple[str, str]]) -> dict:
    name, slug = names.get(row.shop_id, ("", ""))
    return {"id": row.id, "shop_id": row.shop_id, "shop_name": name, "shop_slug": slug, "reason": row.reason,
            "details": row.details, "contact": row.contact, "page_url": row.page_url, "status": row.status,
            "created_at": row.created_at, "resolved_at": row.resolved_at, "resolution": row.resolution}



def _source(ip: str) -> str:
    return hmac.new(get_settings().secret_key.encode(), f"abuse-report:{ip}".encode(), hashlib.sha256).hexdigest()
