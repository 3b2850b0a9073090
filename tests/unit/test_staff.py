"""Staff: invitations by e-mail, roles that limit what each person may do, tenancy."""

import pytest
from sqlmodel import select

from shopapp.models import OutboxEmail
from shopapp.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from shopapp.services.shops import accounts, api_keys, shops, staff
from tests.conftest import make_shop


def join(session, owner, email: str, role: str):
    token = staff.invite(session, owner, email=email, role=role)
    signed = staff.accept_invite(session, token=token, password="staff-pass-1")
    return accounts.authenticate(session, signed.token)


def test_an_invitation_is_emailed_with_a_link(session, owner):
    token = staff.invite(session, owner, email="ops@example.com", role="operations")
    mail = session.exec(select(OutboxEmail)).one()
    assert mail.to == "ops@example.com" and f"/invite/{token}" in mail.body and "茶舍" in mail.subject


def test_accepting_makes_a_staff_member_with_that_role(session, owner):
    member = join(session, owner, "ops@example.com", "operations")
    assert member.shop_id == owner.shop_id and member.role == "operations"
    listed = staff.list_staff(session, owner)["members"]
    assert [m["email"] for m in listed] == ["owner@example.com", "ops@example.com"]


def test_an_invitation_works_once(session, owner):
    token = staff.invite(session, owner, email="ops@example.com", role="operations")
    staff.accept_invite(session, token=token, password="staff-pass-1")
    with pytest.raises(NotFound):
        staff.accept_invite(session, token=token, password="staff-pass-1")


def test_roles_limit_what_staff_may_do(session, owner):
    support = join(session, owner, "help@example.com", "support")
    with pytest.raises(Forbidden):
        staff.invite(session, support, email="x@example.com", role="support")
    with pytest.raises(Forbidden):
        shops.update_profile(session, support, {"name": "Hijacked"})
    with pytest.raises(Forbidden):
        api_keys.create(session, support, "mine")
    assert staff.list_staff(session, support)["members"]  # but support may see who they work with


def test_nobody_can_be_invited_as_owner_or_twice(session, owner):
    with pytest.raises(Invalid):
        staff.invite(session, owner, email="x@example.com", role="owner")
    with pytest.raises(Conflict):
        staff.invite(session, owner, email="owner@example.com", role="admin")


def test_the_owner_cannot_be_removed(session, owner):
    admin = join(session, owner, "admin@example.com", "admin")
    owner_row = staff.list_staff(session, owner)["members"][0]
    with pytest.raises(Forbidden):
        staff.remove(session, admin, owner_row["id"])


def test_another_shops_staff_are_not_found(session, owner):
    other = make_shop(session, "other-shop")
    their_owner = staff.list_staff(session, other)["members"][0]
    with pytest.raises(NotFound):
        staff.remove(session, owner, their_owner["id"])
    with pytest.raises(NotFound):
        staff.change_role(session, owner, their_owner["id"], "support")
