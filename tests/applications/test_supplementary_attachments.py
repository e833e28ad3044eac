"""Issue 11 defect 5: 其他补充材料 (named by the applicant, several allowed, in every call) and the material a
returning authority asks for, shown to the applicant with the return opinion."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from applications import services
from applications.demo import tiny_pdf
from applications.snapshots import snapshot_build
from reviews.models import Recommendation
from reviews.selectors import recommendation as sel
from reviews.services import recommendation as rec_svc

pytestmark = pytest.mark.django_db


def _pdf(name, text="补充"):
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def _upload(client, app, **data):
    return client.post(reverse("applications:attachment_add", args=[app.pk]), data)


def test_the_applicant_uploads_several_named_supplementary_files(draft, applicant, client):
    client.force_login(applicant)
    for title in ("近三年对外中试服务合同清单", "安全生产许可证"):
        response = _upload(client, draft, requirement="other", title=title, file=_pdf(f"{title}.pdf", title))
        assert response.status_code == 302
    extra = draft.attachments.filter(requirement=None).order_by("id")
    assert [(a.title, a.original_name) for a in extra] == [
        ("近三年对外中试服务合同清单", "近三年对外中试服务合同清单.pdf"), ("安全生产许可证", "安全生产许可证.pdf")]
    page = client.get(reverse("applications:edit", args=[draft.pk, "attachments"])).content.decode()
    section = page[page.index('id="supplementary"'):page.index("</li></ul>", page.index('id="supplementary"'))]
    assert section.count('class="attachment-row"') == 2
    assert '<option value="other">其他补充材料（自行命名，可上传多份）</option>' in page


def test_a_supplementary_file_without_a_name_is_refused_beside_the_field(draft, applicant, client):
    client.force_login(applicant)
    response = _upload(client, draft, requirement="other", title="", file=_pdf("x.pdf"))
    assert response.status_code == 200
    assert response.context["attachment_form"].errors == {"title": ["请填写补充材料的名称。"]}
    assert not draft.attachments.filter(requirement=None).exists()


def test_a_supplementary_file_goes_through_the_content_check(draft, applicant):
    fake = SimpleUploadedFile("清单.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.attachment_add(application=draft, requirement=None, title="清单", uploaded_file=fake, actor=applicant)
    with pytest.raises(ValidationError, match="请填写补充材料的名称"):
        services.attachment_add(application=draft, requirement=None, title=" ", uploaded_file=_pdf("a.pdf"),
                                actor=applicant)


def test_supplementary_files_are_on_the_record_page_the_snapshot_and_the_pdf_list(draft, applicant, client):
    services.attachment_add(application=draft, requirement=None, title="合同清单", uploaded_file=_pdf("合同.pdf"),
                            actor=applicant)
    submitted = services.application_submit(application=draft, actor=applicant)
    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "其他补充材料：合同清单：" in page
    data = snapshot_build(submitted)
    (extra,) = [a for a in data["attachments"] if a["code"] == "other"]
    assert (extra["requirement"], extra["title"], extra["name"]) == ("其他补充材料", "合同清单", "合同.pdf")
    html = render_to_string("applications/pdf/application.html", {"application": submitted, "data": data})
    assert "<td>其他补充材料：合同清单</td><td>合同.pdf</td>" in html


def _returned(app, applicant, authority_user, **kw):
    submitted = services.application_submit(application=app, actor=applicant)
    rec = Recommendation.objects.get(application=submitted)
    rec_svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="请补充合同清单", **kw)
    submitted.refresh_from_db()
    return rec, submitted


def test_the_returning_authority_names_the_material_and_the_applicant_sees_it(draft, applicant, authority_user,
                                                                            client):
    services.application_submit(application=draft, actor=applicant)
    rec = Recommendation.objects.get(application=draft)
    client.force_login(authority_user)
    review = reverse("reviews:rec_review", args=[rec.pk])
    assert 'name="requested_materials"' in client.get(review).content.decode()
    response = client.post(review, {"action": "return", "opinion": "请补充", "expected_state": "pending",
                                    "requested_materials": "近三年对外中试服务合同清单"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.requested_materials) == ("returned", "近三年对外中试服务合同清单")
    client.force_login(applicant)
    for section in ("basic", "attachments"):
        page = client.get(reverse("applications:edit", args=[draft.pk, section])).content.decode()
        block = page[page.index('id="requested-materials"'):]
        assert block.startswith('id="requested-materials"><strong>需补充的材料</strong>：'
                                '<span style="white-space: pre-line">近三年对外中试服务合同清单</span>')


def test_a_later_return_without_named_material_clears_the_old_request(draft, applicant, authority_user):
    rec, app = _returned(draft, applicant, authority_user, requested_materials="合同清单")
    assert app.requested_materials == "合同清单"
    services.attachment_add(application=app, requirement=None, title="合同清单", uploaded_file=_pdf("合同.pdf"),
                            actor=applicant)
    services.application_submit(application=app, actor=applicant)
    rec.refresh_from_db()
    (section,) = sel.what_changed(rec)
    assert [(a["status"], a["kind"], a["new"]["title"]) for a in section["attachments"]] == [
        ("added", "其他补充材料", "合同清单")]
    rec_svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="再核实一次")
    app.refresh_from_db()
    assert app.requested_materials == ""
