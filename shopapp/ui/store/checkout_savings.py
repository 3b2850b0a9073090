"""The checkout's savings: each saving line by line, a 优惠码 field, the shopper's coupons to pick from,
points to spend, and how far the next tier is. Every figure is the quote's (checkout/quote.py); the
page only sends what the shopper chose and shows what the pipeline made of it.

The coupon and points parts of a quote (`coupons`, `chosen_coupon`, `points`, `next_tier`) are filled by
the marketing centre's activities; when a quote has none of them, their controls stay hidden.
"""

from __future__ import annotations

import reflex as rx

from shopapp.i18n import field_message, pick_lang
from shopapp.services.checkout.quote import CHOICE_FIELDS
from shopapp.services.core.money import format_money
from shopapp.ui.components.forms import INPUT, SECONDARY_BUTTON
from shopapp.ui.components.savings import next_tier_text, saving_rows, savings_list
from shopapp.ui.components.text import tr

NO_COUPON = "0"  # the shopper chose no coupon at all (not the same as not choosing: the best one)


class SavingsMixin(rx.State, mixin=True):
    """What the shopper chose and the quote's savings, as text; the page's state mixes it in and
    provides `_requote()` and `errors` (FormMixin)."""

    savings: list[dict[str, str]] = []
    discount_total: str = ""  # "" without savings
    next_tier: str = ""
    coupons: list[dict[str, str]] = []  # {key, name, note, usable ("yes"/"")}
    chosen_coupon: str = ""  # the picker's mark: the quote's chosen coupon, or NO_COUPON
    _picked: str = ""  # what the shopper picked: a wallet coupon's id, NO_COUPON, or "" (the quote picks the best)
    coupon_code: str = ""  # as typed, kept when refused
    code_key: int = 0  # remounts the code box when the page must show another value
    points: dict[str, str] = {}  # {balance, max_usable, used}; empty: no points control
    points_typed: str = ""

    @rx.event
    def apply_code(self, form: dict):
        self.coupon_code = (form.get("coupon_code") or "").strip()
        self._picked = ""  # a typed code takes the place of a wallet coupon
        return self._requote()

    @rx.event
    def choose_coupon(self, key: str):
        self._picked = self.chosen_coupon = key
        if key:
            self.coupon_code, self.code_key = "", self.code_key + 1
        return self._requote()

    @rx.event
    def apply_points(self, form: dict):
        self.points_typed = (form.get("points") or "").strip()
        return self._requote()

    def _typed_choices(self) -> dict:
        return {"coupon_code": self.coupon_code or None, "customer_coupon_id": self._picked or None,
                "points": self.points_typed or 0}

    def _show_refusals(self, refused: dict[str, str]):
        """Refused choices next to their fields; the others' earlier refusals are gone."""
        kept = {name: message for name, message in self.errors.items() if name not in CHOICE_FIELDS}
        lang = pick_lang(self.lang)
        self.errors = {**kept, **{name: field_message(code, lang) for name, code in refused.items()}}

    def _show_savings(self, quote: dict, currency: str):
        words = self._catalogue()
        self.savings = saving_rows(quote["discounts"], currency, words)
        self.discount_total = "-" + format_money(quote["discount_total"], currency) if quote["discount_total"] else ""
        self.next_tier = next_tier_text(quote, currency, words)
        self.coupons = coupon_rows(quote.get("coupons") or [], currency, words)
        self.chosen_coupon = NO_COUPON if self._picked == NO_COUPON else chosen_key(quote.get("chosen_coupon"))
        self.points = points_view(quote.get("points"), words)


def coupon_rows(coupons: list[dict], currency: str, words: dict[str, str]) -> list[dict[str, str]]:
    """The quote's `coupons` as the picker lists them: each with what it would save, or why it cannot be used.
    Only coupons in the shopper's wallet can be picked here; a code is typed in its own box."""
    rows = []
    for coupon in coupons:
        usable = bool(coupon.get("usable")) and coupon.get("customer_coupon_id") is not None
        reason = coupon.get("reason") or ""
        note = words.get("checkout.coupon_saves", "{saving}").format(saving=format_money(int(coupon.get("saving") or 0), currency)) \
            if coupon.get("usable") else words.get(f"error.{reason}", words.get(f"field.{reason}", reason))
        rows.append({"key": str(coupon.get("customer_coupon_id") or ""), "name": str(coupon.get("name") or ""),
                     "note": note, "usable": "yes" if usable else ""})
    return rows


def points_view(points: dict | None, words: dict[str, str]) -> dict[str, str]:
    """The quote's `points` {balance, max_usable, used} as the points box shows them; {} hides the box."""
    if not points:
        return {}
    shown = {key: str(points.get(key) or 0) for key in ("balance", "max_usable", "used")}
    hint = words.get("checkout.points_hint", "{balance} / {max}").format(balance=shown["balance"], max=shown["max_usable"])
    return {**shown, "hint": hint}


