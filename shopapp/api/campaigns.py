"""E-mail campaigns over HTTP: the owner's campaigns, and the links in the mails (open, click, unsubscribe)."""

import base64
import html

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shopapp.api.deps import acting, jsonable
from shopapp.db import session_scope
from shopapp.i18n import t
from shopapp.services.core.errors import NotFound
from shopapp.services.customers import campaign_mail, campaigns

router = APIRouter(tags=["campaigns"])
# The smallest transparent GIF: what the open-counting picture answers, whatever the token.
_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@router.post("/campaigns", status_code=201)
def create_campaign(data: dict, request: Request):
    """`{name, subject, body_html, product_ids?, segment}` → 201 campaign (a draft)."""
    with acting(request) as (session, actor):
        return jsonable(campaigns.create_campaign(session, actor, data))


@router.get("/campaigns")
def list_campaigns(request: Request, page: int = 1):
    """→ `{items: [{id, name, subject, status, recipients, sent, failed, opened, clicked, unsubscribed, …}], total}`"""
    with acting(request) as (session, actor):
        return jsonable(campaigns.list_campaigns(session, actor, page))


@router.get("/campaigns/{campaign_id}")
def get_campaign(campaign_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(campaigns.get_campaign(session, actor, campaign_id))


@router.patch("/campaigns/{campaign_id}")
def update_campaign(campaign_id: int, data: dict, request: Request):
    """Any of the create fields, while the campaign is a draft or scheduled; 409 once it is sending."""
    with acting(request) as (session, actor):
        return jsonable(campaigns.update_campaign(session, actor, campaign_id, data))


@router.post("/campaigns/{campaign_id}/test")
def send_test(campaign_id: int, request: Request):
    """Sends the campaign to the signed-in person's own address → `{to}`."""
    with acting(request) as (session, actor):
        return {"to": campaigns.send_test(session, actor, campaign_id)}


@router.post("/campaigns/{campaign_id}/send")
def send_campaign(campaign_id: int, request: Request, data: dict | None = None):
    """`{send_at?}` (ISO 8601, to come; none = now) → the campaign, `scheduled`; 409 `campaign_segment_empty`."""
    send_at = (data or {}).get("send_at")
    with acting(request) as (session, actor):
        return jsonable(campaigns.schedule(session, actor, campaign_id, send_at))


@router.post("/campaigns/{campaign_id}/cancel")
def cancel_campaign(campaign_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(campaigns.cancel(session, actor, campaign_id))


@router.get("/mail/o/{token}.gif")
def opened(token: str):
    with session_scope() as session:
        campaign_mail.record_open(session, token)
    return Response(_PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})


@router.get("/mail/c/{token}/{n}")
def clicked(token: str, n: int):
    with session_scope() as session:
        target = campaign_mail.follow_link(session, token, n)
    return RedirectResponse(target, status_code=302)


@router.get("/mail/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(token: str):
    """A page with one button: mail scanners open links, so only the button (a POST) unsubscribes. In both
    languages, as the shop's e-mails are: whoever opens it may never have visited the shop."""
    with session_scope() as session:
        info = _info_or_none(lambda: campaign_mail.unsubscribe_info(session, token))
    if info is None:
        return _page("campaign.unsubscribe.unknown", {}, status=404)
    if info["unsubscribed"]:
        return _page("campaign.unsubscribe.done", info)
    return _page("campaign.unsubscribe.ask", info, form=True)


@router.post("/mail/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(token: str):
    """The page's button, and mail apps' one-click unsubscribe (RFC 8058 posts `List-Unsubscribe=One-Click`)."""
    with session_scope() as session:
        info = _info_or_none(lambda: campaign_mail.unsubscribe(session, token))
    if info is None:
        return _page("campaign.unsubscribe.unknown", {}, status=404)
    return _page("campaign.unsubscribe.done", info)


def _info_or_none(read):
    try:
        return read()
    except NotFound:
        return None


def _page(key: str, info: dict, *, form: bool = False, status: int = 200) -> HTMLResponse:
    words = {lang: t(key, lang, shop=info.get("shop_name", ""), email=info.get("email", "")) for lang in ("zh-CN", "en")}
    lines = "".join(f'<p style="font-size:18px">{html.escape(text)}</p>' for text in words.values())
    button = " / ".join(t("campaign.unsubscribe.button", lang) for lang in ("zh-CN", "en"))
    action = (f'<form method="post"><button type="submit" style="font-size:18px;padding:10px 24px">{html.escape(button)}'
              f'</button></form>') if form else ""
    body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,'
            f'initial-scale=1"><title>{html.escape(button)}</title></head><body style="font-family:sans-serif;max-width:480px;'
            f'margin:48px auto;padding:0 16px;text-align:center">{lines}{action}</body></html>')
    return HTMLResponse(body, status_code=status)
