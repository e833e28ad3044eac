"""The applications pages behind the one gate (pilotbase.actions.page) and the per-action handlers."""

import re

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationState, CallState
from tests import factories as f


@pytest.mark.parametrize("name", ["applications:list", "applications:export", "applications:mine",
                                  "applications:call_create"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("login"))


def test_reviewer_list_is_404_to_other_roles(client, expert_user, applicant):
    for user in (expert_user, applicant):
        client.force_login(user)
        assert client.get(reverse("applications:list")).status_code == 404


def test_withdraw_runs_through_its_handler_and_says_so(client, applicant, submitted):
    client.force_login(applicant)
    response = client.post(reverse("applications:withdraw", args=[submitted.pk]), {"comment": "不再申报"},
                           follow=True)
    submitted.refresh_from_db()
    assert submitted.state == ApplicationState.WITHDRAWN
    assert "已完成：撤回申报。" in response.content.decode()


def test_withdraw_without_a_reason_says_which_field(client, applicant, submitted):
    client.force_login(applicant)
    response = client.post(reverse("applications:withdraw", args=[submitted.pk]), {"comment": ""}, follow=True)
    assert "撤回原因：" in response.content.decode()


def test_call_page_offers_publish_and_runs_it(client, department_user):
    call = f.CallFactory(published=False)
    client.force_login(department_user)
    html = client.get(reverse("applications:call_detail", args=[call.pk])).content.decode()
    assert f'action="{reverse("applications:call_publish", args=[call.pk])}"' in html
    client.post(reverse("applications:call_publish", args=[call.pk]))
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_actions_box_says_there_is_nothing_to_do_even_beside_panels(client, authority_user, submitted, monkeypatch):
    from pilotbase import registry

    monkeypatch.setitem(registry._detail_panels, Application,
                        [lambda request, app: ("pilotbase/_pagination.html", {})])
    client.force_login(authority_user)
    response = client.get(reverse("applications:detail", args=[submitted.pk]))
    html = _html(response)
    assert response.context["extra_panels"]
    assert 'id="no-actions"' in html


def test_withdraw_is_a_folded_step_with_a_reason_and_a_warning(client, applicant, submitted):
    client.force_login(applicant)
    html = _html(client.get(reverse("applications:detail", args=[submitted.pk])))
    box = re.search(r'<details [^>]*id="withdraw-box"[^>]*>.*?</details>', html, re.S).group(0)
    assert " open" not in box.split(">", 1)[0]
    assert "撤回后不能恢复。" in box
    assert re.search(r'<textarea id="id_comment" name="comment"[^>]*required', box)
    assert 'id="no-actions"' not in html


def test_withdraw_without_a_reason_changes_nothing(client, applicant, submitted):
    client.force_login(applicant)
    client.post(reverse("applications:withdraw", args=[submitted.pk]), {"comment": ""})
    submitted.refresh_from_db()
    assert submitted.state == ApplicationState.SUBMITTED
