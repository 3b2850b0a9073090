"""Staff of the token's shop, and accepting an invitation."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.db import session_scope
from shopapp.services.shops import staff

router = APIRouter(tags=["staff"])


class Invitation(BaseModel):
    email: str
    role: str


class RoleChange(BaseModel):
    role: str


class Acceptance(BaseModel):
    password: str


@router.get("/staff")
def list_staff(request: Request):
    with acting(request) as (session, actor):
        return jsonable(staff.list_staff(session, actor))


@router.post("/staff/invites", status_code=201)
def invite(body: Invitation, request: Request):
    with acting(request) as (session, actor):
        staff.invite(session, actor, email=body.email, role=body.role)
        return {"email": body.email.strip().lower(), "role": body.role}


@router.delete("/staff/invites/{invite_id}", status_code=204)
def revoke_invite(invite_id: int, request: Request):
    with acting(request) as (session, actor):
        staff.revoke_invite(session, actor, invite_id)


@router.patch("/staff/{member_id}", status_code=204)
def change_role(member_id: int, body: RoleChange, request: Request):
    with acting(request) as (session, actor):
        staff.change_role(session, actor, member_id, body.role)


@router.delete("/staff/{member_id}", status_code=204)
def remove(member_id: int, request: Request):
    with acting(request) as (session, actor):
        staff.remove(session, actor, member_id)


@router.post("/invites/{token}/accept")
def accept(token: str, body: Acceptance):
    with session_scope() as session:
        signed = staff.accept_invite(session, token=token, password=body.password)
        return {"token": signed.token, "shop": {"id": signed.shop.id, "slug": signed.shop.slug, "name": signed.shop.name}}
