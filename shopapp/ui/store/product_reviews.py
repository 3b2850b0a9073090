"""The product page's reviews: average, count, star breakdown, tabs 全部/有图/好评/差评, and a photo viewer.

Loaded after the product itself (a second event), so the product shows first and the page stays light.
Review text is put on the page as text, never as markup: whatever a shopper typed is shown escaped.
"""

from __future__ import annotations

import reflex as rx

from shopapp.db import read_scope
from shopapp.services.catalog import ratings, views
from shopapp.services.core.errors import DomainError
from shopapp.services.core.validation import id_from_text
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import shown_time
from shopapp.ui.store.state import StoreState

TABS = (("all", "review.tab_all"), ("photos", "review.tab_photos"), ("good", "review.tab_good"), ("bad", "review.tab_bad"))


class ProductReviewsState(StoreState):
    rating: dict[str, str] = {"average": "", "count": "0"}
    stars: list[dict[str, str]] = []  # {star, count, width}
    reviews: list[dict[str, str]] = []
    photos: list[list[dict[str, str]]] = []  # per review, in the same order
    tab: str = "all"
    page: int = 1
    more: bool = False
    viewing: str = ""  # the photo shown large, "" when the viewer is closed

    @rx.event
    def load(self):
        self._first_page()

    def _first_page(self):
        """All reviews, first page, viewer closed."""
        self._show_first_page(reviews_view(self.shop, self.product_id, "all", 1) if self.shop else None)

    def _show_first_page(self, view: dict | None):
        """The product page's load shows the first page it read for every shopper (product_views)."""
        self.tab, self.page, self.viewing = "all", 1, ""
        self._show(view, reset=True)

    @rx.event
    def choose_tab(self, tab: str):
        self.tab, self.page = tab, 1
        self._read(reset=True)

    @rx.event
    def load_more(self):
        self.page += 1
        self._read(reset=False)

    @rx.event
    def view(self, url: str):
        self.viewing = url

    @rx.event
    def close_viewer(self):
        self.viewing = ""

    def _read(self, reset: bool):
        if self.shop:
            self._show(reviews_view(self.shop, self.product_id, self.tab, self.page), reset)

    def _show(self, view: dict | None, reset: bool):
        if view is None:
            self.reviews, self.photos, self.stars = [], [], []
            return
        self.rating, self.stars = view["rating"], view["stars"]
        self.reviews = view["reviews"] if reset else self.reviews + view["reviews"]
        self.photos = view["photos"] if reset else self.photos + view["photos"]
        self.more = len(self.reviews) < view["total"]


def reviews_view(shop: dict, product_id: str, tab: str, page: int) -> dict | None:
    """A page of a product's published reviews under a tab, with the rating summary (None: no such product)."""
    shop_id = int(shop["id"])
    try:
        product = id_from_text(product_id)
        with read_scope() as session:
            summary = ratings.rating_summary(session, views.get_product(session, shop_id, product))
            items, total = ratings.published_reviews(
                session, shop_id, product, rating=tab if tab in ("good", "bad") else None,
                with_photos=tab == "photos", page=page,
            )
    except (DomainError, ValueError):
        return None
    count = summary["count"]
    return {
        "rating": {"average": f"{summary['average']:.1f}" if count else "", "count": str(count)},
        "stars": [{"star": star, "count": str(n), "width": f"{round(100 * n / count) if count else 0}%"}
                  for star, n in sorted(summary["by_star"].items(), reverse=True)],
        "reviews": [_review_view(item) for item in items],
        "photos": [[{"thumb": p["thumb_url"], "url": p["url"]} for p in item["photos"]] for item in items],
        "total": total,
    }


def _review_view(item: dict) -> dict[str, str]:
    followup = item["followup"] or {}
    return {
        "id": str(item["id"]), "stars": "★" * item["rating"] + "☆" * (5 - item["rating"]), "rating": str(item["rating"]),
        "text": item["text"], "author": item["author_masked"], "reply": item["reply"] or "",
        "followup": followup.get("text", ""), "at": shown_time(item["at"], "%Y-%m-%d"), "pinned": "yes" if item["pinned"] else "",
    }


