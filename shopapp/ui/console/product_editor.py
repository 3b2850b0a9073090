"""Console product editor: details, description, options and the variant grid, images."""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.catalog import categories as catalog_categories
from shopapp.services.catalog import media, products, views
from shopapp.services.core.errors import DomainError, Invalid
from shopapp.services.core.money import parse_money, yuan_text
from shopapp.services.support.ai import service as ai
from shopapp.ui import routes
from shopapp.ui.components.forms import DANGER_BUTTON, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error, form_field
from shopapp.ui.components.rich_text import rich_text_editor
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.console.stock_history import StockHistoryState, stock_history
from shopapp.ui.state import FormMixin

TEXT_FIELDS = ("title", "seo_title", "seo_description", "tags", "presale_ships_at", "presale_quota")
MONEY_CELLS = ("price", "compare_at_price", "cost")
NUMBER_CELLS = ("stock", "weight_grams")
UPLOAD_ID = "product_images"


class ProductEditorState(FormMixin, ConsoleState):
    is_new: bool = True
    product: dict[str, str] = {}
    description: str = ""
    categories: list[dict[str, str]] = []
    chosen_categories: list[str] = []
    options: list[dict[str, str]] = []
    variants: list[dict[str, str]] = []
    images: list[dict[str, str]] = []
    saved: bool = False
    upload_progress: int = 0
    uploading: bool = False
    form_key: int = 0  # bumped after every load, so inputs show the loaded values
    copy_tone: str = "simple"
    copy_keywords: str = ""
    copy_title: str = ""
    copy_description: str = ""
    copy_engine: str = ""
    copy_busy: bool = False

    @rx.event
    def load(self):
        actor = self._signed_in()
        if actor is None:
            return
        self.errors, self.error, self.saved, self.busy = {}, "", False, False
        with session_scope() as session:
            self.categories = [{"id": str(c["id"]), "name": c["name"]} for c in catalog_categories.list_categories(session, actor.shop_id)]
            if self.product_id == "new":
                self._show_new()
            else:
                try:
                    product = views.get_product(session, actor.shop_id, int(self.product_id))
                except (DomainError, ValueError):
                    return rx.redirect(routes.CONSOLE_PRODUCTS)
                self._show(views.product_dict(session, product, with_cost=True))
        self.form_key += 1

    def _show_new(self):
        self.is_new, self.description, self.chosen_categories, self.images, self.options = True, "", [], [], []
        self.product = {"title": "", "status": "draft", "product_type": "physical", "seo_title": "", "seo_description": "",
                        "tags": "", "presale_ships_at": "", "presale_quota": "", "presale_sold": "0"}
        self.variants = [_variant_row({"price": 0, "stock": 0, "enabled": True, "option_values": []})]

    def _show(self, product: dict):
        self.is_new = False
        presale = product["presale"] or {}
        self.product = {
            "id": str(product["id"]), "title": product["title"], "status": product["status"],
            "product_type": product["product_type"], "seo_title": product["seo_title"],
            "seo_description": product["seo_description"], "tags": ", ".join(product["tags"]),
            "presale_ships_at": presale.get("ships_at", ""), "presale_quota": _count_text(presale.get("quota")),
            "presale_sold": str(presale.get("sold") or 0),
        }
        self.description = product["description_html"]
        self.chosen_categories = [str(i) for i in product["category_ids"]]
        self.options = [{"name": o["name"], "values": ", ".join(o["values"])} for o in product["options"]]
        self.variants = [_variant_row(v) for v in product["variants"]]
        self.images = [{"id": str(i["id"]), "url": i["url"], "thumb": i["thumb_url"], "alt": i["alt"]} for i in product["images"]]

    @rx.event
    def set_field(self, name: str, value: str):
        self.product[name] = value

    @rx.event
    def set_description(self, html: str):
        self.description = html

    @rx.event
    def set_copy_tone(self, tone: str):
        self.copy_tone = tone

    @rx.event
    def set_copy_keywords(self, keywords: str):
        self.copy_keywords = keywords

    @rx.event(background=True)
    async def suggest_copy(self):
        """Ask the AI helper for a title and a description; only suggestions, the owner decides."""
        async with self:
            if self.is_new or self.copy_busy:
                return
            self.copy_busy = True
            try:
                with session_scope() as session:
                    request = ai.copy_request(session, self._actor(), int(self.product["id"]), ["title", "description"],
                                              self.copy_tone, self.copy_keywords)
            except DomainError as exc:
                self.copy_busy, self.error = False, self._message(exc)
                return
        answer = await asyncio.to_thread(ai.write_copy, request)  # no transaction held while the model writes
        async with self:
            self.copy_busy, self.copy_engine = False, answer["engine"]
            self.copy_title, self.copy_description = answer.get("title", ""), answer.get("description_html", "")

    @rx.event
    def accept_title(self):
        self.product["title"], self.copy_title = self.copy_title, ""
        self.form_key += 1

    @rx.event
    def accept_description(self):
        self.description, self.copy_description = self.copy_description, ""

    @rx.event
    def toggle_category(self, category_id: str):
        chosen = self.chosen_categories
        self.chosen_categories = [c for c in chosen if c != category_id] if category_id in chosen else [*chosen, category_id]

    @rx.event
    def set_option(self, index: int, key: str, value: str):
        self.options[index][key] = value

    @rx.event
    def add_option(self):
        if len(self.options) < products.MAX_OPTIONS:
            self.options.append({"name": "", "values": ""})

    @rx.event
    def remove_option(self, index: int):
        self.options.pop(index)
        return ProductEditorState.generate_grid

    @rx.event
    def generate_grid(self):
        """Rebuild the variant grid from the options; rows that still fit keep what was typed."""
        self.errors = {}
        current = [_variant_spec_for_grid(row) for row in self.variants]
        try:
            grid = products.plan_variant_grid(self._options(), current)
        except DomainError as exc:
            self._show_error(exc)
            return
        self.variants = [_variant_row(spec, keep=spec.get("row")) for spec in grid]
        self.form_key += 1

    @rx.event
    def set_cell(self, index: int, key: str, value: str):
        self.variants[index][key] = value

    @rx.event
    def toggle_enabled(self, index: int):
        self.variants[index]["enabled"] = "" if self.variants[index]["enabled"] else "yes"

    @rx.event
    def save(self):
        self._start_submit()
        self.saved = False
        yield
        try:
            data = self._data()
            with session_scope() as session:
                actor = self._actor()
                if self.is_new:
                    product = products.create_product(session, actor, data)
                else:
                    product = products.update_product(session, actor, int(self.product["id"]), data)
                session.flush()
                shown = views.product_dict(session, product, with_cost=True)
        except DomainError as exc:
            self._show_error(exc)
            return
        was_new = self.is_new
        self._show(shown)
        self.busy, self.saved = False, True
        self.form_key += 1
        if was_new:
            yield rx.redirect(routes.console_product(shown["id"]))
        else:
            yield StockHistoryState.refresh  # a saved stock change shows in the open ledger

    def _show_error(self, exc: DomainError):
        super()._show_error(exc)
        # The service names a pre-sale's parts "presale.ships_at"; the form's inputs are "presale_ships_at".
        self.errors = {name.replace("presale.", "presale_"): message for name, message in self.errors.items()}

    @rx.event
    async def upload_images(self, files: list[rx.UploadFile]):
        self.uploading, self.errors = True, {}
        problems = []
        for file in files:
            data = await file.read()
            try:
                with session_scope() as session:
                    media.add_product_image(session, self._actor(), int(self.product["id"]), data, alt=self.product.get("title", ""))
            except DomainError as exc:
                problems.append(f"{file.name}: {next(iter(self._field_messages(exc).values()), self._message(exc))}")
        self.uploading, self.upload_progress = False, 0
        self.error = "；".join(problems)
        self._reload_images()

    @rx.event
    def upload_progress_changed(self, progress: dict):
        self.upload_progress = round(progress.get("progress", 0) * 100)

    @rx.event
    def set_alt(self, image_id: str, alt: str):
        self._image_change(media.update_image, image_id, alt=alt)

    @rx.event
    def move_image(self, image_id: str, position: int):
        self._image_change(media.update_image, image_id, position=max(0, position))

    @rx.event
    def delete_image(self, image_id: str):
        self._image_change(media.delete_image, image_id)

    def _image_change(self, change, image_id: str, **values):
        try:
            with session_scope() as session:
                change(session, self._actor(), int(image_id), **values)
        except DomainError as exc:
            self.error = self._message(exc)
        self._reload_images()

    def _reload_images(self):
        with session_scope() as session:
            product = views.get_product(session, self._actor().shop_id, int(self.product["id"]))
            shown = views.product_dict(session, product, with_cost=True)
        self.images = [{"id": str(i["id"]), "url": i["url"], "thumb": i["thumb_url"], "alt": i["alt"]} for i in shown["images"]]
        self.form_key += 1

    def _options(self) -> list[dict]:
        return [
            {"name": o["name"].strip(), "values": [v.strip() for v in o["values"].replace("，", ",").split(",") if v.strip()]}
            for o in self.options
        ]

    def _data(self) -> dict:
        """The form as the catalogue service takes it; money typed in yuan becomes 分 here."""
        errors: dict[str, str] = {}
        variants = []
        for index, row in enumerate(self.variants):
            spec = {"sku": row["sku"].strip() or None, "option_values": json.loads(row["option_values"]),
                    "barcode": row["barcode"].strip(), "enabled": bool(row["enabled"])}
            if row["id"]:
                spec["id"] = int(row["id"])
            for key in MONEY_CELLS:
                if row[key].strip() or key == "price":
                    spec[key] = _money(row[key], f"variants.{index}.{key}", errors)
                else:
                    spec[key] = None
            for key in NUMBER_CELLS:
                if key == "stock" and row["id"] and row["stock"] == row["stock_loaded"]:
                    continue  # untouched: never overwrite sales made since the form was opened
                spec[key] = _whole(row[key], f"variants.{index}.{key}", errors)
            spec["presale"] = _presale(row["presale_ships_at"], row["presale_quota"], f"variants.{index}.presale_quota", errors)
            variants.append(spec)
        presale = _presale(self.product["presale_ships_at"], self.product["presale_quota"], "presale_quota", errors)
        if errors:
            raise Invalid(fields=errors)
        return {
            "title": self.product["title"], "description_html": self.description, "status": self.product["status"],
            "product_type": self.product["product_type"], "seo_title": self.product["seo_title"],
            "seo_description": self.product["seo_description"],
            "tags": [t.strip() for t in self.product["tags"].replace("，", ",").split(",") if t.strip()],
            "category_ids": [int(c) for c in self.chosen_categories],
            "presale": presale,
            "options": self._options(), "variants": variants,
        }


