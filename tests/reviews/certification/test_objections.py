import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import ApplicationState
from pilotbase.models import Notification
from pilotbase.workflow import WorkflowError
from reviews.models import NoticeEntryState, Objection, ObjectionState
from reviews.services import certification as svc

from .conftest import objection

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()
    yield
    cache.clear()


def _form(entry_obj, **kw):
    data = {"entry": entry_obj.pk, "objector_kind": "person", "objector_name": "王某某", "objector_org": "",
            "objector_phone": "13800001111", "content": "该单位中试生产线尚未建成，与申报材料不符。"}
    data.update(kw)
    return data


def _errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for errors in form.errors.values() for e in errors]


def test_objection_form_files_an_individual_objection(client, published_notice):
    entry = published_notice.entries.first()
    response = client.post(reverse("public:objection", args=[published_notice.pk]), _form(entry))
    assert response.status_code == 302
    obj = Objection.objects.get()
    assert (obj.objector_name, obj.objector_org, obj.state) == ("王某某", "", ObjectionState.PENDING)


def test_objection_form_unit_needs_its_name_and_keeps_input(client, published_notice):
    entry = published_notice.entries.first()
    response = client.post(reverse("public:objection", args=[published_notice.pk]),
                           _form(entry, objector_kind="org", objector_name=""))
    assert response.status_code == 400
    assert _errors(response) == ["以单位名义提出异议的，请填写单位名称。"]
    html = response.content.decode()
    assert "该单位中试生产线尚未建成，与申报材料不符。" in html
    assert 'value="13800001111"' in html
    assert Objection.objects.count() == 0


@pytest.mark.parametrize(("changes", "errors"), [
    ({"objector_name": ""}, ["以个人名义提出异议的，请填写真实姓名。"]),
    ({"objector_phone": ""}, ["请填写联系电话。"]),
    ({"objector_phone": "abc"}, ["请填写有效的联系电话（7至20位数字，可含区号和“-”）。"]),
    ({"content": ""}, ["请填写异议内容及理由。"]),
    ({"content": "不同意"}, ["请具体写明异议内容及理由（不少于10个字）。"]),
    ({"entry": "999999"}, ["请选择公示名单中的单位。"]),
])
def test_objection_form_validation_messages_in_chinese(client, published_notice, changes, errors):
    entry = published_notice.entries.first()
    response = client.post(reverse("public:objection", args=[published_notice.pk]), _form(entry, **changes))
    assert response.status_code == 400
    assert _errors(response) == errors


def test_objection_evidence_checked_by_content(client, published_notice):
    entry = published_notice.entries.first()
    fake = SimpleUploadedFile("evidence.pdf", b"this is not a pdf at all" * 20, content_type="application/pdf")
    response = client.post(reverse("public:objection", args=[published_notice.pk]),
                           {**_form(entry), "evidence": fake})
    assert _errors(response) == ["文件“evidence.pdf”不是 PDF、JPG、PNG 文件（按文件内容识别），请重新选择。"]
    exe = SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00" * 50, content_type="application/pdf")
    response = client.post(reverse("public:objection", args=[published_notice.pk]),
                           {**_form(entry), "evidence": exe})
    assert _errors(response) == ["文件“evidence.pdf”是可执行程序或脚本（Windows PE），不能作为附件上传。"]
    good = SimpleUploadedFile("photo.bin", PNG, content_type="application/octet-stream")
    response = client.post(reverse("public:objection", args=[published_notice.pk]),
                           {**_form(entry), "evidence": good})
    assert response.status_code == 302
    assert Objection.objects.get().evidence.name.endswith(".png")


def test_objection_rate_limited_per_address(client, published_notice):
    entry = published_notice.entries.first()
    url = reverse("public:objection", args=[published_notice.pk])
    codes = [client.post(url, _form(entry)).status_code for _ in range(6)]
    assert codes == [302, 302, 302, 302, 302, 429]
    assert Objection.objects.count() == 5


