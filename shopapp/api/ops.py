"""The operator's API (/api/v1/ops/...): shops, suspension, the audit log, figures and plans.

Only an operator's token gets in; to anybody else (an owner, an API key, nobody) these paths answer 404,
as if they did not exist."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlmodel import Session

from shopapp.api.deps import bearer_token, jsonable
from shopapp.db import session_scope
from shopapp.services.platform import audit, operators, plans, platform_figures, shop_directory, suspension
from shopapp.services.platform.operators import OperatorActor


def only_operators(request: Request) -> None:
    """Runs before any parameter is checked: to a non-operator even a malformed call is a 404."""
    with session_scope() as session:
        operators.authenticate(session, bearer_token(request))


router = APIRouter(prefix="/ops", tags=["operators"], dependencies=[Depends(only_operators)])


@contextmanager
def operating(request: Request) -> Iterator[tuple[Session, OperatorActor]]:
    with session_scope() as session:
        yield session, operators.authenticate(session, bearer_token(request))


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
def shop_page(shop_id: int, request: Request):
    """Owner, staff, plan and plan history, recent order counts, suspension, the shop's audit lines."""
    with operating(request) as (session, _):
        return jsonable(shop_directory.shop_page(session, shop_id))


@router.post("/shops/{shop_id}/suspend")
def suspend(shop_id: int, body: ReasonBody, request: Request):
    with operating(request) as (session, operator):
        suspension.suspend(session, operator, shop_id, body.reason)
        return jsonable(shop_directory.shop_page(session, shop_id))


@router.post("/shops/{shop_id}/restore")
def restore(shop_id: int, body: ReasonBody, request: Request):
    with operating(request) as (session, operator):
        suspension.restore(session, operator, shop_id, body.reason)
        return jsonable(shop_directory.shop_page(session, shop_id))


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
def update_plan(plan_id: int, body: dict, request: Request):
    with operating(request) as (session, operator):
        return jsonable(plans.save_plan(session, operator, body, plan_id))