def _variant_row(spec: dict, keep: dict | None = None) -> dict[str, str]:
    """A variant as the grid's text cells; `keep` is a row already on screen whose typing wins."""
    if keep is not None:
        return {**keep, "option_values": json.dumps(spec["option_values"], ensure_ascii=False),
                "label": " / ".join(spec["option_values"]) or "—"}
    return {
        "id": str(spec.get("id") or ""),
        "option_values": json.dumps(spec.get("option_values") or [], ensure_ascii=False),
        "label": " / ".join(spec.get("option_values") or []) or "—",
        "sku": spec.get("sku") or "",
        "price": yuan_text(spec.get("price")),
        "compare_at_price": yuan_text(spec.get("compare_at_price")),
        "cost": yuan_text(spec.get("cost")),
        "stock": str(spec.get("stock") or 0),
        "stock_loaded": str(spec.get("stock") or 0),
        "weight_grams": str(spec.get("weight_grams") or 0),
        "barcode": spec.get("barcode") or "",
        "enabled": "yes" if spec.get("enabled", True) else "",
        "presale_ships_at": (spec.get("presale") or {}).get("ships_at") or "",
        "presale_quota": _count_text((spec.get("presale") or {}).get("quota")),
    }


def _variant_spec_for_grid(row: dict[str, str]) -> dict:
    """What the grid planner needs of an on-screen row; the row itself rides along to be kept."""
    return {"option_values": json.loads(row["option_values"]), "price": _money(row["price"], "price", {}) or 0, "row": row}


