"""How a shop is paid: the platform's collection (担保交易: the platform takes the money and settles it to the
shop's balance) or the shop's own Alipay app (money goes straight to the shop). The app's keys are stored
encrypted with the platform's key (PAYMENT_KEYS_KEY, else derived from SECRET_KEY) and never shown again."""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import Session, select

from shopapp.models import ShopPaymentAccount
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Invalid
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.remembered import Remembered
from shopapp.services.payments.alipay import Alipay, load_private_key, load_public_key
from shopapp.settings import get_settings

MODES = ("platform", "own_alipay")
ACCOUNT_SECONDS = 1.0
_accounts: Remembered[int, tuple[str, str]] = Remembered(ACCOUNT_SECONDS)  # shop id -> (app id, encrypted keys)


def payment_mode(session: Session, shop_id: int) -> dict:
    """{mode, alipay_app_id, connected_at}: never the keys."""
    row = _row(session, shop_id)
    if row is None or row.mode != "own_alipay":
        return {"mode": "platform", "alipay_app_id": "", "connected_at": None}
    return {"mode": "own_alipay", "alipay_app_id": row.alipay_app_id, "connected_at": row.connected_at}


def connect_own_alipay(session: Session, actor: Actor, app_id: str, private_key: str, alipay_public_key: str) -> dict:
    """Take payments into the shop's own Alipay app, once a test call with these keys succeeds."""
    require(actor, "edit_shop")
    app_id = (app_id or "").strip()
    errors: dict[str, str] = {}
    if not app_id.isdigit() or not 8 <= len(app_id) <= 32:
        errors["app_id"] = "alipay_app_id_invalid"
    try:
        load_private_key(private_key)
    except ValueError:
        errors["private_key"] = "alipay_key_invalid"
    try:
        load_public_key(alipay_public_key)
    except ValueError:
        errors["alipay_public_key"] = "alipay_key_invalid"
    if errors:
        raise Invalid(fields=errors)
    gateway = _gateway(app_id, private_key, alipay_public_key)
    if not gateway.check_keys():
        raise Invalid("alipay_keys_refused", fields={"app_id": "alipay_keys_refused"})
    row = _row(session, actor.shop_id) or ShopPaymentAccount(shop_id=actor.shop_id)
    row.mode, row.alipay_app_id, row.connected_at, row.updated_at = "own_alipay", app_id, utcnow(), utcnow()
    row.alipay_keys_encrypted = _fernet().encrypt(
        json.dumps({"private_key": private_key, "alipay_public_key": alipay_public_key}).encode()
    ).decode()
    session.add(row)
    session.flush()
    _accounts.forget(actor.shop_id)
    return payment_mode(session, actor.shop_id)


def use_platform_collection(session: Session, actor: Actor) -> dict:
    """Back to the platform's collection; the stored keys are dropped."""
    require(actor, "edit_shop")
    row = _row(session, actor.shop_id)
    if row is not None:
        row.mode, row.alipay_keys_encrypted, row.alipay_app_id, row.updated_at = "platform", "", "", utcnow()
        session.add(row)
        session.flush()
    _accounts.forget(actor.shop_id)
    return payment_mode(session, actor.shop_id)


def shop_gateway(session: Session, shop_id: int) -> Alipay | None:
    """The shop's own Alipay app, when it connected one. Every checkout asks (its payment goes there), so
    each process remembers the account for ACCOUNT_SECONDS: a switch reaches another worker that much
    later, and a payment made meanwhile is still paid and refunded where it says (Payment.collection)."""
    own = _accounts.get(shop_id)
    if own is None:
        row = _row(session, shop_id)
        connected = row is not None and row.mode == "own_alipay" and row.alipay_keys_encrypted
        own = (row.alipay_app_id, row.alipay_keys_encrypted) if connected else ("", "")
        _accounts.put(shop_id, own)
    app_id, keys = own
    return _decrypted_gateway(app_id, keys) if keys else None


def forget_accounts() -> None:
    """This process asks the database again at once (a test's next shop may have the same id)."""
    _accounts.forget()


def gateway_for_app(session: Session, app_id: str) -> Alipay | None:
    """The shop's gateway an Alipay notification for `app_id` belongs to (None: not a shop's app)."""
    if not app_id:
        return None
    row = session.exec(select(ShopPaymentAccount).where(
        ShopPaymentAccount.alipay_app_id == app_id, ShopPaymentAccount.mode == "own_alipay")).first()
    return _decrypted_gateway(row.alipay_app_id, row.alipay_keys_encrypted) if row is not None else None


def _decrypted_gateway(app_id: str, encrypted_keys: str) -> Alipay | None:
    try:
        keys = json.loads(_fernet().decrypt(encrypted_keys.encode()))
    except (InvalidToken, ValueError):
        return None  # the platform's key changed: the owner connects again
    return _gateway(app_id, keys["private_key"], keys["alipay_public_key"])


def _gateway(app_id: str, private_key: str, alipay_public_key: str) -> Alipay:
    settings = get_settings()
    return Alipay(app_id=app_id, private_key=private_key, alipay_public_key=alipay_public_key,
                  gateway=settings.alipay_gateway, notify_url=f"{settings.public_url}/api/v1/payments/alipay/notify")


def _fernet() -> Fernet:
    settings = get_settings()
    if settings.payment_keys_key:
        return Fernet(settings.payment_keys_key.encode())
    digest = hashlib.sha256(b"shopapp-payment-keys:" + settings.secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _row(session: Session, shop_id: int) -> ShopPaymentAccount | None:
    return session.exec(select(ShopPaymentAccount).where(ShopPaymentAccount.shop_id == shop_id)).first()
