"""Where the signing key lives: a PKCS#12 file, a PKCS#11 token, or (later) a remote service.

`eoffice.signing.pades` only needs a `DocumentSigner`: a pyHanko `Signer` plus the certificate
it signs with. Opening a signer checks what can be checked before a document is touched — the
PIN, that the key matches the certificate, that the certificate is in its validity period and
chains to the trust store — and refuses with a `DomainError` otherwise.

Remote signing (SmartCA / CloudCA style: the hash goes out, the signature comes back) plugs in by
subclassing `RemoteDigestSigner` and implementing `sign_digest(digest, digest_algorithm)`; the
service's certificate is fetched once and passed in. No remote implementation exists yet.
"""

from __future__ import annotations

import abc
import asyncio
import datetime as dt
import hashlib
import secrets
from types import TracebackType
from typing import Protocol, Self

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from eoffice.signing import errors
from eoffice.signing.trust import trust_roots


class DocumentSigner(Protocol):
    """What `pades` needs from a key holder."""

    @property
    def signer(self) -> Signer: ...

    @property
    def certificate(self) -> asn1_x509.Certificate: ...

    def close(self) -> None: ...


def _subject(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)


def check_certificate(
    cert: asn1_x509.Certificate,
    *,
    chain: list[asn1_x509.Certificate] | None = None,
    at: dt.datetime | None = None,
    roots: list[asn1_x509.Certificate] | None = None,
) -> None:
    """Refuse a certificate out of its validity period or not chaining to the trust store."""
    moment = at or dt.datetime.now(dt.UTC)
    validity = cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if moment > not_after:
        raise errors.certificate_expired(_subject(cert), not_after.date().isoformat())
    if moment < not_before:
        raise errors.certificate_not_yet_valid(_subject(cert), not_before.date().isoformat())
    anchors = trust_roots() if roots is None else roots
    if not anchors:
        raise errors.certificate_untrusted(_subject(cert), "the trust store is empty")
    context = ValidationContext(trust_roots=anchors, allow_fetching=False, moment=moment)
    validator = CertificateValidator(cert, intermediate_certs=chain or [], validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
    except (PathBuildingError, PathValidationError) as exc:
        raise errors.certificate_untrusted(_subject(cert), str(exc)) from exc


def _verify(public_key: object, signature: bytes, data: bytes) -> None:
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    else:
        raise errors.key_unavailable("unsupported key type")


def prove_possession(signer: Signer, cert: asn1_x509.Certificate) -> None:
    """Sign a random challenge and verify it with the certificate: the key must match.

    Works for every key holder (token, remote service) because it only uses the signer's own
    signing operation.
    """
    challenge = secrets.token_bytes(32)
    try:
        signature = asyncio.run(signer.async_sign_raw(challenge, "sha256"))
    except SigningError as exc:
        raise errors.key_unavailable(str(exc)) from exc
    public_key = x509.load_der_x509_certificate(cert.dump()).public_key()
    try:
        _verify(public_key, signature, challenge)
    except InvalidSignature as exc:
        raise errors.key_mismatch() from exc


class _Closing:
    def close(self) -> None:
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Pkcs12Signer(_Closing):
    """A key and certificate from a PKCS#12 (.p12/.pfx) file, held in memory for one job."""

    def __init__(
        self,
        data: bytes,
        password: str | bytes,
        *,
        certificate: bytes | None = None,
        check_trust: bool = True,
    ) -> None:
        """`certificate` (PEM or DER) replaces the one in the file, e.g. after a renewal for the same key."""
        secret = password.encode() if isinstance(password, str) else password
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, secret)
        except ValueError as exc:
            # cryptography says "Invalid password or PKCS12 data" for both; a file that is not
            # PKCS#12 at all is rarer than a mistyped password.
            raise errors.wrong_pin() from exc
        if certificate is not None:
            cert = x509.load_der_x509_certificate(_to_der(certificate))
        if key is None or cert is None:
            raise errors.key_unavailable("the PKCS#12 file holds no key or no certificate")
        if key.public_key().public_numbers() != cert.public_key().public_numbers():  # type: ignore[union-attr]
            raise errors.key_mismatch()
        as_asn1 = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra]
        self._cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        if check_trust:
            check_certificate(self._cert, chain=as_asn1)
        key_der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._signer = SimpleSigner(
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            signing_cert=self._cert,
            cert_registry=SimpleCertificateStore.from_certs(as_asn1),
        )

    @property
    def signer(self) -> Signer:
        return self._signer

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._cert


