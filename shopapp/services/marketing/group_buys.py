"""拼团 group buys: the owner's activities, their groups and members, and what the order lifecycle does to them.

The rules of one group, all here: a place is taken by one conditional update (`taken < group_size`), held
while the member's order is unpaid, kept once it is paid and given back when the order is cancelled or
expires. The group forms when `group_size` members have paid (then, and only then, its orders ship) and
nothing can join it again, whatever is refunded afterwards (CRMEB#27). What needs the orders domain
(placing a member's order, refunding a failed group) is checkout/group_orders.py's: orders sit above us.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from shopapp.models import Customer, Order, OrderItem, Product, RefundItem, Variant
from shopapp.models.base import utcnow
from shopapp.models.group_buys import GroupBuy, GroupBuyGroup, GroupBuyMember
from shopapp.services.core.errors import Conflict, require_fields
from shopapp.services.core.money import refund_for_units
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import (
    checked_moment,
    checked_text,
    checked_whole,
    checked_whole_between,
    id_from_text,
)
from shopapp.services.marketing.savings import UnitPrice

STATUSES = ("scheduled", "active", "ended")
GROUP_STATUSES = ("forming", "formed", "failed")
MAX_NAME = 60
MAX_GROUP_SIZE = 50
MAX_HOURS = 24 * 30
MAX_QTY = 10  # units one member buys in one group order
MAX_LISTED = 200
SOURCE = "group_buy"  # the pricing pipeline's saving source (PRICING.md)
LABEL = "拼团价"
# A member holds a place while its order is unpaid (pending) or paid.
HOLDING = ("pending", "paid")


def status_of(activity: GroupBuy, now: datetime | None = None) -> str:
    now = now or utcnow()
    if activity.ended_at is not None or activity.ends_at <= now:
        return "ended"
    return "scheduled" if activity.starts_at > now else "active"


# The owner's side --------------------------------------------------------------------------------

def create_group_buy(session: Session, actor: Actor, data: dict) -> dict:
    """A new activity from the console's form or the API; 201's body. Bad input names each bad field; nothing is saved."""
    require(actor, "manage_marketing")
    values = checked_group_buy(session, actor.shop_id, data if isinstance(data, dict) else {})
    activity = GroupBuy(shop_id=actor.shop_id, **values)
    session.add(activity)
    session.flush()
    return group_buy_dict(session, activity)


def checked_group_buy(session: Session, shop_id: int, data: dict) -> dict:
    """What an activity may say: a product of the shop, a group price below the normal price for each listed
    variant of it, a group size of 2 to 50, 1 to 720 hours to form, and an end after its start."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": checked_text(data.get("name"), errors, "name", limit=MAX_NAME, required=True)}
    product = _product(session, shop_id, data.get("product_id"), errors)
    values["product_id"] = product.id if product else None
    values["prices"] = _prices(session, shop_id, product, data.get("prices"), errors) if product else {}
    values["group_size"] = checked_whole_between(data.get("group_size"), "group_size", errors, low=2, high=MAX_GROUP_SIZE)
    values["hours_to_form"] = checked_whole_between(data.get("hours_to_form"), "hours_to_form", errors, low=1, high=MAX_HOURS)
    values["starts_at"] = checked_moment(data.get("starts_at"), "starts_at", errors)
    values["ends_at"] = checked_moment(data.get("ends_at"), "ends_at", errors)
    if values["starts_at"] and values["ends_at"] and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = "ends_before_start"
    elif values["ends_at"] and values["ends_at"] <= utcnow():
        errors["ends_at"] = "ends_in_past"
    fill = data.get("fill_with_virtual", False)
    if not isinstance(fill, bool):
        errors["fill_with_virtual"] = "must_be_true_or_false"
    values["fill_with_virtual"] = fill is True
    require_fields(errors)
    return values


def end_group_buy_row(session: Session, actor: Actor, group_buy_id) -> GroupBuy:
    """Mark the activity ended now (立即结束); what happens to its forming groups is group_orders.end_group_buy's."""
    require(actor, "manage_marketing")
    activity = get_row(session, actor.shop_id, group_buy_id)
    if status_of(activity) != "ended":
        activity.ended_at = activity.updated_at = utcnow()
        session.add(activity)
        session.flush()
    return activity


