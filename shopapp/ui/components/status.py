"""Order, after-sales and parcel statuses in the reader's language, for the console, the storefront and the desk."""

import reflex as rx

from shopapp.services.orders import aftersales, fulfillment
from shopapp.ui.components.text import tr

ORDER_STATUSES = ("pending_payment", "paid", "partially_shipped", "shipped", "delivered", "completed", "cancelled", "closed")


def order_status_label(status: rx.Var) -> rx.Component:
    """An order's status as words; a status without words shows as it is."""
    return rx.match(status, *[(s, tr(f"order.status.{s}")) for s in ORDER_STATUSES], status)


def order_status_text(status: str) -> rx.Var:
    """The words for a status known when the page is built (a tab)."""
    return tr(f"order.status.{status}")


def order_event_label(event_type: rx.Var) -> rx.Component:
    """A step of the order's timeline as the shopper reads it."""
    return rx.match(
        event_type, ("placed", tr("order.event.placed")), ("paid", tr("order.status.paid")),
        ("cancelled", tr("order.status.cancelled")), ("payment_failed", tr("order.event.payment_failed")),
        ("payment_refunded", tr("order.event.payment_refunded")), event_type,
    )


def aftersales_kind_label(kind: rx.Var) -> rx.Component:
    return rx.match(kind, ("refund_only", tr("aftersales.refund_only")), tr("aftersales.return_and_refund"))


def aftersales_status_label(status: rx.Var) -> rx.Component:
    return rx.match(status, *[(s, tr(f"aftersales.status.{s}")) for s in aftersales.STATUSES], status)


def tracking_status_options() -> list[rx.Component]:
    """The parcel statuses a person may add to a shipment's tracking (it starts as shipped)."""
    return [rx.el.option(tr(f"tracking.{s}"), value=s) for s in fulfillment.SHIPMENT_STATUSES if s != "shipped"]
