"""What no endpoint takes: integers a 64-bit column cannot hold, list pages beyond the last sensible
one, and JSON text with lone surrogates. Checked once for every route, before the endpoint runs."""

from __future__ import annotations

import json
import re
import types
import typing
from decimal import Decimal, InvalidOperation

from fastapi import Request
from fastapi.routing import APIRoute

from shopapp.services.core.errors import Invalid
from shopapp.services.core.validation import MAX_PAGE, storable_integer, unstorable_values

_NUMERIC = re.compile(r"\s*[+-]?(\d[\d_]*)(\.\d*)?([eE][+-]?\d+)?\s*")


async def refuse_unstorable_input(request: Request) -> None:
    """422 naming each field that holds such a value; the endpoint never sees the request."""
    problems: dict[str, str] = {}
    route = request.scope.get("route")
    if isinstance(route, APIRoute):
        for name, location in _integer_parameters(route):
            raws = [request.path_params.get(name)] if location == "path" else request.query_params.getlist(name)
            for raw in raws:
                problem = _integer_problem(name, raw)
                if problem:
                    problems[name] = problem
    if _is_json(request):
        body = await request.body()
        try:
            document = json.loads(body) if body else None
        except (ValueError, RecursionError):
            document = None  # FastAPI answers malformed JSON itself
        problems.update(unstorable_values(document))
    if problems:
        raise Invalid(fields=problems)


def _integer_problem(name: str, raw: str | None) -> str | None:
    if raw is None or not _NUMERIC.fullmatch(raw):
        return None  # not a number at all: FastAPI's own validation answers that
    if len(raw) > 40:
        return "number_too_large"
    try:
        value = int(Decimal(raw.replace("_", "")))
    except (InvalidOperation, ValueError, OverflowError):
        return "number_too_large"
    if not storable_integer(value):
        return "number_too_large"
    if name == "page" and value > MAX_PAGE:
        return "number_too_large"
    return None


def _integer_parameters(route: APIRoute) -> tuple[tuple[str, str], ...]:
    """(name, "path" | "query") of each parameter the route declares as an integer; worked out once per route."""
    known = getattr(route, "_shopapp_integer_parameters", None)
    if known is not None:
        return known
    found = []
    for location, fields in (("path", route.dependant.path_params), ("query", route.dependant.query_params)):
        for field in fields:
            if _holds_int(field.field_info.annotation):
                found.append((field.alias or field.name, location))
    route._shopapp_integer_parameters = tuple(found)
    return route._shopapp_integer_parameters


def _holds_int(annotation) -> bool:
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, tuple, set, typing.Annotated):
        return any(_holds_int(arg) for arg in typing.get_args(annotation))
    return False


def _is_json(request: Request) -> bool:
    # FastAPI reads a body without a content type as JSON too.
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type in ("", "application/json") or content_type.endswith("+json")
