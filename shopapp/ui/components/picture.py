"""A product's picture, or a calm placeholder when it has none: never the browser's broken-image icon."""

import reflex as rx

# A picture frame (mountains and a sun) in the storefront's greys, drawn inline: no request, no font.
_FRAME = "M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Zm0 11 5-5 4 4 2-2 5 5"
_SUN = "M16.5 9.5a1.5 1.5 0 1 1-3 0 1.5 1.5 0 0 1 3 0Z"


def product_picture(src, alt, class_name: str, **img_attrs) -> rx.Component:
    """`src` as an <img>, or, when it is empty, a placeholder of the same box: a light grey square
    with a picture-frame icon, named by `alt` (role="img") so a link holding only it keeps a name."""
    return rx.cond(
        src != "",
        rx.el.img(src=src, alt=alt, class_name=class_name, **img_attrs),
        picture_placeholder(alt, class_name),
    )


def picture_placeholder(alt, class_name: str) -> rx.Component:
    return rx.el.div(
        rx.el.svg(
            rx.el.svg.path(d=_FRAME), rx.el.svg.path(d=_SUN),
            view_box="0 0 24 24", class_name="h-1/3 max-h-16 w-1/3 max-w-16", aria_hidden="true",
            custom_attrs={"fill": "none", "stroke": "currentColor", "stroke-width": "1.5",
                          "stroke-linecap": "round", "stroke-linejoin": "round"},
        ),
        role="img", aria_label=alt, data_testid="no-picture",
        class_name=class_name + " flex items-center justify-center bg-gray-100 text-gray-300",
    )
