"""The catalogue as a spreadsheet: the CSV export, and the all-or-nothing import that takes it back.

One row per variant. Rows are matched to what the shop has by `product_id`, else by an
existing `sku`; other rows make new products, consecutive rows with the same title (or an
empty one) being variants of one product. Product columns (title, status, category ...)
are repeated on each row of a product or left empty after the first; two different values
for one product are an error. A column left out of the file leaves that field as it is.
An empty cell keeps the value where a field must have one (title, status, product_type,
price, stock, weight_grams, enabled, and an existing product's options when all its option
cells are blank) and clears it where it may be empty (sku, compare_at_price, cost, barcode,
category, tags, presale_ships_at, presale_quota, variant_presale_ships_at, variant_presale_quota,
description_html, seo_title, seo_description).
Pre-sale: presale_ships_at and presale_quota are the product's, variant_presale_ships_at and
variant_presale_quota a variant's own (models/catalog.py); an empty date means no pre-sale.
Prices are yuan ("12.99"); the header is row 1, the first product row is row 2.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlmodel import Session, select

from shopapp.models import Category, Product, ProductCategory, Variant
from shopapp.services.catalog import products as catalog_products
from shopapp.services.catalog import search
from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import parse_money, yuan_text
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.spreadsheet import SafeWriter, cell_value

COLUMNS = (
    "product_id", "title", "status", "product_type", "category", "tags",
    "option1_name", "option1_value", "option2_name", "option2_value", "option3_name", "option3_value",
    "sku", "price", "compare_at_price", "cost", "stock", "weight_grams", "barcode", "enabled",
    "variant_presale_ships_at", "variant_presale_quota",
    "presale_ships_at", "presale_quota", "description_html", "seo_title", "seo_description",
)
# What describes the product as a whole rather than one of its variants.
PRODUCT_COLUMNS = (
    "title", "status", "product_type", "category", "tags", "option1_name", "option2_name", "option3_name",
    "presale_ships_at", "presale_quota", "description_html", "seo_title", "seo_description",
)
PRODUCT_PRESALE = ("presale_ships_at", "presale_quota")
VARIANT_PRESALE = ("variant_presale_ships_at", "variant_presale_quota")
OPTION_COLUMNS = tuple(c for c in COLUMNS if c.startswith("option"))
STOCK_REASON = "CSV import"
LIST_SEPARATOR = "|"  # between tags, and between categories
PATH_SEPARATOR = "/"  # between a category and its sub-category: 茶叶/绿茶
# The API refuses bigger bodies before reading them; 10 000 rows are about 3 MB.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# New products are saved this many at a time: few statements, and progress still moves.
CREATE_BATCH = 100

_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
_YES = {"true", "1", "yes", "y", "on", "是", "启用"}
_NO = {"false", "0", "no", "n", "off", "否", "停用"}
# Where a field the catalogue names lives in the sheet.
_PRODUCT_FIELD_COLUMNS = {
    "category_ids": "category", "presale": "presale_ships_at", "options": "option1_name", "variants": "option1_value",
}
_VARIANT_FIELD_COLUMNS = {"option_values": "option1_value", "id": "sku", "presale": "variant_presale_ships_at"}


class RowError(NamedTuple):
    row: int  # 1 is the header
    column: str  # "" when the whole row is meant
    code: str  # a field.<code> message key


@dataclass
class ImportResult:
    created: int  # products
    updated: int  # products that changed
    errors: list[RowError]


def export_csv(session: Session, actor: Actor) -> str:
    """Every product of the shop, one row per variant, starting with a BOM so Excel reads it as UTF-8."""
    require(actor, "manage_catalog")
    shop = _ShopCatalog.load(session, actor.shop_id)
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for product in sorted(shop.products.values(), key=lambda p: p.id):
        product_cells = _product_cells(product, shop)
        for variant in shop.variants.get(product.id, []):
            cells = product_cells | _variant_cells(variant)
            writer.writerow([cells.get(column, "") for column in COLUMNS])
    return "\ufeff" + buffer.getvalue()


def import_csv(
    session: Session, actor: Actor, text: str, *, dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Create and update products from a sheet. Every problem comes back with its row number;
    when there is any, or on a dry run, nothing is changed. `progress(rows_done, rows)` is called as it goes."""
    require(actor, "manage_catalog")
    errors = _Errors()
    header, records = _read_sheet(text, errors)
    shop = _ShopCatalog.load(session, actor.shop_id)
    groups = _grouped(_rows(header, records, errors), shop, errors) if header else []
    created = updated = 0
    counter = _Progress(sum(len(group.rows) for group in groups), progress)
    # All the writing happens inside a savepoint, so a problem found late still undoes everything.
    savepoint = session.begin_nested()
    try:
        changed: list[int] = []
        # In product-id order: the lock order of checkouts (services/inventory.py), so the two never deadlock.
        for group in sorted((g for g in groups if g.product is not None), key=lambda g: g.product.id):
            if _update(session, actor, group, shop, errors):
                changed.append(group.product.id)
            counter.advance(len(group.rows))
        search.index_products(session, actor.shop_id, changed)
        updated = len(changed)
        new = [group for group in groups if group.product is None]
        for start in range(0, len(new), CREATE_BATCH):
            batch = new[start:start + CREATE_BATCH]
            created += _create(session, actor, batch, shop, errors)
            counter.advance(sum(len(group.rows) for group in batch))
    except BaseException:
        savepoint.rollback()
        raise
    if errors or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    if errors and not dry_run:
        created = updated = 0
    return ImportResult(created=created, updated=updated, errors=errors.sorted())


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else GB18030, which Chinese Excel uses for "CSV"."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(fields={"file": "csv_encoding"})


