"""The partner picker (issue 11, 9 "a plain list of every organisation without search"; issue 13 "the partner
<select> lists all 9,400 organisations, twice"): a text box that takes a unit's credit code or full name, with
suggestions from a search scoped to the application; the lead unit is never a partner."""

import re

import pytest
from django.urls import reverse

from applications.forms import PartnerFormSet
from applications.models import Partner
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(applicant, call):
    return f.ApplicationFactory(call=call, applicant=applicant.organization, is_consortium=True)


@pytest.fixture
def partner_org(db):
    return f.ApplicantOrgFactory(name="广西共建伙伴材料有限公司", short_name="伙伴材料")


def _post(app, typed: str, role: str = "负责中试工艺验证") -> dict:
    return {"name": app.name, "is_consortium": "on", "partners-TOTAL_FORMS": "1", "partners-INITIAL_FORMS": "0",
            "partners-0-organization": typed, "partners-0-role": role}


def _form(app, typed):
    fs = PartnerFormSet({"partners-TOTAL_FORMS": "1", "partners-INITIAL_FORMS": "0",
                         "partners-0-organization": typed, "partners-0-role": "分工"}, instance=app, prefix="partners")
    fs.lead_id = app.applicant_id
    fs.is_valid()
    return fs.forms[0]


@pytest.mark.parametrize("how", ["code", "code_lower", "name", "label", "label_ascii"])
def test_a_unit_is_found_by_its_code_its_name_or_a_suggestion(app, partner_org, how):
    typed = {"code": partner_org.credit_code, "code_lower": f"  {partner_org.credit_code.lower()} ",
             "name": partner_org.name, "label": f"{partner_org.name}（{partner_org.credit_code}）",
             "label_ascii": f"{partner_org.name} ({partner_org.credit_code})"}[how]
    form = _form(app, typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == partner_org


@pytest.mark.parametrize("typed", ["广西不存在的公司", "91450100MA5XXXXXXX", "伙伴材料", "广西共建伙伴"])
def test_an_unknown_or_partial_unit_is_refused_with_a_message(app, partner_org, typed):
    form = _form(app, typed)
    assert not form.is_valid()
    assert form.errors["organization"] == [
        "未找到该单位：请输入已在平台登记单位的统一社会信用代码或全称（输入两个字以上可从提示中选择）。"
        "单位尚未登记的，请其先在平台注册。"]


def test_an_inactive_or_authority_unit_is_not_a_partner(app, authority_org):
    inactive = f.ApplicantOrgFactory(name="广西已注销材料有限公司", is_active=False)
    assert not _form(app, inactive.credit_code or inactive.name).is_valid()
    assert not _form(app, authority_org.name).is_valid()


def test_the_lead_unit_is_refused_as_its_own_partner(app):
    form = _form(app, app.applicant.name)
    assert form.errors["organization"] == ["牵头单位不能同时作为共建单位。"]


def test_the_page_carries_no_list_of_units_however_many_exist(client, applicant, app):
    for i in range(30):
        f.ApplicantOrgFactory(name=f"广西批量登记单位{i:02d}有限公司")
    client.force_login(applicant)
    html = client.get(reverse("applications:edit", args=[app.pk, "basic"])).content.decode()
    assert "广西批量登记单位" not in html
    box = re.search(r'<input[^>]*name="partners-0-organization"[^>]*>', html).group(0)
    assert f'data-org-search="{reverse("applications:partner_search", args=[app.pk])}"' in box
    assert 'list="id_partners-0-organization-list"' in box
    assert '<datalist id="id_partners-0-organization-list"></datalist>' in html
    assert '<select name="partners-' not in html


def test_saving_by_code_names_the_partner_and_a_bad_entry_keeps_what_was_typed(client, applicant, app, partner_org):
    client.force_login(applicant)
    url = reverse("applications:edit", args=[app.pk, "basic"])
    bad = client.post(url, _post(app, "广西打错名字的公司", role="我输入的分工"))
    html = bad.content.decode()
    assert bad.status_code == 200 and "未找到该单位" in html
    assert 'value="广西打错名字的公司"' in html and "我输入的分工" in html
    assert not Partner.objects.filter(application=app).exists()
    good = client.post(url, _post(app, partner_org.credit_code))
    assert good.status_code == 302
    assert list(Partner.objects.filter(application=app).values_list("organization_id", flat=True)) == [partner_org.pk]
    html = client.get(url).content.decode()
    assert f'value="{partner_org.name}（{partner_org.credit_code}）"' in html  # shown as the unit and its code


def test_search_suggests_units_by_name_short_name_or_code_without_the_lead(client, applicant, app, partner_org):
    client.force_login(applicant)
    url = reverse("applications:partner_search", args=[app.pk])
    by_name = client.get(url, {"q": "共建伙伴"}).json()["results"]
    assert by_name == [{"value": f"{partner_org.name}（{partner_org.credit_code}）", "name": partner_org.name,
                        "code": partner_org.credit_code, "city": partner_org.city.name}]
    assert [r["name"] for r in client.get(url, {"q": "伙伴材料"}).json()["results"]] == [partner_org.name]
    assert [r["name"] for r in client.get(url, {"q": partner_org.credit_code.lower()}).json()["results"]] == [
        partner_org.name]
    lead = client.get(url, {"q": app.applicant.name[:4]}).json()["results"]
    assert app.applicant.name not in [r["name"] for r in lead]
    assert client.get(url, {"q": "广"}).json() == {"results": []}  # two characters at least


def test_search_returns_at_most_fifteen(client, applicant, app):
    for i in range(20):
        f.ApplicantOrgFactory(name=f"广西批量检索单位{i:02d}有限公司")
    client.force_login(applicant)
    results = client.get(reverse("applications:partner_search", args=[app.pk]), {"q": "批量检索"}).json()["results"]
    assert len(results) == 15
    assert results[0]["name"] == "广西批量检索单位00有限公司"


def test_only_the_applications_editors_may_search(client, app, other_applicant, authority_user, department_user):
    url = reverse("applications:partner_search", args=[app.pk])
    assert client.get(url, {"q": "广西"}).status_code == 302  # anonymous → login
    client.force_login(other_applicant)
    assert client.get(url, {"q": "广西"}).status_code == 404
    client.force_login(department_user)
    assert client.get(url, {"q": "广西"}).status_code == 404  # a draft is the applicant's alone
