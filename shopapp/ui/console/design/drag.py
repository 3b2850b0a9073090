"""A list item the owner can drag (HTML5 drag and drop: mouse, and touch in browsers that drag on a
long press). Reflex's <li> has no drag triggers, so this one declares them; no script is added and
nothing is evaluated (the CSP forbids eval): React calls the handlers like any click."""

import reflex as rx
from reflex_components_core.el.elements.typography import Li


class DragItem(Li):
    on_drag_start: rx.EventHandler[rx.event.no_args_event_spec]
    on_drag_over: rx.EventHandler[rx.event.no_args_event_spec]
    on_drag_end: rx.EventHandler[rx.event.no_args_event_spec]
    on_drop: rx.EventHandler[rx.event.no_args_event_spec]


drag_item = DragItem.create
