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
