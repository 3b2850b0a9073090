"""A small WYSIWYG editor for product descriptions and the store design's rich text (react-simple-wysiwyg: tiny, no dependencies).

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


_BUTTONS = ("BtnBold", "BtnItalic", "BtnStyles", "BtnBulletList", "BtnNumberedList", "BtnLink", "BtnClearFormatting")
_FORMATTING_EDITOR = """
function ShopappFormattingEditor({ start, onChange, placeholder }) {
  const [html, setHtml] = useState(start || "");
  const typed = (event) => { setHtml(event.target.value); if (onChange) onChange(event); };
  const buttons = [BUTTONS].map((Button, index) => createElement(Button, { key: index }));
  return createElement(EditorProvider, null,
    createElement(WysiwygEditor, { value: html, onChange: typed, placeholder }, createElement(Toolbar, null, ...buttons)));
}
""".replace("BUTTONS", ", ".join(_BUTTONS))


class FormattingEditor(rx.Component):
    """The same editor with formatting buttons only (bold, italic, headings, lists, link, clear), no HTML
    mode. It keeps what is typed in the browser (the library's editor is controlled: a value coming back
    from the server after a pause would overwrite the keys typed meanwhile), so `start` is only where it
    starts: remount it with a `key` to start again."""

    tag = "ShopappFormattingEditor"

    start: rx.Var[str]
    placeholder: rx.Var[str]
    on_change: rx.EventHandler[input_event]

    def add_imports(self):
        return {"react": ["useState", "createElement"],
                "react-simple-wysiwyg@3.4.1": ["EditorProvider", "Toolbar", *_BUTTONS, rx.ImportVar(tag="Editor", alias="WysiwygEditor")]}

    def add_custom_code(self) -> list[str]:
        return [_FORMATTING_EDITOR]


formatting_editor = FormattingEditor.create
