"""The editor's changes to a page's sections, as plain functions on the design's data: move, duplicate,
hide, delete, add a block, set one field from what the owner typed. The result is always saved through
design.save_draft, which checks it whole."""

from __future__ import annotations

import copy
import uuid

from shopapp.services.shops import design_rules as rules


def moved(sections: list[dict], section_id: str, to_index: int) -> list[dict]:
    """The section taken out and put back at `to_index` (clamped), the others keeping their order."""
    found = [s for s in sections if s.get("id") == section_id]
    if not found:
        return sections
    rest = [s for s in sections if s.get("id") != section_id]
    to_index = max(0, min(to_index, len(rest)))
    return rest[:to_index] + found + rest[to_index:]


def moved_before(sections: list[dict], section_id: str, target_id: str) -> list[dict]:
    """A drag and drop: the dragged section lands where the one it was dropped on stood."""
    ids = [s.get("id") for s in sections]
    if section_id not in ids or target_id not in ids or section_id == target_id:
        return sections
    return moved(sections, section_id, ids.index(target_id))


def duplicated(sections: list[dict], section_id: str) -> list[dict]:
    out = []
    for section in sections:
        out.append(section)
        if section.get("id") == section_id:
            out.append({**copy.deepcopy(section), "id": uuid.uuid4().hex[:10]})
    return out


def without(sections: list[dict], section_id: str) -> list[dict]:
    return [s for s in sections if s.get("id") != section_id]


def toggled(sections: list[dict], section_id: str) -> list[dict]:
    return [{**s, "hidden": not s.get("hidden")} if s.get("id") == section_id else s for s in sections]


def with_block(sections: list[dict], section_id: str, remove_index: int | None = None) -> list[dict]:
    """A new empty block (slide, picture, hot zone) at the end, or block `remove_index` taken away."""
    out = []
    for section in sections:
        if section.get("id") == section_id and rules.SECTIONS[section["type"]][1] is not None:
            blocks = list(section.get("blocks") or [])
            if remove_index is None:
                blocks.append({name: (10 if kind.startswith("int") else "") for name, kind in rules.SECTIONS[section["type"]][1].items()})
            elif -len(blocks) <= remove_index < len(blocks):
                blocks.pop(remove_index)
            section = {**section, "blocks": blocks}
        out.append(section)
    return out


def with_field(sections: list[dict], section_id: str, name: str, raw) -> list[dict]:
    """Field `name` ("title", "blocks.0.image_url") of the section set from what the form sent (text),
    turned into the kind its rule names; anything that does not turn stays as typed, for the check to refuse."""
    out = []
    for section in sections:
        if section.get("id") == section_id:
            section = copy.deepcopy(section)
            settings_spec, block_spec = rules.SECTIONS[section["type"]]
            if name.startswith("blocks."):
                _, index, field = name.split(".", 2)
                blocks = section.setdefault("blocks", [])
                if int(index) < len(blocks) and block_spec and field in block_spec:
                    blocks[int(index)][field] = typed(block_spec[field], raw)
            elif name in settings_spec:
                section.setdefault("settings", {})[name] = typed(settings_spec[name], raw)
        out.append(section)
    return out


def typed(kind: str, raw):
    if not isinstance(raw, str):
        return raw
    name = kind.split(":", 1)[0]
    text = raw.strip()
    if name == "int" or (name == "category" and text):
        return int(text) if text.lstrip("-").isdigit() else raw
    if name == "category":
        return None
    if name == "products":
        parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
        return [int(p) for p in parts] if all(p.isdigit() for p in parts) else raw
    if name == "bool":
        return text in ("true", "on", "1", "yes")
    return raw
