"""The embedded engine: replies filled from the shop's own facts by templates, with no model at
all. Its answers only ever quote the facts the context holds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from shopapp.i18n import t
from shopapp.services.core.clock import shop_time
from shopapp.services.core.money import format_money
from shopapp.services.support.ai.engines import ReplyContext, Suggestion
from shopapp.services.support.ai.intents import HANDED_OVER

POLICY_EXCERPT = 200
QUOTED_QUESTION = 40
LOW_STOCK = 5
# Option names whose values are sizes, so the reply offers to help choose one.
_SIZE_OPTION_NAMES = ("尺码", "尺寸", "码", "size")

_TEXT = {
    "zh-CN": {
        "ask_order_no": "您好，为了保护您的订单隐私，麻烦提供一下订单号（下单邮箱需与本次咨询的邮箱一致），核实后我们马上为您查询。",
        "ask_order_no_short": "麻烦发一下您的订单号，我们核实身份后马上为您查看订单进度～",
        "shipping_policy": "我们的发货说明：{policy}",
        "shipping_policy_then_ask": "我们的发货说明：{policy}提供订单号后，我们可以为您查看具体进度。",
        "returns_policy_then_ask": "本店退换货政策：{policy}如需办理，请提供订单号和退货原因，我们马上为您处理。",
        "returns_no_policy_ask": "可以为您办理退换货，请提供订单号、退货原因和商品照片，我们核实后尽快处理。",
        "shipped": "您好，您的订单 {order_no} 已由{carrier}发出，运单号 {tracking_no}。{latest}",
        "shipped_short": "订单 {order_no}：{carrier} {tracking_no}，{state}。有任何问题随时找我们～",
        "parcel": "第 {n} 个包裹：{carrier} {tracking_no}，{state}",
        "parcels": "您好，您的订单 {order_no} 分 {count} 个包裹发出：{lines}。",
        "latest_event": "最新物流（{when}）：{description}{location}。",
        "no_event_yet": "物流信息稍后会更新，您可以用运单号在{carrier}查询。",
        "location": "（{location}）",
        "state_latest": "最新：{description}",
        "state_waiting": "等待揽收",
        "pending_payment": "您好，您的订单 {order_no} 目前还未付款，付款后我们会尽快安排发货。",
        "paid": "您好，您的订单 {order_no} 已付款，正在为您备货，发货后会第一时间更新物流单号。",
        "paid_presale": "您好，您的订单 {order_no} 含预售商品，预计 {ships_at} 前发货，发货后会第一时间更新物流单号。",
        "shipped_no_tracking": "您好，您的订单 {order_no} 已发货，物流单号更新后我们会第一时间告诉您。",
        "delivered": "您好，您的订单 {order_no} 显示已签收。如果您还没有收到，请告诉我们，我们马上联系快递核实。",
        "completed": "您好，您的订单 {order_no} 已完成。如有任何问题请随时联系我们。",
        "cancelled": "您好，您的订单 {order_no} 已取消，如需购买可以重新下单。",
        "closed": "您好，您的订单 {order_no} 已关闭，款项已原路退回。",
        "which_order": "您在本店有 {count} 个订单：{lines}。请问您想查询的是哪一个？",
        "order_line": "{order_no}（{status}）",
        "return_order": "关于订单 {order_no} 的退换货：{policy}请告诉我们退货原因，方便的话附上商品照片，我们会尽快为您处理。",
        "return_order_no_policy": "订单 {order_no} 可以为您办理退换货，请告诉我们退货原因，方便的话附上商品照片，我们会尽快处理。",
        "return_unpaid": "您的订单 {order_no} 还未付款，如不需要，可以在订单页面直接取消，无需退货。",
        "return_refunded": "订单 {order_no} 已退款 {amount}，原路退回一般 1–7 个工作日到账。",
        "in_stock": "{title} 目前有货，欢迎下单～",
        "low_stock": "{title} 目前仅剩 {stock} 件，喜欢的话请尽快下单～",
        "sold_out": "{title} 暂时缺货，您可以在商品页登记到货提醒，补货后第一时间通知您。",
        "variants_stock": "{title} 目前有货的规格：{available}。",
        "variants_sold_out": "暂时缺货：{sold_out}（可在商品页登记到货提醒）。",
        "variant_in_stock": "{title} 的 {value} 目前有货，欢迎下单～",
        "variant_low_stock": "{title} 的 {value} 仅剩 {stock} 件，喜欢的话请尽快下单～",
        "variant_sold_out": "{title} 的 {value} 暂时缺货，您可以在商品页登记到货提醒，补货后第一时间通知您。",
        "presale": "该商品为预售，预计 {ships_at} 发货。",
        "which_product": "请问您想了解哪一款商品呢？发送商品名称或链接给我们，我们马上为您查询。",
        "options": "{title} 可选{name}：{values}。",
        "no_options": "{title} 只有一个规格。",
        "size_help": "告诉我们您的身高、体重和平时穿的尺码，我们帮您推荐合适的码数。",
        "pay_pending": "您好，您的订单 {order_no} 还未付款，请在订单页面完成付款，超时未付款的订单会自动取消。",
        "pay_paid": "您好，您的订单 {order_no} 已付款成功（{amount}），我们会尽快为您发货。",
        "pay_refunded": "您好，您的订单 {order_no} 已退款 {amount}，原路退回一般 1–7 个工作日到账。",
        "pay_cancelled": "您好，您的订单 {order_no} 已取消，未产生扣款；如已扣款，会原路退回。",
        "pay_general": "如果付款遇到问题，请告诉我们订单号和页面上的提示，我们帮您核实。",
        "greeting": "您好，感谢您的咨询！请问有什么可以帮您？",
        "greeting_order": "您好！我们看到您最近的订单 {order_no}（{status}），如果是关于这个订单的问题，请告诉我们具体情况。",
        "greeting_unverified": "您好，感谢您的咨询！如果是关于订单的问题，请提供订单号，我们马上为您查询。",
        "hello": "您好，感谢您的咨询！",
        "hand_over.invoice": "发票问题我帮您转给店主确认，稍后回复您。",
        "hand_over.discount": "优惠的问题我帮您转给店主确认，稍后回复您。",
        "hand_over.other": "您问的“{question}”我帮您转给店主确认，稍后回复您。",
        "hand_over.human": "好的，我已为您转接人工客服，同事会尽快跟进回复您。",
        "not_received": "您好，订单 {order_no} 的包裹（{carrier} {tracking_no}）物流显示已签收。很抱歉您还没有收到，同事会马上联系快递核实，并尽快跟进回复您。",
        "not_received_short": "已记录：订单 {order_no} 显示已签收但您没有收到，同事会联系快递核实后跟进回复您。",
        "not_received_follow_up": "如果包裹显示已签收但您没有收到，同事会马上联系快递核实并跟进回复您。",
        "change_before_shipping": "好的，订单 {order_no} 还未发货，可以修改。请把新的收货地址或电话发给我们，同事会帮您更新并跟进确认。",
        "change_after_shipping": "订单 {order_no} 已发货（{carrier} {tracking_no}），修改地址需要联系快递，同事会帮您联系快递并跟进回复您。",
        "change_after_shipping_no_tracking": "订单 {order_no} 已发货，修改地址需要联系快递，同事会帮您联系快递并跟进回复您。",
        "cancel_unpaid": "订单 {order_no} 还未付款，您可以在订单页面直接取消；也可以回复确认，我们帮您取消。",
        "cancel_paid": "订单 {order_no} 还未发货，可以取消，款项会原路退回。我已转给同事为您办理取消，稍后跟进回复您。",
        "cancel_shipped": "订单 {order_no} 已发货，无法直接取消；收到后可以按退货政策办理：{policy}",
        "cancel_shipped_no_policy": "订单 {order_no} 已发货，无法直接取消；收到后可以联系我们办理退货。",
        "no_refund": "订单 {order_no} 目前没有退款记录。如需申请退款，请告诉我们原因，我们尽快为您处理。",
        "shipping_no_policy": "运费会在结算页按收货地址计算显示，付款后我们会尽快为您发货。",
        "coupons": "本店现在有这些优惠券可以领取：{coupons}。在店铺首页或商品页点“领券”即可，下单时自动抵扣。",
        "list_sep": "、",
        "line_sep": "；",
    },
    "en": {
        "ask_order_no": "Hello! To keep your order private, could you send us your order number (the email on the order must match this conversation's)? We'll look it up right away.",
        "ask_order_no_short": "Could you share your order number? Once we've matched it to your email we'll check on it for you.",
        "shipping_policy": "Our shipping policy: {policy}",
        "shipping_policy_then_ask": "Our shipping policy: {policy} With your order number we can check your order's progress.",
        "returns_policy_then_ask": "Our returns policy: {policy} To start a return, please send your order number and the reason.",
        "returns_no_policy_ask": "We can help with a return: please send your order number, the reason and a photo of the item.",
        "shipped": "Hello! Your order {order_no} has shipped with {carrier}, tracking number {tracking_no}. {latest}",
        "shipped_short": "Order {order_no}: {carrier} {tracking_no}, {state}. Let us know if you need anything else.",
        "parcel": "parcel {n}: {carrier} {tracking_no}, {state}",
        "parcels": "Hello! Your order {order_no} ships in {count} parcels: {lines}.",
        "latest_event": "Latest update ({when}): {description}{location}.",
        "no_event_yet": "Tracking updates will appear shortly; you can follow it on {carrier}'s site with the tracking number.",
        "location": " ({location})",
        "state_latest": "latest: {description}",
        "state_waiting": "waiting for pick-up",
        "pending_payment": "Hello! Your order {order_no} has not been paid yet; we'll ship it as soon as payment arrives.",
        "paid": "Hello! Your order {order_no} is paid and being prepared; we'll send you the tracking number as soon as it ships.",
        "paid_presale": "Hello! Your order {order_no} includes a pre-order item and ships by {ships_at}; we'll send the tracking number as soon as it ships.",
        "shipped_no_tracking": "Hello! Your order {order_no} has shipped; we'll share the tracking number as soon as it's available.",
        "delivered": "Hello! Your order {order_no} shows as delivered. If you haven't received it, tell us and we'll check with the carrier right away.",
        "completed": "Hello! Your order {order_no} is complete. Let us know if anything is wrong.",
        "cancelled": "Hello! Your order {order_no} was cancelled; you're welcome to order again.",
        "closed": "Hello! Your order {order_no} is closed and the payment was refunded to your original payment method.",
        "which_order": "You have {count} orders with us: {lines}. Which one are you asking about?",
        "order_line": "{order_no} ({status})",
        "return_order": "About returning order {order_no}: {policy} Please tell us the reason, with a photo of the item if you can, and we'll take care of it.",
        "return_order_no_policy": "We can help you return order {order_no}: please tell us the reason, with a photo of the item if you can.",
        "return_unpaid": "Your order {order_no} hasn't been paid yet; if you no longer want it, you can simply cancel it on the order page.",
        "return_refunded": "Order {order_no} has been refunded {amount}; it usually reaches your account within 1–7 business days.",
        "in_stock": "{title} is in stock; you're welcome to order.",
        "low_stock": "Only {stock} left of {title}; order soon if you like it.",
        "sold_out": "{title} is sold out for now; sign up for a back-in-stock alert on the product page and we'll tell you when it's back.",
        "variants_stock": "{title} is in stock in: {available}.",
        "variants_sold_out": "Sold out for now: {sold_out} (you can sign up for a back-in-stock alert).",
        "variant_in_stock": "{title} in {value} is in stock; you're welcome to order.",
        "variant_low_stock": "Only {stock} left of {title} in {value}; order soon if you like it.",
        "variant_sold_out": "{title} in {value} is sold out for now; sign up for a back-in-stock alert on the product page.",
        "presale": "It's a pre-order item and ships by {ships_at}.",
        "which_product": "Which product would you like to know about? Send us its name or link and we'll check for you.",
        "options": "{title} comes in {name}: {values}.",
        "no_options": "{title} comes in one version only.",
        "size_help": "Tell us your height, weight and usual size and we'll recommend one.",
        "pay_pending": "Hello! Your order {order_no} hasn't been paid yet; please pay on the order page, unpaid orders are cancelled after a while.",
        "pay_paid": "Hello! Your payment for order {order_no} went through ({amount}); we'll ship it soon.",
        "pay_refunded": "Hello! Order {order_no} has been refunded {amount}; it usually reaches your account within 1–7 business days.",
        "pay_cancelled": "Hello! Your order {order_no} was cancelled and nothing was charged; any charge will be returned.",
        "pay_general": "If something went wrong with the payment, tell us your order number and the message you saw, and we'll check.",
        "greeting": "Hello, thanks for getting in touch! How can we help?",
        "greeting_order": "Hello! We see your latest order {order_no} ({status}); if your question is about it, tell us what's up.",
        "greeting_unverified": "Hello, thanks for getting in touch! If it's about an order, please send us the order number.",
        "hello": "Hello, thanks for getting in touch!",
        "hand_over.invoice": "I've passed your invoice question to the shop owner to confirm; we'll get back to you shortly.",
        "hand_over.discount": "I've passed your question about a discount to the shop owner to confirm; we'll get back to you shortly.",
        "hand_over.other": "I've passed your question \u201c{question}\u201d to the shop owner; we'll get back to you shortly.",
        "hand_over.human": "Sure, I've passed this to a colleague, who will follow up with you shortly.",
        "not_received": "Hello! The parcel for order {order_no} ({carrier} {tracking_no}) shows as delivered. Sorry you haven't got it: a colleague will check with the carrier right away and follow up with you.",
        "not_received_short": "Noted: order {order_no} shows as delivered but hasn't reached you; a colleague will check with the carrier and follow up with you.",
        "not_received_follow_up": "If it shows as delivered but hasn't reached you, a colleague will check with the carrier and follow up with you.",
        "change_before_shipping": "Sure, order {order_no} hasn't shipped yet, so it can still be changed: send us the new address or phone number and a colleague will update it and follow up.",
        "change_after_shipping": "Order {order_no} has already shipped ({carrier} {tracking_no}); a colleague will ask the carrier to change the delivery details and follow up with you.",
        "change_after_shipping_no_tracking": "Order {order_no} has already shipped; a colleague will ask the carrier to change the delivery details and follow up with you.",
        "cancel_unpaid": "Order {order_no} hasn't been paid yet, so you can cancel it yourself on the order page, or reply to confirm and we'll cancel it for you.",
        "cancel_paid": "Order {order_no} hasn't shipped yet, so it can be cancelled and refunded in full; I've passed it to a colleague, who will cancel it and follow up with you.",
        "cancel_shipped": "Order {order_no} has already shipped, so it can't be cancelled; once it arrives you can return it: {policy}",
        "cancel_shipped_no_policy": "Order {order_no} has already shipped, so it can't be cancelled; once it arrives, contact us to return it.",
        "no_refund": "There's no refund on order {order_no} yet. If you'd like one, tell us why and we'll take care of it.",
        "shipping_no_policy": "Shipping is worked out at checkout from your address; we ship as soon as you've paid.",
        "coupons": "These coupons are available to claim right now: {coupons}. Tap \u201cGet coupons\u201d on the shop's home or a product page and it applies at checkout.",
        "list_sep": ", ",
        "line_sep": "; ",
    },
}

# Which sentence tells an order's status when it has no tracking number to give.
_STATUS_REPLY = {
    "pending_payment": "pending_payment", "paid": "paid", "partially_shipped": "paid", "shipped": "shipped_no_tracking",
    "delivered": "delivered", "completed": "completed", "cancelled": "cancelled", "closed": "closed",
}


class OfflineEngine:
    name = "offline"

    def suggest_replies(self, context: ReplyContext) -> list[Suggestion]:
        """Up to three alternatives, each answering every question of the message: the first topic the shop's
        data answers decides the alternatives, the other answerable topics add their best answer to each, and
        what only a person can answer (an invoice, a discount, anything else) is handed over in a sentence."""
        answerable = list(dict.fromkeys(q["intent"] for q in context.questions if not handed_over(context, q["intent"])))
        handed = [q for q in context.questions if handed_over(context, q["intent"])]
        if not context.questions:
            answerable = [context.intent]
        if not answerable:
            main = [Suggestion(_say(context, "hello"))] if handed else _other(context)
        else:
            main = _answered(context, answerable[0])
        extras = [(_answered(context, intent) or [Suggestion("")])[0] for intent in answerable[1:]]
        additions = [e for e in extras if e.text.strip()] + _hand_overs(context, handed)
        suggestions = [_with(s, additions, context) for s in main if s.text.strip()]
        return _unique(suggestions)[:3] or [_with(_other(context)[0], additions, context)]

    def stream_reply(self, context: ReplyContext) -> Iterator[str]:
        """The first suggestion, a clause at a time, as a model would write it."""
        text = self.suggest_replies(context)[0].text
        yield from (piece for piece in re.split(r"(?<=[，。；！？,.;!?])", text) if piece)



# Replies by intent -----------------------------------------------------------------------------

def _where_is_order(context: ReplyContext) -> list[Suggestion]:
    if not context.verified or not context.focus_order:
        return _ask_for_order_number(context, policy="shipping")
    order = context.focus_order
    with_tracking = [s for s in order["shipments"] if s["tracking_no"]]
    suggestions = _tracking_replies(context, order, with_tracking) if with_tracking else _status_replies(context, order)
    suggestions.append(_which_order(context))
    return suggestions


def _when_ship(context: ReplyContext) -> list[Suggestion]:
    suggestions = _where_is_order(context)
    order = context.focus_order
    policy = _excerpt(context.policies.get("shipping_policy"))
    if not policy:
        return suggestions
    if not context.verified or not order:
        # "How soon do you ship?" is answered by the policy itself; the order number comes second.
        return [s for s in suggestions if s.sources] + [s for s in suggestions if not s.sources]
    if order["status"] == "paid":
        said = Suggestion(_say(context, "shipping_policy", policy=policy), [_policy("shipping")])
        if order["presale"]:
            suggestions.insert(1, said)
        else:
            # Paid, waiting to ship: where it stands and when the shop's policy says it leaves.
            suggestions.insert(0, _with(suggestions[0], [said], context))
    return suggestions


def _return(context: ReplyContext) -> list[Suggestion]:
    policy = _excerpt(context.policies.get("returns_policy"))
    if not context.verified or not context.focus_order:
        if policy:
            return [
                Suggestion(_say(context, "returns_policy_then_ask", policy=policy), [_policy("returns")]),
                Suggestion(_say(context, "ask_order_no")),
            ]
        return [Suggestion(_say(context, "returns_no_policy_ask")), Suggestion(_say(context, "ask_order_no"))]
    order = context.focus_order
    sources = [_order_source(order)]
    if order["status"] == "pending_payment":
        return [Suggestion(_say(context, "return_unpaid", order_no=order["order_no"]), sources)]
    if order["status"] in ("cancelled", "closed"):
        key = "pay_cancelled" if order["status"] == "cancelled" else "closed"
        return [Suggestion(_say(context, key, order_no=order["order_no"]), sources), _which_order(context)]
    suggestions = []
    if order["refunded_total"]:
        amount = format_money(order["refunded_total"], order["currency"])
        suggestions.append(Suggestion(_say(context, "return_refunded", order_no=order["order_no"], amount=amount), sources))
    if policy:
        suggestions.append(Suggestion(
            _say(context, "return_order", order_no=order["order_no"], policy=policy), sources + [_policy("returns")],
        ))
    else:
        suggestions.append(Suggestion(_say(context, "return_order_no_policy", order_no=order["order_no"]), sources))
    suggestions.append(_which_order(context))
    return suggestions


def _stock(context: ReplyContext) -> list[Suggestion]:
    if not context.products:
        return [Suggestion(_say(context, "which_product"))]
    return [_stock_reply(context, product) for product in context.products]


def _size(context: ReplyContext) -> list[Suggestion]:
    if not context.products:
        return [Suggestion(_say(context, "which_product"))]
    suggestions = []
    for product in context.products:
        sentences = [
            _say(context, "options", title=product["title"], name=option["name"], values=_join(context, option["values"]))
            for option in product["options"]
        ] or [_say(context, "no_options", title=product["title"])]
        if any(_is_size_option(option["name"]) for option in product["options"]):
            sentences.append(_say(context, "size_help"))
        suggestions.append(Suggestion(_sentences(context, sentences), [_product(product)]))
        suggestions.append(_stock_reply(context, product))
    return suggestions


def _payment(context: ReplyContext) -> list[Suggestion]:
    if not context.verified or not context.focus_order:
        return [Suggestion(_say(context, "ask_order_no")), Suggestion(_say(context, "pay_general"))]
    order = context.focus_order
    sources = [_order_source(order)]
    amount = format_money(order["total"], order["currency"])
    if order["status"] == "pending_payment":
        key = "pay_pending"
    elif order["status"] == "cancelled":
        key = "pay_cancelled"
    elif order["refunded_total"]:
        key, amount = "pay_refunded", format_money(order["refunded_total"], order["currency"])
    else:
        key = "pay_paid"
    return [
        Suggestion(_say(context, key, order_no=order["order_no"], amount=amount), sources),
        Suggestion(_say(context, "pay_general")),
    ]


def _other(context: ReplyContext) -> list[Suggestion]:
    if context.verified and context.focus_order:
        order = context.focus_order
        return [
            Suggestion(_say(context, "greeting")),
            Suggestion(_say(
                context, "greeting_order", order_no=order["order_no"], status=_status_word(context, order["status"]),
            ), [_order_source(order)]),
        ]
    return [Suggestion(_say(context, "greeting_unverified")), Suggestion(_say(context, "greeting"))]


def _not_received(context: ReplyContext) -> list[Suggestion]:
    """"It says delivered but I never got it": the parcel as the carrier reports it, and a colleague who
    checks with the carrier (the conversation is flagged for follow-up)."""
    if not context.verified or not context.focus_order:
        return _ask_for_order_number(context, policy="shipping")
    order = context.focus_order
    done = order["status"] in ("delivered", "completed")
    delivered = [s for s in order["shipments"] if s["tracking_no"] and (done or s["status"] == "delivered")]
    if not delivered:
        follow_up = Suggestion(_say(context, "not_received_follow_up"))
        return [_with(s, [follow_up], context) for s in _where_is_order(context) if s.text.strip()]
    parcel = _carrier_named(context, delivered[0])
    sources = [_order_source(order), _shipment_source(parcel)]
    return [
        Suggestion(_say(context, "not_received", order_no=order["order_no"], carrier=parcel["carrier_name"],
                        tracking_no=parcel["tracking_no"]), sources),
        Suggestion(_say(context, "not_received_short", order_no=order["order_no"]), [_order_source(order)]),
    ]


def _change_address(context: ReplyContext) -> list[Suggestion]:
    """Only the team changes an order's address or phone: before shipping they can, after it the carrier must."""
    if not context.verified or not context.focus_order:
        return [Suggestion(_say(context, "ask_order_no")), Suggestion(_say(context, "ask_order_no_short"))]
    order = context.focus_order
    sources = [_order_source(order)]
    if order["status"] in ("cancelled", "closed", "completed", "delivered"):
        return _status_replies(context, order)
    if order["status"] in ("pending_payment", "paid"):
        return [Suggestion(_say(context, "change_before_shipping", order_no=order["order_no"]), sources)]
    parcels = [_carrier_named(context, s) for s in order["shipments"] if s["tracking_no"]]
    if not parcels:
        return [Suggestion(_say(context, "change_after_shipping_no_tracking", order_no=order["order_no"]), sources)]
    return [Suggestion(_say(
        context, "change_after_shipping", order_no=order["order_no"], carrier=parcels[0]["carrier_name"],
        tracking_no=parcels[0]["tracking_no"],
    ), sources + [_shipment_source(parcels[0])])]


