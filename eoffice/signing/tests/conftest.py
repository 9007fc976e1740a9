from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from eoffice.signing.tests import hsm
from eoffice.signing.tests.pki import Pki, build_pki


@pytest.fixture(scope="session")
def pki() -> Pki:
    return build_pki()


@pytest.fixture
def trust_store(pki: Pki, tmp_path: Path) -> Iterator[Path]:
    path = pki.write_trust_store(tmp_path)
    with override_settings(EOFFICE_TRUST_STORE=str(path)):
        yield path


@pytest.fixture(scope="session")
def leader_token(pki: Pki) -> hsm.Token:
    if not hsm.available():
        pytest.skip("softhsm2 and opensc (pkcs11-tool) are needed for PKCS#11 tests")
    return hsm.shared_tokens(pki.leader, pki.org)["leader"]
