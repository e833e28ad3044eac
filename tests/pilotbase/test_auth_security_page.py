"""账号安全 (pilotbase.views_security): a user with TOTP adds a passkey; recovery codes for every user with a second
factor (a passkey-only one too), shown once, regenerable after the password again; passkeys listed, renamed and
removed (never the last second factor of a role that must use two-step login); every change in the audit log."""

import base64
import hashlib
import json
import time

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp_webauthn.models import WebAuthnCredential

from pilotbase import twofactor
from pilotbase.auth import AUTH_AT
from pilotbase.models import TransitionLog

from .test_auth_2fa import enrol, log_in
from .test_auth_passkey import ORIGIN, assert_package_script_only, passkey

pytestmark = pytest.mark.django_db


@pytest.fixture
def webauthn(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def required(settings, webauthn):
    settings.PILOTBASE_2FA_REQUIRED = True


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def register_passkey(client, credential_id: bytes = b"new-passkey"):
    """The registration ceremony at the package's endpoints, answered as an authenticator would ("none"
    attestation, a fresh P-256 key): returns the complete endpoint's response."""
    begin = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert begin.status_code == 200, begin.content
    numbers = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
    auth_data = (hashlib.sha256(b"localhost").digest() + bytes([0x45]) + (0).to_bytes(4, "big")
                 + bytes(16) + len(credential_id).to_bytes(2, "big") + credential_id + cose)
    client_data = json.dumps({"type": "webauthn.create", "challenge": begin.json()["challenge"],
                              "origin": ORIGIN}).encode()
    body = {"id": b64url(credential_id), "rawId": b64url(credential_id), "type": "public-key",
            "clientExtensionResults": {}, "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data}))}}
    return client.post(reverse("otp_webauthn:credential-registration-complete"), json.dumps(body),
                       content_type="application/json")


def shown_codes(client) -> list[str]:
    html = client.get(f"{reverse('two_factor_codes')}?next={reverse('account_security')}").content.decode()
    assert 'id="recovery-codes"' in html
    return [li.split("</li>")[0] for li in html.split('id="recovery-codes"')[1].split("</ul>")[0].split("<li>")[1:]]


def logged(user, transition: str) -> list[TransitionLog]:
    return list(TransitionLog.objects.filter(subject_type=ContentType.objects.get_for_model(user),
                                             subject_id=user.pk, transition=transition))


def old_login(client) -> None:
    session = client.session
    session[AUTH_AT] = int(time.time()) - 3600 * 24
    session.save()


def _verified(client, user):
    """Signed in with the second step done (as after a passkey at the verify page)."""
    log_in(client, user)
    session = client.session
    session.pop(twofactor.PENDING, None)
    session.save()


# --- 1. a user with TOTP adds a passkey ----------------------------------------------------------------------
def test_a_totp_user_is_sent_to_the_security_page_which_offers_a_passkey(client, department_user, required):
    log_in(client, department_user)
    enrol(client, department_user)
    setup = client.get(reverse("two_factor_setup"))
    assert setup.status_code == 302 and setup["Location"] == reverse("account_security")
    html = client.get(reverse("account_security")).content.decode()
    assert 'id="passkey-register-button"' in html
    assert_package_script_only(html, "otp_webauthn_register.js")  # no inline script: the CSP stays strict
    assert "已启用" in html.split('id="totp-state"')[1].split("</p>")[0]


def test_a_totp_user_registers_a_passkey_and_keeps_the_recovery_codes(client, department_user, required):
    log_in(client, department_user)
    codes = enrol(client, department_user)
    response = register_passkey(client)
    assert response.status_code == 200, response.content
    device = WebAuthnCredential.objects.get(user=department_user)
    assert device.confirmed and device.name == "通行密钥 1"
    assert twofactor.CODES_SHOWN not in client.session  # the codes from the authenticator's setup stay valid
    assert set(StaticToken.objects.filter(device__user=department_user).values_list("token", flat=True)) == set(codes)
    assert [row.comment for row in logged(department_user, "passkey_add")] == ["通行密钥 1"]
    # The next login offers both: the code, or the passkey.
    client.post(reverse("logout"))
    log_in(client, department_user)
    assert 'id="passkey-verification-button"' in client.get(reverse("two_factor_verify")).content.decode()


def test_a_session_owing_the_step_cannot_register_a_passkey(client, department_user, required):
    """An attacker with the password alone must not add a device: the enrolled user's session owes "verify"."""
    log_in(client, department_user)
    enrol(client, department_user)
    client.post(reverse("logout"))
    log_in(client, department_user)
    assert client.post(reverse("otp_webauthn:credential-registration-begin")).status_code == 403
    assert not WebAuthnCredential.objects.filter(user=department_user).exists()


# --- 2. recovery codes for every user with a second factor ---------------------------------------------------
def test_a_passkey_only_user_gets_recovery_codes_once_and_each_works_once(client, department_user, required):
    log_in(client, department_user)
    assert client.session[twofactor.PENDING] == "setup"
    assert register_passkey(client).status_code == 200
    assert twofactor.PENDING not in client.session  # the passkey is the step done
    codes = shown_codes(client)
    assert len(codes) == twofactor.RECOVERY_CODES == len(set(codes))
    assert logged(department_user, "recovery_codes_issue")
    again = client.get(f"{reverse('two_factor_codes')}?next={reverse('account_security')}")
    assert again.status_code == 302 and again["Location"] == reverse("account_security")  # never shown twice
    assert "剩余 10 个" in client.get(reverse("account_security")).content.decode()

    client.post(reverse("logout"))
    log_in(client, department_user)
    assert client.session[twofactor.PENDING] == "verify"
    assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert "剩余 9 个" in client.get(reverse("account_security")).content.decode()
    assert logged(department_user, "recovery_code_use")
    client.post(reverse("logout"))
    log_in(client, department_user)
    verify = client.get(reverse("two_factor_verify")).content.decode()
    assert "使用通行密钥验证" in verify and "可在此输入一个恢复码" in verify  # no authenticator to speak of
    refused = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()


def test_the_setup_page_sends_a_new_passkey_to_the_codes_page(client, department_user, required):
    log_in(client, department_user)
    html = client.get(reverse("two_factor_setup") + "?next=/notifications/").content.decode()
    assert f'data-done-url="{reverse("two_factor_codes")}?next=/notifications/"' in html


def test_codes_page_refuses_an_outside_next(client, department_user, webauthn):
    log_in(client, department_user)
    response = client.get(reverse("two_factor_codes") + "?next=https://evil.example/")
    assert response["Location"] == reverse("dashboard")


def test_regenerating_codes_asks_for_the_password_again_then_voids_the_old_ones(client, applicant, webauthn):
    passkey(applicant)
    _verified(client, applicant)
    old = twofactor.recovery_codes_issue(user=applicant, actor=applicant)
    old_login(client)
    asked = client.post(reverse("recovery_codes_regenerate"), HTTP_REFERER="http://testserver/account/security/")
    assert asked["Location"].startswith(reverse("reauth"))
    assert set(StaticToken.objects.filter(device__user=applicant).values_list("token", flat=True)) == set(old)

    from tests.factories import PASSWORD

    client.post(reverse("reauth"), {"password": PASSWORD, "next": reverse("account_security")})
    done = client.post(reverse("recovery_codes_regenerate"))
    assert done.status_code == 302 and done["Location"].startswith(reverse("two_factor_codes"))
    new = shown_codes(client)
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=applicant).values_list("token", flat=True)) == set(new)
    assert StaticDevice.objects.filter(user=applicant).count() == 1
    assert len(logged(applicant, "recovery_codes_issue")) == 2


