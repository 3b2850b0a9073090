"""What lets the store editor's framed preview show a change at once: the page takes the unsaved design
the editor posts to it (console/design/preview.py) and asks its state to show it. Only a framed page
with a preview token listens, and only to its parent window on this same origin; a shopper's page (no
token, not framed) never adds the listener. The server checks the token and the design again
(design.live_preview) before showing anything."""

from __future__ import annotations

import reflex as rx

_DRAFT_LISTENER = """
function ShopappDraftListener({ onDraft }) {
  const show = useRef(onDraft);
  show.current = onDraft;
  useEffect(() => {
    if (window.parent === window || !new URLSearchParams(window.location.search).get("preview")) return;
    const listen = (message) => {
      const data = message.data;
      if (message.origin !== window.location.origin || message.source !== window.parent) return;
      if (!data || data.kind !== "shopapp-design" || typeof data.body !== "string") return;
      show.current(data.body);
    };
    window.addEventListener("message", listen);
    return () => window.removeEventListener("message", listen);
  }, []);
  return null;
}
"""


class DraftListener(rx.Component):
    tag = "ShopappDraftListener"

    on_draft: rx.EventHandler[lambda body: [body]]

    def add_imports(self):
        return {"react": ["useEffect", "useRef"]}

    def add_custom_code(self) -> list[str]:
        return [_DRAFT_LISTENER]


draft_listener = DraftListener.create
