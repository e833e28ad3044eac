"""Issue 11 defect 1: a team row says 专职 / 技术人员 only when the applicant ticks it."""

import re

import pytest
from django.urls import reverse

from applications import services
from applications.models import TeamMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def _checkbox(html: str, name: str) -> str:
    match = re.search(r'<input[^>]*name="%s"[^>]*>' % re.escape(name), html)
    assert match, name
    return match.group(0)


@pytest.fixture
def fresh(applicant):
    call = f.CallFactory()
    return services.application_create(call=call, applicant=applicant.organization, actor=applicant)


def test_blank_team_row_of_a_new_application_renders_unticked(fresh, applicant, client):
    client.force_login(applicant)
    html = client.get(reverse("applications:edit", args=[fresh.pk, "team"])).content.decode()
    for name in ("team-0-is_fulltime", "team-0-is_technical", "team-__prefix__-is_technical"):
        assert "checked" not in _checkbox(html, name)


def test_a_row_saved_without_ticking_counts_as_neither_fulltime_nor_technical(fresh, applicant, client):
    client.force_login(applicant)
    data = {"team-TOTAL_FORMS": "1", "team-INITIAL_FORMS": "0", "team-MIN_NUM_FORMS": "0",
            "team-MAX_NUM_FORMS": "1000", "team-0-name": "王会计", "team-0-title": "会计师", "team-0-field": "财务",
            "team-0-role": "财务管理", "team_summary": "财务一人。", "save": "1"}
    response = client.post(reverse("applications:edit", args=[fresh.pk, "team"]), data)
    assert response.status_code == 302
    assert fresh.totals() | {"equipment_value": None} == {"equipment_value": None, "fulltime": 0, "technical": 0,
                                                          "team": 1}


def test_a_member_created_without_the_flags_is_not_counted_as_technical(draft):
    member = TeamMember.objects.create(application=draft, name="新成员")
    assert (member.is_fulltime, member.is_technical) == (False, False)