def test_no_codes_without_a_second_factor(client, applicant):
    log_in(client, applicant)
    response = client.post(reverse("recovery_codes_regenerate"), follow=True)
    assert "请先启用身份验证器或登记通行密钥" in response.content.decode()
    assert not StaticDevice.objects.filter(user=applicant).exists()
    assert "启用身份验证器或登记通行密钥后，平台会生成恢复码" in response.content.decode()


# --- 3. the passkeys on the security page ---------------------------------------------------------------------
def test_the_page_lists_own_passkeys_with_their_dates_only(client, applicant, other_applicant, webauthn):
    mine, _ = passkey(applicant)
    WebAuthnCredential.objects.filter(pk=mine.pk).update(name="办公室电脑")
    theirs, _ = passkey(other_applicant)
    WebAuthnCredential.objects.filter(pk=theirs.pk).update(name="别人的手机")
    _verified(client, applicant)
    html = client.get(reverse("account_security")).content.decode()
    table = html.split('id="passkeys"')[1].split("</table>")[0]
    assert "办公室电脑" in table and "别人的手机" not in html
    assert mine.created_at.astimezone().strftime("%Y-%m-%d") in table and "尚未使用" in table
    assert reverse("passkey_rename", args=[mine.pk]) in table and reverse("passkey_remove", args=[mine.pk]) in table


