"""A shop's money: how it is collected (the platform's collection or its own Alipay app), its balance and
commission; and the operator's payout batches."""

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.api.ops import only_operators, operating
from shopapp.services.core.errors import Invalid
from shopapp.services.core.validation import id_from_text
from shopapp.services.platform import invoices, payouts
from shopapp.services.settlement import accounts, ledger

router = APIRouter(prefix="/payment-account", tags=["payment account"])
ops_router = APIRouter(prefix="/ops", tags=["operators"], dependencies=[Depends(only_operators)])


class PaymentAccount(BaseModel):
    mode: str
    app_id: str = ""
    private_key: str = ""
    alipay_public_key: str = ""


class PayoutRun(BaseModel):
    minimum: int = 1


class PayoutPaid(BaseModel):
    reference: str = ""


@router.get("")
def get_account(request: Request):
    with acting(request) as (session, actor):
        return jsonable(ledger.money_view(session, actor))


@router.put("")
def set_account(body: PaymentAccount, request: Request):
    """{mode: "own_alipay", app_id, private_key, alipay_public_key} (checked with a test call) or {mode: "platform"}."""
    with acting(request) as (session, actor):
        if body.mode == "own_alipay":
            accounts.connect_own_alipay(session, actor, body.app_id, body.private_key, body.alipay_public_key)
        elif body.mode == "platform":
            accounts.use_platform_collection(session, actor)
        else:
            raise Invalid(fields={"mode": "payment_mode_invalid"})
        return jsonable(ledger.money_view(session, actor))


@ops_router.post("/payouts", status_code=201)
def run_payouts(body: PayoutRun, request: Request):
    with operating(request) as (session, operator):
        return jsonable(payouts.run_batch(session, operator, body.minimum))


@ops_router.get("/payouts")
def payouts_page(request: Request, minimum: int = 1, page: int = 1, per_page: int = 20):
    """`{due: {items: [{shop_id, name, slug, balance}], total}, batches: {items: [batch with payouts], total}}`."""
    with operating(request) as (session, _):
        return jsonable({"due": payouts.due(session, minimum),
                         "batches": payouts.list_batches(session, page=page, per_page=per_page)})


@ops_router.post("/payouts/{batch_id}/paid")
def payout_paid(batch_id: str, body: PayoutPaid, request: Request):
    """`{reference}` (the bank's) → the batch, now paid; a batch paid already → 409."""
    with operating(request) as (session, operator):
        return jsonable(payouts.mark_paid(session, operator, id_from_text(batch_id), body.reference))


@ops_router.get("/invoices")
def all_invoices(request: Request, q: str = "", page: int = 1, per_page: int = 30):
    """Every shop's invoices, newest first; `q` a shop's name or address, or an invoice number."""
    with operating(request) as (session, _):
        return jsonable(invoices.all_invoices(session, q=q, page=page, per_page=per_page))


@ops_router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(invoice_id: str, request: Request):
    with operating(request) as (session, _):
        name, pdf = invoices.operator_invoice_pdf(session, id_from_text(invoice_id))
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
