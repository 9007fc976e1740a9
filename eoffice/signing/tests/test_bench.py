"""The signing benchmark runs and its checks pass (every signature it makes validates)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eoffice.signing.tests import hsm

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.softhsm
def test_signing_benchmark_quick(tmp_path: Path) -> None:
    if not hsm.available():
        pytest.skip("softhsm2 and opensc (pkcs11-tool) are needed for the PKCS#11 run")
    out = tmp_path / "bench.json"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("SOFTHSM2_CONF", None)
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "signing.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["figures"]["documents"] == 5
    assert result["figures"]["pkcs12.docs_per_s"] > 0 and result["figures"]["softhsm.docs_per_s"] > 0
    assert all(result["checks"].values()), result["checks"]