def _money(text: str, field: str, errors: dict[str, str]) -> int | None:
    try:
        return parse_money(text, field=field)
    except Invalid as exc:
        errors.update(exc.fields)
        return None


def _presale(ships_at: str, quota: str, quota_field: str, errors: dict[str, str]) -> dict | None:
    """A pre-sale as the catalogue takes it: no date, no pre-sale; an empty quota sells from stock."""
    if not ships_at.strip():
        return None
    return {"ships_at": ships_at.strip(), "quota": _whole(quota, quota_field, errors) if quota.strip() else None}


def _count_text(units: int | None) -> str:
    return "" if units is None else str(units)


def _whole(text: str, field: str, errors: dict[str, str]) -> int | None:
    text = (text or "0").strip()
    if not text.lstrip("-").isdigit():
        errors[field] = "must_be_whole_number"
        return None
    return int(text)


# The page ------------------------------------------------------------------------------------

@console_page(routes.CONSOLE_PRODUCT, "console.nav.products", on_load=[ProductEditorState.load, StockHistoryState.close])
def product_editor() -> rx.Component:
    state = ProductEditorState
    return rx.el.div(
        rx.el.div(
            rx.el.a("← ", tr("console.nav.products"), href=routes.CONSOLE_PRODUCTS, class_name="text-sm text-emerald-700"),
            rx.el.h1(rx.cond(state.is_new, tr("products.new"), state.product["title"]), class_name="mt-1 text-2xl font-bold"),
            class_name="mb-4",
        ),
        form_error(state.error),
        rx.el.div(
            _section("products.section.basics", _basics()),
            _section("products.section.description", rich_text_editor(
                value=state.description, on_change=state.set_description, placeholder=tr("products.description_hint"),
            ), rx.cond(~state.is_new, _ai_copy())),
            rx.cond(~state.is_new, _section("products.section.images", _images()),
                    _section("products.section.images", rx.el.p(tr("products.images_after_save"), class_name="text-sm text-gray-500"))),
            _section("products.section.variants", _options(), _variant_grid()),
            _section("products.section.seo", _seo()),
            rx.cond(~state.is_new, _section("stock_history.title", stock_history())),
            key=state.form_key.to_string(),
            class_name="space-y-4",
        ),
        rx.el.div(
            rx.cond(state.saved, rx.el.span(tr("form.saved"), role="status", class_name="text-sm text-emerald-700")),
            rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("form.save")), on_click=state.save, disabled=state.busy,
                         type="button", class_name=PRIMARY_BUTTON, data_testid="save-product"),
            class_name="sticky bottom-0 mt-4 flex items-center justify-end gap-4 border-t bg-gray-50/95 py-3",
        ),
        class_name="max-w-5xl",
    )


