"""The partner picker in a real browser: typing part of a unit's name offers the matching units (fetched as the
user types), picking one fills the box with its name and credit code, and the save names that unit."""

import pytest

from applications.models import Partner
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_offers_matching_units_and_the_pick_is_saved(login_as, page):
    user = f.ApplicantUserFactory(username="picker", organization__name="广西牵头示范材料有限公司")
    app = f.ApplicationFactory(applicant=user.organization, is_consortium=True)
    wanted = f.ApplicantOrgFactory(name="广西共建伙伴先进制造有限公司")
    f.ApplicantOrgFactory(name="广西另一家无关的公司")
    login_as("picker", f.PASSWORD)

    page.goto(f"/applications/{app.pk}/edit/basic/")
    box = page.locator('input[name="partners-0-organization"]')
    box.press_sequentially("共建伙伴", delay=30)
    page.wait_for_function(
        "() => document.querySelector('input[name=\"partners-0-organization\"]').getAttribute('data-org-results')")
    options = page.locator("#id_partners-0-organization-list option")
    assert options.count() == 1
    value = options.first.get_attribute("value")
    assert value == f"{wanted.name}（{wanted.credit_code}）"
    box.fill(value)  # what choosing the suggestion does
    page.locator('input[name="partners-0-role"]').fill("负责中试放大工艺")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_selector(".alert-success")
    assert list(Partner.objects.filter(application=app).values_list("organization__name", flat=True)) == [wanted.name]
    assert page.locator('input[name="partners-0-organization"]').input_value() == value