def _cancel(context: ReplyContext) -> list[Suggestion]:
    if not context.verified or not context.focus_order:
        return [Suggestion(_say(context, "ask_order_no")), Suggestion(_say(context, "ask_order_no_short"))]
    order = context.focus_order
    sources = [_order_source(order)]
    status = order["status"]
    if status == "pending_payment":
        return [Suggestion(_say(context, "cancel_unpaid", order_no=order["order_no"]), sources)]
    if status == "paid":
        return [Suggestion(_say(context, "cancel_paid", order_no=order["order_no"]), sources)]
    if status in ("cancelled", "closed"):
        return _status_replies(context, order)
    policy = _excerpt(context.policies.get("returns_policy"))
    if policy:
        return [Suggestion(_say(context, "cancel_shipped", order_no=order["order_no"], policy=policy),
                           sources + [_policy("returns")])]
    return [Suggestion(_say(context, "cancel_shipped_no_policy", order_no=order["order_no"]), sources)]


def _refund_status(context: ReplyContext) -> list[Suggestion]:
    if not context.verified or not context.focus_order:
        return [Suggestion(_say(context, "ask_order_no")), Suggestion(_say(context, "ask_order_no_short"))]
    order = context.focus_order
    sources = [_order_source(order)]
    if order["refunded_total"]:
        amount = format_money(order["refunded_total"], order["currency"])
        return [Suggestion(_say(context, "return_refunded", order_no=order["order_no"], amount=amount), sources)]
    return [Suggestion(_say(context, "no_refund", order_no=order["order_no"]), sources), _which_order(context)]


