"""店铺装修: a shop's design (theme settings and pages of sections) as a draft the owner edits and a
published copy shoppers see. Publishing keeps a numbered version (who, when); restoring one puts it
back into the draft. A shop that never published with the editor shows its older home sections
(themes.home_sections) in the default theme.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import uuid

from sqlmodel import Session, select

from shopapp.models import Shop, StoreDesignVersion, StoreTheme, User
from shopapp.models.base import utcnow
from shopapp.services.catalog import media, storage, storage_use
from shopapp.services.core.errors import Forbidden, Invalid, NotFound, require_fields
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.remembered import Remembered
from shopapp.services.shops import design_rules as rules
from shopapp.services.shops.design_check import Checker
from shopapp.settings import get_settings

PERMISSION = "edit_shop"


def published_design(session: Session, shop_id: int) -> dict:
    """What shoppers see: the last publication, or the older home sections in the default theme."""
    row = session.get(StoreTheme, shop_id)
    if row is not None and row.published:
        return row.published
    return _from_sections(row.sections if row and row.sections else None)


def draft_design(session: Session, shop_id: int) -> dict:
    row = session.get(StoreTheme, shop_id)
    if row is not None and row.draft:
        return row.draft
    return copy.deepcopy(published_design(session, shop_id))


def get_design(session: Session, actor: Actor) -> dict:
    require(actor, PERMISSION)
    row = session.get(StoreTheme, actor.shop_id)
    return {
        "draft": draft_design(session, actor.shop_id),
        "published": published_design(session, actor.shop_id),
        "published_at": row.published_at if row else None,
        "version": row.version if row else 0,
        "preview_token": preview_token(actor.shop_id),
    }


def save_draft(session: Session, actor: Actor, changes: dict) -> dict:
    """Replace the draft's theme and/or pages (each page named is replaced whole; a page set to null is removed).
    The whole result is checked; nothing is saved when one field is wrong. Answers the draft and warnings."""
    require(actor, PERMISSION)
    if not isinstance(changes, dict) or not set(changes) <= {"theme", "pages"}:
        raise Invalid(fields={"body": "invalid"})
    design = copy.deepcopy(draft_design(session, actor.shop_id))
    if "theme" in changes:
        design["theme"] = changes["theme"]
    if isinstance(changes.get("pages"), dict):
        for handle, page in changes["pages"].items():
            if page is None and handle != "home":
                design["pages"].pop(handle, None)
            else:
                design["pages"][handle] = page
    elif "pages" in changes:
        raise Invalid(fields={"pages": "invalid"})
    clean, warnings = checked(session, actor.shop_id, design)
    row = _row(session, actor.shop_id)
    row.draft, row.updated_at = clean, utcnow()
    session.add(row)
    return {"draft": clean, "warnings": warnings}


def checked(session: Session, shop_id: int, design: dict) -> tuple[dict, list[dict]]:
    shop = session.get(Shop, shop_id)
    checker = Checker(session, shop_id, shop.slug)
    clean = {"theme": checker.theme(design.get("theme") or {}), "pages": checker.pages(design.get("pages") or {})}
    if "home" not in clean["pages"] and "pages" not in checker.errors:
        clean["pages"]["home"] = {"sections": []}
    require_fields(checker.errors)
    return clean, checker.warnings


def publish(session: Session, actor: Actor) -> dict:
    """The draft becomes what shoppers see, kept as the next version."""
    require(actor, PERMISSION)
    design, _ = checked(session, actor.shop_id, draft_design(session, actor.shop_id))  # the rules may have tightened
    row = _row(session, actor.shop_id, lock=True)
    row.version += 1
    row.published, row.published_at, row.draft = design, utcnow(), copy.deepcopy(design)
    _published.forget(actor.shop_id)
    session.add(row)
    user = session.get(User, actor.user_id) if actor.user_id else None
    session.add(StoreDesignVersion(shop_id=actor.shop_id, version=row.version, design=design, published_at=row.published_at,
                                   published_by=user.email if user else actor.label))
    session.flush()
    return {"version": row.version, "published_at": row.published_at}


def list_versions(session: Session, actor: Actor) -> list[dict]:
    require(actor, PERMISSION)
    rows = session.exec(select(StoreDesignVersion).where(StoreDesignVersion.shop_id == actor.shop_id)
                        .order_by(StoreDesignVersion.version.desc())).all()
    return [{"version": r.version, "published_at": r.published_at, "published_by": r.published_by} for r in rows]


def restore(session: Session, actor: Actor, version: int) -> dict:
    """An earlier publication becomes the draft again (publish to show it to shoppers)."""
    require(actor, PERMISSION)
    kept = session.exec(select(StoreDesignVersion).where(
        StoreDesignVersion.shop_id == actor.shop_id, StoreDesignVersion.version == version)).first()
    if kept is None:
        raise NotFound()
    row = _row(session, actor.shop_id)
    row.draft, row.updated_at = copy.deepcopy(kept.design), utcnow()
    session.add(row)
    return {"draft": row.draft, "warnings": []}


def add_picture(session: Session, actor: Actor, data: bytes) -> str:
    """A picture for a section or the theme, checked and re-encoded like every upload; answers its address."""
    require(actor, PERMISSION)
    processed = media.process_image(data)
    # 960 px: sharp across a phone (the storefront is phone first) at a fraction of 1600's weight.
    width = max((w for w in processed.renditions if w <= 960), default=min(processed.renditions))
    key = f"shops/{actor.shop_id}/design/{hashlib.sha256(processed.renditions[width]).hexdigest()[:24]}/{width}.webp"
    # The same picture again is the same file: it takes no more room, so it needs none.
    if not storage_use.is_recorded(session, actor.shop_id, key):
        storage_use.make_room(session, actor.shop_id, len(processed.renditions[width]))
        storage.put(key, processed.renditions[width], "image/webp")
        storage_use.record(session, actor.shop_id, key, "design", len(processed.renditions[width]))
    return storage.url(key)


def new_section(kind: str) -> dict:
    if kind not in rules.SECTIONS:
        raise Invalid(fields={"type": "section_type_invalid"})
    starter = copy.deepcopy(rules.STARTERS.get(kind, {}))

    return {"id": uuid.uuid4().hex[:10], "type": kind, "hidden": False, "settings": starter.get("settings", {}),
            **({"blocks": starter.get("blocks", [])} if rules.SECTIONS[kind][1] is not None else {})}


# Previewing the draft ------------------------------------------------------------------------


def preview_token(shop_id: int) -> str:
    """A link's secret that shows this shop's draft (the owner opens it on a phone, the editor frames it)."""
    return hmac.new(get_settings().secret_key.encode(), f"design-preview:{shop_id}".encode(), hashlib.sha256).hexdigest()[:32]


# What shoppers see, asked by every storefront event (the frame's theme) and twice by the home's:
# remembered a second per worker (publishing in this process forgets it at once, in another a second
# later at most). Read-only for callers, as the row's own JSON always was.
_published = Remembered[int, dict](1.0)


def design_for_visit(session: Session, shop_id: int, preview: str = "") -> dict:
    """The draft with the shop's preview token, else what was published."""
    if preview and hmac.compare_digest(preview, preview_token(shop_id)):
        return draft_design(session, shop_id)
    found = _published.get(shop_id)
    if found is None:
        found = published_design(session, shop_id)
        _published.put(shop_id, found)
    return found


