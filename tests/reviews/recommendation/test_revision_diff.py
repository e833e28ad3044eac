"""Issue 11 defect 3: after a return and resubmission the authority reads what changed per section and per row,
attachments included, through the real services (return → edit → resubmit)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services as intake
from applications.demo import tiny_pdf
from applications.forms import TeamFormSet
from applications.snapshots import snapshot_changes
from reviews.selectors import recommendation as sel
from reviews.services import recommendation as svc

from .conftest import rec_of

pytestmark = pytest.mark.django_db


def _team_formset(app, changes: dict[int, dict]):
    """The team table as the applicant posts it, with some rows edited: {row index: {field: value}}."""
    members = list(app.team.all())
    data = {"team-TOTAL_FORMS": str(len(members)), "team-INITIAL_FORMS": str(len(members)),
            "team-MIN_NUM_FORMS": "0", "team-MAX_NUM_FORMS": "1000"}
    for i, m in enumerate(members):
        row = {"id": m.pk, "name": m.name, "title": m.title, "field": m.field, "role": m.role,
               "is_fulltime": m.is_fulltime, "is_technical": m.is_technical} | changes.get(i, {})
        for key, value in row.items():
            if value is True:
                data[f"team-{i}-{key}"] = "on"
            elif value not in (False, None):
                data[f"team-{i}-{key}"] = str(value)
    fs = TeamFormSet(data, instance=app, prefix="team")
    assert fs.is_valid(), fs.errors
    return fs


@pytest.fixture
def resubmitted(rec, authority_user, applicant):
    """Returned; the applicant changes a field, four members' 技术人员 是 → 否, removes one member, adds one,
    and replaces the feasibility report; then resubmits."""
    svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="请核实技术人员人数")
    app = rec.application
    app.refresh_from_db()
    intake.application_update_section(application=app, section="management", actor=applicant,
                                      data={"fee_standard": "按成本价八折收费。"})
    # members 0..7 are technical (the factory); 4..7 become non-technical; member 11 is deleted; 新成员 is added
    fs = _team_formset(app, {i: {"is_technical": False} for i in range(4, 8)} | {11: {"DELETE": True}})
    intake.application_rows_save(application=app, formset=fs, actor=applicant)
    app.team.create(name="新成员", title="工程师", field="化工", role="中试", order=99)
    old = app.attachments.get(requirement__code="feasibility")
    intake.attachment_delete(attachment=old, actor=applicant)
    new_file = SimpleUploadedFile("可行性研究报告-修订.pdf", tiny_pdf("revised"), content_type="application/pdf")
    intake.attachment_add(application=app, requirement=old.requirement, uploaded_file=new_file, actor=applicant)
    intake.application_submit(application=app, actor=applicant)
    return rec_of(app)


def _section(diff, key):
    (section,) = [s for s in diff if s["key"] == key]
    return section


def test_the_diff_lists_changes_per_section_in_form_order(resubmitted):
    diff = sel.what_changed(resubmitted)
    assert [s["key"] for s in diff] == ["team", "management", "attachments"]
    assert _section(diff, "management")["fields"] == [
        {"name": "fee_standard", "label": "收费标准", "old": "按成本加合理利润收费。", "new": "按成本价八折收费。"}]


def test_the_team_table_shows_each_changed_row_with_the_changed_cell(resubmitted):
    (table,) = _section(sel.what_changed(resubmitted), "team")["tables"]
    assert table["columns"] == ["姓名", "职称", "专业领域", "职责", "专职", "技术人员"]
    changed = [r for r in table["rows"] if r["status"] == "changed"]
    assert [r["cells"][0]["new"] for r in changed] == ["成员4", "成员5", "成员6", "成员7"]
    assert [(c["old"], c["new"]) for c in changed[0]["cells"] if c["changed"]] == [("是", "否")]
    assert [c["changed"] for c in changed[0]["cells"]] == [False, False, False, False, False, True]
    assert [(r["status"], r["cells"][0]["new"] or r["cells"][0]["old"]) for r in table["rows"]
            if r["status"] != "changed"] == [("added", "新成员"), ("removed", "成员11")]


def test_a_reuploaded_attachment_is_listed_as_replaced_with_names_and_times(resubmitted):
    (change,) = _section(sel.what_changed(resubmitted), "attachments")["attachments"]
    assert (change["status"], change["kind"], change["old"]["name"], change["new"]["name"]) == (
        "replaced", "可行性研究报告", "可行性研究报告.pdf", "可行性研究报告-修订.pdf")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", change["new"]["when"])


def test_the_same_file_uploaded_again_under_its_old_name_is_still_listed(rec, authority_user, applicant):
    svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="请重新上传盖章版")
    app = rec.application
    app.refresh_from_db()
    old = app.attachments.get(requirement__code="license")
    intake.attachment_delete(attachment=old, actor=applicant)
    again = SimpleUploadedFile(old.original_name, tiny_pdf("stamped"), content_type="application/pdf")
    intake.attachment_add(application=app, requirement=old.requirement, uploaded_file=again, actor=applicant)
    intake.application_submit(application=app, actor=applicant)
    (section,) = sel.what_changed(rec_of(app))
    assert [(a["status"], a["old"]["name"], a["new"]["name"]) for a in section["attachments"]] == [
        ("replaced", old.original_name, old.original_name)]


def test_the_review_page_shows_a_table_per_section_with_marked_cells(resubmitted, authority_user, client):
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_review", args=[resubmitted.pk])).content.decode()
    block = html[html.index('id="what-changed"'):html.index("</section>", html.index('data-section="attachments"'))]
    assert block.count('<section class="diff-section') == 3
    assert block.count('data-status="changed"') == 4
    assert block.count('data-changed="1"') == 4
    cell = re.search(r'<td class="diff-cell-changed[^"]*" data-changed="1">(.*?)</td>', block).group(1)
    assert cell == ('<del><span class="visually-hidden">修改前：</span>是</del> → '
                    '<ins><span class="visually-hidden">修改后：</span>否</ins>')
    assert "新增行" in block and "删除行" in block and "更换" in block
    assert "可行性研究报告-修订.pdf" in block


def test_the_applicants_record_page_shows_the_same_diff(resubmitted, applicant, client):
    client.force_login(applicant)
    html = client.get(reverse("applications:detail", args=[resubmitted.application_id])).content.decode()
    assert html.count('<section class="diff-section') == 3


def test_snapshots_frozen_without_row_ids_are_compared_by_name():
    def snap(rows):
        return {"sections": [{"key": "team", "label": "人才队伍", "fields": [], "tables": [
            {"key": "team", "label": "团队成员", "columns": ["姓名", "技术人员"], "rows": rows}]}], "attachments": []}

    (section,) = snapshot_changes(snap([["张三", "是"], ["李四", "是"]]), snap([["李四", "否"], ["张三", "是"]]))
    assert [(r["status"], [c["new"] for c in r["cells"]]) for r in section["tables"][0]["rows"]] == [
        ("changed", ["李四", "否"])]