def _discount(context: ReplyContext) -> list[Suggestion]:
    """The coupons anyone can claim now; a discount beyond them is the owner's to give."""
    names = _join(context, [f"{c['name']}（{c['description']}）" if context.lang == "zh-CN" else f"{c['name']} ({c['description']})"
                            for c in context.coupons])
    sources = [{"type": "coupon", "id": c["id"]} for c in context.coupons]
    return [
        Suggestion(_say(context, "coupons", coupons=names), sources),
        Suggestion(_sentences(context, [_say(context, "coupons", coupons=names), _say(context, "hand_over.discount")]), sources),
    ]


def handed_over(context: ReplyContext, intent: str) -> bool:
    """Whether only a person can answer: a discount can be answered when the shop has coupons to claim."""
    if intent == "discount":
        return not context.coupons
    return intent in HANDED_OVER


def _shipping_info(context: ReplyContext) -> list[Suggestion]:
    """Fees, carriers and delivery times: what the shop's shipping policy says."""
    policy = _excerpt(context.policies.get("shipping_policy"))
    if policy:
        return [Suggestion(_say(context, "shipping_policy", policy=policy), [_policy("shipping")])]
    return [Suggestion(_say(context, "shipping_no_policy"))]


def _carrier_named(context: ReplyContext, shipment: dict) -> dict:
    if context.lang == "en":
        return {**shipment, "carrier_name": shipment.get("carrier_name_en") or shipment["carrier_name"]}
    return shipment