def get_group_buy(session: Session, actor: Actor, group_buy_id) -> dict:
    require(actor, "view_console")
    return group_buy_dict(session, get_row(session, actor.shop_id, group_buy_id))


def list_group_buys(session: Session, actor: Actor, *, status: str | None = None) -> list[dict]:
    """The shop's activities, newest first, with their group numbers; `status` filters on the schedule."""
    require(actor, "view_console")
    if status and status not in STATUSES:
        require_fields({"status": "group_buy_status_invalid"})
    now = utcnow()
    rows = session.exec(select(GroupBuy).where(GroupBuy.shop_id == actor.shop_id).order_by(col(GroupBuy.id).desc()).limit(MAX_LISTED)).all()
    rows = [row for row in rows if not status or status_of(row, now) == status]
    counts = _group_counts(session, actor.shop_id, [row.id for row in rows])
    return [group_buy_dict(session, row, now, counts.get(row.id, {})) for row in rows]


def get_row(session: Session, shop_id: int, group_buy_id) -> GroupBuy:
    return shop_row(session, GroupBuy, shop_id, id_from_text(group_buy_id), "group_buy_not_found")


def group_buy_dict(session: Session, activity: GroupBuy, now: datetime | None = None, counts: dict | None = None) -> dict:
    counts = counts if counts is not None else _group_counts(session, activity.shop_id, [activity.id]).get(activity.id, {})
    return {
        "id": activity.id, "name": activity.name, "product_id": activity.product_id,
        "prices": {str(k): v for k, v in activity.prices.items()}, "group_size": activity.group_size,
        "hours_to_form": activity.hours_to_form, "fill_with_virtual": activity.fill_with_virtual,
        "status": status_of(activity, now), "starts_at": iso(activity.starts_at), "ends_at": iso(activity.ends_at),
        "ended_at": iso(activity.ended_at), "created_at": iso(activity.created_at),
        "groups_forming": counts.get("forming", 0), "groups_formed": counts.get("formed", 0),
        "groups_failed": counts.get("failed", 0),
    }


def group_buy_report(session: Session, actor: Actor, group_buy_id) -> dict:
    """{orders, paid_orders, units, revenue, discount_total, customers, new_customers} as every activity answers
    (paid orders only, net of refunds; a refunded failed group's orders count for nothing), plus its groups."""
    require(actor, "view_reports")
    activity = get_row(session, actor.shop_id, group_buy_id)
    orders = list(session.exec(
        select(Order).join(GroupBuyMember, GroupBuyMember.order_id == Order.id)
        .join(GroupBuyGroup, GroupBuyGroup.id == GroupBuyMember.group_id)
        .where(GroupBuyGroup.shop_id == actor.shop_id, GroupBuyGroup.group_buy_id == activity.id)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
    ).all())
    counted = [o for o in orders if o.paid_at is not None and o.status != "closed"]
    items = list(session.exec(select(OrderItem).where(col(OrderItem.order_id).in_([o.id for o in counted])))) if counted else []
    refunded: dict[int, list[int]] = {}
    if items:
        for item_id, qty in session.exec(select(RefundItem.order_item_id, RefundItem.qty).where(
                col(RefundItem.order_item_id).in_([i.id for i in items])).order_by(RefundItem.id)).all():
            refunded.setdefault(item_id, []).append(qty)
    units = revenue = given = 0
    for item in items:
        back = refunded.get(item.id, [])
        units += item.qty - sum(back)
        revenue += item.paid - sum(refund_for_units(item.paid, item.qty, n, back[:k]) for k, n in enumerate(back))
        given += sum(s["amount"] for s in item.discounts or () if s.get("source") == SOURCE and s.get("id") == activity.id)
    buyers = {o.email for o in counted}
    first_paid = dict(session.exec(
        select(Order.email, func.min(Order.paid_at)).where(
            Order.shop_id == actor.shop_id, col(Order.paid_at).is_not(None), col(Order.email).in_(sorted(buyers)))
        .group_by(Order.email)
    ).all()) if buyers else {}
    counts = _group_counts(session, actor.shop_id, [activity.id]).get(activity.id, {})
    return {
        "group_buy": group_buy_dict(session, activity, counts=counts),
        "orders": len([o for o in orders if o.status != "cancelled"]), "paid_orders": len(counted), "units": units,
        "revenue": revenue, "discount_total": given, "customers": len(buyers),
        "new_customers": len({o.email for o in counted if first_paid.get(o.email) == o.paid_at}),
        "groups_forming": counts.get("forming", 0), "groups_formed": counts.get("formed", 0),
        "groups_failed": counts.get("failed", 0),
        "order_list": [{"id": o.id, "order_no": o.order_no, "status": o.status, "total": o.total,
                        "created_at": iso(o.created_at)} for o in orders[:MAX_LISTED]],
    }


