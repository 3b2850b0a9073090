"""Every word on screen exists in Chinese and English."""

import re
from pathlib import Path

from shopapp.i18n import CATALOGUES, pick_lang, t

ROOT = Path(__file__).resolve().parents[2] / "shopapp"


def test_both_languages_have_the_same_keys():
    zh, en = (set(CATALOGUES[lang]) for lang in ("zh-CN", "en"))
    assert zh - en == set() and en - zh == set()


def test_every_key_the_ui_uses_exists():
    used = set()
    for path in (ROOT / "ui").rglob("*.py"):
        used |= set(re.findall(r'tr\("([a-z0-9_.]+)"\)', path.read_text()))
    assert used - set(CATALOGUES["zh-CN"]) == set()


def test_chinese_is_the_default_and_english_is_chosen_by_the_reader():
    assert pick_lang(None) == "zh-CN" and pick_lang("en-GB,en;q=0.9") == "en" and pick_lang("zh-TW") == "zh-CN"
    assert t("nav.login") == "登录" and t("nav.login", "en") == "Log in"
