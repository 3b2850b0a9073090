"""Sixty days of the demo shop's life: orders, payments, parcels, refunds and customer conversations, written
through the same services a live shop uses (cart → checkout → payment → shipping → state machine; stock through
inventory), each on the day it happened (models.base.clock_at), from a fixed random seed so every demo is the same."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Product, Variant
from shopapp.models.base import clock_at, utcnow
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import place
from shopapp.services.core import outbox
from shopapp.services.core.clock import shop_time, shop_zone
from shopapp.services.core.errors import DomainError
from shopapp.services.orders import cancel, fulfillment, payments, refunds, state
from shopapp.services.shops import accounts
from shopapp.services.support import conversations

log = logging.getLogger(__name__)

DAYS = 60
SEED = 20261206
KEEP_ON_SHELF = 4  # never sell a variant below this: the demo storefront stays well stocked
SHOPPERS = [
    ("林晓", "13800138001", "浙江省", "杭州市", "西湖区", "文三路 90 号 3 幢 502", "310012"),
    ("陈静", "13911112222", "上海市", "上海市", "徐汇区", "漕溪北路 88 号 1201 室", "200030"),
    ("王磊", "13722223333", "北京市", "北京市", "朝阳区", "望京西园 4 区 412 号楼 8 层", "100102"),
    ("张敏", "13633334444", "广东省", "深圳市", "南山区", "科技园南区 18 栋 702", "518057"),
    ("刘洋", "13544445555", "江苏省", "南京市", "鼓楼区", "中山北路 210 号 6 楼", "210009"),
    ("赵雪", "13455556666", "四川省", "成都市", "武侯区", "人民南路四段 27 号", "610041"),
    ("孙悦", "13366667777", "湖北省", "武汉市", "洪山区", "珞喻路 1037 号", "430074"),
    ("周杰", "13277778888", "福建省", "厦门市", "思明区", "厦禾路 888 号 15 楼", "361004"),
    ("吴芳", "13188889999", "山东省", "青岛市", "市南区", "香港中路 76 号", "266071"),
    ("郑浩", "15000001111", "浙江省", "宁波市", "鄞州区", "天童南路 588 号", "315100"),
    ("冯琳", "15111112222", "广东省", "广州市", "天河区", "体育西路 103 号 2205", "510620"),
    ("何伟", "15222223333", "江苏省", "苏州市", "姑苏区", "干将东路 333 号", "215005"),
    ("许诺", "15333334444", "湖南省", "长沙市", "岳麓区", "麓山南路 932 号", "410083"),
    ("高远", "15544445555", "陕西省", "西安市", "雁塔区", "小寨东路 126 号", "710061"),
    ("马丽", "15655556666", "天津市", "天津市", "南开区", "卫津路 94 号", "300071"),
    ("罗斌", "15766667777", "重庆市", "重庆市", "渝中区", "解放碑八一路 177 号", "400010"),
]
QUESTIONS = [
    ("请问什么时候发货？", "您好，您的订单已安排今天下午发出，发货后可在订单页查看物流。"),
    ("这款茶可以冷泡吗？", "可以的，冷泡建议用 5 克茶叶配 500 毫升冷水，冷藏 6 小时左右，清甜不苦涩。"),
    ("能开发票吗？", "可以开具电子普通发票，请把抬头和税号发给我们，发货后 3 天内发到您的邮箱。"),
    ("快递到了但盒子有点压坏了，茶没事吧？", "非常抱歉！茶叶是真空独立包装，一般不受影响；如有破损请拍照发我们，给您补发。"),
    ("送长辈的话推荐哪款？", "推荐武夷大红袍或金骏眉礼盒装，口感醇厚，包装也体面，可以帮您附上贺卡。"),
]
REFUND_REASONS = ["包装破损补偿", "顾客不想要了（未拆封退货）", "少发一包，退差价"]


@dataclass
class Shelf:
    """What may still be sold: variant id → (price, units left above KEEP_ON_SHELF)."""

    left: dict[int, int]

    def pick(self, rng: random.Random) -> list[tuple[int, int]]:
        open_ids = [variant_id for variant_id, units in self.left.items() if units > 0]
        lines = []
        for variant_id in rng.sample(open_ids, k=min(len(open_ids), rng.choice((1, 1, 1, 2, 2, 3)))):
            qty = min(self.left[variant_id], rng.choice((1, 1, 1, 2)))
            self.left[variant_id] -= qty
            lines.append((variant_id, qty))
        return lines


def seed_history(owner_token: str, shop_id: int, *, days: int = DAYS, seed: int = SEED) -> int:
    """Replay `days` of trade ending yesterday; returns the number of orders placed."""
    rng = random.Random(seed)
    shelf = _shelf(shop_id)
    today = shop_time(utcnow()).date()
    placed = 0
    for days_ago in range(days, 0, -1):
        day = today - timedelta(days=days_ago)
        # Slow at first, busier as the shop gets known, and busier at weekends.
        count = rng.randint(1, 3) + (days - days_ago) // 15 + (2 if day.weekday() >= 5 else 0)
        for _ in range(count):
            at = datetime.combine(day, time(rng.randint(8, 22), rng.randint(0, 59)), shop_zone())
            lines = shelf.pick(rng)
            if lines and _one_order(owner_token, shop_id, rng, at, lines, days_ago):
                placed += 1
        # The nightly job: orders delivered long enough ago complete on their own (自动确认收货).
        with clock_at(datetime.combine(day, time(23, 30), shop_zone())), session_scope() as session:
            fulfillment.auto_complete_delivered(session)
    # The replayed weeks' e-mails are history: filed, not printed or sent when the platform starts.
    with session_scope() as session:
        outbox.file_unsent(session, shop_id)
    log.info("demo history: %s orders over %s days", placed, days)
    return placed


def _shelf(shop_id: int) -> Shelf:
    with session_scope() as session:
        rows = session.exec(
            select(Variant.id, Variant.stock).join(Product, Product.id == Variant.product_id)
            .where(Variant.shop_id == shop_id, Product.status == "active", Product.presale_quota.is_(None)).order_by(Variant.id)
        ).all()
    return Shelf({variant_id: max(0, stock - KEEP_ON_SHELF) for variant_id, stock in rows})


def _one_order(owner_token: str, shop_id: int, rng: random.Random, at: datetime, lines, days_ago: int) -> bool:
    name, phone, province, city, district, line1, postcode = rng.choice(SHOPPERS)
    email = f"{_handle(phone)}@example.com"
    address = {"name": name, "phone": phone, "province": province, "city": city, "district": district,
               "line1": line1, "postcode": postcode}
    try:
        with clock_at(at), session_scope() as session:
            cart_token = carts.create_cart(session, shop_id, email)
            for variant_id, qty in lines:
                carts.add_item(session, shop_id, cart_token, variant_id, qty, view=False)
            order = place.place_order(session, shop_id, cart_token, email, address)
        if rng.random() < 0.07:  # never paid: the expiry job cancels it and puts the stock back
            with clock_at(at + timedelta(hours=2)), session_scope() as session:
                cancel.expire_unpaid_orders(session)
            return True
        with clock_at(at + timedelta(minutes=rng.randint(1, 6))), session_scope() as session:
            payments.sandbox_pay(session, order["payment"]["id"], "success")
        _afterwards(owner_token, shop_id, rng, at, {**order, "email": email}, days_ago)
    except DomainError as exc:  # a demo day that cannot happen (say, a variant gone) is left out, not fatal
        log.warning("demo order on %s left out: %s", at.date(), exc.code)
        return False
    return True


def _afterwards(owner_token: str, shop_id: int, rng: random.Random, at: datetime, order: dict, days_ago: int) -> None:
    """Shipping the next day, delivery a few days on, now and then a refund or a question."""
    if rng.random() < 0.12:
        _conversation(owner_token, shop_id, rng, at + timedelta(hours=rng.randint(1, 20)), order)
    if days_ago < 2:
        return  # paid, waiting to ship: the console's to-do list has something in it
    shipped_at = at + timedelta(hours=rng.randint(14, 30))
    carrier = rng.choice(("SF", "ZTO"))
    tracking_no = f"SF{rng.randrange(10**12, 10**13)}" if carrier == "SF" else f"7531{rng.randrange(10**9, 10**10)}"
    with clock_at(shipped_at), session_scope() as session:
        owner = accounts.authenticate(session, owner_token)
        shipment = fulfillment.ship(session, owner, order["order_id"], None, carrier, tracking_no)
        shipment_id = shipment.id
    if days_ago < 4:
        return
    with clock_at(shipped_at + timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 8))), session_scope() as session:
        owner = accounts.authenticate(session, owner_token)
        fulfillment.add_tracking_event(session, owner, shipment_id, "delivered", "已签收，签收人：本人")
    if rng.random() < 0.08:
        with clock_at(shipped_at + timedelta(days=4)), session_scope() as session:
            owner = accounts.authenticate(session, owner_token)
            refundable = refunds.refundable(session, state.get_order(session, owner, order["order_id"]))
            amount = refundable if rng.random() < 0.4 else min(refundable, rng.choice((500, 1000, 2000)))
            refunds.refund(session, owner, order["order_id"], amount, rng.choice(REFUND_REASONS))


def _conversation(owner_token: str, shop_id: int, rng: random.Random, at: datetime, order: dict) -> None:
    question, answer = rng.choice(QUESTIONS)
    with clock_at(at), session_scope() as session:
        conversation, _ = conversations.start_conversation(
            session, shop_id, order["email"], question, order["order_no"], order["token"])
        conversation_id = conversation.id
    with clock_at(at + timedelta(minutes=rng.randint(3, 40))), session_scope() as session:
        owner = accounts.authenticate(session, owner_token)
        conversations.reply(session, owner, conversation_id, answer)
        conversations.close(session, owner, conversation_id)


def _handle(phone: str) -> str:
    return f"shopper{phone[-4:]}"
