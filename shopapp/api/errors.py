"""Every error the API answers, in one shape: {"error": {code, message, fields}}, with a request id."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from shopapp.i18n import error_message, field_message, pick_lang
from shopapp.services.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    ShopSuspended,
    TooLarge,
    Unauthorized,
    Unavailable,
)

log = logging.getLogger("shopapp.api")

# What each kind of domain error is in HTTP; any other DomainError is a plain 400.
HTTP_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (Invalid, 422), (NotFound, 404), (Conflict, 409), (Forbidden, 403), (Unauthorized, 401),
    (RateLimited, 429), (TooLarge, 413), (Unavailable, 502), (ShopSuspended, 423),
)


def install(api: FastAPI) -> None:
    api.middleware("http")(_request_id)
    api.add_exception_handler(DomainError, _domain_error)
    api.add_exception_handler(RequestValidationError, _validation_error)
    api.add_exception_handler(HTTPException, _http_error)
    api.add_exception_handler(Exception, _unexpected_error)


API_PREFIX = "/api/v1"
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


def install_fallback(api: FastAPI) -> None:
    """Every path under /api/v1 that no route takes answers the JSON error body: 404, or 405 with
    Allow when the path exists for other methods. Added after the routers and before Reflex mounts
    its pages at "", which would otherwise answer the app's HTML 404 page to API clients."""
    routes = list(api.routes)

    async def no_such_endpoint(request: Request):
        # A path that differs from a route only by its trailing slash is that route (as FastAPI's own
        # redirect_slashes would say): a relative redirect, never one built from the Host header.
        path = request.url.path
        other = path.rstrip("/") if path.endswith("/") else path + "/"
        if any(route.matches({**request.scope, "path": other})[0] is Match.FULL for route in routes):
            return RedirectResponse(other + (f"?{request.url.query}" if request.url.query else ""), status_code=307)
        allowed = [method for method in _METHODS if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )]
        if allowed:
            raise HTTPException(405, headers={"Allow": ", ".join(allowed)})
        raise HTTPException(404)

    for path in (API_PREFIX, API_PREFIX + "/{rest:path}"):
        api.add_api_route(path, no_such_endpoint, methods=_METHODS, include_in_schema=False)


def error_response(
    request: Request, status: int, code: str, fields: dict[str, str] | None = None, headers: dict[str, str] | None = None,
    **params,
) -> JSONResponse:
    lang = request_lang(request)
    body = {
        "code": code,
        "message": error_message(code, lang, **params),
        "fields": {name: field_message(problem, lang) for name, problem in (fields or {}).items()},
        "field_codes": fields or {},
        "request_id": getattr(request.state, "request_id", ""),
    }
    headers = {**(headers or {}), "X-Request-ID": body["request_id"]}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def request_lang(request: Request) -> str:
    return pick_lang(request.query_params.get("lang") or request.headers.get("accept-language"))


async def _request_id(request: Request, call_next):
    request.state.request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:16]
    response = await call_next(request)
    response.headers["X-Request-ID"] = request.state.request_id
    return response


def http_status(exc: DomainError) -> int:
    return next((status for kind, status in HTTP_STATUS if isinstance(exc, kind)), 400)


async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
    status = http_status(exc)
    # A client told to slow down learns when to try again (RFC 9110 Retry-After).
    headers = {"Retry-After": str(exc.params["seconds"])} if status == 429 and "seconds" in exc.params else None
    return error_response(request, status, exc.code, exc.fields, headers=headers, **exc.params)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    fields: dict[str, str] = {}
    for problem in exc.errors():
        if problem.get("type") == "json_invalid":
            return error_response(request, 400, "malformed_json")
        location = [str(part) for part in problem.get("loc", ()) if part not in ("body", "query", "path")]
        name = ".".join(location) or "body"
        fields[name] = "required" if problem.get("type") == "missing" else _field_code(problem.get("type", ""))
    return error_response(request, 422, "invalid_input", fields)


def _field_code(pydantic_type: str) -> str:
    if pydantic_type.startswith(("int", "float")):
        return "must_be_number"
    if pydantic_type.startswith("string") or pydantic_type == "str_type":
        return "must_be_text"
    return "invalid"


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(exc.status_code, "invalid_input")
    return error_response(request, exc.status_code, code, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", "") or uuid.uuid4().hex[:16]
    request.state.request_id = request_id
    log.exception("request %s %s %s failed", request_id, request.method, request.url.path)
    return error_response(request, 500, "internal_error", request_id=request_id)