# The shopper's side ------------------------------------------------------------------------------

def running_for_product(session: Session, shop_id: int, product_id: int) -> GroupBuy | None:
    """The product's group buy running now (the oldest when there are several)."""
    now = utcnow()
    return session.exec(
        select(GroupBuy).where(
            GroupBuy.shop_id == shop_id, GroupBuy.product_id == product_id, GroupBuy.starts_at <= now,
            GroupBuy.ends_at > now, col(GroupBuy.ended_at).is_(None),
        ).order_by(GroupBuy.id)
    ).first()


def storefront_offer(session: Session, shop_id: int, product_id: int, *, limit: int = 5) -> dict | None:
    """What the product page shows: the running activity's prices and size, and the groups anyone may join now
    (forming, a paid member in it, a place free, not expired), the ones closest to forming first."""
    activity = running_for_product(session, shop_id, product_id)
    if activity is None:
        return None
    now = utcnow()
    groups = session.exec(
        select(GroupBuyGroup).where(
            GroupBuyGroup.shop_id == shop_id, GroupBuyGroup.group_buy_id == activity.id, GroupBuyGroup.status == "forming",
            GroupBuyGroup.expires_at > now, GroupBuyGroup.paid_members >= 1, GroupBuyGroup.taken < GroupBuyGroup.group_size,
        ).order_by(col(GroupBuyGroup.taken).desc(), GroupBuyGroup.expires_at).limit(limit)
    ).all()
    openers = _names(session, shop_id, [g.opener_customer_id for g in groups])
    return {
        "id": activity.id, "name": activity.name, "group_size": activity.group_size,
        "prices": {str(k): v for k, v in activity.prices.items()}, "ends_at": iso(activity.ends_at),
        "groups": [{
            "group_id": g.id, "missing": g.group_size - g.taken, "expires_at": iso(g.expires_at),
            "seconds_left": max(0, int((g.expires_at - now).total_seconds())),
            "opener_masked": openers.get(g.opener_customer_id, "***"),
        } for g in groups],
    }


def group_view(session: Session, shop_id: int, group_id) -> dict:
    """A group as anyone with its link sees it: status, size, paid members, when it closes, members' masked names."""
    group = get_group(session, shop_id, group_id)
    activity = session.get(GroupBuy, group.group_buy_id)
    members = session.exec(
        select(GroupBuyMember).where(GroupBuyMember.group_id == group.id, col(GroupBuyMember.status).in_(("paid", "refunded", "pending")))
        .order_by(GroupBuyMember.joined_at, GroupBuyMember.id)
    ).all()
    shown = [{"name_masked": m.name_masked, "paid": m.status in ("paid", "refunded"), "opener": m.customer_id == group.opener_customer_id}
             for m in members if m.status != "refunded" or group.status != "forming"]  # one refunded while forming has left
    shown += [{"name_masked": "***", "paid": True, "opener": False, "virtual": True}] * group.virtual_members
    now = utcnow()
    return {
        "group_id": group.id, "group_buy_id": group.group_buy_id, "product_id": activity.product_id if activity else None,
        "name": activity.name if activity else "", "status": group.status, "group_size": group.group_size,
        "paid_members": group.paid_members + group.virtual_members, "places_left": max(0, group.group_size - group.taken),
        "joinable": joinable(group, now), "expires_at": iso(group.expires_at),
        "seconds_left": max(0, int((group.expires_at - now).total_seconds())) if group.status == "forming" else 0,
        "prices": {str(k): v for k, v in (activity.prices if activity else {}).items()},
        "members": shown,
    }


