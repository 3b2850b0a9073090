"""Sign-up, log-in and log-out over HTTP."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, bearer_token, client_ip
from shopapp.db import session_scope
from shopapp.services.platform import operators
from shopapp.services.shops import accounts, password_resets

router = APIRouter(prefix="/auth", tags=["accounts"])


class SignupBody(BaseModel):
    email: str
    password: str
    shop_name: str
    shop_slug: str


class LoginBody(BaseModel):
    email: str
    password: str


class ResetRequest(BaseModel):
    email: str = ""


class NewPassword(BaseModel):
    token: str = ""
    password: str = ""
    revoke_api_keys: bool = False  # also revoke every API key the account made


@router.post("/signup", status_code=201)
def signup(body: SignupBody):
    with session_scope() as session:
        signed = accounts.signup(session, **body.model_dump())
        return {"token": signed.token, "shop": {"id": signed.shop.id, "slug": signed.shop.slug, "name": signed.shop.name}}


@router.post("/login")
def login(body: LoginBody, request: Request):
    """An owner's or staff member's session `{token, shop}`; a platform operator's `{token, operator: true}`
    (that token opens /api/v1/ops and nothing in any shop)."""
    with session_scope() as session:
        operator_token = operators.login(session, email=body.email, password=body.password, ip=client_ip(request))
        if operator_token is not None:
            return {"token": operator_token, "operator": True}
        signed = accounts.login(session, email=body.email, password=body.password, ip=client_ip(request))
        return {"token": signed.token, "shop": {"id": signed.shop.id, "slug": signed.shop.slug, "name": signed.shop.name}}


@router.post("/logout", status_code=204)
def logout(request: Request):
    with session_scope() as session:
        accounts.logout(session, bearer_token(request))
        operators.logout(session, bearer_token(request))


@router.get("/me")
def me(request: Request):
    with acting(request) as (session, actor):
        email = accounts.user_email(session, actor.user_id) if actor.user_id else None
        return {"user_id": actor.user_id, "email": email, "shop_id": actor.shop_id, "role": actor.role}


@router.post("/password-reset", status_code=202)
def ask_for_password_reset(body: ResetRequest):
    """E-mails a reset link when the address has an account; the answer is the same either way."""
    with session_scope() as session:
        password_resets.request_owner_reset(session, body.email)
        return {"status": "sent_if_known"}


@router.post("/password-reset/confirm")
def reset_password(body: NewPassword):
    """`{token, password, revoke_api_keys?}` from the e-mailed link → `{token}`: signed in with the new password;
    `revoke_api_keys: true` also revokes the API keys the account made."""
    with session_scope() as session:
        signed = password_resets.reset_owner_password(session, body.token, body.password, revoke_api_keys=body.revoke_api_keys)
        return {"token": signed.token, "shop": {"id": signed.shop.id, "slug": signed.shop.slug, "name": signed.shop.name}}