_ANSWERS = {
    "where_is_order": _where_is_order, "tracking": _where_is_order, "when_ship": _when_ship, "return": _return,
    "stock": _stock, "size": _size, "payment": _payment, "not_received": _not_received,
    "change_address": _change_address, "cancel": _cancel, "refund_status": _refund_status,
    "shipping_info": _shipping_info, "discount": _discount, "greeting": _other, "other": _other,
}


def _answered(context: ReplyContext, intent: str) -> list[Suggestion]:
    answer = _ANSWERS.get(intent, _other)
    return [s for s in answer(replace(context, intent=intent)) if s.text.strip()]


def _hand_overs(context: ReplyContext, questions: list[dict]) -> list[Suggestion]:
    """One sentence per question a person must answer, in the reply's language; one per topic for
    invoices and discounts, the shopper's own words quoted for anything else."""
    sentences = []
    for question in questions:
        if question["intent"] == "other":
            quoted = question["text"] if len(question["text"]) <= QUOTED_QUESTION else question["text"][:QUOTED_QUESTION] + "…"
            sentences.append(_say(context, "hand_over.other", question=quoted))
        else:
            sentences.append(_say(context, f"hand_over.{question['intent']}"))
    return [Suggestion(text) for text in dict.fromkeys(sentences)]


