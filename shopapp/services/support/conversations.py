"""Customer service: shoppers' conversations with a shop, the staff's desk, and the quick replies they keep.

Messages are plain text. A message is stored exactly as the shopper or agent wrote it
(outer whitespace aside) and every door shows it as text: HTML in a message is never
interpreted, so `<b>hi</b>` reaches the other side as those nine characters.

Who the shopper is: a conversation is *verified* when the shopper showed they know an order
here. How much that opens depends on the proof (`verified_scope`):
- "customer": the order-page link, a signed-in account, or a one-time code e-mailed to the
  order's address. Staff and the AI helpers see that customer's orders, address and phone included.
- "order": only an order number whose order carries the e-mail the shopper typed. Both are
  printed on the parcel, so a stranger holding it may know them: staff and the AI see that one
  order's own facts (status, payment, carrier and tracking number, refunds), never the address,
  the phone or the customer's other orders, until the shopper proves more with the e-mailed code.
An order number that belongs to someone else reveals nothing and verifies nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from shopapp.i18n import t
from shopapp.models import Conversation, Message, Order, QuickReply, Shop, StaffMember, User
from shopapp.models.aftersales import AftersalesRequest
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, DomainError, Invalid, NotFound, RateLimited, require_fields
from shopapp.services.core.outbox import masked_address, queue_bilingual
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email, checked_text
from shopapp.services.customers import shoppers
from shopapp.services.orders import fulfillment, state, views
from shopapp.settings import get_settings

STATUSES = ("open", "closed")
MAX_TEXT = 2000
MAX_QUICK_REPLY_TITLE = 60
# Enough for the desk and the AI to see a regular customer's recent history, never their whole life.
MAX_CONTEXT_ORDERS = 20
# Date (6 digits) and 8 characters of orders.new_order_no's alphabet, alone as a word.
ORDER_NO_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{6}[2-9A-HJ-NP-Za-hj-np-z]{8})(?![0-9A-Za-z])")
# Proofs that show the shopper is the customer, and the one that only shows they know an order.
CUSTOMER_PROOFS = ("logged_in", "order_link", "email_code")
ORDER_PROOFS = ("order_number",)
# The e-mailed code: six digits, good for one to two windows; a few sent and tried an hour.
CODE_WINDOW = timedelta(minutes=10)
CODES_PER_HOUR = 3
CODE_TRIES_PER_HOUR = 5


# The shopper's side ----------------------------------------------------------------------------

def start_conversation(
    session: Session, shop_id: int, email: str, message: str, order_no: str | None = None,
    order_token: str | None = None, *, shopper_token: str | None = None,
) -> tuple[Conversation, str]:
    """A new conversation with its first message; returns it and the shopper's token (shown once).

    `order_token` is the order page's link token for `order_no` (or the shopper's log-in token);
    a `shopper_token` (log-in) whose account has this e-mail verifies the shopper at once.
    """
    errors: dict[str, str] = {}
    email = checked_email(email, errors)
    text = _checked_text(message, errors, "message")
    require_fields(errors)
    token = new_token("cv")
    now = utcnow()
    conversation = Conversation(
        shop_id=shop_id, email=email, token_hash=token_hash(token), unread_by_staff=1,
        waiting_since=now, last_message_at=now, created_at=now,
    )
    session.add(conversation)
    session.flush()
    session.add(Message(conversation_id=conversation.id, shop_id=shop_id, author="shopper", text=text, at=now))
    if _logged_in_as(session, shop_id, shopper_token, email):
        _verify(session, conversation, "logged_in", email, None)
    else:
        _verify_from(session, conversation, order_no, order_token, text)
    session.flush()
    return conversation, token


def post_shopper_message(session: Session, shop_id: int, conversation_id: int, token: str, text: str) -> Message:
    """The shopper writes again; a closed conversation opens again, an order number may verify them."""
    conversation = shopper_conversation_row(session, shop_id, conversation_id, token)
    errors: dict[str, str] = {}
    text = _checked_text(text, errors)
    require_fields(errors)
    now = utcnow()
    if conversation.status == "closed":
        conversation.status = "open"
        _system_message(session, conversation, "reopened")
    message = Message(conversation_id=conversation.id, shop_id=shop_id, author="shopper", text=text, at=now)
    session.add(message)
    # An increment in SQL: two messages arriving together both count.
    session.exec(
        update(Conversation).where(Conversation.id == conversation.id)
        .values(unread_by_staff=Conversation.unread_by_staff + 1).execution_options(synchronize_session=False)
    )
    session.refresh(conversation, ["unread_by_staff"])
    conversation.last_message_at = now
    conversation.waiting_since = conversation.waiting_since or now
    session.add(conversation)
    if not conversation.verified:
        _verify_from(session, conversation, None, None, text)
    session.flush()
    return message


def shopper_conversation(session: Session, shop_id: int, conversation_id: int, token: str, lang: str = "zh-CN") -> dict:
    """The conversation as its shopper sees it: no internal notes, no staff identities."""
    conversation = shopper_conversation_row(session, shop_id, conversation_id, token)
    return {
        "id": conversation.id, "email": conversation.email, "status": conversation.status,
        "verified": conversation.verified, "verified_scope": verified_scope(conversation),
        "created_at": conversation.created_at,
        "messages": [
            shopper_message_dict(message, lang) for message in messages_of(session, conversation, internal=False)
        ],
    }


def shopper_conversation_row(session: Session, shop_id: int, conversation_id: int, token: str) -> Conversation:
    """The conversation behind a shopper's token; a wrong token and no conversation are told apart by nothing."""
    conversation = session.get(Conversation, conversation_id)
    if (
        conversation is None or conversation.shop_id != shop_id
        or not hmac.compare_digest(conversation.token_hash, token_hash(token or ""))
    ):
        raise NotFound("conversation_not_found")
    return conversation