def chosen_key(chosen) -> str:
    """The picker's key of the quote's `chosen_coupon` (a wallet coupon's id, or the coupon entry itself)."""
    if isinstance(chosen, dict):
        chosen = chosen.get("customer_coupon_id")
    return str(chosen) if chosen not in (None, "") else ""


# Components ------------------------------------------------------------------------------------

def savings_section(state) -> rx.Component:
    """The 优惠码 box, the wallet's coupons and the points box; each refusal next to its control."""
    errors = state.errors
    return rx.el.section(
        rx.el.h2(tr("saving.savings"), class_name="mb-3 font-semibold"),
        rx.el.form(
            rx.el.label(tr("checkout.coupon_code"), html_for="coupon_code", class_name="mb-1 block text-sm font-medium text-gray-800"),
            rx.el.div(
                rx.el.input(id="coupon_code", name="coupon_code", default_value=state.coupon_code, key=state.code_key.to_string(),
                            autocomplete="off", autocapitalize="characters", class_name=INPUT,
                            aria_invalid=rx.cond(errors.contains("coupon_code"), "true", "false"), aria_describedby="coupon_code-note"),
                rx.el.button(tr("checkout.apply_code"), type="submit", class_name=SECONDARY_BUTTON + " shrink-0"),
                class_name="flex gap-2",
            ),
            _refusal(errors, "coupon_code"),
            on_submit=state.apply_code, reset_on_submit=False, class_name="mb-3",
        ),
        rx.cond(state.coupons.length() > 0, _coupon_picker(state)),
        rx.cond(state.points.contains("balance"), _points_form(state)),
        class_name="rounded-2xl bg-white p-4",
    )


def _coupon_picker(state) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(tr("checkout.coupons"), class_name="mb-1 text-sm font-medium text-gray-800"),
        rx.foreach(state.coupons, lambda c: rx.el.label(
            rx.el.input(type="radio", name="coupon", value=c["key"], checked=state.chosen_coupon == c["key"],
                        disabled=c["usable"] == "", on_change=state.choose_coupon(c["key"]), class_name="mr-2"),
            rx.el.span(c["name"], class_name="flex-1"),
            rx.el.span(c["note"], class_name=rx.cond(c["usable"] != "", "text-red-600", "text-xs text-gray-500")),
            class_name="flex items-center gap-2 rounded-lg border px-3 py-2 text-sm", data_testid="coupon-option",
        )),
        rx.el.label(
            rx.el.input(type="radio", name="coupon", value=NO_COUPON, checked=state.chosen_coupon == NO_COUPON,
                        on_change=state.choose_coupon(NO_COUPON), class_name="mr-2"),
            tr("checkout.no_coupon"), class_name="flex items-center rounded-lg border px-3 py-2 text-sm",
        ),
        _refusal(state.errors, "customer_coupon_id"),
        class_name="mb-3 space-y-2",
    )


def _points_form(state) -> rx.Component:
    points = state.points
    return rx.el.form(
        rx.el.label(tr("checkout.points"), html_for="points", class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.p(points["hint"], class_name="mb-1 text-xs text-gray-500"),
        rx.el.div(
            rx.el.input(id="points", name="points", default_value=state.points_typed, inputmode="numeric", class_name=INPUT,
                        aria_invalid=rx.cond(state.errors.contains("points"), "true", "false"), aria_describedby="points-note"),
            rx.el.button(tr("checkout.use_points"), type="submit", class_name=SECONDARY_BUTTON + " shrink-0"),
            class_name="flex gap-2",
        ),
        _refusal(state.errors, "points"),
        on_submit=state.apply_points, reset_on_submit=False,
    )


def _refusal(errors, name: str) -> rx.Component:
    return rx.cond(errors.contains(name), rx.el.p(errors[name], id=f"{name}-note", role="alert", class_name="mt-1 text-sm text-red-600"))


def savings_rows(state) -> rx.Component:
    """In the summary: each saving, the total saved, and the next tier's nudge."""
    return rx.fragment(
        savings_list(state.savings, "checkout-savings"),
        rx.cond(state.discount_total != "", rx.el.div(
            rx.el.span(tr("saving.total"), class_name="text-gray-600"),
            rx.el.span(state.discount_total, class_name="font-semibold text-red-600", data_testid="checkout-discount-total"),
            class_name="flex justify-between",
        )),
        rx.cond(state.next_tier != "", rx.el.p(state.next_tier, class_name="rounded bg-red-50 px-2 py-1 text-red-700", data_testid="next-tier")),
    )
