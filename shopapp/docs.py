"""The reference pages under docs/ that are made from the code, so they never drift from it:
docs/api.md from the API's OpenAPI document, docs/settings.md from settings.VARIABLES.

`python -m shopapp docs` writes them; tests/unit/test_docs.py fails when they are out of date.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_PAGE = ROOT / "docs" / "api.md"
SETTINGS_PAGE = ROOT / "docs" / "settings.md"
_METHODS = ("get", "post", "put", "patch", "delete")

API_INTRO = """\
# REST API reference

*Made by `python -m shopapp docs` from the API's OpenAPI document (served at
`/api/v1/openapi.json`, browsable at `/api/v1/docs`); do not edit by hand.*

## Conventions

- JSON in and out, UTF-8; times are ISO 8601 in UTC (`2026-12-06T04:00:00Z`).
- **Money is an integer in minor units** (分 for CNY): `price: 1299` is ¥12.99.
- **Auth**: `Authorization: Bearer <token>`, where the token is an owner's or staff member's
  log-in (`POST /api/v1/auth/login`), a shop API key (`sk_…`, `POST /api/v1/api-keys`), or, on
  the storefront paths that say so, a shopper's log-in (`cs_…`). An admin call only ever sees the
  token's shop: another shop's object answers **404**, never 403.
- **Errors** always have one shape, whatever the status:
  `{"error": {"code": "snake_case_code", "message": "…", "fields": {"field": "message"},
  "field_codes": {"field": "code"}, "request_id": "…"}}`. The message follows `Accept-Language`
  (or `?lang=`): zh-CN by default, `en` on request. An unknown path under `/api/v1` answers
  404 `not_found`, a wrong method 405 `method_not_allowed` with `Allow`; 429
  `too_many_attempts` comes with `Retry-After` (seconds). Bad input never changes anything.
- **Lists** take `?page=1&per_page=50` (at most 250) and answer `{"items": [...], "total": N}`.
- **Idempotency**: POSTs that move money (checkout, the sandbox payment, refunds) take an
  `Idempotency-Key` header; a repeat with the same key answers the first result and does
  nothing twice.
- `GET /api/v1/health` answers 200 `{"status": "ok", "redis": "ok"}` when the database answers; `redis` is
  `"degraded"` while Redis does not (the API and the jobs carry on; pages cannot keep their state) and
  `"unused"` without `REDIS_URL`.

The endpoints, by area:
"""


def write_docs() -> list[Path]:
    """Write both pages; returns the files written."""
    from shopapp.api import create_api

    API_PAGE.parent.mkdir(exist_ok=True)
    API_PAGE.write_text(api_reference(create_api().openapi()), encoding="utf-8")
    SETTINGS_PAGE.write_text(settings_reference(), encoding="utf-8")
    return [API_PAGE, SETTINGS_PAGE]


def api_reference(openapi: dict) -> str:
    """docs/api.md: the conventions, then every endpoint by tag, with its parameters and body fields."""
    schemas = openapi.get("components", {}).get("schemas", {})
    by_tag: dict[str, list[tuple[str, str, dict]]] = {}
    for path, operations in openapi["paths"].items():
        for method in _METHODS:
            if method in operations:
                operation = operations[method]
                by_tag.setdefault((operation.get("tags") or ["other"])[0], []).append((method, path, operation))
    out = [API_INTRO]
    out += [f"- [{tag}](#{_anchor(tag)})" for tag in by_tag]
    for tag, operations in by_tag.items():
        out.append(f"\n## {tag}\n")
        for method, path, operation in operations:
            out.append(_operation(method, path, operation, schemas))
    return "\n".join(out).rstrip() + "\n"


def settings_reference() -> str:
    """docs/settings.md: every environment variable, its default and meaning."""
    from shopapp.settings import VARIABLES

    rows = "\n".join(f"| `{name}` | {default} | {meaning} |" for name, default, meaning in VARIABLES)
    return f"""\
# Settings

*Made by `python -m shopapp docs` from `shopapp/settings.py`; do not edit by hand.*

Everything has an embedded default: a fresh clone runs with none of these set. Set a variable in
the environment to change it; a bad value stops start-up with a message naming the variable, and
`python -m shopapp settings` checks them all and lists what is in effect. How they fit together
on real services is in [deploy.md](deploy.md).

| variable | default | meaning |
|---|---|---|
{rows}
"""


# Helpers ---------------------------------------------------------------------------------------

def _operation(method: str, path: str, operation: dict, schemas: dict) -> str:
    lines = [f"### `{method.upper()} {path}`", ""]
    text = (operation.get("description") or operation.get("summary") or "").strip()
    if text:
        lines += [_one_paragraph(text), ""]
    parameters = [p for p in operation.get("parameters", []) if p.get("in") in ("path", "query", "header")]
    if parameters:
        lines.append("| parameter | in | type | required |")
        lines.append("|---|---|---|---|")
        lines += [
            f"| `{p['name']}` | {p['in']} | {_type(p.get('schema', {}), schemas)} | {'yes' if p.get('required') else ''} |"
            for p in parameters
        ]
        lines.append("")
    body = operation.get("requestBody", {}).get("content", {})
    for content_type, media in body.items():
        schema = _resolved(media.get("schema", {}), schemas)
        fields = schema.get("properties", {})
        if fields:
            required = set(schema.get("required", []))
            lines.append(f"Body (`{content_type}`): " + ", ".join(
                f"`{name}`{'' if name in required or 'default' in field else '?'} ({_type(field, schemas)})"
                for name, field in fields.items()
            ))
        else:
            lines.append(f"Body: `{content_type}`.")
        lines.append("")
    codes = [code for code in operation.get("responses", {}) if code != "422"]
    if codes:
        lines += ["Answers " + ", ".join(codes) + "; errors in the shape above.", ""]
    return "\n".join(lines)


def _resolved(schema: dict, schemas: dict) -> dict:
    ref = schema.get("$ref")
    return schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _type(schema: dict, schemas: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_type(option, schemas) for option in schema["anyOf"] if option.get("type") != "null"]
        return " or ".join(kinds) or "any"
    kind = schema.get("type")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}), schemas)}"
    return kind or "any"


def _one_paragraph(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _anchor(title: str) -> str:
    return title.lower().replace(" ", "-")
