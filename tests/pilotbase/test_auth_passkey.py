"""Passkeys (django-otp-webauthn) as a second kind of two-step device: they count for PILOTBASE_2FA_REQUIRED,
the verify and setup pages offer them with the package's own script (CSP stays strict), and a real signed
assertion at the package's endpoints is the second step done."""

import base64
import hashlib
import json
import re
import struct

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from pilotbase import twofactor

from .test_auth_2fa import log_in

pytestmark = pytest.mark.django_db
ORIGIN = "http://localhost"
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)


@pytest.fixture
def required(settings):
    settings.PILOTBASE_2FA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def passkey(user) -> tuple[WebAuthnCredential, ec.EllipticCurvePrivateKey]:
    """A confirmed passkey whose private key the test holds (as an authenticator would)."""
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
    device = WebAuthnCredential.objects.create(user=user, name="通行密钥", credential_id=b"cred-" + str(user.pk).encode(),
                                               public_key=cose, sign_count=0, confirmed=True)
    return device, key


def assertion(device, key, challenge: str) -> dict:
    auth_data = hashlib.sha256(b"localhost").digest() + bytes([0x05]) + struct.pack(">I", 1)
    client_data = json.dumps({"type": "webauthn.get", "challenge": challenge, "origin": ORIGIN}).encode()
    signature = key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
    raw_id = b64url(bytes(device.credential_id))
    return {"id": raw_id, "rawId": raw_id, "type": "public-key", "clientExtensionResults": {},
            "response": {"authenticatorData": b64url(auth_data), "clientDataJSON": b64url(client_data),
                         "signature": b64url(signature)}}


def assert_package_script_only(html: str, name: str) -> None:
    scripts = _SCRIPT.findall(html)
    assert any(f'src="/static/django_otp_webauthn/{name}"' in attrs and 'type="module"' in attrs
               for attrs, _ in scripts)
    # The configuration is JSON data (json_script), not script the browser runs; nothing else is inline.
    inline = [attrs for attrs, body in scripts if "src=" not in attrs and body.strip()]
    assert inline and all('type="application/json"' in attrs for attrs in inline)


def test_a_passkey_counts_as_the_required_device(client, department_user, required):
    passkey(department_user)
    log_in(client, department_user)
    assert client.session[twofactor.PENDING] == "verify"  # not "setup": the passkey is a confirmed device
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_verify_page_offers_the_passkey_with_the_package_script_under_csp(client, department_user, required):
    passkey(department_user)
    log_in(client, department_user)
    response = client.get(reverse("two_factor_verify"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="passkey-verification-button"' in html
    assert_package_script_only(html, "otp_webauthn_auth.js")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert client.get("/static/django_otp_webauthn/otp_webauthn_auth.js").status_code == 200  # WhiteNoise


def test_verify_page_without_a_passkey_shows_no_passkey_option(client, department_user, required):
    from .test_auth_2fa import enrol

    log_in(client, department_user)
    enrol(client, department_user)
    client.post(reverse("logout"))
    log_in(client, department_user)
    html = client.get(reverse("two_factor_verify")).content.decode()
    assert "passkey-verification-button" not in html and "otp_webauthn_auth.js" not in html


def test_setup_page_offers_passkey_registration_beside_totp(client, department_user, required):
    log_in(client, department_user)
    response = client.get(reverse("two_factor_setup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="totp-secret"' in html and 'id="passkey-register-button"' in html
    assert_package_script_only(html, "otp_webauthn_register.js")
    assert 'src="/static/js/passkey.js"' in html


def test_a_signed_passkey_assertion_passes_the_middleware_as_verified(client, department_user, required):
    device, key = passkey(department_user)
    log_in(client, department_user)
    begin = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert begin.status_code == 200  # open to a session that owes the second step
    challenge = begin.json()["challenge"]
    complete = client.post(reverse("otp_webauthn:credential-authentication-complete") + "?next=/notifications/",
                           json.dumps(assertion(device, key, challenge)), content_type="application/json")
    assert complete.status_code == 200, complete.content
    assert complete.json()["redirect_url"] == "/notifications/"
    assert twofactor.PENDING not in client.session
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_wrong_signature_leaves_the_step_owed(client, department_user, required):
    device, _ = passkey(department_user)
    log_in(client, department_user)
    challenge = client.post(reverse("otp_webauthn:credential-authentication-begin")).json()["challenge"]
    other = ec.generate_private_key(ec.SECP256R1())
    complete = client.post(reverse("otp_webauthn:credential-authentication-complete"),
                           json.dumps(assertion(device, other, challenge)), content_type="application/json")
    assert complete.status_code >= 400
    assert client.session[twofactor.PENDING] == "verify"
    assert client.get(reverse("dashboard")).status_code == 302


def test_no_passwordless_login_with_a_passkey(client):
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 403
