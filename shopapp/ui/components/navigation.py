"""Leaving the single-page app for one of the server's own routes, without JavaScript's eval."""

import reflex as rx


def leave_to(url: rx.Var) -> rx.Component:
    """A <meta http-equiv="refresh"> once `url` is set: the browser loads that address as a whole page
    (browsers act on a refresh meta inserted into the document). Used where a page hands over to a
    server route: the session cookie (/api/v1/session/...), the payment provider's pay page."""
    return rx.cond(url != "", rx.el.meta(http_equiv="refresh", content="0;url=" + url))
