"""Reports of abuse (举报): anyone files one against a shop (no account), operators work the queue."""

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from shopapp.api.deps import client_ip, jsonable
from shopapp.api.ops import only_operators, operating
from shopapp.db import session_scope
from shopapp.services.core.validation import id_from_text
from shopapp.services.platform import abuse_reports

router = APIRouter(prefix="/store/{slug}", tags=["storefront"])
ops_router = APIRouter(prefix="/ops", tags=["operators"], dependencies=[Depends(only_operators)])


class ReportBody(BaseModel):
    reason: str = ""
    details: str = ""
    contact: str = ""
    page_url: str = ""
    website: str = ""  # the honeypot: people never see it, bots fill it


class ResolveBody(BaseModel):
    note: str = ""


@router.post("/reports", status_code=201)
def file_report(slug: str, body: ReportBody, request: Request):
    """`{reason: counterfeit|fraud|prohibited|infringement|other, details, contact?, page_url?}` → 201 `{received}`;
    more than five from one address in an hour → 429."""
    with session_scope() as session:
        return abuse_reports.file_report(session, slug, body.model_dump(), client_ip(request))


@ops_router.get("/reports")
def list_reports(request: Request, status: str = "open", shop_id: int | None = None, page: int = 1, per_page: int = 30):
    """`{items: [{id, shop_id, shop_name, reason, details, contact, status, created_at, resolution}], total, open}`."""
    with operating(request) as (session, _):
        return jsonable(abuse_reports.list_reports(session, status=status, shop_id=shop_id, page=page, per_page=per_page))


@ops_router.post("/reports/{report_id}/resolve")
def resolve_report(report_id: str, body: ResolveBody, request: Request):
    with operating(request) as (session, operator):
        return jsonable(abuse_reports.resolve(session, operator, id_from_text(report_id), body.note))