def test_rate_limit_behind_a_proxy_counts_the_address_the_proxy_saw(client, published_notice, settings):
    """Behind one trusted proxy the client is the last X-Forwarded-For entry; what the client writes
    to the left of it (a forged address per request) does not reset its count."""
    settings.PILOTBASE_PROXY_COUNT = 1
    entry = published_notice.entries.first()
    url = reverse("public:objection", args=[published_notice.pk])
    codes = [client.post(url, _form(entry), REMOTE_ADDR="10.0.0.2",
                         HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.7").status_code for i in range(6)]
    assert codes == [302, 302, 302, 302, 302, 429]
    other = client.post(url, _form(entry), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302  # another client behind the same proxy is not blocked


def test_objection_refused_when_notice_closed(closed_notice):
    with pytest.raises(WorkflowError):
        objection(closed_notice.entries.first())


def test_objection_identity_never_public_nor_shown_to_applicant(
        client, published_notice, applicant, authority_user, department_user):
    entry = published_notice.entries.first()
    objection(entry, objector_name="保密的异议人", objector_phone="13912345678")
    public = client.get(reverse("public:notice_detail", args=[published_notice.pk])).content.decode()
    assert "保密的异议人" not in public
    assert "13912345678" not in public
    for user in (applicant, authority_user):
        client.force_login(user)
        assert client.get(reverse("reviews:notice_detail", args=[published_notice.pk])).status_code == 404
        assert client.get(reverse("reviews:notice_objection_list")).status_code == 404
    client.force_login(department_user)
    staff = client.get(reverse("reviews:notice_detail", args=[published_notice.pk])).content.decode()
    assert "保密的异议人" in staff


def test_uphold_removes_entry_rejects_application_and_tells_applicant(
        published_notice, department_user, applicant):
    entry = published_notice.entries.get(application__applicant=applicant.organization)
    obj = objection(entry, objector_name="保密的异议人")
    svc.objection_uphold(objection=obj, actor=department_user, resolution="经核查，中试线未建成，异议成立。")
    entry = type(entry).objects.get(pk=entry.pk)
    assert entry.state == NoticeEntryState.REMOVED
    assert entry.removal_reason == "经核查，中试线未建成，异议成立。"
    assert entry.application.state == ApplicationState.REJECTED
    obj = Objection.objects.get(pk=obj.pk)
    assert (obj.state, obj.handled_by) == (ObjectionState.UPHELD, department_user)
    note = Notification.objects.get(kind="certification.objection_upheld")
    assert note.recipient == applicant
    assert "保密的异议人" not in note.body


def test_uphold_then_removed_entry_hidden_from_public_list(client, published_notice, department_user):
    entry = published_notice.entries.first()
    svc.objection_uphold(objection=objection(entry), actor=department_user, resolution="异议成立。")
    html = client.get(reverse("public:notice_detail", args=[published_notice.pk])).content.decode()
    assert entry.application.name not in html


def test_dismiss_keeps_entry(published_notice, department_user):
    entry = published_notice.entries.first()
    obj = svc.objection_dismiss(objection=objection(entry), actor=department_user, resolution="异议不成立。")
    assert obj.state == ObjectionState.DISMISSED
    assert type(entry).objects.get(pk=entry.pk).state == NoticeEntryState.LISTED


def test_handle_twice_is_refused(published_notice, department_user):
    obj = objection(published_notice.entries.first())
    svc.objection_dismiss(objection=obj, actor=department_user, resolution="异议不成立。")
    with pytest.raises(WorkflowError):
        svc.objection_uphold(objection=obj, actor=department_user, resolution="异议成立。")


def test_handle_objection_view_upholds(login, published_notice, department_user):
    obj = objection(published_notice.entries.first())
    client = login(department_user)
    url = reverse("reviews:notice_objection_handle", args=[obj.pk])
    response = client.post(url, {"decision": "uphold", "resolution": ""})
    assert response.status_code == 200
    assert "请填写处理意见。" in response.content.decode()
    response = client.post(url, {"decision": "uphold", "resolution": "经核查，异议成立。"})
    assert response.status_code == 302
    assert Objection.objects.get(pk=obj.pk).state == ObjectionState.UPHELD


def test_evidence_download_staff_only(client, login, published_notice, department_user, applicant):
    entry = published_notice.entries.first()
    obj = svc.objection_file(entry=entry, objector_name="王某", objector_phone="13800001111",
                             content="内容内容内容内容内容内容", evidence=SimpleUploadedFile("a.png", PNG))
    url = reverse("reviews:notice_objection_evidence", args=[obj.pk])
    assert login(applicant).get(url).status_code == 404
    response = login(department_user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == io.BytesIO(PNG).getvalue()


DROPPED = "出于安全原因，浏览器不会保留已选择的文件，请重新选择证明材料。"


def test_objection_form_says_the_chosen_file_must_be_chosen_again(client, published_notice):
    url = reverse("public:objection", args=[published_notice.pk])
    entry = published_notice.entries.first()
    evidence = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(url, {"entry": entry.pk, "objector_kind": "person", "objector_name": "王某",
                                 "objector_phone": "", "content": "中试线尚未建成。", "evidence": evidence})
    html = response.content.decode()
    assert response.status_code == 400 and DROPPED in html
    assert html.index('name="evidence"') < html.index(DROPPED)
    response = client.post(url, {"entry": entry.pk, "objector_kind": "person", "objector_name": "王某",
                                 "objector_phone": "", "content": "中试线尚未建成。"})
    assert DROPPED not in response.content.decode()
