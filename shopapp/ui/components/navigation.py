"""Leaving the single-page app for one of the server's own routes, without JavaScript's eval."""

import reflex as rx


def leave_to(state) -> rx.Component:
    """A <meta http-equiv="refresh"> once the state (a ui.state.LeaveMixin) has an address for this very
    connection: the browser loads it as a whole page (browsers act on a refresh meta inserted into the
    document). Used where a page hands over to a server route: the session cookie (/api/v1/session/...),
    the payment provider's pay page."""
    here = (state.leave_url != "") & (state.leave_sid == rx.State.router.session.session_id)
    return rx.cond(here, rx.el.meta(http_equiv="refresh", content="0;url=" + state.leave_url))
