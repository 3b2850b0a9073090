"""The owner's plan and bills: GET/POST /subscription, invoice PDFs, the sandbox's pay page for a bill,
and the platform provider's signed notifications about bills."""

import html

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.api.payments import form_or_json
from shopapp.db import session_scope
from shopapp.services.core.money import format_money
from shopapp.services.platform import billing, invoices
from shopapp.settings import get_settings

router = APIRouter(prefix="/subscription", tags=["subscription"])


class PlanChoice(BaseModel):
    plan_id: int | str | None = None
    period: str = "month"
    return_url: str = ""


@router.get("")
def get_subscription(request: Request):
    with acting(request) as (session, actor):
        return jsonable(billing.subscription_view(session, actor))


@router.post("")
def change_plan(body: PlanChoice, request: Request):
    """201 {payment: {id, provider, pay_url}} when there is something to pay; 200 {subscription} for a
    downgrade scheduled at the period's end."""
    with acting(request) as (session, actor):
        answer = billing.change_plan(session, actor, body.plan_id, body.period, return_url=_own_url(body.return_url))
    if answer["created"]:
        return JSONResponse(jsonable({"payment": answer["payment"]}), status_code=201)
    return jsonable({"subscription": answer["subscription"]})


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(invoice_id: int, request: Request):
    with acting(request) as (session, actor):
        name, pdf = invoices.invoice_pdf(session, actor, invoice_id)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/payments/{payment_id}/pay", response_class=HTMLResponse)
def sandbox_pay_page(payment_id: str, return_url: str = ""):
    with session_scope() as session:
        page = billing.payment_page(session, payment_id)
    back = _own_url(return_url)
    hidden = f'<input type="hidden" name="return_url" value="{html.escape(back)}">' if back else ""
    if page["status"] == "pending":
        choice = (f'<form method="post">{hidden}<button name="outcome" value="success">支付成功 Pay</button> '
                  '<button name="outcome" value="fail">支付失败 Fail</button></form>')
    else:
        choice = f'<p role="status">{html.escape(page["status"])}</p>'
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>测试支付 Test payment · 开店宝</title>'
        '<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}'
        'button{font-size:1rem;padding:.75rem 1rem;margin:.25rem 0;width:100%}.amount{font-size:2rem;color:#dc2626}</style>'
        '</head><body><h1>沙箱支付 · 平台套餐 Sandbox · plan</h1>'
        f'<p>{html.escape(page["shop_name"])} · {html.escape(page["plan"])} · {html.escape(page["period"])}</p>'
        f'<p class="amount">{html.escape(format_money(page["amount"]))}</p>{choice}'
        '<p>测试用支付网关，不会扣款。 A test gateway: no money moves.</p></body></html>'
    )


@router.post("/payments/{payment_id}/pay")
def sandbox_pay(payment_id: str, request: Request, body: dict = Depends(form_or_json)):
    with session_scope() as session:
        answer = billing.sandbox_pay(session, payment_id, body.get("outcome"))
    back = _own_url(body.get("return_url"))
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded") and back:
        return RedirectResponse(back, status_code=303)
    return {"status": answer["status"], "repeat": answer["repeat"]}


@router.post("/notify/{provider}")
def notify(provider: str, payload: dict = Depends(form_or_json)):
    """The platform provider's signed notification about a bill: 400 when forged, a repeat changes nothing."""
    with session_scope() as session:
        handled = billing.handle_notification(session, provider, {k: str(v) for k, v in payload.items()})
    if provider == "alipay":
        return PlainTextResponse(handled["acknowledgement"])
    return {"status": handled["status"], "repeat": handled["repeat"]}


def _own_url(url: str | None) -> str:
    """A way back on our own site only."""
    base = get_settings().public_url
    return url if url and (url.startswith(base + "/")) else ""