def _with(suggestion: Suggestion, additions: list[Suggestion], context: ReplyContext) -> Suggestion:
    """The suggestion followed by the other questions' answers and hand-overs, sources merged."""
    if not additions:
        return suggestion
    text = _sentences(context, [suggestion.text.strip()] + [a.text.strip() for a in additions])
    sources = list(suggestion.sources)
    for addition in additions:
        sources += [source for source in addition.sources if source not in sources]
    return Suggestion(text, sources)


# Pieces of replies -----------------------------------------------------------------------------

def _ask_for_order_number(context: ReplyContext, policy: str) -> list[Suggestion]:
    """Unverified: not one detail of any order, only a request for the order number (and public policy)."""
    suggestions = [Suggestion(_say(context, "ask_order_no"))]
    text = _excerpt(context.policies.get(f"{policy}_policy"))
    if text:
        suggestions.append(Suggestion(_say(context, "shipping_policy_then_ask", policy=text), [_policy(policy)]))
    suggestions.append(Suggestion(_say(context, "ask_order_no_short")))
    return suggestions


def _tracking_replies(context: ReplyContext, order: dict, shipments: list[dict]) -> list[Suggestion]:
    sources = [_order_source(order)] + [_shipment_source(s) for s in shipments]
    if context.lang == "en":
        shipments = [{**s, "carrier_name": s.get("carrier_name_en") or s["carrier_name"]} for s in shipments]
    if len(shipments) == 1:
        shipment = shipments[0]
        latest = shipment["events"][0] if shipment["events"] else None
        if latest:
            detail = _say(
                context, "latest_event", when=_when(latest["at"], context.lang), description=latest["description"],
                location=_say(context, "location", location=latest["location"]) if latest["location"] else "",
            )
        else:
            detail = _say(context, "no_event_yet", carrier=shipment["carrier_name"])
        return [
            Suggestion(_say(
                context, "shipped", order_no=order["order_no"], carrier=shipment["carrier_name"],
                tracking_no=shipment["tracking_no"], latest=detail,
            ).strip(), sources),
            Suggestion(_say(
                context, "shipped_short", order_no=order["order_no"], carrier=shipment["carrier_name"],
                tracking_no=shipment["tracking_no"], state=_parcel_state(context, shipment),
            ), sources),
        ]
    lines = [
        _say(context, "parcel", n=n, carrier=s["carrier_name"], tracking_no=s["tracking_no"], state=_parcel_state(context, s))
        for n, s in enumerate(shipments, 1)
    ]
    return [Suggestion(_say(
        context, "parcels", order_no=order["order_no"], count=len(shipments), lines=_say(context, "line_sep").join(lines),
    ), sources)]