def shopper_page(session: Session, shop_id: int, *, group_id=None, group_buy_id=None) -> dict:
    """What the 拼团 page shows: a group (by its id) or, to open a new one, a running activity (by its id):
    {name, variants: [{id, options, price}], group: group_view or None}. NotFound / Conflict otherwise."""
    if group_id:
        group = group_view(session, shop_id, group_id)
        activity = session.get(GroupBuy, group["group_buy_id"])
    else:
        group, activity = None, get_row(session, shop_id, group_buy_id)
        if status_of(activity) != "active":
            raise Conflict("group_buy_not_active")
    ids = [int(k) for k in activity.prices]
    rows = {v.id: v for v in session.exec(select(Variant).where(Variant.shop_id == shop_id, col(Variant.id).in_(ids)))}
    variants = [{"id": int(k), "options": list(rows[int(k)].option_values or []), "price": int(price)}
                for k, price in activity.prices.items() if int(k) in rows]
    return {"name": activity.name, "variants": variants, "group": group}


def joinable(group: GroupBuyGroup, now: datetime | None = None) -> bool:
    """Only a forming group with a free place before its window closes: never a formed one (CRMEB#27) nor a failed one."""
    return group.status == "forming" and group.expires_at > (now or utcnow()) and group.taken < group.group_size


def get_group(session: Session, shop_id: int, group_id) -> GroupBuyGroup:
    return shop_row(session, GroupBuyGroup, shop_id, id_from_text(group_id), "group_not_found")


def group_of_order(session: Session, order: Any) -> dict | None:
    """The group an order was bought in, for the order page ({group_id, status, ...}), or None."""
    member = session.exec(select(GroupBuyMember).where(GroupBuyMember.order_id == order.id)).first()
    return group_view(session, order.shop_id, member.group_id) if member else None


def group_price(activity: GroupBuy, variant_id: int) -> UnitPrice:
    """Step 1's exclusive price for the variant in this activity (PRICING.md: nothing from steps 2-5)."""
    price = activity.prices.get(str(variant_id), activity.prices.get(variant_id))
    if price is None:
        raise Conflict("variant_not_in_group_buy")
    return UnitPrice(int(price), SOURCE, activity.id, LABEL, exclusive=True)


def open_group(session: Session, activity: GroupBuy, customer_id: int) -> GroupBuyGroup:
    """A new group with its opener's place taken; its window is hours_to_form, never past the activity's end."""
    if status_of(activity) != "active":
        raise Conflict("group_buy_not_active")
    now = utcnow()
    group = GroupBuyGroup(
        shop_id=activity.shop_id, group_buy_id=activity.id, opener_customer_id=customer_id, group_size=activity.group_size,
        taken=1, expires_at=min(now + timedelta(hours=activity.hours_to_form), activity.ends_at),
    )
    session.add(group)
    session.flush()
    return group


