"""Console 评价管理: the review inbox with filters (status, rating, product), publish / hide (asked first) /
pin / reply, the 追评's own publish or hide, and the shop's rule for new reviews."""

from __future__ import annotations

import reflex as rx

from shopapp.services.reviews import moderation
from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import ConfirmMixin

STATUSES = (("", "reviews.any"), ("pending", "review.status_pending"), ("published", "review.status_published"),
            ("hidden", "review.status_hidden"))
RATINGS = (("", "reviews.any"), ("good", "reviews.good"), ("medium", "reviews.medium"), ("bad", "reviews.bad"))


class ReviewInboxState(ConfirmMixin, ConsoleState):
    rows: list[dict[str, str]] = []
    photos: list[list[str]] = []  # thumbnails per row
    filters: dict[str, str] = {"status": "", "rating": "", "product_id": ""}
    total: int = 0
    moderated: bool = True
    problem: str = ""
    reply_key: int = 0  # reply boxes remount empty after a reply is sent

    @rx.event
    def load(self):
        query = self.router.url.query_parameters
        self.filters = {name: str(query.get(name, "")) for name in ("status", "rating", "product_id")}
        self.problem = ""
        self._refresh()

    @rx.event
    def filter(self, form: dict):
        self.filters = {name: str(form.get(name, "")).strip() for name in ("status", "rating", "product_id")}
        self._refresh()

    @rx.event
    def set_status(self, review_id: str, status: str):
        self.confirming = ""
        self._act(lambda session, actor: moderation.update_review(session, actor, int(review_id), status=status))

    @rx.event
    def set_followup(self, review_id: str, status: str):
        self.confirming = ""
        self._act(lambda session, actor: moderation.update_review(session, actor, int(review_id), followup_status=status))

    @rx.event
    def toggle_pin(self, review_id: str, pinned: str):
        self._act(lambda session, actor: moderation.update_review(session, actor, int(review_id), pinned=pinned == ""))

    @rx.event
    def reply(self, form: dict):
        review_id = int(form.get("review_id") or 0)
        if self._act(lambda session, actor: moderation.reply(session, actor, review_id, form.get("text", ""))):
            self.reply_key += 1

    @rx.event
    def set_rule(self, moderated: bool):
        self._act(lambda session, actor: moderation.set_rule(session, actor, moderated))

    def _act(self, action) -> bool:
        self.problem = self._attempt(action)
        self._refresh()
        return not self.problem

    def _refresh(self):
        product = self.filters.get("product_id", "")

        def read(session, actor):
            items, total = moderation.list_reviews(
                session, actor, status=self.filters.get("status") or None, rating=self.filters.get("rating") or None,
                product_id=int(product) if product.isdigit() and len(product) < 12 else None, per_page=50,
            )
            return items, total, moderation.shop_rule(session, actor)

        found = self._read(read)
        if found is None:
            self.rows, self.photos, self.total = [], [], 0
            return
        items, self.total, self.moderated = found
        self.rows = [_row(item) for item in items]
        self.photos = [[p["thumb_url"] for p in item["photos"]] for item in items]


def _row(item: dict) -> dict[str, str]:
    followup = item["followup"] or {}
    return {
        "id": str(item["id"]), "stars": "★" * item["rating"] + "☆" * (5 - item["rating"]), "low": "yes" if item["rating"] <= moderation.LOW_RATING else "",
        "text": item["text"], "status": item["status"], "status_key": f"review.status_{item['status']}",
        "product": item["product_title"] or f"#{item['product_id']}", "product_url": routes.console_product(item["product_id"]),
        "order_no": item["order_no"], "email": item["email"], "anonymous": "yes" if item["anonymous"] else "",
        "pinned": "yes" if item["pinned"] else "", "reply": item["reply"], "at": shown_time(item["created_at"]),
        "followup": followup.get("text", ""), "followup_status": followup.get("status", ""),
        "followup_key": f"review.status_{followup['status']}" if followup else "",
    }


@console_page(routes.CONSOLE_REVIEWS, "console.nav.reviews", on_load=ReviewInboxState.load)
def reviews_page() -> rx.Component:
    state = ReviewInboxState
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("reviews.inbox"), class_name="text-2xl font-bold"),
            rx.el.div(
                rx.el.span(tr("reviews.rule"), "：", class_name="text-sm text-gray-600"),
                _rule_button(True, "reviews.rule_moderated"), _rule_button(False, "reviews.rule_auto"),
                class_name="flex items-center gap-2",
            ),
            class_name="flex flex-wrap items-center justify-between gap-3",
        ),
        _filters(),
        form_error(state.problem),
        rx.el.p(state.total, " ", tr("review.count_after"), class_name="text-sm text-gray-500", data_testid="reviews-total"),
        rx.cond(state.rows.length() > 0, rx.el.ul(rx.foreach(state.rows, _review), class_name="space-y-3"),
                rx.el.p(tr("reviews.empty"), class_name="text-sm text-gray-500")),
        class_name="space-y-4",
    )


def _rule_button(moderated: bool, label: str) -> rx.Component:
    state = ReviewInboxState
    chosen = state.moderated if moderated else ~state.moderated
    return rx.el.button(
        tr(label), on_click=state.set_rule(moderated), type="button", aria_pressed=rx.cond(chosen, "true", "false"),
        class_name=rx.cond(chosen, "rounded-full bg-emerald-600 px-3 py-1 text-sm text-white", "rounded-full border px-3 py-1 text-sm text-gray-700"),
        data_testid="rule-moderated" if moderated else "rule-auto",
    )


