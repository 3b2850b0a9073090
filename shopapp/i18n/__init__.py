"""Message catalogues (zh-CN default, English) and the one lookup everything uses."""

from __future__ import annotations

from shopapp.i18n.en import MESSAGES as EN
from shopapp.i18n.zh_cn import MESSAGES as ZH_CN

DEFAULT_LANG = "zh-CN"
CATALOGUES = {"zh-CN": ZH_CN, "en": EN}


def pick_lang(value: str | None) -> str:
    """Our language for a cookie value or an Accept-Language header: English if asked first, else Chinese."""
    value = (value or "").strip().lower()
    return "en" if value.startswith("en") else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    catalogue = CATALOGUES.get(lang, ZH_CN)
    text = catalogue.get(key) or ZH_CN.get(key) or key
    return text.format(**params) if params else text


def error_message(code: str, lang: str = DEFAULT_LANG, **params) -> str:
    return t(f"error.{code}", lang, **params) if f"error.{code}" in ZH_CN else t("error.invalid_input", lang)


def field_message(code: str, lang: str = DEFAULT_LANG) -> str:
    return t(f"field.{code}", lang) if f"field.{code}" in ZH_CN else code