def send_verification_code(session: Session, shop_id: int, conversation_id: int, token: str) -> str:
    """E-mail a one-time code to the address of the order the shopper named, so they can show they are
    its customer; returns that address masked ("b***@example.com") for the shopper to look in."""
    conversation = shopper_conversation_row(session, shop_id, conversation_id, token)
    order = _code_order(session, conversation)
    if _recent_events(session, order, "code_sent") >= CODES_PER_HOUR:
        raise RateLimited("try_again_in_an_hour")
    shop = session.get(Shop, shop_id)
    queue_bilingual(session, shop_id, order.email, "email.chat_code", shop=shop.name, code=_code(conversation, order),
                    order_no=order.order_no, minutes=int(CODE_WINDOW.total_seconds() // 60))
    _system_message(session, conversation, "code_sent", internal=True)
    session.flush()
    return masked_address(order.email)


def verify_with_code(session: Session, shop_id: int, conversation_id: int, token: str, code: str) -> Conversation:
    """The code from the e-mail: the conversation is then the customer's (verified_scope "customer")."""
    conversation = shopper_conversation_row(session, shop_id, conversation_id, token)
    order = _code_order(session, conversation)
    if _recent_events(session, order, "code_failed") >= CODE_TRIES_PER_HOUR:
        raise RateLimited("try_again_in_an_hour")
    typed = re.sub(r"\s", "", str(code or ""))
    now = utcnow()
    if not any(hmac.compare_digest(typed, _code(conversation, order, now - CODE_WINDOW * k)) for k in (0, 1)):
        _system_message(session, conversation, "code_failed", internal=True)
        # Counted even though the caller rolls back: it commits on its own (as failed log-ins do).
        session.commit()
        raise Invalid(fields={"code": "code_wrong"})
    _verify(session, conversation, "email_code", order.email.lower(), order)
    session.flush()
    return conversation


# The staff's desk ------------------------------------------------------------------------------

def list_conversations(
    session: Session, actor: Actor, status: str | None = None, page: int = 1, per_page: int = 50,
    assigned_user_id: int | None = None,
) -> tuple[list[dict], int]:
    """One page of the desk's inbox, most recent first, each with unread count and waiting time."""
    require(actor, "answer_customers")
    if status and status not in STATUSES:
        raise Invalid(fields={"status": "conversation_status_invalid"})
    conditions = [Conversation.shop_id == actor.shop_id]
    if status:
        conditions.append(Conversation.status == status)
    if assigned_user_id is not None:
        conditions.append(Conversation.assigned_user_id == assigned_user_id)
    per_page = page_size(per_page)
    page = max(1, page)
    total = session.exec(select(func.count()).select_from(Conversation).where(*conditions)).one()
    rows = session.exec(
        select(Conversation).where(*conditions)
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .offset(page_start(page, per_page)).limit(per_page)
    ).all()
    previews = _last_messages(session, actor.shop_id, [c.id for c in rows])
    return [
        {**conversation_summary(c), "last_message": previews.get(c.id, "")} for c in rows
    ], total


def get_conversation(session: Session, actor: Actor, conversation_id: int, lang: str = "zh-CN") -> dict:
    """The whole conversation with what the agent needs beside it: the customer, their orders
    (only once verified) with items, payment and tracking, and the shop's policies."""
    conversation = conversation_row(session, actor, conversation_id)
    shop = session.get(Shop, actor.shop_id)
    orders_shown = customer_orders(session, conversation)
    return {
        **conversation_summary(conversation),
        "messages": [staff_message_dict(m, lang) for m in messages_of(session, conversation)],
        "customer": {
            "email": conversation.email, "verified": conversation.verified,
            "verified_by": conversation.verified_by or None, "verified_scope": verified_scope(conversation),
            "verified_email": conversation.verified_email or None,
            "order_count": len(orders_shown),
        },
        "orders": orders_shown,
        "policies": shop_policies(shop),
    }


def reply(session: Session, actor: Actor, conversation_id: int, text: str) -> Message:
    """What the agent sends the shopper (typed, or an AI suggestion they chose); marks the conversation read."""
    conversation = conversation_row(session, actor, conversation_id)
    if conversation.status == "closed":
        raise Conflict("conversation_closed")
    errors: dict[str, str] = {}
    text = _checked_text(text, errors)
    require_fields(errors)
    message = Message(
        conversation_id=conversation.id, shop_id=actor.shop_id, author="staff", staff_user_id=actor.user_id, text=text,
    )
    session.add(message)
    conversation.last_message_at = message.at
    _mark_read(conversation)
    if conversation.assigned_user_id is None and actor.user_id:
        conversation.assigned_user_id = actor.user_id  # whoever answers first owns it until handed over
    session.add(conversation)
    session.flush()
    return message


def add_note(session: Session, actor: Actor, conversation_id: int, text: str) -> Message:
    """An internal note for colleagues; the shopper never sees it."""
    conversation = conversation_row(session, actor, conversation_id)
    errors: dict[str, str] = {}
    text = _checked_text(text, errors)
    require_fields(errors)
    message = Message(
        conversation_id=conversation.id, shop_id=actor.shop_id, author="staff", staff_user_id=actor.user_id,
        text=text, internal=True,
    )
    session.add(message)
    session.flush()
    return message


def mark_read(session: Session, actor: Actor, conversation_id: int) -> Conversation:
    conversation = conversation_row(session, actor, conversation_id)
    conversation.unread_by_staff = 0
    session.add(conversation)
    return conversation


def close(session: Session, actor: Actor, conversation_id: int) -> Conversation:
    """Done for now; the shopper writing again opens it again. Closing twice changes nothing."""
    conversation = conversation_row(session, actor, conversation_id)
    if conversation.status != "closed":
        conversation.status = "closed"
        _mark_read(conversation)
        _system_message(session, conversation, "closed", staff_user_id=actor.user_id)
        session.add(conversation)
    return conversation


def reopen(session: Session, actor: Actor, conversation_id: int) -> Conversation:
    conversation = conversation_row(session, actor, conversation_id)
    if conversation.status != "open":
        conversation.status = "open"
        _system_message(session, conversation, "reopened", staff_user_id=actor.user_id)
        session.add(conversation)
    return conversation


def assign(session: Session, actor: Actor, conversation_id: int, user_id: int | None) -> Conversation:
    """Hand the conversation over to a staff member of this shop (None: to nobody in particular)."""
    conversation = conversation_row(session, actor, conversation_id)
    assignee = None
    if user_id is not None:
        assignee = session.exec(
            select(User).join(StaffMember, StaffMember.user_id == User.id)
            .where(StaffMember.shop_id == actor.shop_id, User.id == user_id)
        ).first()
        if assignee is None:
            raise Invalid(fields={"user_id": "staff_not_found"})
    if conversation.assigned_user_id != user_id:
        conversation.assigned_user_id = user_id
        _system_message(
            session, conversation, "assigned" if assignee else "unassigned", staff_user_id=actor.user_id,
            detail=assignee.email if assignee else "", internal=True,
        )
        session.add(conversation)
    return conversation


def conversation_row(session: Session, actor: Actor, conversation_id: int) -> Conversation:
    require(actor, "answer_customers")
    return shop_row(session, Conversation, actor.shop_id, conversation_id, "conversation_not_found")


# What staff and the AI helpers may know ------------------------------------------------------

def verified_scope(conversation: Conversation) -> str | None:
    """"customer", "order" (only the one order whose number and e-mail the shopper gave) or None."""
    if not conversation.verified:
        return None
    return "order" if conversation.verified_by in ORDER_PROOFS else "customer"


def customer_orders(session: Session, conversation: Conversation) -> list[dict]:
    """What the desk and the AI see of the shopper's orders: for a verified customer their orders in
    this shop, newest first; for an order number alone that one order's own facts; else nothing."""
    scope = verified_scope(conversation)
    if scope is None or not conversation.verified_email:
        return []
    if scope == "order":
        order = session.exec(
            select(Order).where(Order.shop_id == conversation.shop_id, Order.id == conversation.order_id)
        ).first()
        return [_order_facts_only(_order_context(session, order))] if order is not None else []
    rows = session.exec(
        select(Order).where(
            Order.shop_id == conversation.shop_id, func.lower(Order.email) == conversation.verified_email,
        ).order_by(Order.created_at.desc(), Order.id.desc()).limit(MAX_CONTEXT_ORDERS)
    ).all()
    return [_order_context(session, order) for order in rows]


def shop_policies(shop: Shop) -> dict:
    return {"shipping_policy": shop.shipping_policy, "returns_policy": shop.returns_policy}


def messages_of(session: Session, conversation: Conversation, *, internal: bool = True) -> list[Message]:
    """Its messages, oldest first; `internal=False` leaves out the staff's notes."""
    query = select(Message).where(Message.shop_id == conversation.shop_id, Message.conversation_id == conversation.id)
    if not internal:
        query = query.where(Message.internal.is_(False))
    return list(session.exec(query.order_by(Message.id)).all())


def conversation_summary(conversation: Conversation) -> dict:
    waiting = None
    if conversation.status == "open" and conversation.waiting_since:
        waiting = max(0, int((utcnow() - conversation.waiting_since).total_seconds()))
    return {
        "id": conversation.id, "email": conversation.email, "status": conversation.status,
        "verified": conversation.verified, "verified_by": conversation.verified_by or None,
        "verified_scope": verified_scope(conversation),
        "order_id": conversation.order_id, "assigned_user_id": conversation.assigned_user_id,
        "unread_by_staff": conversation.unread_by_staff, "waiting_seconds": waiting,
        "last_message_at": conversation.last_message_at, "created_at": conversation.created_at,
    }


def staff_message_dict(message: Message, lang: str = "zh-CN") -> dict:
    return {
        "id": message.id, "author": message.author, "staff_user_id": message.staff_user_id,
        "text": _shown_text(message, lang), "internal": message.internal, "event": message.event or None,
        "at": message.at,
    }


def shopper_message_dict(message: Message, lang: str = "zh-CN") -> dict:
    return {"id": message.id, "author": message.author, "text": _shown_text(message, lang), "at": message.at}


# Quick replies ---------------------------------------------------------------------------------

def list_quick_replies(session: Session, actor: Actor, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
    """One page of the shop's quick replies, by title, and how many there are."""
    require(actor, "answer_customers")
    per_page = page_size(per_page)
    page = max(1, page)
    condition = QuickReply.shop_id == actor.shop_id
    total = session.exec(select(func.count()).select_from(QuickReply).where(condition)).one()
    rows = session.exec(
        select(QuickReply).where(condition).order_by(QuickReply.title, QuickReply.id)
        .offset(page_start(page, per_page)).limit(per_page)
    ).all()
    return [quick_reply_dict(row) for row in rows], total


def create_quick_reply(session: Session, actor: Actor, title: str, text: str) -> QuickReply:
    require(actor, "answer_customers")
    errors: dict[str, str] = {}
    row = QuickReply(shop_id=actor.shop_id, title=_checked_title(title, errors), text=_checked_text(text, errors))
    require_fields(errors)
    session.add(row)
    session.flush()
    return row


def update_quick_reply(
    session: Session, actor: Actor, quick_reply_id: int, title: str | None = None, text: str | None = None,
) -> QuickReply:
    row = _quick_reply(session, actor, quick_reply_id)
    errors: dict[str, str] = {}
    new_title = _checked_title(title, errors) if title is not None else row.title
    new_text = _checked_text(text, errors) if text is not None else row.text
    require_fields(errors)
    row.title, row.text, row.updated_at = new_title, new_text, utcnow()
    session.add(row)
    return row


def delete_quick_reply(session: Session, actor: Actor, quick_reply_id: int) -> None:
    session.delete(_quick_reply(session, actor, quick_reply_id))


def quick_reply_dict(row: QuickReply) -> dict:
    return {"id": row.id, "title": row.title, "text": row.text, "updated_at": row.updated_at}


# Helpers ---------------------------------------------------------------------------------------

def _checked_text(text, errors: dict[str, str], field: str = "text") -> str:
    return checked_text(text, errors, field, limit=MAX_TEXT, required=True)


def _checked_title(title, errors: dict[str, str]) -> str:
    return checked_text(title, errors, "title", limit=MAX_QUICK_REPLY_TITLE, required=True)


def _verify_from(
    session: Session, conversation: Conversation, order_no: str | None, order_token: str | None, text: str,
) -> None:
    """Verify by the order link when it matches its order, else by an order number (given, or
    written in the message) whose order carries the conversation's e-mail."""
    if order_no and order_token:
        try:
            order = state.shopper_order(session, conversation.shop_id, order_no, order_token)
        except NotFound:
            pass
        else:
            _verify(session, conversation, "order_link", order.email.lower(), order)
            return
    candidates = ([order_no] if order_no else []) + [match.upper() for match in ORDER_NO_PATTERN.findall(text)]
    for candidate in candidates[:5]:
        order = session.exec(
            select(Order).where(Order.shop_id == conversation.shop_id, Order.order_no == candidate.strip().upper())
        ).first()
        if order is not None and order.email.lower() == conversation.email:
            _verify(session, conversation, "order_number", conversation.email, order)
            return


def _code_order(session: Session, conversation: Conversation) -> Order:
    """The order a code is for: the one whose number (and e-mail) the shopper gave."""
    if verified_scope(conversation) != "order" or conversation.order_id is None:
        raise Conflict("chat_code_not_needed" if conversation.verified else "chat_order_number_first")
    order = session.exec(
        select(Order).where(Order.shop_id == conversation.shop_id, Order.id == conversation.order_id)
    ).first()
    if order is None:
        raise Conflict("chat_order_number_first")
    return order


def _code(conversation: Conversation, order: Order, at=None) -> str:
    """Six digits from the secret key, the conversation, the order and the time window: nothing to store,
    and no other conversation, order or window has the same code."""
    window = int((at or utcnow()).timestamp() // CODE_WINDOW.total_seconds())
    message = f"chat-code:{conversation.id}:{conversation.token_hash}:{order.id}:{order.email.lower()}:{window}"
    digest = hmac.new(get_settings().secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def _recent_events(session: Session, order: Order, event: str) -> int:
    """How often this happened for the order in the last hour, over every conversation naming it:
    opening more conversations buys no more codes or guesses."""
    since = utcnow() - timedelta(hours=1)
    return session.exec(
        select(func.count()).select_from(Message).join(Conversation, Conversation.id == Message.conversation_id).where(
            Conversation.shop_id == order.shop_id, Conversation.order_id == order.id,
            Message.shop_id == order.shop_id, Message.author == "system", Message.event == event, Message.at > since,
        )
    ).one()


def _order_facts_only(order: dict) -> dict:
    """An order as someone who only knows its number and e-mail may have it discussed: its own status,
    payment, parcels and refunds; no address or phone, and no words the customer wrote."""
    return {
        **order, "address": None,
        "aftersales": [{"id": r["id"], "kind": r["kind"], "status": r["status"], "reason": "", "message": ""}
                       for r in order["aftersales"]],
    }


def _logged_in_as(session: Session, shop_id: int, shopper_token: str | None, email: str) -> bool:
    if not shoppers.is_customer_token(shopper_token):
        return False
    try:
        return shoppers.customer_for_token(session, shop_id, shopper_token).email == email
    except DomainError:
        return False


def _verify(session: Session, conversation: Conversation, how: str, email: str, order: Order | None) -> None:
    conversation.verified, conversation.verified_by, conversation.verified_email = True, how, email
    conversation.order_id = order.id if order else None
    session.add(conversation)
    _system_message(session, conversation, "verified", detail=order.order_no if order else "")


def _system_message(
    session: Session, conversation: Conversation, event: str, *, staff_user_id: int | None = None,
    detail: str = "", internal: bool = False,
) -> None:
    session.add(Message(
        conversation_id=conversation.id, shop_id=conversation.shop_id, author="system", event=event,
        text=detail, staff_user_id=staff_user_id, internal=internal,
    ))


def _shown_text(message: Message, lang: str) -> str:
    if message.author == "system":
        return t(f"support.event.{message.event}", lang, detail=message.text)
    return message.text


def _mark_read(conversation: Conversation) -> None:
    conversation.unread_by_staff = 0
    conversation.waiting_since = None


def _last_messages(session: Session, shop_id: int, conversation_ids: list[int]) -> dict[int, str]:
    """The latest message each shopper or agent wrote, cut short for the inbox."""
    if not conversation_ids:
        return {}
    latest = (
        select(func.max(Message.id)).where(
            Message.shop_id == shop_id, Message.conversation_id.in_(conversation_ids),
            Message.internal.is_(False), Message.author != "system",
        ).group_by(Message.conversation_id)
    )
    rows = session.exec(select(Message.conversation_id, Message.text).where(Message.id.in_(latest))).all()
    return {conversation_id: text[:80] for conversation_id, text in rows}


def _order_context(session: Session, order: Order) -> dict:
    full = views.order_dict(session, order)
    return {
        "id": order.id, "order_no": order.order_no, "status": order.status,
        "financial_status": order.financial_status, "fulfillment_status": order.fulfillment_status,
        "total": order.total, "refunded_total": order.refunded_total, "currency": order.currency,
        "subtotal": order.subtotal, "discount_total": order.discount_total, "shipping_total": order.shipping_total,
        # Each saving {source, id, label, amount}: what a shopper asking "why did I pay this?" is told.
        "discounts": [{"label": d.get("label") or d.get("source"), "amount": d.get("amount", 0)} for d in order.discounts or []],
        "created_at": order.created_at, "paid_at": order.paid_at, "presale": order.presale,
        "ships_at": order.ships_at, "shipping_method": order.shipping_method_name, "address": order.address,
        # A line's amount is what it was paid after its savings (PRICING.md), never its list price.
        "items": [
            {"product_id": i["product_id"], "title": i["title"], "option_values": i["option_values"], "qty": i["qty"],
             "paid": i["paid"]}
            for i in full["items"]
        ],
        "payments": [
            {"provider": p["provider"], "status": p["status"], "amount": p["amount"],
             "refunded_amount": p["refunded_amount"]}
            for p in full["payments"]
        ],
        "shipments": [_shipment_context(s) for s in full.get("shipments") or []],
        "aftersales": [
            {"id": r.id, "kind": r.kind, "status": r.status, "reason": r.reason, "message": r.message or ""}
            for r in session.exec(
                select(AftersalesRequest).where(AftersalesRequest.shop_id == order.shop_id, AftersalesRequest.order_id == order.id)
                .order_by(AftersalesRequest.id)
            ).all()
        ],
    }


_CARRIER_NAMES_EN = {carrier["code"]: carrier["name_en"] for carrier in fulfillment.carriers()}


def _shipment_context(shipment: dict) -> dict:
    """A shipment as orders.order_dict gives it, keeping what a customer asks about; newest event first."""
    events = sorted(shipment.get("events") or [], key=lambda e: str(e.get("at") or ""), reverse=True)
    return {
        "id": shipment.get("id"), "carrier": shipment.get("carrier") or "",
        "carrier_name": shipment.get("carrier_name") or shipment.get("carrier") or "",
        "carrier_name_en": _CARRIER_NAMES_EN.get(shipment.get("carrier")) or shipment.get("carrier_name") or "",
        "tracking_no": shipment.get("tracking_no") or "", "status": shipment.get("status") or "",
        "events": [
            {"status": e.get("status") or "", "description": e.get("description") or "",
             "location": e.get("location") or "", "at": e.get("at")}
            for e in events
        ],
    }


def _quick_reply(session: Session, actor: Actor, quick_reply_id: int) -> QuickReply:
    require(actor, "answer_customers")
    return shop_row(session, QuickReply, actor.shop_id, quick_reply_id)
