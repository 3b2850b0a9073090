"""域名 (/console/domains): the shop's address on the platform's domain, its own domains with the DNS
records to create, and a verify button for each."""

import reflex as rx

from shopapp.services.platform import domains
from shopapp.settings import get_settings
from shopapp.ui import routes
from shopapp.ui.components.forms import SECONDARY_BUTTON, form_error, form_field, submit_button
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, FormMixin


class DomainsState(FormMixin, ConsoleState):
    subdomain: str = ""
    items: list[dict[str, str]] = []
    _problems: dict[str, str] = {}  # the last failed verification's words, by domain id

    @rx.event
    def load(self):
        found = self._read(domains.list_domains)
        if found is None:
            return
        platform = get_settings().platform_domain
        self.subdomain = f"{self.shop_slug}.{platform}" if platform and self.shop_slug else ""
        self.items = [{
            "id": str(d["id"]), "hostname": d["hostname"], "verified": "yes" if d["status"] == "verified" else "",
            **{f"{r['type'].lower()}_{part}": r[part] for r in d["records"] for part in ("name", "value")},
            "problem": self._problems.get(str(d["id"]), ""),
        } for d in found]

    @rx.event
    def add(self, form: dict):
        self._start_submit()
        yield
        done = self._submit(lambda session: domains.add_domain(session, self._actor(), form.get("hostname", "")))
        if done is not FAILED:
            yield DomainsState.load

    @rx.event
    def verify(self, domain_id: str):
        problem = self._attempt(lambda session, actor: domains.verify(session, actor, int(domain_id)))
        self._problems = {domain_id: problem} if problem else {}
        return DomainsState.load


@console_page(routes.CONSOLE_DOMAINS, "console.nav.domains", on_load=DomainsState.load)
def console_domains() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("domains.title"), class_name="text-xl font-bold"),
        rx.cond(DomainsState.subdomain != "", rx.el.p(tr("domains.subdomain"), ": ",
                rx.el.strong(DomainsState.subdomain, class_name="font-mono"), class_name="text-sm")),
        rx.el.ul(rx.foreach(DomainsState.items, _domain), class_name="space-y-4"),
        rx.cond(ConsoleState.can_edit_shop, rx.el.form(
            rx.el.p(tr("domains.add_hint"), class_name="mb-3 text-sm text-gray-600"),
            form_error(DomainsState.error),
            form_field("domains.hostname", "hostname", DomainsState.errors, placeholder="shop.example.com"),
            rx.el.div(submit_button("domains.add", DomainsState.busy, data_testid="add-domain"), class_name="w-40"),
            on_submit=DomainsState.add, reset_on_submit=True, no_validate=True,
            class_name="rounded-2xl border bg-white p-5",
        )),
        rx.el.p(tr("domains.tls_note"), class_name="text-sm text-gray-500"),
        class_name="max-w-3xl space-y-6",
    )


def _domain(item: dict) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(item["hostname"], class_name="break-all font-mono"),
            rx.el.span(rx.cond(item["verified"] != "", tr("domains.status.verified"), tr("domains.status.pending")),
                       class_name="text-sm", data_testid="domain-status"),
            class_name="flex flex-wrap items-center justify-between gap-2",
        ),
        rx.cond(item["verified"] == "", rx.fragment(
            rx.el.p(tr("domains.records_hint"), class_name="mt-2 text-sm text-gray-600"),
            rx.el.ul(_record("CNAME", item["cname_name"], item["cname_value"]), _record("TXT", item["txt_name"], item["txt_value"]),
                     class_name="mt-1 space-y-1 rounded-lg bg-gray-50 p-3"),
            rx.cond(item["problem"] != "", rx.el.p(item["problem"], role="alert", class_name="mt-2 text-sm text-red-600",
                                                   data_testid="verify-problem")),
            rx.el.button(tr("domains.verify"), on_click=DomainsState.verify(item["id"]), type="button",
                         class_name=SECONDARY_BUTTON + " mt-3", data_testid="verify-domain"),
        )),
        class_name="rounded-2xl border bg-white p-5", data_testid="domain",
    )


def _record(kind: str, name, value) -> rx.Component:
    return rx.el.li(rx.el.span(kind, class_name="font-semibold"), " ", rx.el.span(name, class_name="break-all font-mono"),
                    " → ", rx.el.span(value, class_name="break-all font-mono", data_testid=f"record-{kind}"), class_name="text-sm")
