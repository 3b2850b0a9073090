"""The built-in sandbox gateway: a hosted pay page and HMAC-SHA256 signed notifications, like a real one.

The pay page (GET/POST /api/v1/payments/sandbox/{payment_id}/pay) lets the shopper choose success or
failure; the gateway then builds and signs the exact notification a real gateway would POST to
/api/v1/payments/sandbox/notify. It hands it to the same handler in-process (service.sandbox_pay)
rather than over HTTP: the result is identical, tests need no reachable PUBLIC_URL, and on SQLite
a request calling its own server while holding the write lock would wait for itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from urllib.parse import urlencode

from shopapp.models import Order, Payment
from shopapp.models.base import utcnow
from shopapp.services.payments.base import PaymentProvider, SignatureInvalid, VerifiedNotification, sign_content

SIGN_TYPE = "HMAC-SHA256"
_NOT_SIGNED = ("sign", "sign_type")
_STATUS_OUTCOME = {"succeeded": "succeeded", "refunded": "succeeded", "failed": "failed"}


class SandboxGateway(PaymentProvider):
    name = "sandbox"
    acknowledgement = "success"

    def __init__(self, secret_key: str, public_url: str, public_id=None):
        self._key = secret_key.encode()
        self._public_url = public_url.rstrip("/")
        # How a payment is named in its pay URL: the unguessable id the platform hands out (orders/payments.public_id).
        self._public_id = public_id or (lambda payment: str(payment.id))

    def create_payment(
        self, payment: Payment, order: Order, *, subject: str, return_url: str, mobile: bool = True,
    ) -> str:
        url = f"{self._public_url}/api/v1/payments/sandbox/{self._public_id(payment)}/pay"
        return f"{url}?{urlencode({'return_url': return_url})}" if return_url else url

    def safe_return_url(self, return_url: str | None) -> str | None:
        """Where the pay page may send the shopper back to: our own site only, never elsewhere."""
        return return_url if return_url and return_url.startswith(self._public_url + "/") else None

    def notification(self, payment: Payment, outcome: str) -> dict[str, str]:
        """The signed notification the gateway sends when the shopper chose `outcome` on the pay page."""
        params = {
            "notify_id": secrets.token_hex(16),
            "payment_reference": payment.reference,
            "trade_no": f"SBX{payment.reference}",
            "outcome": outcome,
            "amount": str(payment.amount),
            "currency": payment.currency,
            "sent_at": utcnow().isoformat(timespec="seconds"),
            "sign_type": SIGN_TYPE,
        }
        params["sign"] = self._signature(params)
        return params

    def verify_notification(self, payload: Mapping[str, str]) -> VerifiedNotification:
        given = payload.get("sign")
        if not isinstance(given, str) or not hmac.compare_digest(given, self._signature(payload)):
            raise SignatureInvalid()
        try:
            amount = int(payload["amount"])
            outcome = payload["outcome"]
            if outcome not in ("succeeded", "failed"):
                raise ValueError(outcome)
            return VerifiedNotification(
                notification_id=payload["notify_id"], payment_reference=payload["payment_reference"],
                outcome=outcome, amount=amount, provider_reference=payload.get("trade_no", ""),
            )
        except (KeyError, ValueError, TypeError):
            raise SignatureInvalid("notification_malformed") from None

    def query(self, payment: Payment) -> str:
        return _STATUS_OUTCOME.get(payment.status, "pending")

    def refund(self, payment: Payment, amount: int, reason: str, request_no: str | None = None) -> str:
        return f"SBXR{request_no or payment.reference}"

    def _signature(self, params: Mapping[str, object]) -> str:
        content = sign_content(params, leave_out=_NOT_SIGNED)
        return hmac.new(self._key, content.encode(), hashlib.sha256).hexdigest()