def _status_replies(context: ReplyContext, order: dict) -> list[Suggestion]:
    """No tracking number yet: say where the order stands."""
    status = order["status"]
    key = _STATUS_REPLY.get(status, "paid")
    if key == "paid" and order["presale"] and order["ships_at"]:
        key = "paid_presale"
    text = _say(context, key, order_no=order["order_no"], ships_at=_date(order["ships_at"]))
    return [Suggestion(text, [_order_source(order)])]


def _which_order(context: ReplyContext) -> Suggestion:
    """When the customer has several orders going, ask which one (naming only their own)."""
    live = [o for o in context.orders if o["status"] not in ("cancelled", "closed", "completed")]
    if len(live) < 2:
        return Suggestion("")
    lines = [
        _say(context, "order_line", order_no=o["order_no"], status=_status_word(context, o["status"])) for o in live[:5]
    ]
    return Suggestion(
        _say(context, "which_order", count=len(live), lines=_say(context, "list_sep").join(lines)),
        [_order_source(o) for o in live[:5]],
    )


def _stock_reply(context: ReplyContext, product: dict) -> Suggestion:
    title, variants = product["title"], product["variants"]
    source = [_product(product)]
    extra = [_say(context, "presale", ships_at=product["presale_ships_at"])] if product["presale_ships_at"] else []
    asked = _asked_variant(context.question, variants)
    if asked:
        value = " / ".join(asked["option_values"])
        said = _say(context, "variant_" + _stock_word(asked["stock"]), title=title, value=value, stock=asked["stock"])
        return Suggestion(_sentences(context, [said] + extra), source)
    if len(variants) <= 1 or not product["options"]:
        stock = sum(v["stock"] for v in variants)
        said = _say(context, _stock_word(stock), title=title, stock=stock)
        return Suggestion(_sentences(context, [said] + extra), source)
    available = [" / ".join(v["option_values"]) for v in variants if v["stock"] > 0]
    sold_out = [" / ".join(v["option_values"]) for v in variants if v["stock"] <= 0]
    if not available:
        return Suggestion(_sentences(context, [_say(context, "sold_out", title=title)] + extra), source)
    sentences = [_say(context, "variants_stock", title=title, available=_join(context, available))]
    if sold_out:
        sentences.append(_say(context, "variants_sold_out", sold_out=_join(context, sold_out)))
    return Suggestion(_sentences(context, sentences + extra), source)