# What the shop already has ---------------------------------------------------------------------

@dataclass
class _ShopCatalog:
    """The shop's products, variants and categories, read once for a whole export or import."""

    products: dict[int, Product]
    variants: dict[int, list[Variant]]  # by product id, in the product's order
    variant_by_sku: dict[str, Variant]
    category_ids: dict[int, list[int]]  # by product id, sorted
    category_paths: dict[int, str]  # id -> "茶叶/绿茶"
    categories_by_path: dict[str, list[int]]
    categories_by_name: dict[str, list[int]]

    @classmethod
    def load(cls, session: Session, shop_id: int) -> _ShopCatalog:
        products = {p.id: p for p in session.exec(select(Product).where(Product.shop_id == shop_id)).all()}
        variants: dict[int, list[Variant]] = {}
        for variant in session.exec(
            select(Variant).where(Variant.shop_id == shop_id).order_by(Variant.product_id, Variant.position, Variant.id)
        ).all():
            variants.setdefault(variant.product_id, []).append(variant)
        category_ids: dict[int, list[int]] = {}
        for product_id, category_id in session.exec(
            select(ProductCategory.product_id, ProductCategory.category_id)
            .where(ProductCategory.shop_id == shop_id).order_by(ProductCategory.category_id)
        ).all():
            category_ids.setdefault(product_id, []).append(category_id)
        categories = session.exec(select(Category).where(Category.shop_id == shop_id)).all()
        paths = _category_paths(categories)
        by_path: dict[str, list[int]] = {}
        by_name: dict[str, list[int]] = {}
        for category in categories:
            by_path.setdefault(paths[category.id], []).append(category.id)
            by_name.setdefault(category.name, []).append(category.id)
        return cls(
            products=products,
            variants=variants,
            variant_by_sku={v.sku: v for vs in variants.values() for v in vs if v.sku},
            category_ids=category_ids,
            category_paths=paths,
            categories_by_path=by_path,
            categories_by_name=by_name,
        )

    def category_id(self, name: str) -> int | str:
        """The id for a path ("茶叶/绿茶") or a name used once ("绿茶"), else the problem's code."""
        by_path = self.categories_by_path.get(name, [])
        by_name = self.categories_by_name.get(name, [])
        if len(by_path) == 1:
            return by_path[0]
        if len(by_path) > 1 or len(by_name) > 1:
            return "category_ambiguous"
        return by_name[0] if by_name else "category_not_found"


