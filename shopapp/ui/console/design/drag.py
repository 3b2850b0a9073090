"""The section list the owner reorders by dragging, with a mouse or a finger: SortableJS (a kept npm
library, 1.15) on the <ol>. HTML5 drag and drop, used before, does not drag on most phones; SortableJS
drags by pointer and touch events itself (`forceFallback`), the same way on every device, from the row's
handle only, so the row's buttons stay buttons (↑ ↓ remain for keyboards).

React owns the list's DOM, so a finished drag puts the row back where it was and tells the server the
two positions; the state's new order then re-renders the list. No script is evaluated (the CSP forbids
eval): the component is compiled into the page like any other."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.typography import Ol

_SORTABLE_LIST = """
function ShopappSortableList({ onReorder, handle, children, ...props }) {
  const list = useRef(null);
  const reorder = useRef(onReorder);
  reorder.current = onReorder;
  useEffect(() => {
    const sortable = Sortable.create(list.current, {
      handle, forceFallback: true, fallbackTolerance: 3, animation: 120, delayOnTouchOnly: true, delay: 80,
      onEnd: (moved) => {
        if (moved.oldIndex === moved.newIndex) return;
        const rows = moved.from;
        rows.removeChild(moved.item);
        rows.insertBefore(moved.item, rows.children[moved.oldIndex] || null);
        reorder.current(moved.oldIndex, moved.newIndex);
      },
    });
    return () => sortable.destroy();
  }, [handle]);
  return createElement("ol", { ref: list, ...props }, children);
}
"""


class SortableList(Ol):
    tag = "ShopappSortableList"
    _is_tag_in_global_scope = False

    handle: rx.Var[str]  # a CSS selector inside each row: where a drag may start
    on_reorder: rx.EventHandler[lambda old, new: [old, new]]

    def add_imports(self):
        return {"react": ["useEffect", "useRef", "createElement"], "sortablejs@1.15.6": rx.ImportVar(tag="Sortable", is_default=True)}

    def add_custom_code(self) -> list[str]:
        return [_SORTABLE_LIST]


sortable_list = SortableList.create
