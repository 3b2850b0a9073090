"""What every payment provider offers the platform, and the shared signing helpers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from shopapp.models import Order, Payment
from shopapp.services.core.errors import DomainError, Unavailable

OUTCOMES = ("succeeded", "failed", "pending")


class SignatureInvalid(DomainError):
    """A notification whose signature does not verify: answered 400, nothing changes."""

    code = "signature_invalid"


class ProviderUnavailable(Unavailable):
    """The provider refused or could not be reached; the caller may try again later."""

    code = "payment_provider_unavailable"


@dataclass(frozen=True)
class VerifiedNotification:
    """A notification whose signature checked out, in the platform's words."""

    notification_id: str
    payment_reference: str  # our Payment.reference, as we sent it
    outcome: str  # one of OUTCOMES
    amount: int | None  # minor units, as the provider says it was paid
    provider_reference: str = ""


class PaymentProvider(ABC):
    name: str
    # What the notify endpoint answers once a notification is handled (Alipay wants "success").
    acknowledgement: str = "success"

    @abstractmethod
    def create_payment(
        self, payment: Payment, order: Order, *, subject: str, return_url: str, mobile: bool = True,
    ) -> str:
        """The pay_url the shopper is sent to."""

    @abstractmethod
    def verify_notification(self, payload: Mapping[str, str]) -> VerifiedNotification:
        """The notification, verified; raises SignatureInvalid before anything else happens."""

    @abstractmethod
    def query(self, payment: Payment) -> str:
        """What the provider says about the payment now: one of OUTCOMES."""

    @abstractmethod
    def refund(self, payment: Payment, amount: int, reason: str, request_no: str | None = None) -> str:
        """Give `amount` back; returns the provider's refund reference.

        Safe to repeat with the same `request_no` (one per refund; None means the payment's one full refund).
        """


def sign_content(params: Mapping[str, object], leave_out: tuple[str, ...] = ("sign",)) -> str:
    """Parameters sorted by name and joined as k=v&k=v, empty values left out (Alipay's rule, and ours)."""
    return "&".join(
        f"{name}={params[name]}" for name in sorted(params)
        if name not in leave_out and params[name] not in (None, "")
    )
