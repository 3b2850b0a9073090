"""Route constants and URL builders, so a path is written once."""

HOME = "/"
SIGNUP = "/signup"
LOGIN = "/login"
INVITE = "/invite/[invite_code]"
CONSOLE = "/console"
CONSOLE_SETTINGS = "/console/settings"
STORE_HOME = "/s/[slug]"
STORE_PRODUCT = "/s/[slug]/p/[product_id]"


def store_home(slug: str) -> str:
    return f"/s/{slug}"


def product_page(slug: str, product_id: int) -> str:
    return f"/s/{slug}/p/{product_id}"