def test_rename_a_passkey(client, applicant, webauthn):
    device, _ = passkey(applicant)
    _verified(client, applicant)
    url = reverse("passkey_rename", args=[device.pk])
    assert 'value="通行密钥"' in client.get(url).content.decode()
    response = client.post(url, {"name": "  蓝色安全密钥 "})
    assert response["Location"] == reverse("account_security")
    device.refresh_from_db()
    assert device.name == "蓝色安全密钥"
    assert [r.comment for r in logged(applicant, "passkey_rename")] == ["通行密钥 → 蓝色安全密钥"]


@pytest.mark.parametrize(("name", "message"), [("", "请填写名称。"), ("长" * 65, "名称最多 64 个字。")])
def test_rename_refuses_a_bad_name_and_keeps_the_input(client, applicant, webauthn, name, message):
    device, _ = passkey(applicant)
    _verified(client, applicant)
    response = client.post(reverse("passkey_rename", args=[device.pk]), {"name": name})
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert not name or f'value="{name}"' in html
    device.refresh_from_db()
    assert device.name == "通行密钥" and not logged(applicant, "passkey_rename")


def test_another_users_passkey_is_not_found(client, applicant, other_applicant, webauthn):
    theirs, _ = passkey(other_applicant)
    _verified(client, applicant)
    assert client.get(reverse("passkey_rename", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("passkey_rename", args=[theirs.pk]), {"name": "x"}).status_code == 404
    assert client.post(reverse("passkey_remove", args=[theirs.pk])).status_code == 404
    assert WebAuthnCredential.objects.get(pk=theirs.pk).name == "通行密钥"


def test_an_optional_user_removes_the_last_passkey_and_its_codes_with_it(client, applicant, webauthn):
    device, _ = passkey(applicant)
    twofactor.recovery_codes_issue(user=applicant, actor=applicant)
    _verified(client, applicant)
    response = client.post(reverse("passkey_remove", args=[device.pk]), follow=True)
    assert "通行密钥“通行密钥”已移除" in response.content.decode()
    assert not WebAuthnCredential.objects.filter(user=applicant).exists()
    assert not StaticDevice.objects.filter(user=applicant).exists()  # no second factor: two-step login is off
    assert logged(applicant, "passkey_remove") and logged(applicant, "recovery_codes_void")
    client.post(reverse("logout"))
    log_in(client, applicant)
    assert twofactor.PENDING not in client.session


def test_the_last_second_factor_of_a_required_role_cannot_be_removed(client, department_user, required):
    device, _ = passkey(department_user)
    _verified(client, department_user)
    response = client.post(reverse("passkey_remove", args=[device.pk]), follow=True)
    assert "按平台安全要求，您的账号必须保留至少一种两步验证方式" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=device.pk).exists()
    assert not logged(department_user, "passkey_remove")


def test_a_required_role_removes_a_passkey_it_does_not_need(client, department_user, required):
    log_in(client, department_user)
    enrol(client, department_user)
    assert register_passkey(client).status_code == 200
    device = WebAuthnCredential.objects.get(user=department_user)
    assert client.post(reverse("passkey_remove", args=[device.pk])).status_code == 302
    assert not WebAuthnCredential.objects.filter(user=department_user).exists()
    assert StaticToken.objects.filter(device__user=department_user).count() == 10  # TOTP stays, codes too


