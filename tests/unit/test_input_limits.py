"""Numbers and text from outside are checked before they reach a 64-bit column or a UTF-8 one."""

import pytest

from shopapp.services.core.errors import Invalid, NotFound
from shopapp.services.core.money import parse_money
from shopapp.services.core.validation import checked_text, id_from_text, unstorable_values


@pytest.mark.parametrize("text", ["9223372036854775808", "-1", "0", "1e3", "١٢", "abc", "", None, "99999999999999999999999"])
def test_an_id_no_row_could_have_is_not_found(text):
    with pytest.raises(NotFound):
        id_from_text(text)


def test_an_ordinary_id_is_read():
    assert id_from_text("42") == 42 and id_from_text(" 9223372036854775807 ") == 2**63 - 1


@pytest.mark.parametrize("typed", ["1e30", "99999999999999999999999999999999", "-1e30"])
def test_a_typed_amount_beyond_any_price_is_refused(typed):
    with pytest.raises(Invalid) as refused:
        parse_money(typed, allow_negative=True)
    assert refused.value.fields == {"price": "number_too_large"}


def test_json_values_a_column_cannot_hold_are_named():
    document = {"title": "a\ud800b", "variants": [{"price": 2**63, "stock": -(2**63)}], "ok": [1, True, "茶"]}
    assert unstorable_values(document) == {"title": "text_invalid", "variants.0.price": "number_too_large"}


def test_text_with_a_lone_surrogate_is_refused_by_the_shared_text_check():
    errors: dict[str, str] = {}
    checked_text("a\udfffb", errors, "note", limit=100)
    assert errors == {"note": "text_invalid"}
