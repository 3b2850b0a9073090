"""A shop's own domains: add one (records to create come back), list, verify, remove; and the on-demand
TLS proxy's question whether a name may have a certificate."""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.db import session_scope
from shopapp.services.platform import domains

router = APIRouter(prefix="/domains", tags=["domains"])


class NewDomain(BaseModel):
    hostname: str


@router.post("", status_code=201)
def add_domain(body: NewDomain, request: Request):
    with acting(request) as (session, actor):
        return jsonable(domains.add_domain(session, actor, body.hostname))


@router.get("")
def list_domains(request: Request):
    with acting(request) as (session, actor):
        items = domains.list_domains(session, actor)
        return jsonable({"items": items, "total": len(items)})


@router.get("/check", include_in_schema=False)
def check(domain: str = ""):
    """Caddy's on_demand_tls `ask`: 200 only for a shop's verified domain or subdomain, else 404."""
    with session_scope() as session:
        if domains.is_verified(session, domain):
            return PlainTextResponse("ok")
    return PlainTextResponse("unknown domain", status_code=404)


@router.post("/{domain_id}/verify")
def verify(domain_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(domains.verify(session, actor, domain_id))


@router.delete("/{domain_id}", status_code=204)
def remove(domain_id: int, request: Request):
    with acting(request) as (session, actor):
        domains.remove_domain(session, actor, domain_id)
