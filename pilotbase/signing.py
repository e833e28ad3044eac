"""Digital signatures on the documents the portal issues (the certificate PDF): PAdES with pyHanko.

The key and certificate come from settings (`PILOTBASE_SIGNING_KEY_FILE` / `PILOTBASE_SIGNING_CERT_FILE`, PEM;
the key's passphrase from `PILOTBASE_SIGNING_KEY_PASSPHRASE` or its `_FILE`). When none is configured (local
mode, tests, a demo) a self-signed pair is made once in `VAR_DIR/signing/` and reused, so every document signed
on one installation verifies against one certificate. A check of a PDF someone uploads (`pdf_signature_check`)
trusts exactly that certificate: a signature by anyone else is not ours.

pyHanko is imported inside the functions that use it (slow import, only where a PDF is signed or checked).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

SELF_SIGNED_DIR = "signing"
KEY_NAME, CERT_NAME = "key.pem", "cert.pem"
SELF_SIGNED_CN = "中试基地管理平台（本地自签名）"  # at most 64 bytes


@dataclass(frozen=True)
class KeyPair:
    key_file: Path
    cert_file: Path
    passphrase: bytes | None
    self_signed: bool


def signing_key_pair() -> KeyPair:
    """The configured key and certificate, or the installation's self-signed pair (made on first use)."""
    key, cert = settings.PILOTBASE_SIGNING_KEY_FILE, settings.PILOTBASE_SIGNING_CERT_FILE
    if key or cert:
        if not (key and cert):
            raise ImproperlyConfigured("PILOTBASE_SIGNING_KEY_FILE and PILOTBASE_SIGNING_CERT_FILE go together")
        passphrase = settings.PILOTBASE_SIGNING_KEY_PASSPHRASE
        return KeyPair(Path(key), Path(cert), passphrase.encode() if passphrase else None, self_signed=False)
    folder = Path(settings.VAR_DIR) / SELF_SIGNED_DIR
    if not (folder / KEY_NAME).is_file():
        self_signed_create(folder)
    return KeyPair(folder / KEY_NAME, folder / CERT_NAME, None, self_signed=True)


def self_signed_create(folder: Path) -> None:
    """An EC P-256 key and a ten-year self-signed certificate, written to a temporary folder and renamed into
    place in one step: two processes starting at once keep one pair (the loser's rename fails, its pair goes)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "广西壮族自治区科学技术厅"),
        x509.NameAttribute(NameOID.COMMON_NAME, SELF_SIGNED_CN),
    ])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".signing-", dir=folder.parent))  # mode 0700
    (staging / KEY_NAME).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    os.chmod(staging / KEY_NAME, 0o600)
    (staging / CERT_NAME).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    try:
        staging.rename(folder)
        log.warning("signing: made a self-signed pair in %s (no PILOTBASE_SIGNING_KEY_FILE is set)", folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another process made the pair first: keep theirs
        if not (folder / KEY_NAME).is_file():
            raise


@lru_cache(maxsize=4)
def _signer(pair: KeyPair):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(str(pair.key_file), str(pair.cert_file), key_passphrase=pair.passphrase)
    if signer is None:
        raise ImproperlyConfigured(f"the signing key {pair.key_file} or certificate {pair.cert_file} cannot be read")
    return signer


def signing_certificate():
    """Our signing certificate (asn1crypto), the only one a check trusts."""
    return _signer(signing_key_pair()).signing_cert


def pdf_sign(pdf: bytes, *, field_name: str, reason: str, location: str = "") -> bytes:
    """Sign `pdf` (an invisible PAdES B-B signature in a new field, SHA-256) and return the signed file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location or None, md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = _sync(signers.PdfSigner(meta, signer=_signer(signing_key_pair())).async_sign_pdf(writer))
    return out.getvalue()


def _sync(coroutine):
    """Run one of pyHanko's coroutines to the end from synchronous code. pyHanko's own sync calls use asyncio.run,
    which refuses inside a running event loop (an async caller; Playwright's sync API keeps one running in the
    test process): the signature silently failed and the certificate stayed 生成中. There it runs on a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass(frozen=True)
class SignatureCheck:
    readable: bool  # pyHanko could read the file's structure
    ours: bool  # it carries a signature by our certificate, or a field named like ours
    valid: bool  # one of our signatures is intact, made by our certificate and covers the whole file
    field_names: tuple[str, ...] = ()


def pdf_signature_check(pdf: bytes, *, field_prefix: str) -> SignatureCheck:
    """What the signatures of an uploaded PDF say. Never raises on a damaged or hostile file."""
    try:
        return _check(pdf, field_prefix=field_prefix)
    except Exception as exc:  # a damaged or crafted file: pyHanko raises many kinds
        log.info("signature check: unreadable PDF (%s)", type(exc).__name__)
        return SignatureCheck(readable=False, ours=field_prefix.encode() in pdf, valid=False)


def _check(pdf: bytes, *, field_prefix: str) -> SignatureCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    ours_cert = signing_certificate()
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    names, ours, valid = [], False, False
    for embedded in reader.embedded_signatures:
        name = embedded.field_name or ""
        names.append(name)
        by_us = embedded.signer_cert is not None and embedded.signer_cert.dump() == ours_cert.dump()
        if not (by_us or name.startswith(field_prefix)):
            continue
        ours = True
        if by_us:
            status = _sync(async_validate_pdf_signature(embedded, ValidationContext(trust_roots=[ours_cert])))
            valid = valid or (status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
    return SignatureCheck(readable=True, ours=ours or field_prefix.encode() in pdf, valid=valid,
                          field_names=tuple(names))
