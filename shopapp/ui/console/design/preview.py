"""The editor's live preview: the real storefront in a frame (phone 390 px or desktop) that is never
reloaded for a change. Each change (a key typed, before autosave's pause; a move, a picture, a colour)
sets the state's `live_draft`, and this component posts it to the frame (same origin only), whose page
shows it at once (ui/store/draft_listener.py)."""

from __future__ import annotations

import reflex as rx

from shopapp.ui.components.text import tr
from shopapp.ui.console.design.theme_state import ThemeState as S

FRAME_ID = "design-preview"

_DRAFT_SENDER = """
function ShopappDraftSender({ message, frame }) {
  useEffect(() => {
    const target = message ? document.getElementById(frame) : null;
    if (target && target.contentWindow) {
      target.contentWindow.postMessage({ kind: "shopapp-design", body: message }, window.location.origin);
    }
  }, [message, frame]);
  return null;
}
"""


class DraftSender(rx.Component):
    tag = "ShopappDraftSender"

    message: rx.Var[str]
    frame: rx.Var[str]

    def add_imports(self):
        return {"react": ["useEffect"]}

    def add_custom_code(self) -> list[str]:
        return [_DRAFT_SENDER]


def preview() -> rx.Component:
    return rx.el.div(
        rx.el.iframe(id=FRAME_ID, src=preview_address(), title=tr("design.preview"), data_testid="preview",
                     class_name=rx.cond(S.phone, "mx-auto block h-[75vh] w-[390px] max-w-full rounded-2xl border bg-white",
                                        "block h-[75vh] w-full rounded-xl border bg-white")),
        DraftSender.create(message=S.live_draft, frame=FRAME_ID),
        class_name="rounded-2xl bg-gray-100 p-2",
    )


def preview_address() -> rx.Var:
    """The page being edited with the draft's preview token, built in the browser from the state's vars. Not a
    computed var: Reflex keeps a computed var's last value in its state, so every tab that connected (a
    shopper's too: the hydrate reads the whole tree) had this console state written to Redis (issue 17)."""
    page = rx.cond(S.handle == "home", "", f"/pages/{S.handle}")
    return rx.Var.create(f"/s/{S.shop_slug}{page}?preview={S.token}")