def _ai_copy() -> rx.Component:
    state = ProductEditorState
    return rx.el.div(
        rx.el.div(
            rx.el.select(*[rx.el.option(tr(f"copy.tone.{t}"), value=t) for t in ("simple", "premium", "playful")], value=state.copy_tone,
                         on_change=state.set_copy_tone, aria_label=tr("copy.tone"), class_name="rounded border px-2 py-1 text-sm"),
            rx.el.input(placeholder=tr("copy.keywords"), aria_label=tr("copy.keywords"), on_blur=state.set_copy_keywords,
                        class_name="min-w-0 flex-1 rounded border px-2 py-1 text-sm"),
            rx.el.button(rx.cond(state.copy_busy, tr("copy.working"), tr("copy.suggest")), on_click=state.suggest_copy, disabled=state.copy_busy,
                         type="button", class_name=SECONDARY_BUTTON + " py-1", data_testid="ai-copy"),
            class_name="flex flex-wrap items-center gap-2",
        ),
        rx.cond(state.copy_title != "", rx.el.div(
            rx.el.p(tr("copy.title_suggestion"), ": ", rx.el.b(state.copy_title, data_testid="ai-title"), class_name="text-sm"),
            rx.el.button(tr("copy.use"), on_click=state.accept_title, type="button", class_name="text-sm text-emerald-700 underline"),
            class_name="mt-2 flex flex-wrap items-center gap-2",
        )),
        rx.cond(state.copy_description != "", rx.el.div(
            rx.html(state.copy_description, class_name="rounded border bg-gray-50 p-2 text-sm"),
            rx.el.button(tr("copy.use"), on_click=state.accept_description, type="button", class_name="text-sm text-emerald-700 underline"),
            class_name="mt-2",
        )),
        rx.cond(state.copy_engine != "", rx.el.p(tr("support.engine"), ": ", rx.cond(state.copy_engine == "offline", tr("support.engine_offline"), state.copy_engine),
                                                  class_name="mt-1 text-xs text-gray-500")),
        class_name="mt-3 rounded-xl border border-dashed p-3",
    )


