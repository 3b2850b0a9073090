"""Alipay (支付宝) open-platform adapter: page/WAP pay URLs, RSA2 notifications, query and refund.

RSA2 is SHA256withRSA (PKCS#1 v1.5) over the parameters sorted by name and joined as k=v&k=v,
empty values left out. A request signs everything but `sign`; an asynchronous notification is
verified over everything but `sign` and `sign_type` with Alipay's public key, then answered with
the plain text `success` (Alipay repeats it until it gets that). A synchronous answer is signed
over the exact JSON text of its `<method>_response` member.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import textwrap
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from shopapp.models import Order, Payment
from shopapp.models.base import utcnow
from shopapp.services.core.clock import CHINA_TIME  # Alipay reads every timestamp as Beijing time
from shopapp.services.payments.base import (
    PaymentProvider,
    ProviderUnavailable,
    SignatureInvalid,
    VerifiedNotification,
    sign_content,
)

log = logging.getLogger(__name__)
_TRADE_OUTCOME = {
    "TRADE_SUCCESS": "succeeded", "TRADE_FINISHED": "succeeded", "TRADE_CLOSED": "failed", "WAIT_BUYER_PAY": "pending",
}
_NOT_SIGNED_IN_NOTIFICATIONS = ("sign", "sign_type")


class Alipay(PaymentProvider):
    name = "alipay"
    acknowledgement = "success"

    def __init__(
        self, *, app_id: str, private_key: str, alipay_public_key: str, gateway: str, notify_url: str,
        http: httpx.Client | None = None,
    ):
        self.app_id = app_id
        self.gateway = gateway
        self.notify_url = notify_url
        self._private_key = load_private_key(private_key)
        self._alipay_key = load_public_key(alipay_public_key)
        self._http = http

    def create_payment(
        self, payment: Payment, order: Order, *, subject: str, return_url: str, mobile: bool = True,
    ) -> str:
        """A signed GET URL of alipay.trade.wap.pay (phones) or alipay.trade.page.pay (computers)."""
        biz = {
            "out_trade_no": payment.reference,
            "total_amount": yuan(payment.amount),
            "subject": subject[:256],
            "product_code": "QUICK_WAP_WAY" if mobile else "FAST_INSTANT_TRADE_PAY",
        }
        if order.expires_at:
            # Alipay closes the trade when we would cancel the order, so late payments stay rare.
            biz["time_expire"] = order.expires_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")
        if mobile and return_url:
            biz["quit_url"] = return_url
        params = self._request("alipay.trade.wap.pay" if mobile else "alipay.trade.page.pay", biz)
        params["return_url"] = return_url
        params["notify_url"] = self.notify_url
        params["sign"] = self.sign(params)
        return f"{self.gateway}?{urlencode(params)}"

    def verify_notification(self, payload: Mapping[str, str]) -> VerifiedNotification:
        signature = payload.get("sign") or ""
        if not self.verify(sign_content(payload, leave_out=_NOT_SIGNED_IN_NOTIFICATIONS), signature):
            raise SignatureInvalid()
        if payload.get("app_id") != self.app_id:
            raise SignatureInvalid("notification_not_ours")
        try:
            return VerifiedNotification(
                notification_id=payload["notify_id"],
                payment_reference=payload["out_trade_no"],
                outcome=_TRADE_OUTCOME[payload["trade_status"]],
                amount=fen(payload["total_amount"]),
                provider_reference=payload.get("trade_no", ""),
            )
        except (KeyError, ValueError):
            raise SignatureInvalid("notification_malformed") from None

    def query(self, payment: Payment) -> str:
        answer = self._call("alipay.trade.query", {"out_trade_no": payment.reference})
        return _TRADE_OUTCOME.get(answer.get("trade_status", ""), "pending")

    def refund(self, payment: Payment, amount: int, reason: str, request_no: str | None = None) -> str:
        # One out_request_no per refund: Alipay refunds a repeated request only once.
        answer = self._call("alipay.trade.refund", {
            "out_trade_no": payment.reference, "refund_amount": yuan(amount),
            "refund_reason": reason[:256], "out_request_no": request_no or f"{payment.reference}-R",
        })
        return answer.get("trade_no", "")

    def sign(self, params: Mapping[str, object]) -> str:
        content = sign_content(params).encode("utf-8")
        return base64.b64encode(self._private_key.sign(content, padding.PKCS1v15(), hashes.SHA256())).decode()

    def verify(self, content: str, signature: str) -> bool:
        try:
            self._alipay_key.verify(
                base64.b64decode(signature, validate=True), content.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256(),
            )
        except (InvalidSignature, binascii.Error, ValueError, TypeError):
            return False
        return True

    def _request(self, method: str, biz: dict) -> dict[str, str]:
        return {
            "app_id": self.app_id, "method": method, "format": "JSON", "charset": "utf-8", "sign_type": "RSA2",
            "timestamp": utcnow().astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S"), "version": "1.0",
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
        }

    def check_keys(self) -> bool:
        """A test call (alipay.trade.query of a trade that cannot exist): True when the gateway accepted our
        signature and app id and its answer verifies with its public key; ProviderUnavailable when unreachable."""
        try:
            answer = self._signed_answer("alipay.trade.query", {"out_trade_no": "KEYCHECK-0"})
        except ProviderUnavailable:
            return False
        return not str(answer.get("sub_code", "")).startswith("isv.")

    def _call(self, method: str, biz: dict) -> dict:
        answer = self._signed_answer(method, biz)
        if answer.get("code") != "10000":
            log.warning("alipay %s refused: %s %s", method, answer.get("sub_code"), answer.get("sub_msg"))
            raise ProviderUnavailable()
        return answer

    def _signed_answer(self, method: str, biz: dict) -> dict:
        """A signed server-to-server call; the answer's signature is checked before it is believed."""
        params = self._request(method, biz)
        params["sign"] = self.sign(params)
        try:
            if self._http is not None:
                text = self._http.post(self.gateway, data=params).text
            else:
                with httpx.Client(timeout=15) as http:
                    text = http.post(self.gateway, data=params).text
        except httpx.HTTPError as exc:
            log.warning("alipay %s failed: %s", method, exc)
            raise ProviderUnavailable() from exc
        node = method.replace(".", "_") + "_response"
        answer, raw = _member(text, node)
        if answer is None:
            log.warning("alipay %s answered without %s: %.300s", method, node, text)
            raise ProviderUnavailable()
        signature = _top_level(text).get("sign")
        if not signature or not self.verify(raw, signature):
            log.warning("alipay %s answer's signature does not verify", method)
            raise ProviderUnavailable()
        return answer