def _filters() -> rx.Component:
    state = ReviewInboxState

    def select(name: str, label: str, choices) -> rx.Component:
        return rx.el.label(
            rx.el.span(tr(label), class_name="block text-xs text-gray-600"),
            rx.el.select(*[rx.el.option(tr(key), value=value) for value, key in choices], name=name,
                         default_value=state.filters[name], key=state.filters[name], class_name=INPUT + " py-1.5"),
        )

    return rx.el.form(
        select("status", "reviews.filter_status", STATUSES),
        select("rating", "reviews.filter_rating", RATINGS),
        rx.el.label(rx.el.span(tr("reviews.filter_product"), class_name="block text-xs text-gray-600"),
                    rx.el.input(name="product_id", inputmode="numeric", default_value=state.filters["product_id"],
                                key=state.filters["product_id"], class_name=INPUT + " w-28 py-1.5")),
        rx.el.button(tr("reviews.filter"), type="submit", class_name=SECONDARY_BUTTON, data_testid="reviews-filter"),
        on_submit=state.filter, reset_on_submit=False, class_name="flex flex-wrap items-end gap-2",
    )


def _review(row: dict, index) -> rx.Component:
    state = ReviewInboxState
    return rx.el.li(
        rx.el.div(
            rx.el.span(row["stars"], class_name=rx.cond(row["low"] != "", "font-semibold text-red-600", "text-amber-500")),
            rx.el.span(tr_of(row["status_key"], "review.status_"), class_name="rounded bg-gray-100 px-1.5 text-xs", data_testid="review-row-status"),
            rx.cond(row["pinned"] != "", rx.el.span(tr("reviews.pinned"), class_name="rounded bg-amber-100 px-1.5 text-xs text-amber-800")),
            rx.el.a(row["product"], href=row["product_url"], class_name="text-sm text-emerald-700 hover:underline"),
            rx.el.span(tr("reviews.order"), " ", row["order_no"], " · ", row["email"], " · ", row["at"], class_name="text-xs text-gray-500"),
            class_name="flex flex-wrap items-center gap-2",
        ),
        rx.el.p(row["text"], class_name="mt-1 whitespace-pre-line break-words text-sm", data_testid="review-row-text"),
        rx.el.div(rx.foreach(state.photos[index], lambda url: rx.el.a(
            rx.el.img(src=url, alt=tr("review.photo"), width="64", height="64", loading="lazy", class_name="h-16 w-16 rounded object-cover"),
            href=url, target="_blank",
        )), class_name="mt-1 flex flex-wrap gap-2"),
        rx.cond(row["followup"] != "", _followup(row)),
        rx.cond(row["reply"] != "", rx.el.p(tr("review.shop_reply"), "：", row["reply"], class_name="mt-1 rounded bg-gray-50 p-2 text-sm text-gray-700")),
        rx.el.div(
            rx.cond(row["status"] != "published", rx.el.button(tr("reviews.publish"), on_click=state.set_status(row["id"], "published"),
                                                               type="button", class_name=PRIMARY_BUTTON + " py-1", data_testid="review-publish")),
            rx.cond(row["status"] != "hidden", confirm_button(
                state.confirming == "hide-" + row["id"], state.ask("hide-" + row["id"]), state.set_status(row["id"], "hidden"),
                state.cancel, "reviews.hide", "reviews.hide_confirm",
            )),
            rx.el.button(rx.cond(row["pinned"] != "", tr("reviews.unpin"), tr("reviews.pin")), on_click=state.toggle_pin(row["id"], row["pinned"]),
                         type="button", class_name=SECONDARY_BUTTON + " py-1"),
            class_name="mt-2 flex flex-wrap items-center gap-2",
        ),
        rx.el.form(
            rx.el.input(type="hidden", name="review_id", value=row["id"]),
            rx.el.input(name="text", placeholder=tr("reviews.reply_placeholder"), aria_label=tr("reviews.reply"),
                        key=state.reply_key.to_string() + row["id"], class_name=INPUT + " min-w-0 flex-1 py-1.5"),
            rx.el.button(tr("reviews.reply"), type="submit", class_name=SECONDARY_BUTTON + " py-1"),
            on_submit=state.reply, reset_on_submit=False, class_name="mt-2 flex gap-2",
        ),
        class_name="rounded-2xl border bg-white p-4", data_testid="review-row",
    )


def _followup(row: dict) -> rx.Component:
    state = ReviewInboxState
    return rx.el.div(
        rx.el.p(rx.el.span(tr("review.followup"), "（", tr_of(row["followup_key"], "review.status_"), "）：", class_name="font-medium text-amber-700"),
                row["followup"], class_name="whitespace-pre-line break-words text-sm"),
        rx.el.div(
            rx.cond(row["followup_status"] != "published", rx.el.button(tr("reviews.publish_followup"), on_click=state.set_followup(row["id"], "published"),
                                                                        type="button", class_name=SECONDARY_BUTTON + " py-1")),
            rx.cond(row["followup_status"] != "hidden", confirm_button(
                state.confirming == "hide-followup-" + row["id"], state.ask("hide-followup-" + row["id"]),
                state.set_followup(row["id"], "hidden"), state.cancel, "reviews.hide_followup", "reviews.hide_confirm",
            )),
            class_name="mt-1 flex gap-2",
        ),
        class_name="mt-2 border-l-2 border-amber-200 pl-2",
    )
