"""The promotions of one kind in the console: the list (by status), the form (new or edit), end now."""

from datetime import datetime

import reflex as rx

from shopapp.services.catalog import variant_choices
from shopapp.services.marketing import promotion_forms, promotions
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.marketing.scope_picker import ScopePickerState
from shopapp.ui.console.marketing.variant_prices import VariantPricesState
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin

BLANK_TIER = {"min": "", "reward": "amount_off", "value": ""}
# The form's pickers hold their own state: emptied with the form (a new promotion, after a save).
PICKERS_EMPTIED = [ScopePickerState.clear, VariantPricesState.clear]


class PromotionsState(FormMixin, ConfirmMixin, ConsoleState):
    status_filter: str = ""  # "", scheduled, active, ended
    rows: list[dict[str, str]] = []
    editing: str = ""  # the id in the form, "" for a new one
    form: dict[str, str] = {}  # the form's starting values
    tiers: list[dict[str, str]] = [dict(BLANK_TIER)]  # the tier editor's rows (their starting values)
    form_key: int = 0  # bumped whenever the form must show other values, so its fields remount
    gifts: list[dict[str, str]] = []  # the variants a 满赠 tier may give, by name: {id, label}
    saved: str = ""
    allowed: bool = True

    promotion_kind: str = ""  # the page's [kind], when it is one

    @rx.event
    def load(self):
        kind = self.kind if self.kind in promotions.KINDS else ""  # the route's [kind]
        if kind != self.promotion_kind:
            self.promotion_kind, self.status_filter, self.editing, self.form, self.saved = kind, "", "", {}, ""
            self.tiers, self.errors, self.error = [dict(BLANK_TIER)], {}, ""
            self.form_key += 1
            pickers = PICKERS_EMPTIED
        else:
            pickers = None
        status = self.status_filter
        found = self._read(lambda session, actor: promotions.list_promotions(session, actor, kind=kind or None, status=status or None))
        self.allowed = found is not None
        self.rows = [_row(p) for p in found or []]
        if kind == "tiered":
            self.gifts = self._read(lambda session, actor: variant_choices.variant_choices(
                session, actor, limit=variant_choices.MAX_GIFT_CHOICES)) or []
        return pickers

    @rx.event
    def show(self, status: str):
        self.status_filter = status
        return PromotionsState.load

    @rx.event
    def start_new(self):
        self.editing, self.form, self.tiers, self.errors, self.error, self.saved = "", {}, [dict(BLANK_TIER)], {}, "", ""
        self.form_key += 1
        return PICKERS_EMPTIED

    @rx.event
    def edit(self, promotion_id: str):
        found = self._read(lambda session, actor: (promotions.get_promotion(session, actor, promotion_id), actor.shop_id))
        if found is None:
            return
        promotion, shop_id = found
        self.form, tiers = promotion_forms.form_values(promotion, shop_id)
        self.tiers = tiers or [dict(BLANK_TIER)]
        self.editing, self.errors, self.error, self.saved = promotion_id, {}, "", ""
        self.form_key += 1
        return [ScopePickerState.fill(self.form.get("product_ids", ""), self.form.get("category_ids", "")),
                VariantPricesState.fill(self.form.get("prices", ""))]

    @rx.event
    def add_tier(self):
        if len(self.tiers) < promotions.MAX_TIERS:
            self.tiers = [*self.tiers, dict(BLANK_TIER)]

    @rx.event
    def choose_reward(self, n: int, reward: str):
        """A tier's reward changed: its value field becomes the gift's list, or an amount again."""
        self.tiers = [{**tier, "reward": reward} if i == n else tier for i, tier in enumerate(self.tiers)]

    @rx.event
    def remove_tier(self):
        if len(self.tiers) > 1:
            self.tiers = self.tiers[:-1]

    @rx.event
    def save(self, form: dict):
        self._start_submit()
        editing, kind, rows = self.editing, self.promotion_kind, len(self.tiers)
        tiers = [{"min": form.get(f"tier_{n}_min", ""), "reward": form.get(f"tier_{n}_reward", ""), "value": form.get(f"tier_{n}_value", "")}
                 for n in range(rows)]
        saved = self._submit(lambda session: self._save(session, editing, kind, form, tiers))
        if saved is FAILED:
            self.form, self.tiers = {k: str(v) for k, v in form.items()}, tiers
            return
        self.saved, self.editing, self.form, self.tiers = saved["name"], "", {}, [dict(BLANK_TIER)]
        self.form_key += 1
        return [PromotionsState.load, *PICKERS_EMPTIED]

    @rx.event
    def end_now(self, promotion_id: str):
        self.confirming = ""
        self._submit(lambda session: promotions.end_promotion(session, self._actor(), promotion_id))
        return PromotionsState.load

    def _save(self, session, editing: str, kind: str, form: dict, tiers: list[dict]) -> dict:
        actor = self._actor()
        data = promotion_forms.typed_promotion(kind, form, tiers, actor.shop_id)
        if editing:
            data.pop("kind")
            return promotions.update_promotion(session, actor, editing, data)
        return promotions.create_promotion(session, actor, data)


def moment(iso: str | None) -> str:
    """An API time (ISO, UTC) on the shop's clock."""
    return shown_time(datetime.fromisoformat(iso.replace("Z", "+00:00"))) if iso else ""


def _row(promotion: dict) -> dict[str, str]:
    return {
        "id": str(promotion["id"]), "name": promotion["name"], "label": promotion["label"], "status": promotion["status"],
        "starts_at": moment(promotion["starts_at"]), "ends_at": moment(promotion["ended_at"] or promotion["ends_at"]),
    }
