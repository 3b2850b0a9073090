"""Customer service over HTTP: the shopper's conversation (by its token) and the staff's desk and quick replies."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.api.errors import request_lang
from shopapp.db import session_scope
from shopapp.services.shops import shops
from shopapp.services.support import conversations

router = APIRouter(tags=["customer service"])


class NewConversation(BaseModel):
    # Any: the service checks every field, so the API and the pages answer the same field codes.
    email: Any = None
    message: Any = None
    order_no: str | None = None
    order_token: str | None = None  # the order page's link token, which verifies the shopper at once


class Text(BaseModel):
    text: Any = None


class Code(BaseModel):
    code: Any = None


class Assignment(BaseModel):
    user_id: int | None = None


class QuickReplyBody(BaseModel):
    title: Any = None
    text: Any = None


# The shopper's side ----------------------------------------------------------------------------

@router.post("/store/{slug}/conversations", status_code=201)
def start_conversation(slug: str, body: NewConversation, request: Request):
    """A logged-in shopper (Authorization: Bearer cs_...) writing from their account's e-mail is verified at once."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        conversation, token = conversations.start_conversation(
            session, shop.id, body.email, body.message, body.order_no, body.order_token, shopper_token=bearer_token(request),
        )
        return {
            "conversation_id": conversation.id, "token": token, "verified": conversation.verified,
            "verified_scope": conversations.verified_scope(conversation),
        }


@router.post("/store/{slug}/conversations/{conversation_id}/messages", status_code=201)
def post_shopper_message(slug: str, conversation_id: int, body: Text, request: Request, token: str = ""):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        message = conversations.post_shopper_message(session, shop.id, conversation_id, token, body.text)
        return jsonable(conversations.shopper_message_dict(message, request_lang(request)))


@router.get("/store/{slug}/conversations/{conversation_id}")
def shopper_conversation(slug: str, conversation_id: int, request: Request, token: str = ""):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(conversations.shopper_conversation(session, shop.id, conversation_id, token, request_lang(request)))


@router.post("/store/{slug}/conversations/{conversation_id}/verification-code", status_code=202)
def send_verification_code(slug: str, conversation_id: int, token: str = ""):
    """Once an order number matched (verified_scope "order"): e-mail a one-time code to that order's
    address → `{sent_to}` (masked). The code, sent back to /verify, lets staff see the customer's orders."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return {"sent_to": conversations.send_verification_code(session, shop.id, conversation_id, token)}


@router.post("/store/{slug}/conversations/{conversation_id}/verify")
def verify_with_code(slug: str, conversation_id: int, body: Code, request: Request, token: str = ""):
    """`{code}` from the e-mail → the conversation as the shopper sees it, now verified_scope "customer"."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        conversations.verify_with_code(session, shop.id, conversation_id, token, body.code)
        return jsonable(conversations.shopper_conversation(session, shop.id, conversation_id, token, request_lang(request)))


# The desk --------------------------------------------------------------------------------------

@router.get("/conversations")
def list_conversations(
    request: Request, status: str | None = None, assigned_user_id: int | None = None, page: int = 1, per_page: int = 50,
):
    with acting(request) as (session, actor):
        items, total = conversations.list_conversations(
            session, actor, status=status, assigned_user_id=assigned_user_id, page=page, per_page=per_page,
        )
        return jsonable({"items": items, "total": total})


@router.get("/conversations/{conversation_id}")
def get_conversation(conversation_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(conversations.get_conversation(session, actor, conversation_id, request_lang(request)))


@router.post("/conversations/{conversation_id}/messages", status_code=201)
def reply(conversation_id: int, body: Text, request: Request):
    with acting(request) as (session, actor):
        message = conversations.reply(session, actor, conversation_id, body.text)
        return jsonable(conversations.staff_message_dict(message, request_lang(request)))


@router.post("/conversations/{conversation_id}/notes", status_code=201)
def add_note(conversation_id: int, body: Text, request: Request):
    with acting(request) as (session, actor):
        message = conversations.add_note(session, actor, conversation_id, body.text)
        return jsonable(conversations.staff_message_dict(message, request_lang(request)))


@router.post("/conversations/{conversation_id}/read")
def mark_read(conversation_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(conversations.conversation_summary(conversations.mark_read(session, actor, conversation_id)))


@router.post("/conversations/{conversation_id}/close")
def close(conversation_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(conversations.conversation_summary(conversations.close(session, actor, conversation_id)))


@router.post("/conversations/{conversation_id}/reopen")
def reopen(conversation_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(conversations.conversation_summary(conversations.reopen(session, actor, conversation_id)))


@router.post("/conversations/{conversation_id}/assign")
def assign(conversation_id: int, body: Assignment, request: Request):
    with acting(request) as (session, actor):
        return jsonable(conversations.conversation_summary(conversations.assign(session, actor, conversation_id, body.user_id)))


# Quick replies ---------------------------------------------------------------------------------

@router.get("/quick-replies")
def list_quick_replies(request: Request, page: int = 1, per_page: int = 50):
    with acting(request) as (session, actor):
        items, total = conversations.list_quick_replies(session, actor, page=page, per_page=per_page)
        return jsonable({"items": items, "total": total})


@router.post("/quick-replies", status_code=201)
def create_quick_reply(body: QuickReplyBody, request: Request):
    with acting(request) as (session, actor):
        return jsonable(conversations.quick_reply_dict(conversations.create_quick_reply(session, actor, body.title, body.text)))


@router.patch("/quick-replies/{quick_reply_id}")
def update_quick_reply(quick_reply_id: int, body: QuickReplyBody, request: Request):
    with acting(request) as (session, actor):
        row = conversations.update_quick_reply(session, actor, quick_reply_id, body.title, body.text)
        return jsonable(conversations.quick_reply_dict(row))


@router.delete("/quick-replies/{quick_reply_id}", status_code=204)
def delete_quick_reply(quick_reply_id: int, request: Request):
    with acting(request) as (session, actor):
        conversations.delete_quick_reply(session, actor, quick_reply_id)
