"""A SoftHSM2 token for tests: initialised in a temp directory through SOFTHSM2_CONF.

SoftHSM reads SOFTHSM2_CONF and lists its slots when the PKCS#11 library is first initialised in
the process, so one token directory serves the whole process, and every token must be made
before the first session is opened.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from eoffice.signing.tests.pki import Identity

MODULE_CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
USER_PIN = "246810"
SO_PIN = "13579111"


def module_path() -> str | None:
    for candidate in MODULE_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return None


def available() -> bool:
    return (
        module_path() is not None
        and shutil.which("softhsm2-util") is not None
        and shutil.which("pkcs11-tool") is not None
    )


_CONF_DIR: Path | None = None


def _conf_dir() -> Path:
    global _CONF_DIR
    if _CONF_DIR is None:
        _CONF_DIR = Path(tempfile.mkdtemp(prefix="eoffice-softhsm-"))
        atexit.register(shutil.rmtree, _CONF_DIR, ignore_errors=True)
        (_CONF_DIR / "tokens").mkdir()
        conf = _CONF_DIR / "softhsm2.conf"
        conf.write_text(
            f"directories.tokendir = {_CONF_DIR / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n",
            encoding="utf-8",
        )
        os.environ["SOFTHSM2_CONF"] = str(conf)
    return _CONF_DIR


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin: str
    key_label: str


def make_token(label: str, identity: Identity, key_label: str = "signer") -> Token:
    """Initialise a token `label` and import `identity`'s private key and certificate into it."""
    module = module_path()
    assert module is not None, "softhsm2 is not installed"
    directory = _conf_dir()
    env = dict(os.environ)
    run = {"check": True, "capture_output": True, "env": env, "timeout": 60}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", USER_PIN],
        **run,  # type: ignore[call-overload]
    )
    key_file = directory / f"{label}-key.der"
    cert_file = directory / f"{label}-cert.der"
    key_file.write_bytes(identity.key_der())
    cert_file.write_bytes(identity.cert_der())
    base = ["pkcs11-tool", "--module", module, "--token-label", label, "--login", "--pin", USER_PIN]
    for kind, path in (("privkey", key_file), ("cert", cert_file)):
        subprocess.run(
            [*base, "--write-object", str(path), "--type", kind, "--id", "01", "--label", key_label],
            **run,  # type: ignore[call-overload]
        )
    key_file.unlink()
    return Token(module=module, label=label, pin=USER_PIN, key_label=key_label)


_SHARED: dict[str, Token] = {}


def shared_tokens(leader: Identity, org: Identity) -> dict[str, Token]:
    """The leader's and the organisation's tokens, made together once per process.

    SoftHSM lists its tokens when the PKCS#11 library is first initialised, so every test app
    that needs a token asks here rather than making its own after another app opened a session.
    """
    if not _SHARED:
        _SHARED["leader"] = make_token("eoffice-leader", leader)
        _SHARED["org"] = make_token("eoffice-org", org)
    return _SHARED
