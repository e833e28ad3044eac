import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.demo import tiny_pdf
from tests import factories as f
from tests.applications.conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(call, applicant):
    return f.ApplicationFactory(call=call, applicant=applicant.organization)


def _add(app, actor, name, content, code="feasibility"):
    req = app.call.required_attachments.get(code=code)
    return services.attachment_add(application=app, requirement=req, actor=actor,
                                   uploaded_file=SimpleUploadedFile(name, content))


def test_attachment_real_pdf_accepted_with_sha256(app, applicant):
    content = tiny_pdf("ok")
    att = _add(app, applicant, "可行性研究报告.pdf", content)
    assert (att.content_type, att.size, att.sha256) == ("application/pdf", len(content),
                                                         hashlib.sha256(content).hexdigest())
    assert att.original_name == "可行性研究报告.pdf"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("report.pdf", b"This is plain text pretending to be a PDF." * 10, "不是有效的 PDF 文件"),
    ("report.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 200, "可执行程序或脚本（ELF）"),
    ("report.pdf", b"MZ\x90\x00" + b"\0" * 200, "可执行程序或脚本（Windows PE）"),
    ("report.pdf", b"\xcf\xfa\xed\xfe" + b"\0" * 200, "可执行程序或脚本（Mach-O）"),
    ("report.pdf", b"#!/bin/sh\nrm -rf /\n", "可执行程序或脚本（脚本）"),
    ("report.exe", tiny_pdf("x"), "只接受 PDF 格式"),
])
def test_attachment_bad_content_refused(app, applicant, name, content, message):
    with pytest.raises(ValidationError) as exc:
        _add(app, applicant, name, content)
    assert message in exc.value.messages[0]
    assert app.attachments.count() == 0


def test_attachment_oversize_refused(app, applicant):
    req = app.call.required_attachments.get(code="feasibility")
    req.max_size_mb = 1
    req.save()
    big = tiny_pdf("big") + b"%" * (1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        _add(app, applicant, "big.pdf", big)
    assert "超过了 1 MB 的上限" in exc.value.messages[0]


def test_attachment_png_accepted_where_allowed(app, applicant):
    png = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 50
    att = _add(app, applicant, "license.PNG", png, code="license")
    assert att.content_type == "image/png"


def test_attachment_delete_removes_row(app, applicant, django_capture_on_commit_callbacks):
    att = _add(app, applicant, "a.pdf", tiny_pdf())
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(attachment=att, actor=applicant)
    assert app.attachments.count() == 0


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_empty_upload_shows_each_error_beside_its_field(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    client.force_login(applicant)
    response = client.post(reverse("applications:attachment_add", args=[app.pk]), {})
    html = _html(response)
    assert response.context["attachment_form"].errors == {"requirement": ["请选择附件类别。"],
                                                          "file": ["请选择要上传的文件。"]}
    assert "这个字段是必填项" not in html
    assert "。；" not in html


def test_failed_upload_keeps_the_chosen_category(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    license_req = call.required_attachments.get(code="license")
    client.force_login(applicant)
    response = client.post(reverse("applications:attachment_add", args=[app.pk]),
                           {"requirement": license_req.pk,
                            "file": pdf_upload("license.exe")})
    html = _html(response)
    assert re.search(rf'<option value="{license_req.pk}" selected>', html)
    assert response.context["attachment_form"].errors["file"]
    assert app.attachments.count() == 0


def test_successful_upload_redirects_back_to_the_list(client, applicant, call):
    app = f.ApplicationFactory(call=call, applicant=applicant.organization)
    req = call.required_attachments.get(code="feasibility")
    client.force_login(applicant)
    response = client.post(reverse("applications:attachment_add", args=[app.pk]),
                           {"requirement": req.pk, "file": pdf_upload()})
    assert response.url == reverse("applications:edit", args=[app.pk, "attachments"])
    assert app.attachments.count() == 1
