"""Payment providers' doors: the sandbox's hosted pay page and every provider's notifications."""

import html
import json
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.orders import payments

router = APIRouter(prefix="/payments", tags=["payments"])


async def form_or_json(request: Request) -> dict:
    """The body as a flat dict: Alipay posts a form, the sandbox and scripts post JSON."""
    raw = await request.body()
    if _is_form(request):
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise DomainError("malformed_json") from None
    if not isinstance(body, dict):
        raise DomainError("malformed_json")
    return body


@router.get("/sandbox/{payment_id}/pay", response_class=HTMLResponse)
def sandbox_pay_page(payment_id: str, return_url: str = ""):
    """The sandbox's hosted pay page: the amount, and a button for each outcome."""
    with session_scope() as session:
        page = payments.payment_page(session, payment_id)
    amount = html.escape(format_money(page["amount"], page["currency"]))
    back = f'<input type="hidden" name="return_url" value="{html.escape(return_url)}">' if return_url else ""
    buttons = (
        f'<form method="post">{back}<button name="outcome" value="success">支付成功 Pay</button> '
        f'<button name="outcome" value="fail">支付失败 Fail</button></form>'
        if page["status"] in ("pending", "failed") else f"<p>{html.escape(page['status'])}</p>"
    )
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        '<title>测试支付 · 沙箱 Sandbox</title>'
        '<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem">'
        f'<h1>测试支付 Test payment</h1><p>订单 Order {html.escape(page["order_no"])}</p>'
        f'<p style="font-size:2rem">{amount}</p>{buttons}'
        '<p style="color:#666">测试用支付网关，不会扣款。 A test gateway: no money moves.</p></body></html>'
    )


@router.post("/sandbox/{payment_id}/pay")
def sandbox_pay(
    payment_id: str, request: Request, body: dict = Depends(form_or_json),
    idempotency_key: str | None = Header(default=None),
):
    """The shopper's choice: the sandbox sends its signed notification; answers {status}.

    From the hosted page (a form) the shopper is sent back to the shop afterwards.
    """
    with session_scope() as session:
        answer = payments.sandbox_pay(session, payment_id, body.get("outcome"), idempotency_key)
    back = payments.provider("sandbox").safe_return_url(body.get("return_url"))
    if _is_form(request) and back:
        return RedirectResponse(back, status_code=303)
    return answer


@router.post("/{provider}/notify")
def notify(provider: str, payload: dict = Depends(form_or_json)):
    """A provider's signed notification: 400 if the signature fails, the provider's own 'success' once handled."""
    with session_scope() as session:
        handled = payments.handle_notification(session, provider, {k: str(v) for k, v in payload.items()})
    if provider == "alipay":
        return PlainTextResponse(handled.acknowledgement)
    return {"status": handled.status, "repeat": handled.repeat}


def _is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
