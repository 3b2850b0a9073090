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
    """The sandbox's hosted pay page, dressed like the storefront: the shop's name leading back to
    it, the amount, a button for each outcome, and a way back to the order without paying."""
    with session_scope() as session:
        page = payments.payment_page(session, payment_id)
    back = payments.provider("sandbox").safe_return_url(return_url)
    shop_url = html.escape(f"/s/{page['shop_slug']}")
    order_url = html.escape(back) if back else shop_url
    amount = html.escape(format_money(page["amount"], page["currency"]))
    hidden = f'<input type="hidden" name="return_url" value="{html.escape(back)}">' if back else ""
    if page["status"] in ("pending", "failed"):
        choice = (
            f'<form method="post" class="buttons">{hidden}'
            '<button class="primary" name="outcome" value="success">支付成功 Pay</button>'
            '<button class="secondary" name="outcome" value="fail">支付失败 Fail</button></form>'
        )
    else:
        choice = f'<p class="status" role="status">{html.escape(_STATUS_TEXT.get(page["status"], page["status"]))}</p>'
    shop_name = html.escape(page["shop_name"])
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>测试支付 Test payment · {shop_name}</title><style>{_PAY_PAGE_CSS}</style></head><body>'
        f'<header><a class="shop" href="{shop_url}">{shop_name}</a></header>'
        '<main><section class="card">'
        f'<h1>沙箱支付 · 测试支付 Sandbox test payment</h1><p class="muted">订单 Order {html.escape(page["order_no"])}</p>'
        f'<p class="amount">{amount}</p>{choice}'
        '<p class="muted">测试用支付网关，不会扣款。 A test gateway: no money moves.</p></section>'
        f'<p class="back"><a href="{order_url}">← 返回订单 Back to your order</a>'
        f'<a href="{shop_url}">返回店铺 Back to the shop</a></p>'
        '</main></body></html>'
    )


_STATUS_TEXT = {"succeeded": "已支付 Paid", "refunded": "已退款 Refunded"}
# The storefront's look (Tailwind's gray and emerald, rounded cards) without its stylesheet,
# which the gateway's page, outside the app, does not load.
_PAY_PAGE_CSS = (
    "*{box-sizing:border-box}body{margin:0;background:#f3f4f6;color:#111827;"
    "font-family:system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif}"
    "header{position:sticky;top:0;background:#fff;border-bottom:1px solid #e5e7eb;padding:.75rem 1rem}"
    ".shop{color:#111827;font-size:1.125rem;font-weight:700;text-decoration:none}"
    "main{max-width:28rem;margin:0 auto;padding:1rem}"
    ".card{background:#fff;border-radius:1rem;padding:1.25rem}"
    "h1{font-size:1.25rem;margin:0 0 .25rem}.muted{color:#4b5563;font-size:.875rem}"
    ".amount{font-size:2rem;font-weight:700;color:#dc2626;margin:1rem 0}"
    ".buttons{display:flex;flex-direction:column;gap:.75rem}"
    "button{font:inherit;font-size:1rem;font-weight:600;border-radius:.5rem;padding:.75rem 1rem;cursor:pointer;white-space:nowrap}"
    ".primary{background:#047857;color:#fff;border:0}.primary:hover{background:#065f46}"
    ".secondary{background:#fff;color:#1f2937;border:1px solid #d1d5db}"
    ".status{font-weight:600;color:#047857}"
    ".back{display:flex;justify-content:space-between;gap:1rem;font-size:.875rem}"
    ".back a{color:#047857;text-decoration:none;padding:.5rem 0}"
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
