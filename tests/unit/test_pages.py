"""Every page of the app can be built: a fast check before the slow production build in the browser tests."""

import pytest
from reflex_base.registry import RegistrationContext

from shopapp.shopapp import app


def _pages() -> dict[str, object]:
    pages = {route: page.component for route, page in app._unevaluated_pages.items()}
    for render, kwargs in RegistrationContext.ensure_context().decorated_pages:
        pages[kwargs["route"].strip("/")] = render
    return pages


PAGES = _pages()


@pytest.mark.parametrize("route", sorted(PAGES))
def test_the_page_renders_to_components(route):
    render = PAGES[route]
    assert (render() if callable(render) else render) is not None


def test_every_area_has_its_pages():
    for route in ("index", "signup", "login", "console", "console/products", "console/orders", "s/[slug]",
                  "s/[slug]/p/[product_id]", "s/[slug]/cart", "s/[slug]/checkout", "s/[slug]/orders/[order_no]"):
        assert route in PAGES


@pytest.mark.parametrize("route", sorted(PAGES))
def test_every_form_control_submits_by_its_name_not_its_id(route, monkeypatch):
    # Reflex 0.11 drops controls that only have an id from the submitted form data (0.10 warns):
    # a checkout whose address pickers submitted by id would lose the address on upgrade.
    from reflex_components_core.el.elements import forms

    warned: list[str] = []
    monkeypatch.setattr(forms.console, "deprecate", lambda *, feature_name, **_: warned.append(feature_name))
    render = PAGES[route]
    render() if callable(render) else render
    assert [w for w in warned if "by its `id`" in w] == []


# Elements that may carry a name of their own (ARIA in HTML): the rest need a role first, or
# Lighthouse counts a prohibited aria-label and the storefront drops below 100 for accessibility.
NAMEABLE = {"a", "button", "input", "select", "textarea", "form", "nav", "section", "aside", "main", "header",
            "footer", "dialog", "img", "svg", "iframe", "video", "audio", "fieldset", "table", "ul", "ol", "meter", "progress"}


def _components(component):
    from reflex_base.components.component import BaseComponent, Component

    yield component
    for child in component.children:
        if isinstance(child, BaseComponent):
            yield from _components(child)
    if isinstance(component, Component):
        for in_props in component._get_components_in_props():
            yield from _components(in_props)


@pytest.mark.parametrize("route", sorted(route for route in PAGES if route.startswith("s/")))
def test_no_storefront_element_without_a_role_carries_an_aria_label(route):
    render = PAGES[route]
    unnamed = [
        f"<{c.tag} data-testid={c.custom_attrs.get('data-testid')}>" for c in _components(render() if callable(render) else render)
        if getattr(c, "tag", None) and "aria-label" in getattr(c, "custom_attrs", {})
        and c.tag not in NAMEABLE and getattr(c, "role", None) is None
    ]
    assert unnamed == []


def test_a_product_without_a_picture_shows_a_placeholder_not_a_broken_image():
    from shopapp.ui.components.picture import product_picture

    rendered = str(product_picture("", "Golden Eyebrow", "h-20 w-20"))
    placeholder = rendered.split(":(", 1)[1]  # what shows when the source is empty
    assert 'role:"img"' in placeholder and "no-picture" in placeholder and '"aria-label":"Golden Eyebrow"' in placeholder
    assert 'jsx("img"' not in placeholder