def forget_published() -> None:
    """Forget every remembered published design (the tests' next shop may reuse this one's id)."""
    _published.forget()


def live_preview(session: Session, shop_id: int, preview: str, handle: str, theme, page) -> dict:
    """The editor's unsaved design of one page, sent to its framed preview as the owner types: shown only
    with the shop's preview token, and only once it passes every check a save makes (rich text
    sanitised, links inside the shop...); Forbidden without the token, Invalid when a check fails."""
    if not (preview and hmac.compare_digest(preview, preview_token(shop_id))):
        raise Forbidden()
    if not isinstance(handle, str) or not isinstance(page, dict):
        raise Invalid(fields={"body": "invalid"})
    clean, _ = checked(session, shop_id, {"theme": theme, "pages": {handle: page}})
    return clean


def _row(session: Session, shop_id: int, lock: bool = False) -> StoreTheme:
    query = select(StoreTheme).where(StoreTheme.shop_id == shop_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    return row or StoreTheme(shop_id=shop_id)


def _from_sections(sections: list | None) -> dict:
    from shopapp.services.shops.themes import DEFAULT_SECTIONS

    legacy = sections or DEFAULT_SECTIONS
    # The search box stood above every home before the editor: it stays, now as a section the owner can move.
    converted = [{"id": "s0", "type": "search", "hidden": False, "settings": {}}] + [
        {"id": f"s{i + 1}", "type": s["type"], "hidden": False, "settings": {k: v for k, v in s.items() if k != "type"}}
        for i, s in enumerate(legacy)]
    return {"theme": copy.deepcopy(rules.DEFAULT_THEME), "pages": {"home": {"sections": converted}}}
