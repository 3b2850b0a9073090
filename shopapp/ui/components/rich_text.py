"""A small WYSIWYG editor for product descriptions (react-simple-wysiwyg: tiny, no dependencies).

What it produces is only a suggestion of HTML: the catalogue service sanitises it before saving.
"""

import reflex as rx
from reflex.event import input_event


class RichTextEditor(rx.Component):
    library = "react-simple-wysiwyg@3.4.1"
    tag = "Editor"
    is_default = True

    value: rx.Var[str]
    placeholder: rx.Var[str]
    # The editor's change event carries the whole HTML as event.target.value.
    on_change: rx.EventHandler[input_event]


rich_text_editor = RichTextEditor.create