def yuan(amount: int) -> str:
    """分 as Alipay's amount: 1234 -> "12.34" (always two decimals)."""
    return f"{amount // 100}.{amount % 100:02d}"


def fen(text: str) -> int:
    """Alipay's amount back to 分; anything that is not a plain amount is refused."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        raise ValueError(text) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return int(value * 100)


def load_private_key(text: str) -> rsa.RSAPrivateKey:
    """PEM, or the bare base64 Alipay's key tool shows (PKCS#8 or PKCS#1)."""
    for pem in _pem_candidates(text, ("PRIVATE KEY", "RSA PRIVATE KEY")):
        try:
            return serialization.load_pem_private_key(pem, password=None)
        except ValueError:
            continue
    raise ValueError("ALIPAY_PRIVATE_KEY is not an RSA private key")


def load_public_key(text: str) -> rsa.RSAPublicKey:
    for pem in _pem_candidates(text, ("PUBLIC KEY", "RSA PUBLIC KEY")):
        try:
            return serialization.load_pem_public_key(pem)
        except ValueError:
            continue
    raise ValueError("ALIPAY_PUBLIC_KEY is not an RSA public key")


def _pem_candidates(text: str, labels: tuple[str, ...]) -> list[bytes]:
    text = (text or "").strip().replace("\\n", "\n")
    if "-----BEGIN" in text:
        return [text.encode()]
    body = "\n".join(textwrap.wrap("".join(text.split()), 64))
    return [f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode() for label in labels]


def _member(text: str, name: str) -> tuple[dict | None, str]:
    """The member `name` of a JSON object, parsed, and its exact text (what Alipay signed)."""
    key = f'"{name}"'
    at = text.find(key)
    if at < 0:
        return None, ""
    start = text.find("{", at + len(key))
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
    except (json.JSONDecodeError, ValueError):
        return None, ""
    return (value if isinstance(value, dict) else None), text[start:end]


def _top_level(text: str) -> dict:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
