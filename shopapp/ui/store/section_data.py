"""A filled design page (services/shops/design_pages) as what the storefront's sections show: plain strings
per section, so one dataclass carries every type through rx.foreach."""

from __future__ import annotations

import dataclasses

from shopapp.services.core.money import format_money
from shopapp.services.marketing import flash_sales
from shopapp.ui import routes
from shopapp.ui.components.time import server_clock


@dataclasses.dataclass
class HomeSection:
    type: str = ""
    id: str = ""
    title: str = ""
    subtitle: str = ""
    text: str = ""
    html: str = ""
    image_url: str = ""
    link: str = ""
    alt: str = ""
    variant: str = ""  # banner height, category layout, picture side, divider style
    columns: str = "2"
    height: str = ""
    video_url: str = ""
    poster_url: str = ""
    products: list[dict[str, str]] = dataclasses.field(default_factory=list)
    categories: list[dict[str, str]] = dataclasses.field(default_factory=list)
    blocks: list[dict[str, str]] = dataclasses.field(default_factory=list)


_BLANK = dict.fromkeys(("image_url", "title", "subtitle", "link", "alt", "label"), "")


def running_coupons(claimable: list[dict]) -> list[dict]:
    """The design's coupon block for `coupons.claimable_coupons`' answer (claimed in the 领券 strip)."""
    return [{"title": f"{c['name']} · {c['description']}", "link": ""} for c in claimable]


def running_flash_sales(session, shop: dict[str, str]) -> list[dict]:
    """The shop's current and coming 秒杀 for the design's flash-sale block: one card each, to its product,
    with the moment its countdown counts to (the start of a coming sale, the end of a running one) and the
    server's clock for that countdown to tick from."""
    now = server_clock()
    return [{
        "title": f"{s['title']} · {s['name']}", "link": routes.product_page(shop["slug"], s["product_id"]),
        "price": format_money(s["price"], shop["currency"]), "regular": format_money(s["regular_price"], shop["currency"]),
        "status": s["status"], "sold_percent": str(s["sold_percent"]), "starts_at": s["starts_at"] or "",
        "gone": "yes" if s["left"] <= 0 else "", "counts_to": s["starts_at"] if s["status"] == "scheduled" else s["ends_at"],
        "now": now,
    } for s in flash_sales.storefront_sales(session, int(shop["id"]))]


def section_view(section: dict, shop: dict[str, str], cards: list[dict[str, str]], first_picture: bool,
                 coupons: list[dict] | None = None, flash: list[dict] | None = None) -> HomeSection:
    """`coupons`: running_coupons' answer, shown by a coupon block ({title, link} each); `flash`:
    running_flash_sales' answer, shown by a flash-sale block."""
    settings = section.get("settings", {})
    kind = section["type"]
    blocks = [dict(b) for b in section.get("blocks") or []]
    if kind == "coupons":
        blocks = [{"title": c.get("title", ""), "link": c.get("link", "")} for c in coupons or []]
    if kind == "flash_sale":
        blocks = [dict(f) for f in flash or []]
    if kind == "banner" and not blocks:  # a home from before the editor: one slide from the section itself
        blocks = [{k: settings.get(k, "") for k in ("image_url", "title", "subtitle", "link")}]
    if kind == "hotzone":
        blocks = [{"label": b.get("label", ""), "link": b.get("link", ""), **_area(b)} for b in blocks]
    blocks = [_BLANK | {k: str(v) for k, v in b.items()} | {"first": "yes" if first_picture and i == 0 else ""} for i, b in enumerate(blocks)]
    return HomeSection(
        type=kind, id=section.get("id", ""), title=settings.get("title", ""),
        subtitle=settings.get("subtitle") or settings.get("placeholder") or settings.get("address") or "",
        text=settings.get("text", ""), html=settings.get("html", ""), image_url=settings.get("image_url", ""),
        link=settings.get("link", ""), alt=settings.get("alt", "") or settings.get("hours", ""),
        variant=str(settings.get("height") or settings.get("layout") or settings.get("image_side") or settings.get("style") or ""),
        columns=str(settings.get("columns") or 2), height=f"{int(settings.get('height') or 24)}px" if kind == "spacer" else "",
        video_url=settings.get("video_url", ""), poster_url=settings.get("poster_url", ""),
        products=cards,
        categories=[{"name": c["name"], "url": routes.store_search(shop["slug"], category=str(c["id"]))} for c in section["categories"]],
        blocks=blocks,
    )


def _area(block: dict) -> dict[str, str]:
    """A hot zone's place on its picture, in percent."""
    return {"left": f"{block.get('x', 0)}%", "top": f"{block.get('y', 0)}%",
            "width": f"{block.get('w', 10)}%", "height": f"{block.get('h', 10)}%"}
