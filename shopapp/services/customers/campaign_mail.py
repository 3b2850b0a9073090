"""A campaign e-mail as one recipient gets it, and what comes back through its links.

Every link in the mail goes through the platform first (`/api/v1/mail/c/{token}/{n}`: the n-th link
of that campaign, so the redirect can only lead where the owner linked, never anywhere a URL says),
a 1-pixel picture counts the open, and the footer's link (and the List-Unsubscribe header) unsubscribes
the address from every later campaign of the shop.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import nh3
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import Campaign, CampaignRecipient, EmailUnsubscribe, Product, Shop
from shopapp.models.base import utcnow
from shopapp.services.catalog.views import product_summaries
from shopapp.services.core.errors import NotFound
from shopapp.services.core.money import format_price_range
from shopapp.services.core.outbox import masked_address
from shopapp.settings import get_settings

_HREF = re.compile(r'href="([^"]*)"')


@dataclass(frozen=True)
class Mail:
    html: str
    text: str
    unsubscribe_url: str


@dataclass(frozen=True)
class Letter:
    """A campaign's mail made once (its products read once), then addressed to each recipient by `to`."""

    body: str  # the owner's words and the products, links as written
    targets: tuple[str, ...]  # its links, in order: the n-th is where /mail/c/{token}/n leads
    text: str  # the plain-text part without the unsubscribe line
    shop_name: str
    base: str

    def to(self, token: str | None) -> Mail:
        """The mail for the recipient holding `token`; None is the owner's test send (links go straight out)."""
        body, unsubscribe_url = self.body, ""
        if token:
            counter = iter(range(1, len(self.targets) + 1))
            body = _HREF.sub(lambda _: f'href="{self.base}/api/v1/mail/c/{token}/{next(counter)}"', body)
            body += f'<img src="{self.base}/api/v1/mail/o/{token}.gif" width="1" height="1" alt="">'
            unsubscribe_url = f"{self.base}/api/v1/mail/unsubscribe/{token}"
        html = f'<div style="max-width:600px;margin:0 auto;font-family:sans-serif">{body}{_footer(self.shop_name, unsubscribe_url)}</div>'
        text = self.text + (f"\n退订 Unsubscribe: {unsubscribe_url}" if unsubscribe_url else "")
        return Mail(html=html, text=text, unsubscribe_url=unsubscribe_url)


def letter(session: Session, campaign: Campaign) -> Letter:
    shop = session.get(Shop, campaign.shop_id)
    base = get_settings().public_url
    body = campaign.body_html + _products_html(session, campaign, base, shop.slug)
    targets = tuple(html_lib.unescape(url) for url in _HREF.findall(body))
    return Letter(body=body, targets=targets, text=_plain(campaign.body_html, targets, shop.name), shop_name=shop.name, base=base)


def links(session: Session, campaign: Campaign) -> tuple[str, ...]:
    """The campaign's links in the order the mail holds them: the body's, then each product's."""
    return letter(session, campaign).targets


def record_open(session: Session, token: str) -> None:
    """Counts the recipient's first open (the picture); unknown tokens are ignored, the picture still shows."""
    recipient = _recipient(session, token, required=False)
    if recipient is not None:
        _first(session, recipient, "opened_at", "opened")


def follow_link(session: Session, token: str, n: int) -> str:
    """Where the n-th link of the recipient's mail leads; counts the click (and the open, pictures or not)."""
    recipient = _recipient(session, token)
    targets = links(session, session.get(Campaign, recipient.campaign_id))
    if not 1 <= n <= len(targets):
        raise NotFound("link_not_found")
    _first(session, recipient, "opened_at", "opened")
    _first(session, recipient, "clicked_at", "clicked")
    return targets[n - 1]