class Pkcs11Signer(_Closing):
    """A key on a PKCS#11 token (USB token, HSM, SoftHSM2). The session stays open until close()."""

    def __init__(
        self,
        *,
        module_path: str,
        token_label: str,
        pin: str,
        key_label: str,
        cert_label: str | None = None,
        certificate: bytes | None = None,
        check_trust: bool = True,
    ) -> None:
        from pkcs11 import exceptions as p11_errors
        from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session

        try:
            self._session = open_pkcs11_session(
                module_path, token_criteria=TokenCriteria(label=token_label), user_pin=pin
            )
        except p11_errors.PinIncorrect as exc:
            raise errors.wrong_pin() from exc
        except p11_errors.PinLenRange as exc:
            raise errors.wrong_pin() from exc
        except (p11_errors.PKCS11Error, SigningError, OSError) as exc:
            raise errors.key_unavailable(f"{type(exc).__name__} {exc}".strip()) from exc
        try:
            cert_obj = None
            if certificate is not None:
                cert_obj = asn1_x509.Certificate.load(_to_der(certificate))
            self._signer = PKCS11Signer(
                self._session,
                key_label=key_label,
                cert_label=cert_label if cert_obj is None else None,
                signing_cert=cert_obj,
                key_id=None,
            )
            cert = self._signer.signing_cert
            if cert is None:
                raise errors.key_unavailable("no certificate on the token")
            self._cert = cert
            if check_trust:
                check_certificate(cert, chain=list(self._signer.cert_registry))
            prove_possession(self._signer, cert)
        except BaseException:
            self._session.close()
            raise

    @property
    def signer(self) -> Signer:
        return self._signer

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._cert

    def close(self) -> None:
        self._session.close()


def _to_der(data: bytes) -> bytes:
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
    return data


class RemoteDigestSigner(Signer, abc.ABC):
    """Base for remote-signing services (SmartCA / CloudCA style).

    pyHanko hands `async_sign_raw` the DER-encoded signed attributes; this class hashes them and
    sends only the digest to the service, which returns a raw signature (RSA PKCS#1 v1.5 over the
    DigestInfo, or ECDSA) made with the key behind `certificate`. A subclass implements
    `sign_digest`, waiting for the user's approval on their phone if the service requires it.
    Wrap an instance in `RemoteSigner` to get a `DocumentSigner`.
    """

    def __init__(self, certificate: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]) -> None:
        super().__init__(signing_cert=certificate, cert_registry=SimpleCertificateStore.from_certs(chain))

    @abc.abstractmethod
    def sign_digest(self, digest: bytes, digest_algorithm: str) -> bytes:
        """Return the signature over `digest` (already hashed with `digest_algorithm`)."""

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        digest = hashlib.new(digest_algorithm, data).digest()
        if dry_run:
            # pyHanko asks once to size the signature container; no need to bother the user.
            return bytes(self._key_size_bytes())
        return await asyncio.to_thread(self.sign_digest, digest, digest_algorithm)

    def _key_size_bytes(self) -> int:
        public_key = x509.load_der_x509_certificate(self.signing_cert.dump()).public_key()  # type: ignore[union-attr]
        if isinstance(public_key, rsa.RSAPublicKey):
            return public_key.key_size // 8
        return 2 * 72  # ECDSA DER signatures are at most 2×(32..66)+8 bytes; room for P-521


class RemoteSigner(_Closing):
    """A `DocumentSigner` around a `RemoteDigestSigner`, with the same checks as the others."""

    def __init__(self, remote: RemoteDigestSigner, *, check_trust: bool = True) -> None:
        cert = remote.signing_cert
        if cert is None:
            raise errors.key_unavailable("the remote service returned no certificate")
        if check_trust:
            check_certificate(cert, chain=list(remote.cert_registry))
        self._signer = remote
        self._cert = cert

    @property
    def signer(self) -> Signer:
        return self._signer

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._cert
