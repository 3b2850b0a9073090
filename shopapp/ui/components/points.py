"""A points move (积分明细) as both the shopper's 我的积分 and the console show it."""

from __future__ import annotations

import reflex as rx

from shopapp.services.marketing.points import KINDS as MOVE_KINDS
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import shown_time


def move_row(move: dict) -> dict[str, str]:
    """The move as text: the points it changed (earned ones while still frozen say so), why, and when."""
    points = move["frozen_delta"] if move["kind"] == "earned_frozen" else move["delta"] + move["frozen_delta"]
    if move["kind"] == "released":
        points = move["delta"]
    return {
        "kind": move["kind"], "points": f"{points:+d}", "reason": move["reason"], "at": shown_time(move["at"]),
        "minus": "yes" if points < 0 else "",
    }


def move_kind_label(kind: rx.Var) -> rx.Component:
    return rx.match(kind, *[(k, tr(f"points.kind.{k}")) for k in MOVE_KINDS], kind)


def move_item(move: dict) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.p(move_kind_label(move["kind"]), class_name="font-medium"),
            rx.el.p(move["reason"], " · ", move["at"], class_name="text-sm text-gray-500"),
            class_name="min-w-0 flex-1",
        ),
        rx.el.span(move["points"], class_name=rx.cond(move["minus"] == "yes", "font-bold text-gray-700", "font-bold text-red-600")),
        class_name="flex items-center justify-between gap-2 p-3",
    )
