"""This installation's exchange key and certificate, and signed HTTP requests between peers.

Every push carries four headers: the sender's installation code, a Unix timestamp, the SHA-256
digest of the body and a signature over `method \\n path \\n timestamp \\n digest \\n peer code`
with the installation's private key (RSA PKCS#1 v1.5, ECDSA or Ed25519, whatever the key is). The
receiver checks the digest, the replay window and the signature against the certificate it has
registered for that peer. A replay inside the window only re-delivers the same package, which the
receipt's unique key acknowledges without storing it again.

The key comes from EOFFICE_EXCHANGE_KEY_FILE / EOFFICE_EXCHANGE_CERT_FILE; without them a
self-signed pair is made once in var/exchange/ (the admin gives the certificate to each peer).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from eoffice.exchange.edxml.dsig import private_key

HEADER_PEER = "X-Exchange-Peer"
HEADER_TIMESTAMP = "X-Exchange-Timestamp"
HEADER_DIGEST = "X-Exchange-Digest"
HEADER_SIGNATURE = "X-Exchange-Signature"
SIGNED_HEADERS = (HEADER_PEER, HEADER_TIMESTAMP, HEADER_DIGEST, HEADER_SIGNATURE)


@dataclass(frozen=True)
class KeyPair:
    key_pem: bytes
    cert_pem: bytes


def _files() -> tuple[Path, Path]:
    key_file = getattr(settings, "EXCHANGE_KEY_FILE", "") or ""
    cert_file = getattr(settings, "EXCHANGE_CERT_FILE", "") or ""
    if key_file and cert_file:
        return Path(key_file), Path(cert_file)
    folder = Path(settings.VAR_DIR) / "exchange"
    return folder / "installation-key.pem", folder / "installation-cert.pem"


def make_self_signed(common_name: str) -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return KeyPair(key_pem=key_pem, cert_pem=cert.public_bytes(serialization.Encoding.PEM))


@lru_cache(maxsize=4)
def _load(key_path: str, cert_path: str) -> KeyPair:
    key_file, cert_file = Path(key_path), Path(cert_path)
    if not key_file.exists() or not cert_file.exists():
        pair = make_self_signed(f"eOffice {settings.INSTALLATION_ID}")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_bytes(pair.key_pem)
        key_file.chmod(0o600)
        cert_file.write_bytes(pair.cert_pem)
    return KeyPair(key_pem=key_file.read_bytes(), cert_pem=cert_file.read_bytes())


def installation_keys() -> KeyPair:
    key_file, cert_file = _files()
    return _load(str(key_file), str(cert_file))


def digest_of(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def digest_of_file(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
    return "SHA-256=" + base64.b64encode(digest.digest()).decode()


def _message(method: str, path: str, timestamp: str, digest: str, peer_code: str) -> bytes:
    return "\n".join([method.upper(), path, timestamp, digest, peer_code]).encode()


def _sign(key_pem: bytes, data: bytes) -> bytes:
    key = private_key(key_pem)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    raise ValueError(f"unsupported exchange key type {type(key).__name__}")


def signed_headers(
    method: str,
    path: str,
    body_digest: str,
    *,
    now: float | None = None,
    key_pem: bytes | None = None,
    peer_code: str | None = None,
) -> dict[str, str]:
    """Headers that authenticate one request (or response) as coming from this installation."""
    timestamp = str(int(now if now is not None else time.time()))
    peer_code = peer_code if peer_code is not None else own_code()
    key = key_pem if key_pem is not None else installation_keys().key_pem
    signature = _sign(key, _message(method, path, timestamp, body_digest, peer_code))
    return {
        HEADER_PEER: peer_code,
        HEADER_TIMESTAMP: timestamp,
        HEADER_DIGEST: body_digest,
        HEADER_SIGNATURE: base64.b64encode(signature).decode(),
    }


class RequestRefused(Exception):
    """The request's authentication failed; `code` is stable, `detail` technical."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def verify_request(
    *,
    method: str,
    path: str,
    headers: dict[str, str],
    body_digest: str,
    cert_pem: str,
    now: float | None = None,
) -> None:
    """Check digest, replay window and signature; raise RequestRefused naming what failed."""
    timestamp = headers.get(HEADER_TIMESTAMP, "")
    if not timestamp.isdigit():
        raise RequestRefused("request_unsigned", "missing or malformed timestamp")
    window = int(getattr(settings, "EXCHANGE_REPLAY_WINDOW_SECONDS", 300))
    if abs((now if now is not None else time.time()) - int(timestamp)) > window:
        raise RequestRefused("request_expired", f"timestamp {timestamp} outside the {window} s window")
    if headers.get(HEADER_DIGEST, "") != body_digest:
        raise RequestRefused("digest_mismatch", "the body does not match its digest")
    try:
        signature = base64.b64decode(headers.get(HEADER_SIGNATURE, ""), validate=True)
        public_key = x509.load_pem_x509_certificate(cert_pem.encode()).public_key()
    except ValueError as exc:
        raise RequestRefused("request_unsigned", str(exc)) from exc
    data = _message(method, path, timestamp, body_digest, headers.get(HEADER_PEER, ""))
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, data)
        else:
            raise RequestRefused("request_signature_invalid", "unsupported key type")
    except InvalidSignature as exc:
        raise RequestRefused("request_signature_invalid", "the request signature does not verify") from exc


def certificate_ok(cert_pem: str) -> bool:
    try:
        x509.load_pem_x509_certificate(cert_pem.encode())
    except ValueError:
        return False
    return True


def own_code() -> str:
    return str(settings.INSTALLATION_ID)
