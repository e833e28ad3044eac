"""Printed certificates keep working: their QR code's old path (/reviews/public/…) redirects to /public/; the old notice list path is gone."""

import uuid

from django.urls import reverse


def test_printed_qr_code_path_redirects_permanently_to_the_verify_page(client, db):
    token = uuid.uuid4()
    response = client.get(f"/reviews/public/verify/{token}/")
    assert (response.status_code, response["Location"]) == (301, f"/public/verify/{token}/")
    assert reverse("public:verify", args=[token]) == f"/public/verify/{token}/"


def test_printed_qr_code_path_lands_on_the_verification_page(client, db):
    response = client.get(f"/reviews/public/verify/{uuid.uuid4()}/", follow=True)
    assert response.status_code == 404  # unknown certificate: the verification page's own answer
    assert "未查到该证书" in response.content.decode()


def test_old_public_notice_list_path_is_gone(client, db):
    assert client.get("/reviews/public/notices/").status_code == 404
