"""A shop's money: how it is collected (the platform's collection or its own Alipay app), its balance and
commission; and the operator's payout batches."""

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.api.ops import only_operators, operating
from shopapp.services.core.errors import Invalid
from shopapp.services.platform import payouts
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