def _stock_word(stock: int) -> str:
    return "sold_out" if stock <= 0 else "low_stock" if stock <= LOW_STOCK else "in_stock"


def _asked_variant(question: str, variants: list[dict]) -> dict | None:
    """The variant whose option values the question names ("M码有货吗", "the blue one in L")."""
    folded = question.casefold()
    best, best_hits = None, 0
    for variant in variants:
        values = [v.casefold() for v in variant["option_values"] if v]
        hits = sum(1 for v in values if _mentions(folded, v))
        if hits > best_hits or (hits == best_hits and hits and len(values) < len(best["option_values"])):
            best, best_hits = variant, hits
    if best is None or best_hits < len([v for v in best["option_values"] if v]):
        # Naming only some options of a multi-option variant ("L" of blue/red) is not one variant.
        return None
    return best


def _mentions(folded: str, value: str) -> bool:
    if re.search(r"[\u3400-\u9fff]", value):
        return value in folded
    return re.search(r"(?<![a-z0-9])" + re.escape(value) + r"(?![a-z0-9])", folded) is not None


def _parcel_state(context: ReplyContext, shipment: dict) -> str:
    if shipment["events"]:
        return _say(context, "state_latest", description=shipment["events"][0]["description"])
    return _say(context, "state_waiting")