def unsubscribe_info(session: Session, token: str) -> dict:
    """What the unsubscribe page shows: the shop, the address (masked), and whether it is already done."""
    recipient = _recipient(session, token)
    shop = session.get(Shop, recipient.shop_id)
    done = session.exec(select(EmailUnsubscribe.id).where(EmailUnsubscribe.shop_id == recipient.shop_id,
                                                           EmailUnsubscribe.email == recipient.email)).first()
    return {"shop_name": shop.name, "email": masked_address(recipient.email), "unsubscribed": done is not None}


def unsubscribe(session: Session, token: str) -> dict:
    """The address gets no more of the shop's campaigns. Saying it twice changes nothing."""
    recipient = _recipient(session, token)
    try:
        with session.begin_nested():
            session.add(EmailUnsubscribe(shop_id=recipient.shop_id, email=recipient.email, campaign_id=recipient.campaign_id))
            session.flush()
    except IntegrityError:
        return unsubscribe_info(session, token)
    session.exec(update(Campaign).where(Campaign.id == recipient.campaign_id).values(unsubscribed=Campaign.unsubscribed + 1))
    return unsubscribe_info(session, token)


def _recipient(session: Session, token: str, required: bool = True) -> CampaignRecipient | None:
    recipient = session.exec(select(CampaignRecipient).where(CampaignRecipient.token == token)).first() if token else None
    if recipient is None and required:
        raise NotFound("link_not_found")
    return recipient


def _first(session: Session, recipient: CampaignRecipient, moment: str, counter: str) -> None:
    """Sets the recipient's moment once and counts it on the campaign once, even when two requests race."""
    column = getattr(CampaignRecipient, moment)
    changed = session.exec(update(CampaignRecipient).where(CampaignRecipient.id == recipient.id, column.is_(None))
                           .values({moment: utcnow()})).rowcount
    if changed:
        session.exec(update(Campaign).where(Campaign.id == recipient.campaign_id)
                     .values({counter: getattr(Campaign, counter) + 1}))


def featured(session: Session, campaign: Campaign) -> list[dict]:
    """The campaign's products as the catalogue lists them, in the order the owner picked them."""
    if not campaign.product_ids:
        return []
    products = session.exec(select(Product).where(Product.shop_id == campaign.shop_id, Product.id.in_(campaign.product_ids))).all()
    order = {product_id: n for n, product_id in enumerate(campaign.product_ids)}
    return sorted(product_summaries(session, campaign.shop_id, list(products)), key=lambda s: order[s["id"]])


def _products_html(session: Session, campaign: Campaign, base: str, slug: str) -> str:
    summaries = featured(session, campaign)
    if not summaries:
        return ""
    cells = []
    for summary in summaries:
        image = summary["image"]["thumb_url"] if summary["image"] else ""
        picture = f'<img src="{_absolute(base, image)}" width="160" alt="" style="display:block">' if image else ""
        price = format_price_range(summary["price_min"], summary["price_max"]) if summary["price_min"] is not None else ""
        cells.append(f'<td style="padding:8px;vertical-align:top;width:33%"><a href="{base}/s/{slug}/p/{summary["id"]}">'
                     f'{picture}<div>{html_lib.escape(summary["title"])}</div><strong>{price}</strong></a></td>')
    return f'<table role="presentation" style="width:100%"><tr>{"".join(cells)}</tr></table>'


def _footer(shop_name: str, unsubscribe_url: str) -> str:
    name = html_lib.escape(shop_name)
    link = (f' · <a href="{unsubscribe_url}">退订 Unsubscribe</a>' if unsubscribe_url else "")
    return f'<p style="color:#888;font-size:12px;margin-top:24px">{name}{link}</p>'


def _plain(body_html: str, targets: tuple[str, ...], shop_name: str) -> str:
    text = html_lib.unescape(nh3.clean(re.sub(r"</(p|div|h\d|li)>|<br\s*/?>", "\n", body_html), tags=set())).strip()
    return "\n".join([text, "", *targets, "", shop_name])


def _absolute(base: str, url: str) -> str:
    return f"{base}{url}" if url.startswith("/") else url
