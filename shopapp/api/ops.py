"""The operator's API (/api/v1/ops/...): shops, suspension, the audit log, figures and plans.

Only an operator's token gets in; to anybody else (an owner, an API key, nobody) these paths answer 404,
as if they did not exist."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlmodel import Session

from shopapp.api.deps import bearer_token, from_own_pages, jsonable
from shopapp.api.ops_session import OPS_COOKIE
from shopapp.db import session_scope
from shopapp.services.core.validation import id_from_text
from shopapp.services.platform import audit, operators, plans, platform_figures, shop_directory, suspension
from shopapp.services.platform.operators import OperatorActor


def operator_token(request: Request) -> str:
    """The bearer token; for a GET from the platform's own pages also the /ops cookie, so the operator's console
    can link a PDF (the same rule as the owners' cookie in deps.bearer_token)."""
    token = bearer_token(request)
    if token or request.method != "GET" or not from_own_pages(request):
        return token
    return request.cookies.get(OPS_COOKIE, "")


def only_operators(request: Request) -> None:
    """Runs before any parameter is checked: to a non-operator even a malformed call is a 404."""
    with session_scope() as session:
        operators.authenticate(session, operator_token(request))


router = APIRouter(prefix="/ops", tags=["operators"], dependencies=[Depends(only_operators)])


@contextmanager
def operating(request: Request) -> Iterator[tuple[Session, OperatorActor]]:
    with session_scope() as session:
        yield session, operators.authenticate(session, operator_token(request))


class ReasonBody(BaseModel):
    reason: str = ""


@router.get("/me")
def me(request: Request):
    with operating(request) as (_, operator):
        return {"id": operator.id, "email": operator.email}


@router.get("/shops")
def list_shops(request: Request, q: str = "", status: str = "", page: int = 1, per_page: int = 50):
    """`{items: [{id, slug, name, plan, status, gmv_30d, orders_30d, created_at, last_activity}], total}`."""
    with operating(request) as (session, _):
        return jsonable(shop_directory.list_shops(session, q=q, status=status, page=page, per_page=per_page))


@router.get("/shops/{shop_id}")
def shop_page(shop_id: str, request: Request):
    """Owner, staff, plan and plan history, recent order counts, suspension, the shop's audit lines."""
    with operating(request) as (session, _):
        return jsonable(shop_directory.shop_page(session, id_from_text(shop_id)))


@router.post("/shops/{shop_id}/suspend")
def suspend(shop_id: str, body: ReasonBody, request: Request):
    with operating(request) as (session, operator):
        suspension.suspend(session, operator, id_from_text(shop_id), body.reason)
        return jsonable(shop_directory.shop_page(session, id_from_text(shop_id)))


@router.post("/shops/{shop_id}/restore")
def restore(shop_id: str, body: ReasonBody, request: Request):
    with operating(request) as (session, operator):
        suspension.restore(session, operator, id_from_text(shop_id), body.reason)
        return jsonable(shop_directory.shop_page(session, id_from_text(shop_id)))


class GrantBody(BaseModel):
    plan_id: int | str = ""
    days: int | str | None = None
    reason: str = ""


@router.post("/shops/{shop_id}/plan")
def grant_plan(shop_id: str, body: GrantBody, request: Request):
    """`{plan_id, days?, reason}` → the shop's plan now: the operator's grant, for `days` or with no end."""
    with operating(request) as (session, operator):
        return jsonable(plans.grant_plan(session, operator, id_from_text(shop_id), body.plan_id, days=body.days,
                                         reason=body.reason))


@router.get("/audit")
def audit_log(request: Request, shop_id: int | None = None, action: str = "", page: int = 1, per_page: int = 50):
    """Every operator action, newest first: `{items: [{at, operator, action, shop_id, reason}], total}`."""
    with operating(request) as (session, _):
        return jsonable(audit.list_entries(session, shop_id=shop_id, action=action, page=page, per_page=per_page))


@router.get("/figures")
def figures(request: Request, days: int = 30):
    with operating(request) as (session, _):
        return jsonable(platform_figures.figures(session, days))


@router.get("/plans")
def list_plans(request: Request):
    """The plans with how many shops hold each now."""
    with operating(request) as (session, _):
        return jsonable({"items": plans.plans_with_shops(session)})


@router.post("/plans", status_code=201)
def create_plan(body: dict, request: Request):
    with operating(request) as (session, operator):
        return jsonable(plans.save_plan(session, operator, body))


@router.patch("/plans/{plan_id}")
def update_plan(plan_id: str, body: dict, request: Request):
    with operating(request) as (session, operator):
        return jsonable(plans.save_plan(session, operator, body, id_from_text(plan_id)))