def _section(title_key: str, *children) -> rx.Component:
    return rx.el.section(
        rx.el.h2(tr(title_key), class_name="mb-3 text-lg font-semibold"),
        *children,
        class_name="rounded-2xl border bg-white p-4 sm:p-5",
    )


def _text(label_key: str, name: str, **attrs) -> rx.Component:
    state = ProductEditorState
    return form_field(label_key, name, state.errors, value=state.product[name],
                      on_blur=lambda value: state.set_field(name, value), **attrs)


def _basics() -> rx.Component:
    state = ProductEditorState
    return rx.el.div(
        _text("products.field.title", "title"),
        rx.el.div(
            _choice("products.field.status", "status", [(s, f"products.status.{s}") for s in views.STATUSES]),
            _choice("products.field.type", "product_type", [(t, f"products.type.{t}") for t in views.PRODUCT_TYPES]),
            class_name="grid gap-x-4 sm:grid-cols-2",
        ),
        rx.el.fieldset(
            rx.el.legend(tr("products.field.categories"), class_name="mb-1 text-sm font-medium text-gray-800"),
            rx.cond(state.categories.length() == 0, rx.el.p(tr("products.no_categories"), class_name="text-sm text-gray-500")),
            rx.el.div(rx.foreach(state.categories, _category_choice), class_name="flex flex-wrap gap-2"),
            rx.cond(state.errors.contains("category_ids"), rx.el.p(state.errors["category_ids"], role="alert", class_name="mt-1 text-sm text-red-600")),
            class_name="mb-4",
        ),
        _text("products.field.tags", "tags", hint_key="products.tags_hint"),
        rx.el.div(
            _text("products.field.presale", "presale_ships_at", type="date", hint_key="products.presale_hint"),
            rx.el.div(
                _text("products.field.presale_quota", "presale_quota", inputmode="numeric", hint_key="products.presale_quota_hint"),
                rx.cond(state.product["presale_sold"] != "0", rx.el.p(
                    tr("products.presale_sold"), " ", state.product["presale_sold"], class_name="-mt-3 mb-4 text-sm text-amber-800",
                    data_testid="presale-sold",
                )),
            ),
            class_name="grid gap-x-4 sm:grid-cols-2",
        ),
    )