def _category_paths(categories: list[Category]) -> dict[int, str]:
    by_id = {c.id: c for c in categories}
    paths = {}
    for category in categories:
        names, step, seen = [], category, set()
        while step is not None and step.id not in seen:  # a loop in the tree must not hang the import
            seen.add(step.id)
            names.append(step.name)
            step = by_id.get(step.parent_id)
        paths[category.id] = PATH_SEPARATOR.join(reversed(names))
    return paths


# Export ----------------------------------------------------------------------------------------

def _product_cells(product: Product, shop: _ShopCatalog) -> dict[str, str]:
    cells = {
        "product_id": str(product.id), "title": product.title, "status": product.status,
        "product_type": product.product_type,
        "category": LIST_SEPARATOR.join(shop.category_paths[c] for c in shop.category_ids.get(product.id, [])),
        "tags": LIST_SEPARATOR.join(product.tags),
        "presale_ships_at": product.presale_ships_at.isoformat() if product.presale_ships_at else "",
        "presale_quota": _count_text(product.presale_quota),
        "description_html": product.description_html, "seo_title": product.seo_title,
        "seo_description": product.seo_description,
    }
    for k, option in enumerate(product.options[:3], start=1):
        cells[f"option{k}_name"] = option["name"]
    return cells


def _variant_cells(variant: Variant) -> dict[str, str]:
    cells = {
        "sku": variant.sku or "", "price": yuan_text(variant.price),
        "compare_at_price": yuan_text(variant.compare_at_price), "cost": yuan_text(variant.cost),
        "stock": str(variant.stock), "weight_grams": str(variant.weight_grams), "barcode": variant.barcode,
        "enabled": "true" if variant.enabled else "false",
        "variant_presale_ships_at": variant.presale_ships_at.isoformat() if variant.presale_ships_at else "",
        "variant_presale_quota": _count_text(variant.presale_quota),
    }
    for k, value in enumerate(variant.option_values[:3], start=1):
        cells[f"option{k}_value"] = value
    return cells


# Reading the sheet -----------------------------------------------------------------------------

