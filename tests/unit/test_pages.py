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
