"""The shop's finance figures and payment reconciliation (issue 21 item 3), for staff who may view reports."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from shopapp.api.bodies import bounded_body, form_in, refuse_declared_size
from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.api.errors import request_lang
from shopapp.db import session_scope
from shopapp.services.analytics import finance, finance_export, reconciliation, statements
from shopapp.services.core.errors import Invalid
from shopapp.services.core.permissions import Actor, require
from shopapp.services.shops import accounts

router = APIRouter(prefix="/reports", tags=["reports"])
MAX_UPLOAD_REQUEST_BYTES = statements.MAX_STATEMENT_BYTES + 64 * 1024


@router.get("/finance")
def finance_report(
    request: Request, start: str | None = Query(None, alias="from"), to: str | None = None, period: str | None = None,
    group: str = "day", format: str = "json",  # noqa: A002 - the contract's name for it
):
    """`?from=&to=` (dates, inclusive) or `?period=today|7d|30d|month`; `group=day|month`;
    `format=csv|xlsx` answers the same figures as a file (CSV with a BOM, cells neutralised)."""
    with acting(request) as (session, actor):  # who asks first: a stranger learns nothing about the input
        if format not in ("json", "csv", "xlsx"):
            raise Invalid(fields={"format": "format_invalid"})
        report = finance.finance_report(session, actor, finance.date_range(start, to, period), group)
    if format == "json":
        return jsonable(report)
    lang = request_lang(request)
    content, media = (
        (finance_export.to_csv(report, lang), finance_export.CSV_TYPE) if format == "csv"
        else (finance_export.to_xlsx(report, lang), finance_export.XLSX_TYPE)
    )
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{finance_export.file_name(report, format)}"',
    })


@router.get("/reconciliation")
def reconciliation_report(
    request: Request, start: str | None = Query(None, alias="from"), to: str | None = None, period: str | None = None,
):
    """Our payments against the orders, and the sandbox's own records against ours, over the days asked for."""
    with acting(request) as (session, actor):
        return jsonable(reconciliation.reconcile(session, actor, finance.date_range(start, to, period)))


@router.post("/reconciliation")
async def reconcile_statement(
    request: Request, start: str | None = Query(None, alias="from"), to: str | None = None, period: str | None = None,
    provider: str = "alipay",
):
    """An uploaded statement (multipart `file`, or the CSV as the body) compared with our records.

    The file is Alipay's 账务明细 CSV (UTF-8 or GBK; `#` lines skipped) with the columns 商户订单号 (our
    payment reference), 发生时间, 收入金额（+元）, 支出金额（-元）, 业务类型 (在线支付 / 交易退款 / 收费) and
    optionally 业务流水号. Without `from`/`to` the days are the statement's own first and last day.
    Answers what GET does, with `mismatches` kinds missing_payment, missing_order, missing_in_statement,
    duplicate, amount_differs."""
    refuse_declared_size(request, MAX_UPLOAD_REQUEST_BYTES)
    await run_in_threadpool(_signed_in, request)
    body = await bounded_body(request, MAX_UPLOAD_REQUEST_BYTES)
    if request.headers.get("content-type", "").startswith("multipart/"):
        form = await form_in(request, body, max_files=1, max_fields=5)
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise Invalid(fields={"file": "required"})
            data = await upload.read()
        finally:
            await form.close()
    else:
        data = body
    return await run_in_threadpool(_reconcile, request, data, start, to, period, provider)


def _reconcile(request: Request, data: bytes, start, end, period, provider: str) -> dict:
    with acting(request) as (session, actor):
        return jsonable(reconciliation.reconcile_statement(session, actor, data, start, end, period, provider))


def _signed_in(request: Request) -> Actor:
    """Who asks, checked before a large file is read (its own short transaction: SQLite's write lock)."""
    with session_scope() as session:
        actor = accounts.authenticate(session, bearer_token(request))
    require(actor, "view_reports")
    return actor