def reviews_section() -> rx.Component:
    state = ProductReviewsState
    return rx.el.section(
        rx.el.div(
            rx.el.h2(tr("review.title"), class_name="font-semibold"),
            rx.cond(
                state.rating["average"] != "",
                rx.el.p(rx.el.span("★ ", state.rating["average"], class_name="font-semibold text-amber-600", data_testid="rating-average"),
                        " · ", state.rating["count"], " ", tr("review.count_after"), class_name="text-sm text-gray-600", data_testid="rating-count"),
            ),
            class_name="flex items-baseline justify-between",
        ),
        rx.cond(state.rating["average"] != "", rx.el.ul(rx.foreach(state.stars, _star_bar), class_name="mt-2 space-y-1")),
        rx.el.div(*[_tab(key, label) for key, label in TABS], role="tablist", class_name="mt-3 flex gap-2 overflow-x-auto"),
        rx.cond(
            state.reviews.length() > 0,
            rx.el.ul(rx.foreach(state.reviews, _review), class_name="mt-2 divide-y"),
            rx.el.p(tr("review.none"), class_name="mt-3 text-sm text-gray-500", data_testid="no-reviews"),
        ),
        rx.cond(state.more, rx.el.button(tr("review.more"), on_click=state.load_more, type="button",
                                         class_name="mt-2 w-full text-center text-sm text-emerald-700")),
        _viewer(),
        class_name="px-4 py-4 md:col-span-2", id="reviews", data_testid="reviews",
    )


def rating_link() -> rx.Component:
    """Under the title: the average and count, a jump to the reviews below (nothing until there are some)."""
    state = ProductReviewsState
    return rx.cond(state.rating["average"] != "", rx.el.a(
        "★ ", state.rating["average"], " · ", state.rating["count"], " ", tr("review.count_after"),
        href="#reviews", class_name="mt-1 inline-block text-sm text-amber-600", data_testid="product-rating",
    ))


def _star_bar(row: dict) -> rx.Component:
    return rx.el.li(
        rx.el.span(row["star"], "★", class_name="w-8 shrink-0 text-xs text-gray-600"),
        rx.el.span(rx.el.span(class_name="block h-full rounded bg-amber-400", style={"width": row["width"]}),
                   class_name="h-2 flex-1 overflow-hidden rounded bg-gray-100"),
        rx.el.span(row["count"], class_name="w-8 shrink-0 text-right text-xs text-gray-500"),
        class_name="flex items-center gap-2", data_testid="star-bar",
    )


def _tab(key: str, label: str) -> rx.Component:
    state = ProductReviewsState
    return rx.el.button(
        tr(label), on_click=state.choose_tab(key), type="button", role="tab", aria_selected=rx.cond(state.tab == key, "true", "false"),
        class_name=rx.cond(state.tab == key, "rounded-full bg-red-50 px-3 py-1 text-sm text-red-700",
                           "rounded-full bg-gray-100 px-3 py-1 text-sm text-gray-700"),
        data_testid=f"review-tab-{key}",
    )


def _review(review: dict, index) -> rx.Component:
    state = ProductReviewsState
    return rx.el.li(
        rx.el.div(
            rx.el.span(rx.cond(review["author"] != "", review["author"], tr("review.anonymous_author")), class_name="text-sm text-gray-700"),
            rx.el.span(review["at"], class_name="text-xs text-gray-400"),
            class_name="flex justify-between",
        ),
        rx.el.p(review["stars"], class_name="text-sm text-amber-500", role="img", aria_label=review["rating"] + "/5"),
        rx.el.p(review["text"], class_name="mt-1 whitespace-pre-line break-words text-sm text-gray-900", data_testid="review-text"),
        rx.el.div(rx.foreach(state.photos[index], lambda photo: rx.el.button(
            rx.el.img(src=photo["thumb"], alt=tr("review.photo"), width="80", height="80", loading="lazy",
                      class_name="h-20 w-20 rounded object-cover"),
            on_click=state.view(photo["url"]), type="button", aria_label=tr("review.photo"), data_testid="review-photo",
        )), class_name="mt-2 flex flex-wrap gap-2"),
        rx.cond(review["followup"] != "", rx.el.p(
            rx.el.span(tr("review.followup"), "：", class_name="font-medium text-amber-700"), review["followup"],
            class_name="mt-2 whitespace-pre-line break-words text-sm text-gray-800",
        )),
        rx.cond(review["reply"] != "", rx.el.p(
            rx.el.span(tr("review.shop_reply"), "：", class_name="font-medium"), review["reply"],
            class_name="mt-2 whitespace-pre-line break-words rounded bg-gray-50 p-2 text-sm text-gray-700", data_testid="review-reply",
        )),
        class_name="py-3", data_testid="review",
    )


def _viewer() -> rx.Component:
    state = ProductReviewsState
    return rx.cond(state.viewing != "", rx.el.div(
        rx.el.img(src=state.viewing, alt=tr("review.photo"), class_name="max-h-full max-w-full object-contain"),
        rx.el.button("×", on_click=state.close_viewer, type="button", aria_label=tr("review.close_photo"),
                     class_name="absolute right-3 top-3 h-10 w-10 rounded-full bg-white/90 text-2xl text-gray-900"),
        on_click=state.close_viewer, role="dialog", aria_label=tr("review.photo"),
        class_name="fixed inset-0 z-50 flex items-center justify-center bg-black/90 p-2", data_testid="photo-viewer",
    ))