class _Progress:
    """Tells the caller how many rows are done, about every hundred rows and at the end."""

    def __init__(self, total: int, report: Callable[[int, int], None] | None):
        self.total, self.done, self.report = total, 0, report

    def advance(self, rows: int) -> None:
        before, self.done = self.done, self.done + rows
        if self.report and (self.done == self.total or before // 100 != self.done // 100):
            self.report(self.done, self.total)


class _Errors:
    """Problems by row and column; the first one found for a cell is the one reported."""

    def __init__(self):
        self._found: dict[tuple[int, str], RowError] = {}

    def add(self, row: int, column: str, code: str) -> None:
        # Options are one thing to the reader: one problem per row with them is enough.
        key = (row, "option" if column.startswith("option") else column)
        self._found.setdefault(key, RowError(row, column, code))

    def __bool__(self) -> bool:
        return bool(self._found)

    def sorted(self) -> list[RowError]:
        order = {column: i for i, column in enumerate(("",) + COLUMNS)}
        return sorted(self._found.values(), key=lambda e: (e.row, order.get(e.column, len(order)), e.column))


def _read_sheet(text: str, errors: _Errors) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's known columns ("" for ones to skip) and the non-empty records with their row numbers."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    records: list[tuple[int, list[str]]] = []
    number = 0
    try:
        # Rows are counted as a spreadsheet shows them: a cell may hold several lines.
        for number, record in enumerate(reader, start=1):
            if any(cell.strip() for cell in record):
                records.append((number, record))
    except csv.Error:
        errors.add(number + 1, "", "csv_malformed")
    if not records:
        errors.add(1, "", "csv_empty")
        return [], []
    header = _checked_header(records[0][1], errors)
    return header, records[1:]


def _checked_header(cells: list[str], errors: _Errors) -> list[str]:
    header: list[str] = []
    for cell in cells:
        name = cell.strip().lower()
        if name and name not in COLUMNS:
            errors.add(1, name, "unknown_column")
        elif name in header:
            errors.add(1, name, "column_duplicate")
        header.append(name if name in COLUMNS and name not in header else "")
    if not {"product_id", "sku", "title"} & set(header):
        errors.add(1, "title", "required")
        return []
    return header


@dataclass
class _Row:
    number: int
    cells: dict[str, str]  # the sheet's known columns, stripped
    product_id: int | None = None
    sku: str | None = None

    def title(self) -> str:
        return self.cells.get("title", "")


@dataclass
class _Group:
    """The rows of one product, and that product when the shop already has it."""

    rows: list[_Row]
    product: Product | None
    title: str
    entry_rows: list[int | None] = field(default_factory=list)  # the row behind each variant sent


def _rows(header: list[str], records: list[tuple[int, list[str]]], errors: _Errors) -> list[_Row]:
    rows = []
    for number, record in records:
        if any(cell.strip() for cell in record[len(header):]):
            errors.add(number, "", "too_many_cells")
        cells = {column: cell_value(cell.strip()) for column, cell in zip(header, record) if column}
        row = _Row(number=number, cells=cells, sku=cells.get("sku") or None)
        if cells.get("product_id"):
            row.product_id = _whole_number(row, "product_id", errors)
        rows.append(row)
    return rows


def _grouped(rows: list[_Row], shop: _ShopCatalog, errors: _Errors) -> list[_Group]:
    """Rows gathered into the products they describe, in the order the products are first met."""
    groups: list[_Group] = []
    existing: dict[int, _Group] = {}
    skus: set[str] = set()
    previous: _Group | None = None
    for row in rows:
        if row.sku and row.sku in skus:
            errors.add(row.number, "sku", "sku_repeated_in_file")
            row.sku = None  # the row's other cells are still checked
        skus.add(row.sku)
        owner = shop.variant_by_sku.get(row.sku) if row.sku else None
        if "product_id" in row.cells and row.cells["product_id"] and row.product_id is None:
            continue  # not a number: already reported
        if row.product_id is not None:
            if row.product_id not in shop.products:
                errors.add(row.number, "product_id", "product_not_found")
                previous = None
                continue
            if owner is not None and owner.product_id != row.product_id:
                errors.add(row.number, "sku", "sku_taken")
                continue
            product_id = row.product_id
        elif owner is not None:
            product_id = owner.product_id
        elif previous is not None and row.title() in ("", previous.title):
            previous.rows.append(row)
            continue
        else:
            previous = _Group(rows=[row], product=None, title=row.title())
            groups.append(previous)
            continue
        if product_id not in existing:
            product = shop.products[product_id]
            existing[product_id] = _Group(rows=[], product=product, title=row.title() or product.title)
            groups.append(existing[product_id])
        previous = existing[product_id]
        previous.rows.append(row)
    return groups


# Applying one product --------------------------------------------------------------------------

def _create(session: Session, actor: Actor, groups: list[_Group], shop: _ShopCatalog, errors: _Errors) -> int:
    """New products through the catalogue, in one batch; how many of them are fine."""
    items = []
    for group in groups:
        fields, option_names, entries = _read_group(group, shop, errors)
        for entry in entries:
            if "presale" in entry:
                entry["presale"] = entry["presale"].resolved(None, errors)
        if option_names is not None:
            fields["options"] = _options(option_names, [], [e.get("option_values", []) for e in entries])
        group.entry_rows = [row.number for row in group.rows]
        items.append({**fields, "variants": entries})
    problems = catalog_products.create_products(session, actor, items, stock_reason=STOCK_REASON)
    for group, fields in zip(groups, problems):
        for name, code in fields.items():
            errors.add(*_located(name, group), code)
    return sum(1 for fields in problems if not fields)


def _update(session: Session, actor: Actor, group: _Group, shop: _ShopCatalog, errors: _Errors) -> bool:
    """Make an existing product look like its rows through the catalogue; False when it already does."""
    fields, option_names, entries = _read_group(group, shop, errors)
    changes = _changes(group, shop, fields, option_names, entries, errors)
    if not changes:
        return False
    try:
        catalog_products.update_product(session, actor, group.product.id, changes, stock_reason=STOCK_REASON, reindex=False)
    except Invalid as refused:
        for name, code in refused.fields.items():
            errors.add(*_located(name, group), code)
        return False
    return True


def _read_group(group: _Group, shop: _ShopCatalog, errors: _Errors) -> tuple[dict, list[str] | None, list[dict]]:
    """The product's fields, its option names and one catalogue variant per row."""
    cells = _agreed_cells(group, errors)
    fields = _product_fields(group, cells, shop, errors)
    option_names = _option_names(group, cells, errors)
    return fields, option_names, [_variant_entry(row, option_names, errors) for row in group.rows]


def _product_fields(group: _Group, cells: dict[str, tuple[str, int]], shop: _ShopCatalog, errors: _Errors) -> dict:
    """The product's fields from its rows; only what the sheet has a column for."""
    fields: dict = {}
    for column in ("title", "status", "product_type"):
        text, _ = cells.get(column, ("", 0))
        if text or (column == "title" and group.product is None):
            fields[column] = text
    for column in ("description_html", "seo_title", "seo_description"):
        if column in cells:
            fields[column] = cells[column][0]
    if "tags" in cells:
        fields["tags"] = _split(cells["tags"][0])
    if "category" in cells:
        text, row = cells["category"]
        found = (_category(shop, name, row, errors) for name in _split(text))
        fields["category_ids"] = sorted({category_id for category_id in found if category_id})
    if any(column in cells for column in PRODUCT_PRESALE):
        row = next(cells[column][1] for column in PRODUCT_PRESALE if column in cells)
        texts = {column: cells[column][0] for column in PRODUCT_PRESALE if column in cells}
        sheet = _PresaleCells.read(texts, PRODUCT_PRESALE, row, errors)
        fields["presale"] = sheet.resolved(group.product, errors)
    return fields


def _agreed_cells(group: _Group, errors: _Errors) -> dict[str, tuple[str, int]]:
    """Each product column's value and the row it comes from: the first filled-in one; others must match."""
    agreed: dict[str, tuple[str, int]] = {}
    for row in group.rows:
        for column in PRODUCT_COLUMNS:
            if column not in row.cells:
                continue
            text = row.cells[column]
            if column not in agreed or (text and not agreed[column][0]):
                agreed[column] = (text, row.number)
            elif text and text != agreed[column][0]:
                errors.add(row.number, column, "product_field_differs")
    return agreed


def _option_names(group: _Group, cells: dict[str, tuple[str, int]], errors: _Errors) -> list[str] | None:
    """The product's option names in order; None to leave the options as they are."""
    if not any(column in group.rows[0].cells for column in OPTION_COLUMNS):
        return None
    if group.product is not None and not any(row.cells.get(c) for row in group.rows for c in OPTION_COLUMNS):
        return None  # blank option cells never strip an existing product of its options
    names = [cells.get(f"option{k}_name", ("", 0))[0] for k in (1, 2, 3)]
    while names and not names[-1]:
        names.pop()
    for k, name in enumerate(names, start=1):
        if not name:
            errors.add(group.rows[0].number, f"option{k}_name", "required")
    return names


def _variant_entry(row: _Row, option_names: list[str] | None, errors: _Errors) -> dict:
    """One row as a catalogue variant; cells that do not parse are left out (and reported)."""
    entry: dict = {}
    cells = row.cells
    if "sku" in cells:
        entry["sku"] = row.sku
    if option_names is not None:
        values = [cells.get(f"option{k}_value", "") for k in (1, 2, 3)]
        for k, value in enumerate(values, start=1):
            if k <= len(option_names) and not value:
                errors.add(row.number, f"option{k}_value", "required")
            elif k > len(option_names) and value:
                errors.add(row.number, f"option{k}_name", "required")
        entry["option_values"] = values[:len(option_names)]
    for column in ("price", "compare_at_price", "cost"):
        if cells.get(column):
            amount = _money(row, column, errors)
            if amount is not None:
                entry[column] = amount
        elif column in cells and column != "price":
            entry[column] = None
    for column in ("stock", "weight_grams"):
        if cells.get(column):
            number = _whole_number(row, column, errors)
            if number is not None:
                entry[column] = number
    if "barcode" in cells:
        entry["barcode"] = cells["barcode"]
    if cells.get("enabled"):
        enabled = cells["enabled"].lower()
        if enabled in _YES | _NO:
            entry["enabled"] = enabled in _YES
        else:
            errors.add(row.number, "enabled", "yes_or_no")
    if any(column in cells for column in VARIANT_PRESALE):
        # Read whole once the variant it updates is known (_create, _changes).
        entry["presale"] = _PresaleCells.read(cells, VARIANT_PRESALE, row.number, errors)
    return entry


def _changes(
    group: _Group, shop: _ShopCatalog, fields: dict, option_names: list[str] | None, rows: list[dict], errors: _Errors,
) -> dict:
    """What update_product needs to make the existing product look like its rows; {} when it already does."""
    product = group.product
    current = shop.variants.get(product.id, [])
    entries: list[dict] = [{"id": v.id} for v in current]
    group.entry_rows = [None] * len(current)
    by_sku = {v.sku: i for i, v in enumerate(current) if v.sku}
    by_options = {tuple(v.option_values): i for i, v in enumerate(current)}
    for row, values in zip(group.rows, rows):
        i = by_sku.get(row.sku) if row.sku else None
        if i is None:
            # Without option values a row can only mean the one combination of a product without options.
            combination = values.get("option_values", [] if not product.options else None)
            i = by_options.get(tuple(combination)) if combination is not None else None
        if "presale" in values:
            values = {**values, "presale": values["presale"].resolved(current[i] if i is not None else None, errors)}
        if i is None:
            entries.append(values)
            group.entry_rows.append(row.number)
        elif group.entry_rows[i] is not None:
            errors.add(row.number, "option1_value", "variant_duplicate")
        else:
            # Only what differs: stock that is already right is then never written, nor its row locked.
            entries[i].update({k: v for k, v in values.items() if _variant_value(current[i], k) != v})
            group.entry_rows[i] = row.number
    changes = {name: value for name, value in fields.items() if value != _current(product, name, shop)}
    if option_names is not None:
        used = [
            entry.get("option_values", current[i].option_values if i < len(current) else [])
            for i, entry in enumerate(entries)
        ]
        options = _options(option_names, product.options, used)
        if options != product.options:
            changes["options"] = options
    if "options" in changes or len(entries) > len(current) or any(len(entry) > 1 for entry in entries):
        changes["variants"] = entries
    return changes


def _options(names: list[str], current: list[dict], used: list[list[str]]) -> list[dict]:
    """Options with the values the variants use: the product's order first, new values as met."""
    options = []
    for k, name in enumerate(names):
        seen = [values[k] for values in used if len(values) > k and values[k]]
        known = current[k]["values"] if k < len(current) else []
        ordered = [value for value in known if value in seen]
        ordered += [value for value in dict.fromkeys(seen) if value not in ordered]
        options.append({"name": name, "values": ordered})
    return options


def _current(product: Product, name: str, shop: _ShopCatalog):
    if name == "category_ids":
        return shop.category_ids.get(product.id, [])
    if name == "presale":
        return _presale_value(product)
    return getattr(product, name)


def _variant_value(variant: Variant, name: str):
    return _presale_value(variant) if name == "presale" else getattr(variant, name)


def _presale_value(row: Product | Variant) -> dict | None:
    """A product's or variant's pre-sale as the catalogue takes it (what _PresaleCells.resolved gives)."""
    if not row.presale_ships_at:
        return None
    return {"ships_at": row.presale_ships_at.isoformat(), "quota": row.presale_quota}


class _PresaleCells:
    """A pre-sale as the sheet gives it: a date and a quota column, either of which the sheet may lack
    (then the shop's value stays)."""

    _ABSENT = object()

    def __init__(self, ships_at, quota, columns: tuple[str, str], row: int):
        self.ships_at, self.quota, self.columns, self.row = ships_at, quota, columns, row

    @classmethod
    def read(cls, cells: dict[str, str], columns: tuple[str, str], row: int, errors: _Errors) -> _PresaleCells:
        date_column, quota_column = columns
        ships_at = _date(cells[date_column], row, errors, date_column) if date_column in cells else cls._ABSENT
        quota = cls._ABSENT
        if quota_column in cells:
            text = cells[quota_column]
            quota = None
            if text and _WHOLE_NUMBER.fullmatch(text):
                quota = int(text)
            elif text:
                errors.add(row, quota_column, "must_be_whole_number")
        return cls(ships_at, quota, columns, row)

    def resolved(self, current: Product | Variant | None, errors: _Errors) -> dict | None:
        """{ships_at, quota} for the catalogue, or None for no pre-sale; `current` is what the shop has."""
        now = _presale_value(current) if current is not None else None
        ships_at = self.ships_at if self.ships_at is not self._ABSENT else (now and date.fromisoformat(now["ships_at"]))
        quota = self.quota if self.quota is not self._ABSENT else (now and now["quota"])
        if not ships_at:
            if quota is not None and self.quota is not self._ABSENT:
                errors.add(self.row, self.columns[0], "required")  # a quota is for a pre-sale, which needs its date
            return None
        return {"ships_at": ships_at.isoformat(), "quota": quota}


def _located(name: str, group: _Group) -> tuple[int, str]:
    """The row and column behind a field the catalogue refused ("variants.2.price", "title" ...)."""
    parts = name.split(".")
    first = group.rows[0].number
    if parts[0] == "variants" and len(parts) > 1 and parts[1].isdigit():
        index = int(parts[1])
        row = group.entry_rows[index] if index < len(group.entry_rows) else None
        field_name = parts[2] if len(parts) > 2 else "sku"
        if parts[2:] == ["presale", "quota"]:
            return row or first, "variant_presale_quota"
        return row or first, _VARIANT_FIELD_COLUMNS.get(field_name, field_name)
    if parts == ["presale", "quota"]:
        return first, "presale_quota"
    if parts[0] == "options" and len(parts) > 1 and parts[1].isdigit():
        k = int(parts[1]) + 1
        return first, f"option{k}_value" if "values" in parts else f"option{k}_name"
    return first, _PRODUCT_FIELD_COLUMNS.get(parts[0], parts[0])


# Cells -----------------------------------------------------------------------------------------

def _money(row: _Row, column: str, errors: _Errors) -> int | None:
    try:
        return parse_money(row.cells[column], allow_negative=True, field=column)
    except Invalid as refused:
        errors.add(row.number, column, refused.fields[column])
        return None


def _whole_number(row: _Row, column: str, errors: _Errors) -> int | None:
    text = row.cells[column]
    if not _WHOLE_NUMBER.fullmatch(text):
        errors.add(row.number, column, "must_be_whole_number")
        return None
    return int(text)


def _date(text: str, row: int, errors: _Errors, column: str) -> date | None:
    if not text:
        return None
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%Y/%m/%d").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    errors.add(row, column, "date_invalid")
    return None


def _count_text(units: int | None) -> str:
    return "" if units is None else str(units)


def _category(shop: _ShopCatalog, name: str, row: int, errors: _Errors) -> int | None:
    found = shop.category_id(name)
    if isinstance(found, str):
        errors.add(row, "category", found)
        return None
    return found


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
