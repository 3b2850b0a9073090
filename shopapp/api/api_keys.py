"""A shop's API keys: create (shown once), list, revoke."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.services.shops import api_keys

router = APIRouter(prefix="/api-keys", tags=["api keys"])


class NewKey(BaseModel):
    name: str


@router.post("", status_code=201)
def create_key(body: NewKey, request: Request):
    with acting(request) as (session, actor):
        row, key = api_keys.create(session, actor, body.name)
        return {"id": row.id, "name": row.name, "key": key}


@router.get("")
def list_keys(request: Request):
    with acting(request) as (session, actor):
        items = api_keys.list_keys(session, actor)
        return jsonable({"items": items, "total": len(items)})


@router.delete("/{key_id}", status_code=204)
def revoke_key(key_id: int, request: Request):
    with acting(request) as (session, actor):
        api_keys.revoke(session, actor, key_id)
