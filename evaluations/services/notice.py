"""考核结果公示: a round's results go through the same 公示 as certification (`reviews.PublicNotice`, kind
evaluation), with the same public page, objection form and handling.

- `round_open_notice`: the round enters 结果公示 and, in the same decision, its notice is created with one line per
  included base (its confirmed grade, in Chinese), published (each base is told) and linked from the round
  (`EvaluationRound.notice`; reviews knows nothing of evaluations). The period is the round's
  `notice_working_days` working days from the day it opens (`round_today()`).
- The public objects through the notice's objection form; staff dismiss or uphold on the reviews pages. An upheld
  objection leaves the line on the notice and lets staff change that base's grade with a reason
  (`evaluation_grade_amend`: `Evaluation.amend_grade`, and the line's text through `notice_entry_amend`).
- `round_publish`: declared on `EvaluationRound.publish` — every grade confirmed, the notice's period over, no
  objection pending; the notice is closed in the same decision.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pilotbase.documents import official_language
from pilotbase.models import User
from pilotbase.workflow import WorkflowError, decided, transition_run
from reviews.models import NoticeEntry, NoticeKind, NoticeState
from reviews.services import certification as notices

from ..models import Evaluation, EvaluationRound, EvaluationState, Grade
from ..models.round import round_today

GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.RECTIFY, Grade.FAIL]


def grade_text(grade: str) -> str:
    """What the notice prints for a grade: its Chinese name, whatever the staff member reads."""
    with official_language():
        return str(Grade(grade).label)


def notice_title(rnd: EvaluationRound) -> str:
    with official_language():
        return _("%(year)s年度广西科技成果转化中试研究基地绩效考核结果公示") % {"year": rnd.year}


def notice_body(rnd: EvaluationRound) -> str:
    with official_language():
        return _(
            "根据《广西科技成果转化中试研究基地建设实施方案（试行）》，经第三方机构评价、自治区科技厅审核，现将"
            "%(year)s年度中试研究基地绩效考核结果予以公示。公示期内，任何单位或个人对公示结果有异议的，可实名提出"
            "书面异议：个人须署真实姓名并提供联系电话，单位须写明单位名称并提供联系电话。异议人身份严格保密。"
        ) % {"year": rnd.year}


def _lines(rnd: EvaluationRound) -> list[notices.BaseLine]:
    included = rnd.round_bases.filter(included=True).values("base_id")
    evaluations = list(
        Evaluation.objects.filter(round=rnd, state=EvaluationState.CONFIRMED, base_id__in=included)
        .select_related("base")
    )
    evaluations.sort(key=lambda ev: (GRADE_ORDER.index(ev.grade), ev.base.name, ev.base_id))
    return [notices.BaseLine(base=ev.base, text=grade_text(ev.grade)) for ev in evaluations]


@decided
def round_open_notice(
    *, rnd: EvaluationRound, actor: User, expected_state: str | None = None
) -> EvaluationRound:
    """考核结果公示: the round's transition, then its notice created, published and linked, in one decision."""
    rnd = transition_run(instance=rnd, name="open_notice", actor=actor, expected_state=expected_state)
    if rnd.notice_id is None:
        notice = notices.notice_create_for_bases(
            lines=_lines(rnd), title=notice_title(rnd), body=notice_body(rnd), starts_on=round_today(),
            working_days=rnd.notice_working_days, contact=rnd.notice_contact, actor=actor,
            kind=NoticeKind.EVALUATION,
        )
        notices.notice_publish(notice=notice, actor=actor)
        EvaluationRound.objects.filter(pk=rnd.pk).update(notice=notice)
        rnd.notice = notice
    return rnd


@decided
def round_publish(*, rnd: EvaluationRound, actor: User, expected_state: str | None = None) -> EvaluationRound:
    """公布考核结果: the transition (its conditions: grades confirmed, the notice's period over, no objection
    pending), then the notice is closed as of the same day, in one decision."""
    rnd = transition_run(instance=rnd, name="publish", actor=actor, expected_state=expected_state)
    if rnd.notice_id is not None and rnd.notice.state == NoticeState.PUBLISHED:
        notices.notice_close(notice=rnd.notice, actor=actor, today=round_today())
    return rnd


def notice_entry_of(evaluation: Evaluation) -> NoticeEntry | None:
    """The evaluation's line on its round's notice (None before the notice)."""
    notice_id = evaluation.round.notice_id
    if notice_id is None:
        return None
    return NoticeEntry.objects.filter(notice_id=notice_id, base_id=evaluation.base_id).first()


@decided
def evaluation_grade_amend(
    *, evaluation: Evaluation, actor: User, grade: str, reason: str, expected_state: str | None = None
) -> Evaluation:
    """依异议调整等次: another grade for a base after an objection about it was upheld, with a mandatory reason (the
    transition's conditions: the round on notice, an upheld objection on this base's line); the notice's line is
    corrected in the same decision."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写调整等次的理由。"))
    if grade not in Grade.values:
        raise WorkflowError(_("请选择考核等次。"))
    if grade == evaluation.grade:
        raise WorkflowError(_("调整后的等次与当前等次相同。"))
    with official_language():
        comment = _("公示期间异议成立，等次由“%(old)s”调整为“%(new)s”。理由：%(reason)s") % {
            "old": grade_text(evaluation.grade), "new": grade_text(grade), "reason": reason}
    evaluation = transition_run(
        instance=evaluation, name="amend_grade", actor=actor, comment=comment, subject=evaluation.base,
        expected_state=expected_state, args={"grade": grade, "change_reason": reason},
    )
    entry = notice_entry_of(evaluation)
    if entry is not None:
        notices.notice_entry_amend(entry=entry, text=grade_text(grade), actor=actor, comment=comment)
    return evaluation