# Small helpers ---------------------------------------------------------------------------------

def _say(context: ReplyContext, key: str, **params) -> str:
    return _TEXT.get(context.lang, _TEXT["zh-CN"])[key].format(**params)


def _sentences(context: ReplyContext, sentences: list[str]) -> str:
    return ("" if context.lang == "zh-CN" else " ").join(sentences)


def _join(context: ReplyContext, values: list[str]) -> str:
    return _say(context, "list_sep").join(values)


def _status_word(context: ReplyContext, status: str) -> str:
    return t(f"order.status.{status}", context.lang)


def _excerpt(text: str | None, limit: int = POLICY_EXCERPT) -> str:
    """The policy's opening, cut after a sentence where possible."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(mark) for mark in "。！？.!?；;")
    return cut[:end + 1] if end > limit // 3 else cut.rstrip() + "…"


def _when(at, lang: str) -> str:
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            return at
    if not isinstance(at, datetime):
        return ""
    local = shop_time(at) if at.tzinfo else at
    return f"{local.month}月{local.day}日 {local:%H:%M}" if lang == "zh-CN" else f"{local:%d %b %H:%M}"


def _date(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "")


def _unique(suggestions: list[Suggestion]) -> list[Suggestion]:
    seen, kept = set(), []
    for suggestion in suggestions:
        if suggestion.text not in seen:
            seen.add(suggestion.text)
            kept.append(suggestion)
    return kept


def _is_size_option(name: str) -> bool:
    return any(n in name.casefold() for n in _SIZE_OPTION_NAMES)


def _order_source(order: dict) -> dict:
    return {"type": "order", "id": order["id"]}


def _shipment_source(shipment: dict) -> dict:
    return {"type": "shipment", "id": shipment["id"] if shipment.get("id") is not None else shipment["tracking_no"]}


def _policy(name: str) -> dict:
    return {"type": "policy", "id": name}


def _product(product: dict) -> dict:
    return {"type": "product", "id": product["id"]}