def _choice(label_key: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    state = ProductEditorState
    return rx.el.div(
        rx.el.label(tr(label_key), html_for=name, class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.select(*[rx.el.option(tr(key), value=value) for value, key in options], id=name, value=state.product[name],
                     on_change=lambda value: state.set_field(name, value), class_name=INPUT),
        class_name="mb-4",
    )


def _category_choice(category: dict) -> rx.Component:
    state = ProductEditorState
    return rx.el.label(
        rx.el.input(type="checkbox", checked=state.chosen_categories.contains(category["id"]),
                    on_change=state.toggle_category(category["id"]), class_name="mr-1"),
        category["name"],
        class_name="flex items-center rounded-lg border px-2 py-1 text-sm",
    )


def _seo() -> rx.Component:
    return rx.el.div(
        _text("products.field.seo_title", "seo_title", hint_key="products.seo_title_hint"),
        _text("products.field.seo_description", "seo_description"),
    )


def _options() -> rx.Component:
    state = ProductEditorState
    return rx.el.div(
        rx.el.p(tr("products.options_hint"), class_name="mb-3 text-sm text-gray-600"),
        rx.foreach(state.options, _option_row),
        rx.cond(state.errors.contains("options"), rx.el.p(state.errors["options"], role="alert", class_name="mb-2 text-sm text-red-600")),
        rx.el.div(
            rx.cond(state.options.length() < products.MAX_OPTIONS,
                    rx.el.button(tr("products.add_option"), on_click=state.add_option, type="button", class_name=SECONDARY_BUTTON)),
            rx.el.button(tr("products.generate_grid"), on_click=state.generate_grid, type="button", class_name=SECONDARY_BUTTON,
                         data_testid="generate-grid"),
            class_name="flex flex-wrap gap-2",
        ),
        class_name="mb-4",
    )


def _option_row(option: dict, index) -> rx.Component:
    state = ProductEditorState
    prefix = "options." + index.to_string()
    return rx.el.div(
        rx.el.input(default_value=option["name"], placeholder=tr("products.option_name"), aria_label=tr("products.option_name"),
                    on_blur=lambda value: state.set_option(index, "name", value), class_name=INPUT + " sm:w-40"),
        rx.el.input(default_value=option["values"], placeholder=tr("products.option_values"), aria_label=tr("products.option_values"),
                    on_blur=lambda value: state.set_option(index, "values", value), class_name=INPUT),
        rx.el.button(tr("products.remove"), on_click=state.remove_option(index), type="button", class_name=DANGER_BUTTON + " whitespace-nowrap"),
        rx.cond(state.errors.contains(prefix + ".name"), rx.el.p(state.errors[prefix + ".name"], role="alert", class_name="text-sm text-red-600")),
        rx.cond(state.errors.contains(prefix + ".values"), rx.el.p(state.errors[prefix + ".values"], role="alert", class_name="text-sm text-red-600")),
        class_name="mb-2 flex flex-col gap-2 sm:flex-row sm:items-center",
    )


GRID_COLUMNS = (("sku", "products.col.sku", "w-32"), ("price", "products.col.price", "w-24"),
                ("compare_at_price", "products.col.compare_at", "w-24"), ("cost", "products.col.cost", "w-24"),
                ("stock", "products.col.stock", "w-20"), ("weight_grams", "products.col.weight", "w-20"),
                ("barcode", "products.col.barcode", "w-32"), ("presale_ships_at", "products.col.presale_ships_at", "w-36"),
                ("presale_quota", "products.col.presale_quota", "w-20"))
# The keyboard a phone shows for each cell.
_INPUT_MODES = {"sku": "text", "barcode": "numeric", "presale_quota": "numeric", "stock": "numeric", "weight_grams": "numeric"}


def _variant_grid() -> rx.Component:
    state = ProductEditorState
    return rx.el.div(
        rx.el.table(
            rx.el.thead(rx.el.tr(
                rx.el.th(tr("products.col.variant"), class_name="p-2 text-left"),
                *[rx.el.th(tr(key), class_name="p-2 text-left") for _, key, _ in GRID_COLUMNS],
                rx.el.th(tr("products.col.enabled"), class_name="p-2"),
                class_name="border-b text-xs text-gray-600",
            )),
            rx.el.tbody(rx.foreach(state.variants, _variant_cells)),
            class_name="w-full text-sm",
        ),
        class_name="overflow-x-auto",
        data_testid="variant-grid",
    )


def _variant_cells(row: dict, index) -> rx.Component:
    state = ProductEditorState
    prefix = "variants." + index.to_string() + "."
    return rx.el.tr(
        rx.el.td(row["label"], class_name="whitespace-nowrap p-2 font-medium"),
        *[
            rx.el.td(
                rx.el.input(
                    default_value=row[key], aria_label=row["label"] + " " + tr(label_key),
                    on_blur=lambda value, key=key: state.set_cell(index, key, value),
                    aria_invalid=rx.cond(state.errors.contains(prefix + key), "true", "false"),
                    type="date" if key == "presale_ships_at" else "text",
                    inputmode=_INPUT_MODES.get(key, "decimal"),
                    class_name=f"{width} rounded border border-gray-300 px-2 py-1 aria-[invalid=true]:border-red-500",
                ),
                rx.cond(state.errors.contains(prefix + key), rx.el.p(state.errors[prefix + key], role="alert", class_name="text-xs text-red-600")),
                class_name="p-1 align-top",
            )
            for key, label_key, width in GRID_COLUMNS
        ],
        rx.el.td(rx.el.input(type="checkbox", checked=row["enabled"] != "", on_change=state.toggle_enabled(index),
                             aria_label=row["label"] + " " + tr("products.col.enabled")), class_name="p-2 text-center"),
        class_name="border-b last:border-0",
    )


def _images() -> rx.Component:
    state = ProductEditorState
    return rx.el.div(
        rx.upload.root(
            rx.el.div(
                rx.el.p(tr("products.drop_images"), class_name="font-medium"),
                rx.el.p(tr("products.image_rules"), class_name="mt-1 text-xs text-gray-500"),
                class_name="cursor-pointer rounded-2xl border-2 border-dashed border-gray-300 p-6 text-center hover:border-emerald-500",
            ),
            id=UPLOAD_ID,
            multiple=True,
            accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "image/gif": [".gif"]},
            max_size=10 * 1024 * 1024,
            on_drop=state.upload_images(
                rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=state.upload_progress_changed)
            ),
        ),
        rx.cond(state.uploading, rx.el.div(
            rx.el.div(class_name="h-2 rounded bg-emerald-600", style={"width": state.upload_progress.to_string() + "%"}),
            role="progressbar", aria_valuenow=state.upload_progress, class_name="mt-2 h-2 w-full rounded bg-gray-200",
        )),
        rx.el.ul(rx.foreach(state.images, _image_card), class_name="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4", data_testid="image-list"),
    )


