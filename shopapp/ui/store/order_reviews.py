"""评价 on the shopper's order page: once the order is delivered, each item gets a button to review it
(stars, text, up to 6 photos, anonymous), and a reviewed item one to add a 追评."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.reviews import writing
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.store.state import StoreState

IMAGE_TYPES = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "image/gif": [".gif"]}


class OrderReviewsState(StoreState):
    items: list[dict[str, str]] = []  # {id, title, can_review, can_follow_up, review_id, status, stars}
    writing: str = ""  # the order item whose form is open
    mode: str = ""  # "review" or "followup"
    stars: int = 5
    photo_names: list[str] = []
    problem: str = ""
    done: str = ""
    form_key: int = 0
    _photos: list[bytes] = []  # backend only: pictures waiting for the review to be sent
    _token: str = ""

    def _load_reviews(self):
        """Filled by the order page's one on_load (OrderPageState.open_page), after the order."""
        if not self.shop:
            return
        self._token = self.router.url.query_parameters.get("token", "") or self._shopper_token()
        self.writing, self.done, self.problem = "", "", ""
        self._read()

    @rx.event
    def open_form(self, item_id: str, mode: str):
        self.writing, self.mode, self.stars, self.problem, self.done = item_id, mode, 5, "", ""
        self._photos, self.photo_names = [], []
        self.form_key += 1

    @rx.event
    def close_form(self):
        self.writing = ""

    @rx.event
    def set_stars(self, stars: int):
        self.stars = stars

    @rx.event
    async def add_photos(self, files: list[rx.UploadFile]):
        for file in files:
            if len(self._photos) < writing.MAX_PHOTOS:
                self._photos.append(await file.read())
                self.photo_names.append(file.name or "photo")

    @rx.event
    def submit(self, form: dict):
        self.problem = ""
        item = next((i for i in self.items if i["id"] == self.writing), None)
        if item is None:
            return
        shop_id = int(self.shop["id"])
        try:
            with session_scope() as session:
                if self.mode == "followup":
                    written = writing.add_followup(session, shop_id, self.order_no, self._token, int(item["review_id"]),
                                                   form.get("text", ""), list(self._photos))
                    status = written.followup_status
                else:
                    written = writing.write_review(session, shop_id, self.order_no, self._token, int(item["id"]), self.stars,
                                                   form.get("text", ""), bool(form.get("anonymous")), list(self._photos))
                    status = written.status
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        self._photos, self.photo_names, self.writing = [], [], ""
        self.done = self._text("review.thanks_pending" if status == "pending" else "review.thanks")
        self._read()

    def _read(self):
        try:
            with session_scope() as session:
                rows = writing.order_reviews(session, int(self.shop["id"]), self.order_no, self._token)
        except DomainError:
            self.items = []
            return
        self.items = [{
            "id": str(r["order_item_id"]), "title": r["title"], "can_review": "yes" if r["can_review"] else "",
            "can_follow_up": "yes" if r["can_follow_up"] else "",
            "review_id": str(r["review"]["id"]) if r["review"] else "",
            "status": r["review"]["status"] if r["review"] else "",
            "status_key": f"review.status_{r['review']['status']}" if r["review"] else "",
            "stars": "★" * r["review"]["rating"] if r["review"] else "",
        } for r in rows]
        if not any(i["can_review"] or i["status"] for i in self.items):
            self.items = []  # not delivered yet: nothing to show


def reviews_card() -> rx.Component:
    """Shown once any item can be (or has been) reviewed."""
    state = OrderReviewsState
    return rx.cond(
        state.items.length() > 0,
        rx.el.section(
            rx.el.h2(tr("review.invite"), class_name="mb-1 font-semibold"),
            rx.cond(state.done != "", rx.el.p(state.done, role="status", class_name="text-sm text-emerald-700", data_testid="review-done")),
            rx.el.ul(rx.foreach(state.items, _item), class_name="divide-y"),
            class_name="rounded-2xl bg-white p-4", data_testid="order-reviews",
        ),
    )


def _item(item: dict) -> rx.Component:
    state = OrderReviewsState
    return rx.el.li(
        rx.el.div(
            rx.el.span(item["title"], class_name="flex-1 text-sm"),
            rx.cond(item["status"] != "", rx.el.span(item["stars"], " ", tr_of(item["status_key"], "review.status_"),
                                                     class_name="text-xs text-gray-500", data_testid="review-status")),
            rx.cond(item["can_review"] != "", rx.el.button(tr("review.write"), on_click=state.open_form(item["id"], "review"), type="button",
                                                           class_name=SECONDARY_BUTTON + " py-1", data_testid="write-review")),
            rx.cond(item["can_follow_up"] != "", rx.el.button(tr("review.write_followup"), on_click=state.open_form(item["id"], "followup"),
                                                              type="button", class_name=SECONDARY_BUTTON + " py-1")),
            class_name="flex items-center gap-2",
        ),
        rx.cond(state.writing == item["id"], _form()),
        class_name="py-2",
    )


def _form() -> rx.Component:
    state = OrderReviewsState
    return rx.el.form(
        rx.cond(state.mode == "review", rx.el.div(
            *[rx.el.button(
                rx.cond(state.stars >= n, "★", "☆"), on_click=state.set_stars(n), type="button",
                aria_label=tr("review.stars") + f" {n}", aria_pressed=rx.cond(state.stars == n, "true", "false"),
                class_name="h-10 w-10 text-2xl text-amber-500", data_testid=f"star-{n}",
            ) for n in range(1, 6)],
            role="group", aria_label=tr("review.stars"), class_name="flex",
        )),
        rx.el.textarea(name="text", rows=3, placeholder=tr("review.text"), aria_label=tr("review.text"),
                       class_name=INPUT + " mt-2", key=state.form_key.to_string(), data_testid="review-text-input"),
        rx.upload.root(
            rx.el.div(tr("review.photos"), class_name="mt-2 cursor-pointer rounded-lg border border-dashed p-3 text-center text-sm text-gray-600"),
            id="review_photos", multiple=True, max_files=6, accept=IMAGE_TYPES,
            on_drop=state.add_photos(rx.upload_files(upload_id="review_photos")),
        ),
        rx.foreach(state.photo_names, lambda name: rx.el.p(name, class_name="text-xs text-gray-500", data_testid="review-photo-name")),
        rx.cond(state.mode == "review", rx.el.label(
            rx.el.input(type="checkbox", name="anonymous", class_name="mr-1"), tr("review.anonymous"), class_name="mt-2 block text-sm",
        )),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-1 text-sm text-red-600")),
        rx.el.button(rx.cond(state.mode == "review", tr("review.submit"), tr("review.submit_followup")), type="submit",
                     class_name=PRIMARY_BUTTON + " mt-2 w-full", data_testid="submit-review"),
        on_submit=state.submit, reset_on_submit=False, class_name="mt-2",
    )
