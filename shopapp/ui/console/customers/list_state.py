"""The console's customer list state: search and filters (or a segment), sort, one page, bulk tag, export, save as segment."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money, parse_money
from shopapp.services.customers import details, directory, export, rfm, segments
from shopapp.ui import routes
from shopapp.ui.components.pager import PagesMixin
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.state import ConsoleState

PER_PAGE = 20
FORM_FILTERS = ("q", "tag", "level", "region", "orders_min", "last_order_from", "last_order_to")


class CustomerListState(PagesMixin, ConsoleState):
    filters: dict[str, str] = {}  # as the form gave them; spent_min in yuan
    segment: str = ""  # a saved segment's id or a built-in group's key, from ?segment=
    segment_label: str = ""
    sort: str = "recent"
    levels: list[dict[str, str]] = []  # the shop's member levels, for the filter's choices
    total_text: str = "0"
    rows: list[dict[str, str]] = []
    selected: list[str] = []
    bulk_tag: str = ""
    confirming_tag: bool = False
    notice: str = ""
    problem: str = ""

    @rx.event
    def load(self):
        self.segment = self.router.url.query_parameters.get("segment", "")
        self.filters, self.page, self.selected, self.notice = {}, 1, [], ""
        self.segment_label = self._segment_label()
        shown = self._read(lambda session, actor: directory.shop_levels(session, actor.shop_id)) or []
        self.levels = [{"id": str(level.id), "name": level.name} for level in shown]
        self._load()

    @rx.event
    def filter(self, form: dict):
        self.filters = {k: str(form.get(k, "")).strip() for k in (*FORM_FILTERS, "spent_min")}
        self.sort, self.page, self.notice = form.get("sort", "recent") or "recent", 1, ""
        self._load()

    @rx.event
    def toggle(self, customer_id: str):
        self.selected = [i for i in self.selected if i != customer_id] if customer_id in self.selected else [*self.selected, customer_id]

    @rx.event
    def toggle_page(self):
        ids = [row["id"] for row in self.rows]
        self.selected = [] if all(i in self.selected for i in ids) else ids

    @rx.event
    def ask_tag(self, form: dict):
        """Bulk tagging asks first: it changes many customers at once."""
        self.bulk_tag, self.confirming_tag, self.notice = str(form.get("tag", "")).strip(), True, ""

    @rx.event
    def cancel_tag(self):
        self.confirming_tag = False

    @rx.event
    def apply_tag(self):
        ids, tagged = [int(i) for i in self.selected], []
        self.confirming_tag = False
        self.problem = self._attempt(lambda session, actor: tagged.append(details.tag_customers(session, actor, ids, self.bulk_tag)))
        if not self.problem:
            self.notice = self._text("customers.tagged").format(count=tagged[0], tag=self.bulk_tag)
            self.selected = []
            self._load()

    @rx.event
    def save_segment(self, form: dict):
        """The filters on screen kept as a segment under a name."""
        name = str(form.get("name", "")).strip()
        self.problem = self._attempt(
            lambda session, actor: segments.create_segment(session, actor, name=name, filters=self._filters(session, actor).as_dict()))
        if not self.problem:
            self.notice = self._text("customers.segment_saved").format(name=name)

    @rx.event
    def export(self):
        try:
            with session_scope() as session:
                actor = self._actor()
                text = export.export_customers(session, actor, self._filters(session, actor), sort=self.sort)
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        return rx.download(data=text.encode("utf-8"), filename="customers.csv")

    def _load_page(self):
        self._load()

    def _segment_label(self) -> str:
        if self.segment in rfm.GROUPS:
            return self._text(f"rfm.{self.segment}")
        return self._read(lambda session, actor: segments.saved_segment_name(session, actor, self.segment)) or self.segment

    def _filters(self, session, actor) -> directory.Filters:
        raw = {k: v for k, v in self.filters.items() if k != "spent_min"}
        if self.filters.get("spent_min"):
            raw["spent_min"] = parse_money(self.filters["spent_min"], field="spent_min")
        return segments.filters_with(session, actor, self.segment or None, raw)

    def _load(self):
        actor = self._signed_in()
        if actor is None:
            return
        self.problem = ""
        try:
            with session_scope() as session:
                items, total = directory.list_customers(
                    session, actor, self._filters(session, actor), sort=self.sort, page=self.page, per_page=PER_PAGE)
        except DomainError as exc:
            self.problem, self.rows = self._problem_text(exc), []
            self._counted(0, PER_PAGE)
            return
        self._counted(total, PER_PAGE)
        self.total_text = f"{total}+" if total >= directory.MAX_COUNTED else str(total)
        self.rows = [
            {"id": str(c["id"]), "name": c["name"] or "—", "email": c["email"], "phone": c["phone_masked"],
             "orders": str(c["orders_count"]), "spent": format_money(c["total_spent"]), "tags": " · ".join(c["tags"]),
             "last_order": shown_time(c["last_order_at"]) if c["last_order_at"] else "—", "level": c["level"],
             "url": routes.console_customer(c["id"])}
            for c in items
        ]
