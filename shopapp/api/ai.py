"""The AI helpers over HTTP: reply suggestions (whole, or streamed as server-sent events) and product copy.

Each route reads what the engine needs in one short transaction and asks the engine after it has
ended, so a slow model never holds a database lock.
"""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.api.errors import request_lang
from shopapp.i18n import error_message
from shopapp.services.insights import copywriting
from shopapp.services.support.ai import service as ai

router = APIRouter(tags=["ai helpers"])


class CopyBody(BaseModel):
    fields: Any = None
    tone: Any = None
    keywords: Any = None


@router.post("/conversations/{conversation_id}/reply-suggestions")
def reply_suggestions(conversation_id: int, request: Request):
    with acting(request) as (session, actor):
        context = ai.reply_context(session, actor, conversation_id)
    return _with_error_message(ai.suggest(context), request)


@router.post("/conversations/{conversation_id}/reply-suggestions/stream")
def stream_reply_suggestion(conversation_id: int, request: Request):
    """text/event-stream: `start`, `text`..., `done` events; `error` then an offline `start` when the model fails."""
    with acting(request) as (session, actor):
        context = ai.reply_context(session, actor, conversation_id)
    lang = request_lang(request)

    def events():
        for event in ai.stream_suggestion(context):
            if event["type"] == "error":
                event = {**event, "message": error_message(event["code"], lang)}
            yield f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.post("/products/{product_id}/ai-copy")
def product_copy(product_id: int, request: Request, body: CopyBody | None = None):
    body = body or CopyBody()
    with acting(request) as (session, actor):
        copy_request = copywriting.copy_request(session, actor, product_id, body.fields, body.tone, body.keywords)
    return _with_error_message(copywriting.write_copy(copy_request), request)


def _with_error_message(answer: dict, request: Request) -> dict:
    """A fallback answer says why, in the reader's language: {error: {code, message}}."""
    if answer.get("error"):
        code = answer["error"]
        answer = {**answer, "error": {"code": code, "message": error_message(code, request_lang(request))}}
    return jsonable(answer)
