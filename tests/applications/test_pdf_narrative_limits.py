"""Narrative fields have a length limit (the PDF's time and the readers' patience), counted on the page."""

import re

import pytest
from django.db import models
from django.urls import reverse

from applications.forms import NARRATIVE_MAX_LENGTH
from applications.models import Application
from tests import factories as f

pytestmark = pytest.mark.django_db


def plan_post(**values):
    return {"services": "中试放大与工艺验证", "construction_plan": "", "construction_years": "3", "targets": "",
            **values}


@pytest.fixture
def app_(call, applicant):
    return f.ApplicationFactory(call=call, applicant=applicant.organization, construction_plan="原有的建设方案")


def test_every_narrative_field_has_a_limit():
    text_fields = {fld.name for fld in Application._meta.get_fields() if isinstance(fld, models.TextField)}
    assert set(NARRATIVE_MAX_LENGTH) == text_fields
    assert NARRATIVE_MAX_LENGTH["construction_plan"] == 20_000


def test_plan_over_the_limit_is_refused_next_to_the_field_and_the_input_is_kept(client, applicant, app_):
    client.force_login(applicant)
    response = client.post(reverse("applications:edit", args=[app_.pk, "plan"]),
                           plan_post(construction_plan="建" * 20_001, services="新输入的服务内容"))
    assert response.status_code == 200
    html = response.content.decode()
    message = "最多 20000 字，现有 20001 字，请删减后再保存。"
    field_block = re.search(r'<textarea[^>]*name="construction_plan".*?</textarea>(.*?)</div>', html, re.S)
    assert field_block and message in field_block.group(1)  # under the field, not only in the summary
    assert "建" * 20_001 in html
    assert "新输入的服务内容" in html
    app_.refresh_from_db()
    assert app_.construction_plan == "原有的建设方案"


def test_plan_at_the_limit_with_line_breaks_is_saved(client, applicant, app_):
    client.force_login(applicant)
    text = "\r\n".join(["建" * 99] * 200)  # 200 lines: 19,800 characters and 199 line breaks, sent as CR LF
    response = client.post(reverse("applications:edit", args=[app_.pk, "plan"]), plan_post(construction_plan=text))
    assert response.status_code == 302
    app_.refresh_from_db()
    assert len(app_.construction_plan.replace("\r\n", "\n")) == 19_999


def test_edit_page_marks_the_fields_for_the_counter_without_a_cutting_maxlength(client, applicant, app_):
    client.force_login(applicant)
    html = client.get(reverse("applications:edit", args=[app_.pk, "plan"])).content.decode()
    textarea = re.search(r'<textarea[^>]*name="construction_plan"[^>]*>', html).group(0)
    assert 'data-maxlength="20000"' in textarea
    assert " maxlength=" not in textarea
