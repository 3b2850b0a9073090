"""Savings as every page shows them: one row per saving ("满300减40 −¥40"), and a line's list price,
its share of the savings and what it pays (PRICING.md's `paid`). The figures come from the pricing
pipeline (a quote, a cart view or an order); these helpers only put them into words."""

from __future__ import annotations

import reflex as rx

from shopapp.services.core.money import format_money


def saving_rows(discounts: list[dict], currency: str, words: dict[str, str]) -> list[dict[str, str]]:
    """[{label, amount}] for a quote's or an order's `discounts`: the saving's own label (a promotion's
    name, "满300减40"), else what its source is called; a free-shipping saving of 0 says "包邮"."""
    rows = []
    for saving in discounts or []:
        label = saving.get("label") or words.get(f"saving.{saving.get('source')}", saving.get("source") or "")
        amount = int(saving.get("amount") or 0)
        shown = "-" + format_money(amount, currency) if amount else words.get("saving.free_shipping", "")
        rows.append({"label": label, "amount": shown})
    return rows


def next_tier_text(priced: dict, currency: str, words: dict[str, str]) -> str:
    """"再买 ¥23 可减 ¥40" from a quote's `next_tier` {label, missing} (the promotions fill it); "" without one."""
    tier = priced.get("next_tier") or {}
    if not tier.get("missing"):
        return ""
    return words.get("saving.next_tier", "{missing} {label}").format(
        missing=format_money(int(tier["missing"]), currency), label=tier.get("label") or "",
    )


def line_money(item: dict, currency: str) -> dict[str, str]:
    """A line's figures as text: its unit price (step 1), its list amount, the savings on it and what it
    pays. `saving` is "" when the line has none, so pages show the plain price."""
    saved = sum(int(share.get("amount") or 0) for share in item.get("discounts") or [])
    paid = int(item.get("paid", item.get("total", 0)) or 0)
    return {
        "unit_price": format_money(int(item.get("unit_price") or 0), currency),
        "list_total": format_money(paid + saved, currency),
        "saving": "-" + format_money(saved, currency) if saved else "",
        "paid": format_money(paid, currency),
    }


def savings_list(rows, test_id: str = "savings") -> rx.Component:
    """The savings, one per row, label on the left and the amount off on the right (red)."""
    return rx.el.ul(
        rx.foreach(rows, lambda row: rx.el.li(
            rx.el.span(row["label"], class_name="text-gray-600"),
            rx.el.span(row["amount"], class_name="text-red-600", data_testid="saving-amount"),
            class_name="flex justify-between",
        )),
        class_name="space-y-1", data_testid=test_id,
    )


def line_price(line) -> rx.Component:
    """A line's price: with a saving, the list amount struck through, the saving and what it pays."""
    return rx.cond(
        line["saving"] != "",
        rx.el.span(
            rx.el.s(line["list_total"], class_name="mr-1 text-xs text-gray-400"),
            rx.el.span(line["saving"], class_name="mr-1 text-xs text-red-600", data_testid="line-saving"),
            rx.el.span(line["paid"], class_name="font-semibold", data_testid="line-paid"),
        ),
        rx.el.span(line["paid"], data_testid="line-paid"),
    )
