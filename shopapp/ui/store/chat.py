"""The conversation link's page (/s/<shop>/chat/<id>.<token>): it brings a conversation back on any device."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.store.chat_widget import ChatState
from shopapp.ui.store.layout import store_page


@store_page(routes.STORE_CHAT, title="联系客服", on_load=ChatState.restore)
def chat_page() -> rx.Component:
    return rx.el.p(tr("chat.restored"), class_name="px-4 py-16 text-center text-gray-600")
