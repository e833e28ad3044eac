"""Every transition of the project declares who may run it, why it may not, and its label."""

import uuid

import pytest
from django.apps import apps

# One list: what is drawn is what is checked.
from pilotbase.management.commands.fsm_diagrams import PROJECT_APPS
from pilotbase.workflow import decision, fsm_transitions, transition_log
from tests.factories import ApplicationFactory


def _all_transitions():
    for config in apps.get_app_configs():
        if config.label not in PROJECT_APPS:
            continue
        for model in config.get_models():
            for _field, trans in fsm_transitions(model):
                yield f"{model.__name__}.{trans.name}[{trans.source}]", trans


ALL = list(_all_transitions())


def test_the_project_declares_transitions():
    assert len(ALL) >= 49


@pytest.mark.parametrize(("where", "trans"), ALL, ids=[w for w, _t in ALL])
def test_every_transition_has_a_permission(where, trans):
    assert callable(trans.permission), f"{where} has no permission="
    assert getattr(trans.permission, "predicate", None) is not None, f"{where}: use pilotbase.rules.fsm_permission"


@pytest.mark.parametrize(("where", "trans"), ALL, ids=[w for w, _t in ALL])
def test_every_condition_has_a_message(where, trans):
    for cond in trans.conditions:
        assert str(getattr(cond, "message", "")).strip(), f"{where}: condition {cond.__name__} has no message"


@pytest.mark.parametrize(("where", "trans"), ALL, ids=[w for w, _t in ALL])
def test_every_transition_has_a_translated_label(where, trans):
    assert str(trans.custom.get("label", "")).strip(), f'{where}: declare custom={{"label": _("…")}}'


@pytest.mark.django_db
def test_rows_written_in_one_decision_share_its_id(department_user):
    app = ApplicationFactory()

    def log(name):
        return transition_log(record=app, subject=None, transition=name, label=name, from_state="draft",
                              to_state="submitted", actor=department_user)

    with decision() as decided:
        a, b = log("x"), log("y")
        with decision() as inner:
            assert inner == decided
    c = log("z")
    assert isinstance(decided, uuid.UUID)
    assert a.decision == b.decision == decided
    assert c.decision != decided


def test_conditions_know_who_acts_through_the_door_and_the_page_helpers():
    """`acting_user()` is the user a condition check is for, set by every entry point; None outside one."""
    from pilotbase import workflow

    seen = []
    probe = type("Probe", (), {})()
    assert workflow.acting_user() is None
    with workflow.acting(probe):
        seen.append(workflow.acting_user())
        with workflow.acting(None):
            seen.append(workflow.acting_user())
        seen.append(workflow.acting_user())
    assert seen == [probe, None, probe] and workflow.acting_user() is None


def test_a_page_checks_each_condition_once_per_record_and_viewer():
    """Inside `looking()` (a page being built) a condition runs once per record and viewer however often the
    page's transitions and hints ask; outside it, every time (a transition checks afresh)."""
    from pilotbase import workflow

    calls = []

    @workflow.condition("须满足条件。")
    def probe_met(instance) -> bool:
        calls.append((instance.pk, workflow.acting_user()))
        return instance.pk == 1

    one, two = (type("Record", (), {"pk": pk})() for pk in (1, 2))
    viewer, other = (type("User", (), {"pk": pk})() for pk in (7, 8))
    assert probe_met.message == "须满足条件。"
    assert probe_met(one) and probe_met(one) and len(calls) == 2
    calls.clear()
    with workflow.looking(), workflow.acting(viewer):
        assert [probe_met(one), probe_met(one), probe_met(two), probe_met(two)] == [True, True, False, False]
        with workflow.acting(other):
            probe_met(one)
    assert calls == [(1, viewer), (2, viewer), (1, other)]
    probe_met(one)
    assert len(calls) == 4


@pytest.mark.parametrize(("messages", "text"), [
    ([], ""),
    (["请先上传盖章的推荐函。"], "请先上传盖章的推荐函。"),
    (["本年度考核由机构人员直接评分，不抽取专家。", "须至少一名专家提交评分。"],
     "本年度考核由机构人员直接评分，不抽取专家；须至少一名专家提交评分。"),
])
def test_refusal_sentences_join_without_doubled_punctuation(messages, text):
    from pilotbase.workflow import Action, join_reasons

    assert join_reasons(messages) == text
    assert Action(name="x", label="x", blocked=tuple(messages)).blocked_text == text