def take_place(session: Session, group: GroupBuyGroup, customer_id: int) -> GroupBuyMember | None:
    """Take a place in the group for this shopper, or refuse: already_joined (they hold one), group_closed (formed,
    failed or past its window), group_full (every place held). One conditional update decides between racing shoppers.
    Answers the shopper's earlier released member row to reuse, if any."""
    earlier = session.exec(
        select(GroupBuyMember).where(GroupBuyMember.group_id == group.id, GroupBuyMember.customer_id == customer_id)
    ).first()
    if earlier is not None and earlier.status in HOLDING:
        raise Conflict("already_joined")
    if earlier is not None and earlier.status == "refunded":
        raise Conflict("group_closed")
    now = utcnow()
    taken = session.exec(
        update(GroupBuyGroup).where(
            GroupBuyGroup.id == group.id, GroupBuyGroup.status == "forming", GroupBuyGroup.expires_at > now,
            GroupBuyGroup.taken < GroupBuyGroup.group_size,
        ).values(taken=GroupBuyGroup.taken + 1).execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        session.refresh(group)
        raise Conflict("group_closed" if group.status != "forming" or group.expires_at <= now else "group_full")
    return earlier


def add_member(session: Session, group: GroupBuyGroup, customer_id: int, order_id: int, earlier: GroupBuyMember | None = None) -> GroupBuyMember:
    """The member row for a place just taken (take_place), naming its unpaid order."""
    customer = session.get(Customer, customer_id)
    masked = _mask(customer.name or customer.email) if customer else "***"
    member = earlier or GroupBuyMember(shop_id=group.shop_id, group_id=group.id, customer_id=customer_id, order_id=order_id)
    member.order_id, member.status, member.name_masked, member.joined_at, member.paid_at = order_id, "pending", masked, utcnow(), None
    session.add(member)
    session.flush()
    return member


def require_shippable(session: Session, order: Any) -> None:
    """A group order ships only once its group has formed (409 group_not_formed otherwise)."""
    row = session.exec(
        select(GroupBuyGroup.status).join(GroupBuyMember, GroupBuyMember.group_id == GroupBuyGroup.id)
        .where(GroupBuyMember.order_id == order.id)
    ).first()
    if row is not None and row != "formed":
        raise Conflict("group_not_formed", order_no=order.order_no)


# What the order lifecycle does to a group (marketing/lifecycle, in the order's transaction) ---------

def order_moved(session: Session, order: Any, before: str, to: str) -> None:
    member = session.exec(select(GroupBuyMember).where(GroupBuyMember.order_id == order.id)).first()
    if member is None:
        return
    if before == "pending_payment" and to == "paid" and member.status == "pending":
        _member_paid(session, member)
    elif before == "pending_payment" and to == "cancelled" and member.status == "pending":
        _member_left(session, member, "released", was_paid=False)
    elif to == "closed" and member.status == "paid":
        _member_left(session, member, "refunded", was_paid=True)


def _member_paid(session: Session, member: GroupBuyMember) -> None:
    now = utcnow()
    member.status, member.paid_at = "paid", now
    session.add(member)
    # Counted only while the group forms: a payment landing after the group failed is refunded by the failure sweep.
    session.exec(update(GroupBuyGroup).where(GroupBuyGroup.id == member.group_id, GroupBuyGroup.status == "forming")
                 .values(paid_members=GroupBuyGroup.paid_members + 1).execution_options(synchronize_session=False))
    session.exec(update(GroupBuyGroup).where(
        GroupBuyGroup.id == member.group_id, GroupBuyGroup.status == "forming",
        GroupBuyGroup.paid_members >= GroupBuyGroup.group_size,
    ).values(status="formed", formed_at=now).execution_options(synchronize_session=False))


def _member_left(session: Session, member: GroupBuyMember, status: str, *, was_paid: bool) -> None:
    """An unpaid order expired or was cancelled (its place comes free), or a paid one was refunded in full.
    A formed group stays formed, and closed to joiners, whatever is refunded (CRMEB#27)."""
    member.status = status
    session.add(member)
    values: dict = {"taken": GroupBuyGroup.taken - 1}
    if was_paid:
        values["paid_members"] = GroupBuyGroup.paid_members - 1
    session.exec(update(GroupBuyGroup).where(GroupBuyGroup.id == member.group_id, GroupBuyGroup.status == "forming")
                 .values(**values).execution_options(synchronize_session=False))
    # Nobody left holding a place: the group is over (there is nobody to refund).
    session.exec(update(GroupBuyGroup).where(
        GroupBuyGroup.id == member.group_id, GroupBuyGroup.status == "forming", GroupBuyGroup.taken <= 0,
    ).values(status="failed", failed_at=utcnow()).execution_options(synchronize_session=False))


# Closing groups (called by checkout/group_orders, which refunds) -----------------------------------

def due_groups(session: Session, now: datetime | None = None, limit: int = 200) -> list[GroupBuyGroup]:
    """Forming groups whose window has closed (litemall#159: never treated as formed unless filled)."""
    return list(session.exec(
        select(GroupBuyGroup).where(GroupBuyGroup.status == "forming", GroupBuyGroup.expires_at <= (now or utcnow()))
        .order_by(GroupBuyGroup.expires_at, GroupBuyGroup.id).limit(limit)
    ).all())


def forming_groups(session: Session, shop_id: int, group_buy_id: int) -> list[GroupBuyGroup]:
    return list(session.exec(select(GroupBuyGroup).where(
        GroupBuyGroup.shop_id == shop_id, GroupBuyGroup.group_buy_id == group_buy_id, GroupBuyGroup.status == "forming",
    ).order_by(GroupBuyGroup.id)).all())


def close_group(session: Session, group: GroupBuyGroup, *, allow_virtual: bool) -> str:
    """The group's window closed (or its activity ended): it forms with virtual members when the owner allows it
    (`allow_virtual`, at the window's end) and a member has paid, else it fails. Answers the new status, or ""
    when someone else closed it first. Unpaid members' orders and paid members' refunds are the caller's."""
    activity = session.get(GroupBuy, group.group_buy_id)
    now = utcnow()
    session.refresh(group)
    if allow_virtual and activity is not None and activity.fill_with_virtual and group.paid_members >= 1:
        virtual = max(0, group.group_size - group.paid_members)
        done = session.exec(update(GroupBuyGroup).where(GroupBuyGroup.id == group.id, GroupBuyGroup.status == "forming")
                            .values(status="formed", formed_at=now, virtual_members=virtual).execution_options(synchronize_session=False)).rowcount
        status = "formed"
    else:
        done = session.exec(update(GroupBuyGroup).where(GroupBuyGroup.id == group.id, GroupBuyGroup.status == "forming")
                            .values(status="failed", failed_at=now).execution_options(synchronize_session=False)).rowcount
        status = "failed"
    session.refresh(group)
    return status if done else ""


def unpaid_member_orders(session: Session, group_id: int) -> list[int]:
    return list(session.exec(select(GroupBuyMember.order_id).where(GroupBuyMember.group_id == group_id, GroupBuyMember.status == "pending")).all())


def members_to_refund(session: Session, limit: int = 200) -> list[GroupBuyMember]:
    """Paid members of failed groups not refunded yet: the failure sweep's work (also payments that landed late)."""
    return list(session.exec(
        select(GroupBuyMember).join(GroupBuyGroup, GroupBuyGroup.id == GroupBuyMember.group_id)
        .where(GroupBuyGroup.status == "failed", GroupBuyMember.status == "paid").order_by(GroupBuyMember.id).limit(limit)
    ).all())


def mark_refunded(session: Session, member: GroupBuyMember) -> None:
    member.status = "refunded"
    session.add(member)


# Helpers ---------------------------------------------------------------------------------------

def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _group_counts(session: Session, shop_id: int, ids: list[int]) -> dict[int, dict[str, int]]:
    if not ids:
        return {}
    rows = session.exec(
        select(GroupBuyGroup.group_buy_id, GroupBuyGroup.status, func.count()).where(
            GroupBuyGroup.shop_id == shop_id, col(GroupBuyGroup.group_buy_id).in_(ids),
        ).group_by(GroupBuyGroup.group_buy_id, GroupBuyGroup.status)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for activity_id, status, n in rows:
        counts.setdefault(activity_id, {})[status] = n
    return counts


def _names(session: Session, shop_id: int, customer_ids: list[int]) -> dict[int, str]:
    if not customer_ids:
        return {}
    rows = session.exec(select(Customer.id, Customer.name, Customer.email).where(
        Customer.shop_id == shop_id, col(Customer.id).in_(customer_ids))).all()
    return {cid: _mask(name or email) for cid, name, email in rows}


def _mask(name: str) -> str:
    """"张三丰" → "张**", "alice@example.com" → "a***": a member can be recognised by friends, never found by strangers."""
    name = (name or "").split("@")[0].strip()
    if not name:
        return "***"
    return name[0] + ("**" if len(name) <= 3 else "***")


def _product(session: Session, shop_id: int, value, errors: dict[str, str]) -> Product | None:
    if value in (None, ""):
        errors["product_id"] = "required"
        return None
    number = checked_whole(value, "product_id", errors)
    if number is None:
        return None
    product = session.get(Product, number)
    if product is None or product.shop_id != shop_id:
        errors["product_id"] = "products_not_in_shop"
        return None
    return product


def _prices(session: Session, shop_id: int, product: Product, prices, errors: dict[str, str]) -> dict:
    """{variant_id: group price}: variants of the product, each price at least 1 分 and below the variant's price."""
    if not isinstance(prices, dict) or not prices:
        errors["prices"] = "required"
        return {}
    variants = {v.id: v for v in session.exec(select(Variant).where(Variant.shop_id == shop_id, Variant.product_id == product.id))}
    checked: dict[str, int] = {}
    for key, price in prices.items():
        variant_id = int(key) if str(key).isdigit() else None
        if variant_id not in variants:
            errors["prices"] = "variants_not_in_shop"
            return {}
        number = checked_whole(price, f"prices.{key}", errors)
        if number is None:
            return {}
        if number < 1:
            errors[f"prices.{key}"] = "number_out_of_range"
        elif number >= variants[variant_id].price:
            errors[f"prices.{key}"] = "group_price_not_below_price"
        checked[str(variant_id)] = number
    return checked