def _image_card(image: dict, index) -> rx.Component:
    state = ProductEditorState
    return rx.el.li(
        rx.el.img(src=image["thumb"], alt=image["alt"], class_name="aspect-square w-full rounded-lg bg-gray-100 object-cover"),
        rx.cond(index == 0, rx.el.span(tr("products.main_image"), class_name="mt-1 inline-block rounded bg-emerald-100 px-1.5 text-xs text-emerald-800")),
        rx.el.input(default_value=image["alt"], aria_label=tr("products.alt"), placeholder=tr("products.alt"),
                    on_blur=lambda value: state.set_alt(image["id"], value), class_name="mt-1 w-full rounded border px-2 py-1 text-xs"),
        rx.el.div(
            rx.el.button("←", on_click=state.move_image(image["id"], index - 1), type="button", aria_label=tr("products.move_left"), class_name=SECONDARY_BUTTON + " px-2 py-0.5"),
            rx.el.button("→", on_click=state.move_image(image["id"], index + 1), type="button", aria_label=tr("products.move_right"), class_name=SECONDARY_BUTTON + " px-2 py-0.5"),
            rx.el.button(tr("products.remove"), on_click=state.delete_image(image["id"]), type="button", class_name=DANGER_BUTTON + " px-2 py-0.5 text-xs"),
            class_name="mt-1 flex gap-1",
        ),
        class_name="rounded-xl border p-2",
    )
