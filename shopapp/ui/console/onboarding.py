"""The console home's getting-started checklist: five steps that tick themselves as the shop is set up,
and the shop's link and QR code to share."""

import reflex as rx

from shopapp.services.analytics import onboarding
from shopapp.services.shops import sharing, shops
from shopapp.ui import routes
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.console.state import ConsoleState

# Where each step is done.
STEP_LINKS = {
    "add_product": routes.CONSOLE_PRODUCT_NEW,
    "set_shipping": routes.CONSOLE_SHIPPING,
    "decorate": routes.CONSOLE_SETTINGS,
}


class OnboardingState(ConsoleState):
    first_visit: bool = False
    steps: list[dict[str, str]] = []
    all_done: bool = False
    done_count: int = 0
    drafts: int = 0
    payments_live: bool = False
    link: str = ""
    qr_code: str = ""  # a PNG data URI of the link
    copied: bool = False

    @rx.event
    def load(self):
        checklist = self._read(onboarding.checklist)
        if checklist is None:
            return
        self.first_visit, self.all_done = checklist["first_visit"], checklist["done"]
        self.drafts, self.payments_live = checklist["drafts"], checklist["payments_live"]
        self.steps = [{"key": s["key"], "done": "yes" if s["done"] else ""} for s in checklist["steps"]]
        self.done_count = sum(1 for s in checklist["steps"] if s["done"])
        if not self.all_done:
            self.link = self._read(lambda session, actor: sharing.storefront_link(shops.get_shop(session, actor.shop_id))) or ""
            self.qr_code = sharing.qr_code_png(self.link) if self.link else ""
        self.copied = False

    @rx.event
    def copy_link(self):
        """The browser copies the link itself (see the button): a script sent from here would need eval,
        which the Content-Security-Policy forbids."""
        self.copied = True
        self._shared()

    @rx.event
    def saved_qr_code(self):
        self._shared()

    def _shared(self):
        if not self._attempt(shops.mark_shared):
            self.steps = [{**s, "done": "yes"} if s["key"] == "share" else s for s in self.steps]
            self.done_count = sum(1 for s in self.steps if s["done"])
            self.all_done = self.done_count == len(self.steps)


def greeting() -> rx.Component:
    return rx.cond(OnboardingState.first_visit, tr("console.welcome_first"), tr("console.welcome"))


def checklist() -> rx.Component:
    state = OnboardingState
    return rx.cond(
        state.all_done | (state.steps.length() == 0),
        rx.fragment(),
        rx.el.section(
            rx.el.div(
                rx.el.h2(tr("onboarding.title"), class_name="text-lg font-semibold"),
                rx.el.span(tr("onboarding.progress"), " ", state.done_count, " / ", state.steps.length(),
                           class_name="text-sm text-gray-600", data_testid="onboarding-progress"),
                class_name="flex flex-wrap items-baseline justify-between gap-2",
            ),
            rx.el.p(tr("onboarding.intro"), class_name="mt-1 text-sm text-gray-600"),
            rx.el.ol(rx.foreach(state.steps, _step), class_name="mt-4 space-y-3"),
            class_name="mt-6 rounded-2xl border border-emerald-200 bg-white p-5",
            data_testid="onboarding-checklist",
        ),
    )


def _step(step: dict) -> rx.Component:
    done = step["done"] == "yes"
    return rx.el.li(
        rx.el.span(rx.cond(done, "✓", ""), aria_hidden="true", class_name=rx.cond(
            done, "flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-emerald-600 text-sm text-white",
            "h-6 w-6 shrink-0 rounded-full border-2 border-gray-300")),
        rx.el.div(
            rx.el.div(
                rx.match(step["key"], *[(key, tr(f"onboarding.{key}")) for key in onboarding.STEPS], step["key"]),
                rx.cond(done, rx.el.span(" · ", tr("onboarding.done"), class_name="text-emerald-700")),
                class_name=rx.cond(done, "font-medium text-gray-500", "font-medium"),
            ),
            rx.cond(done, rx.fragment(), rx.el.div(_how(step["key"]), class_name="mt-1 text-sm text-gray-600")),
            class_name="min-w-0 flex-1",
        ),
        data_testid="onboarding-step-" + step["key"],
        data_done=rx.cond(done, "true", "false"),
        class_name="flex items-start gap-3",
    )


def _how(key) -> rx.Component:
    state = OnboardingState
    return rx.match(
        key,
        ("add_product", rx.fragment(
            rx.cond(state.drafts > 0, rx.el.p(tr("onboarding.drafts_waiting"), " ", state.drafts, class_name="text-amber-700")),
            _go("add_product", "onboarding.add_product_how"))),
        ("set_shipping", _go("set_shipping", "onboarding.set_shipping_how")),
        ("set_up_payment", rx.el.p(rx.cond(state.payments_live, tr("onboarding.payment_live"), tr("onboarding.payment_sandbox")), " ",
                                   rx.el.a(tr("onboarding.test_order"), href=routes.store_home(ConsoleState.shop_slug), target="_blank",
                                           class_name="text-emerald-700 underline"))),
        ("decorate", _go("decorate", "onboarding.decorate_how")),
        ("share", _share()),
        rx.fragment(),
    )


def _go(key: str, text_key: str) -> rx.Component:
    return rx.el.a(tr(text_key), " →", href=STEP_LINKS[key], class_name="text-emerald-700 underline")


def _share() -> rx.Component:
    state = OnboardingState
    return rx.el.div(
        rx.el.p(tr("onboarding.share_how")),
        rx.el.div(
            rx.el.code(state.link, class_name="min-w-0 break-all rounded bg-gray-100 px-2 py-1 text-xs", data_testid="share-link"),
            rx.el.button(rx.cond(state.copied, tr("onboarding.copied"), tr("onboarding.copy_link")),
                         on_click=[rx.set_clipboard(state.link), state.copy_link], type="button", class_name=SECONDARY_BUTTON + " py-1"),
            class_name="mt-2 flex flex-wrap items-center gap-2",
        ),
        rx.cond(state.qr_code != "", rx.el.div(
            rx.el.img(src=state.qr_code, alt=tr("onboarding.qr_alt"), class_name="h-32 w-32 rounded border bg-white",
                      data_testid="share-qr-code"),
            rx.el.a(tr("onboarding.save_qr"), href=state.qr_code, download="shop-qr-code.png", on_click=state.saved_qr_code,
                    class_name="text-emerald-700 underline"),
            class_name="mt-2 flex items-end gap-3",
        )),
    )
