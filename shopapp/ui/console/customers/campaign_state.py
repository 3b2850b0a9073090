"""One e-mail campaign in the console (/console/campaigns/[campaign_id], "new" for a new one): write it, pick
products, test it on oneself, send it now or later (after a "to N customers?" question), cancel it, read its numbers."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import pick_lang, t
from shopapp.services.catalog import products
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_price_range
from shopapp.services.customers import campaigns, segments
from shopapp.ui import routes
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin

FIGURES = ("recipients", "sent", "failed", "skipped", "opened", "clicked", "unsubscribed")


class CampaignState(FormMixin, ConfirmMixin, ConsoleState):
    campaign: dict[str, str] = {}  # the saved campaign: id ("" while new), status, name, subject, segment, send_at
    figures: dict[str, str] = {}
    body_html: str = ""
    chosen: list[dict[str, str]] = []  # the featured products: id, title, price
    found: list[dict[str, str]] = []  # the product search's answers
    segment_options: list[dict[str, str]] = []  # value, label ("name · N"), name, count
    segment: str = ""  # the segment chosen in the form (held here so the send question can name it)
    question: str = ""  # "send to the N customers of …?", while confirming
    notice: str = ""
    form_key: int = 0  # the inputs show the saved values again after a load
    _notice_kept: bool = False  # a new campaign's "saved" stays shown on the page it is sent to

    @rx.event
    def load(self):
        if self._signed_in() is None:
            return
        notice, self._notice_kept = (self.notice if self._notice_kept else ""), False
        self.notice, self.errors, self.error, self.confirming, self.found = notice, {}, "", "", []
        options = self._read(segments.list_segments)
        if options is None:
            return rx.redirect(routes.CONSOLE)
        named = [(str(s["id"]), s["name"], s["count"]) for s in options["items"]]
        named += [(g["key"], self._text("rfm." + g["key"]), g["count"]) for g in options["built_in"]]
        self.segment_options = [{"value": v, "label": f"{name} · {count}", "name": name, "count": str(count)} for v, name, count in named]
        wanted = self.campaign_id or "new"  # the route's [campaign_id]
        if wanted == "new":
            segment = self.router.url.query_parameters.get("segment", "")
            self._show({"id": "", "status": "draft", "name": "", "subject": "", "segment": segment, "body_html": ""})
            return
        try:
            with session_scope() as session:
                self._show(campaigns.get_campaign(session, self._actor(), int(wanted)))
        except (DomainError, ValueError):
            return rx.redirect(routes.CONSOLE_CAMPAIGNS)

    @rx.event
    def set_body(self, html: str):
        self.body_html = html

    @rx.event
    def set_segment(self, segment: str):
        self.segment = segment

    @rx.event
    def ask_to_send(self, what: str):
        """The question before sending names the segment and how many are in it now."""
        chosen = next((o for o in self.segment_options if o["value"] == self.segment), None)
        if chosen is None:
            self.errors = {"segment": self._text("field.required")}
            return
        self.confirming = what
        self.question = t("campaigns.confirm_send", pick_lang(self.lang), count=chosen["count"], segment=chosen["name"])

    @rx.event
    def search(self, form: dict):
        words = str(form.get("q") or "").strip()
        with session_scope() as session:
            rows, _ = products.list_products(session, self._actor().shop_id, q=words or None, per_page=8)
        self.found = [_product_row(row) for row in rows]

    @rx.event
    def add_product(self, product_id: str):
        picked = next((row for row in self.found if row["id"] == product_id), None)
        if picked and all(row["id"] != product_id for row in self.chosen):
            self.chosen = [*self.chosen, picked]

    @rx.event
    def remove_product(self, product_id: str):
        self.chosen = [row for row in self.chosen if row["id"] != product_id]

    @rx.event
    def submit(self, form: dict):
        """Every button of the form: save; after "send now?" also send; after "schedule?" also schedule."""
        self._start_submit()
        action, send_at = self.confirming, str(form.get("send_at") or "")
        saved = self._submit(lambda session: self._save_and(session, form, action, send_at))
        self.confirming = ""
        if saved is FAILED:
            return
        was_new = not self.campaign.get("id")
        self._show(saved)
        self.notice = self._text("campaigns.saved")
        if was_new:
            self._notice_kept = True
            return rx.redirect(routes.console_campaign(saved["id"]))

    @rx.event
    def send_test(self):
        if not self.campaign.get("id"):
            return
        self._start_submit()
        to = self._submit(lambda session: campaigns.send_test(session, self._actor(), int(self.campaign["id"])))
        if to is not FAILED:
            self.notice = t("campaigns.test_sent", pick_lang(self.lang), to=to)

    @rx.event
    def cancel_sending(self):
        self._start_submit()
        stopped = self._submit(lambda session: campaigns.cancel(session, self._actor(), int(self.campaign["id"])))
        self.confirming = ""
        if stopped is not FAILED:
            self._show(stopped)

    def _save_and(self, session, form: dict, action: str, send_at: str) -> dict:
        actor = self._actor()
        data = {"name": form.get("name"), "subject": form.get("subject"), "segment": self.segment,
                "body_html": self.body_html, "product_ids": [int(row["id"]) for row in self.chosen]}
        saved = (campaigns.update_campaign(session, actor, int(self.campaign["id"]), data) if self.campaign.get("id")
                 else campaigns.create_campaign(session, actor, data))
        if action in ("send", "schedule"):
            saved = campaigns.schedule(session, actor, saved["id"], send_at if action == "schedule" else None)
        return saved

    def _show(self, shown: dict) -> None:
        self.campaign = {
            "id": str(shown["id"] or ""), "status": shown["status"], "name": shown["name"], "subject": shown["subject"],
            "segment": shown["segment"], "send_at": shown_time(shown["send_at"]) if shown.get("send_at") else "",
            "editable": "1" if shown["status"] in campaigns.EDITABLE else "", "status_key": f"campaigns.status.{shown['status']}",
        }
        self.segment = shown["segment"]
        self.figures = {name: str(shown.get(name, 0)) for name in FIGURES}
        self.body_html = shown["body_html"]
        self.chosen = [_product_row(row) for row in shown.get("products", [])]
        self.form_key += 1


def _product_row(row: dict) -> dict[str, str]:
    price = format_price_range(row["price_min"], row["price_max"]) if row.get("price_min") is not None else ""
    return {"id": str(row["id"]), "title": row["title"], "price": price}
