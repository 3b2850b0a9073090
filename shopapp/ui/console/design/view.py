"""The editor's design data as the page's plain strings: the section list's rows and the chosen
section's (or the theme's) fields, one input each, from the library's rules (design_rules)."""

from __future__ import annotations

from shopapp.services.shops import design_rules as rules

_INPUTS = {"text": "text", "html": "richtext", "link": "link", "image": "image", "video": "video", "color": "color",
           "int": "number", "choice": "select", "products": "products", "category": "category", "bool": "bool"}
_LONG = {"text", "subtitle", "html"}


def rows(sections: list[dict], selected: str) -> list[dict[str, str]]:
    return [{"id": s["id"], "type": s["type"], "label": _label(s), "hidden": "yes" if s.get("hidden") else "",
             "selected": "yes" if s["id"] == selected else ""} for s in sections]


def section_fields(section: dict | None) -> list[dict[str, str]]:
    """Every setting of the section, then every block's fields ("blocks.<i>.<name>"), in the library's order."""
    if not section:
        return []
    settings_spec, block_spec = rules.SECTIONS[section["type"]]
    fields = [_field(name, kind, section.get("settings", {}).get(name)) for name, kind in settings_spec.items()
              if not _superseded(section, name)]
    for index, block in enumerate(section.get("blocks") or [] if block_spec else []):
        fields += [_field(f"blocks.{index}.{name}", kind, block.get(name), group=str(index + 1)) for name, kind in block_spec.items()]
    return fields


def theme_fields(theme: dict) -> list[dict[str, str]]:
    colors = [_field(f"colors.{name}", "color", theme.get("colors", {}).get(name)) for name in rules.COLORS]
    return colors + [_field(name, kind, theme.get(name)) for name, kind in rules.THEME.items() if name != "preset"]


def link_rows(theme: dict, name: str) -> list[dict[str, str]]:
    return [{"index": str(i), "label": item.get("label", ""), "link": item.get("link", "")} for i, item in enumerate(theme.get(name) or [])]


def _field(name: str, kind: str, value, group: str = "") -> dict[str, str]:
    base, _, rest = kind.partition(":")
    shown = ",".join(str(v) for v in value) if isinstance(value, list) else "" if value is None else str(value)
    short = name.rsplit(".", 1)[-1]
    return {"name": name, "key": short, "input": "textarea" if base == "text" and short in _LONG else _INPUTS[base],
            "options": rest if base == "choice" else "", "value": shown, "group": group}


def _superseded(section: dict, name: str) -> bool:
    """Settings the storefront no longer reads: a banner's own picture once it has slides, a rich
    text's plain text once it has HTML."""
    if section["type"] == "banner" and section.get("blocks"):
        return name in ("image_url", "link", "subtitle")
    return section["type"] == "rich_text" and name == "text" and bool(section.get("settings", {}).get("html"))


def _label(section: dict) -> str:
    settings = section.get("settings", {})
    return str(settings.get("title") or settings.get("text") or "")[:24]
