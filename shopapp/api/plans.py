"""The plans the platform offers, public (the pricing page, sign-up, scripts)."""

from fastapi import APIRouter

from shopapp.api.deps import jsonable
from shopapp.db import session_scope
from shopapp.services.platform import plans

router = APIRouter(tags=["platform"])


@router.get("/plans")
def list_plans():
    """`{items: [{id, name, monthly_price, yearly_price, commission_percent, limits: {products, staff, storage_mb},
    features: [..]}]}`; a null limit is unlimited."""
    with session_scope() as session:
        return jsonable({"items": plans.list_plans(session)})