def test_removing_asks_for_the_password_again_after_an_old_login(client, applicant, webauthn):
    device, _ = passkey(applicant)
    _verified(client, applicant)
    old_login(client)
    response = client.post(reverse("passkey_remove", args=[device.pk]))
    assert response["Location"].startswith(reverse("reauth"))
    assert WebAuthnCredential.objects.filter(pk=device.pk).exists()


def test_the_log_rows_cannot_be_changed(applicant):
    device, _ = passkey(applicant)
    twofactor.passkey_rename(device=device, actor=applicant, name="手机")
    row = logged(applicant, "passkey_rename")[0]
    assert row.label == "重命名通行密钥" and row.actor_id == applicant.pk and row.record == device
    from pilotbase.models.audit import AuditLogImmutable

    with pytest.raises(AuditLogImmutable):
        row.delete()


def test_the_passkey_list_costs_the_same_queries_for_four_as_for_one(client, applicant, webauthn):
    from tests.queries import assert_constant

    _verified(client, applicant)
    made = []

    def add(k):
        for _i in range(k):
            made.append(WebAuthnCredential.objects.create(
                user=applicant, name=f"密钥{len(made)}", credential_id=f"q-{len(made)}".encode(), public_key=b"k",
                confirmed=True))

    assert_constant(client, reverse("account_security"), add, '/rename/"')


# --- the authenticator turned off (the same rule) --------------------------------------------------------------
def test_the_authenticator_of_a_required_role_stays_when_it_is_the_only_factor(client, department_user, required):
    log_in(client, department_user)
    enrol(client, department_user)
    response = client.post(reverse("totp_remove"), follow=True)
    assert "请先登记一个通行密钥，再停用身份验证器" in response.content.decode()
    assert twofactor.has_totp(department_user) and not logged(department_user, "totp_remove")


def test_a_required_role_with_a_passkey_turns_the_authenticator_off(client, department_user, required):
    log_in(client, department_user)
    enrol(client, department_user)
    assert register_passkey(client).status_code == 200
    response = client.post(reverse("totp_remove"), follow=True)
    assert "身份验证器已停用" in response.content.decode()
    assert not twofactor.has_totp(department_user) and logged(department_user, "totp_remove")
    assert StaticToken.objects.filter(device__user=department_user).count() == 10  # the passkey still needs them
    assert client.get(reverse("two_factor_setup")).status_code == 200  # and may set one up again


def test_an_optional_user_turns_two_step_login_off(client, applicant, webauthn):
    log_in(client, applicant)
    enrol(client, applicant)
    old_login(client)
    assert client.post(reverse("totp_remove"))["Location"].startswith(reverse("reauth"))
    assert twofactor.has_totp(applicant)
    from tests.factories import PASSWORD

    client.post(reverse("reauth"), {"password": PASSWORD})
    client.post(reverse("totp_remove"))
    assert not twofactor.has_totp(applicant) and not StaticDevice.objects.filter(user=applicant).exists()
    client.post(reverse("logout"))
    log_in(client, applicant)
    assert twofactor.PENDING not in client.session


@pytest.mark.parametrize("pk", ["0", "2147483648", "99999999999999999999999"])
def test_a_huge_passkey_id_is_not_found(client, applicant, webauthn, pk):
    _verified(client, applicant)
    assert client.get(f"/account/security/passkeys/{pk}/rename/").status_code == 404
    assert client.post(f"/account/security/passkeys/{pk}/remove/").status_code == 404


def test_any_name_gives_a_page_or_the_rename_never_a_server_error(client, applicant, webauthn):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    device, _ = passkey(applicant)
    _verified(client, applicant)
    url = reverse("passkey_rename", args=[device.pk])
    seen = []

    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80),
                     st.sampled_from(["\x00", "a\x00b", "\r\n", "<script>", "长" * 64, "长" * 65])))
    def rename(name):
        response = client.post(url, {"name": name})
        seen.append(name)
        assert response.status_code in (200, 302), (name, response.status_code)
        device.refresh_from_db()
        assert "\x00" not in device.name and len(device.name) <= 64

    rename()
    assert len(seen) >= 15
