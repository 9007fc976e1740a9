"""A ~200 MB package is built, signed, verified, parsed, fetched from an axis's JSON answer and sent
in an axis's JSON request as a stream: peak memory stays far below the package size.

Each phase runs in a fresh subprocess (the `--phase` mode of bench/edxml.py) and reports the growth
of its peak RSS (ru_maxrss), so libxml2's and lxml's C allocations count too, not only Python objects.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PAYLOAD_MB = 150  # base64 makes it a ~200 MB package
LIMIT_MB = 60


def _phase(*args: str) -> dict[str, float | str]:
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "bench" / "edxml.py"), "--phase", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, float | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_200_mb_package_streams_both_ways(tmp_path: Path) -> None:
    payload = tmp_path / "payload.pdf"
    digest = hashlib.sha256()
    with payload.open("wb") as out:
        block = b"%PDF-1.7\n" + os.urandom(1024 * 1024 - 9)
        for index in range(PAYLOAD_MB):
            chunk = block[:-4] + index.to_bytes(4, "big")
            digest.update(chunk)
            out.write(chunk)
    package = tmp_path / "big.edxml"
    built = _phase("build", str(payload), str(package))
    assert package.stat().st_size > 190 * 1024 * 1024
    assert float(built["grew_mb"]) < LIMIT_MB, built

    signed = tmp_path / "signed.edxml"
    signing = _phase("sign", str(package), str(signed))
    assert float(signing["grew_mb"]) < LIMIT_MB, signing
    assert signed.stat().st_size > package.stat().st_size
    verified = _phase("verify", str(signed), str(tmp_path))
    assert verified["verified"] is True
    assert float(verified["grew_mb"]) < LIMIT_MB, verified

    out_dir = tmp_path / "attachments"
    out_dir.mkdir()
    parsed = _phase("parse", str(signed), str(out_dir))
    assert parsed["size"] == PAYLOAD_MB * 1024 * 1024
    assert parsed["sha256"] == digest.hexdigest()
    assert float(parsed["grew_mb"]) < LIMIT_MB, parsed
    assert [p.stat().st_size for p in out_dir.iterdir()] == [PAYLOAD_MB * 1024 * 1024]  # decoded on disk

    # Pulled from an axis instead: the package arrives as base64 inside a JSON answer (VXP getEdoc).
    answer = tmp_path / "answer.json"
    _phase("answer", str(signed), str(answer))
    spool = tmp_path / "spool"
    spool.mkdir()
    fetched = _phase("fetch", str(answer), str(spool))
    with signed.open("rb") as handle:
        assert fetched["sha256"] == hashlib.file_digest(handle, "sha256").hexdigest()
    assert float(fetched["grew_mb"]) < LIMIT_MB, fetched
    # And sent to an LGSP axis: base64 inside a JSON request body.
    sent = _phase("send", str(signed), str(spool))
    assert sent["sha256"] == fetched["sha256"]
    assert float(sent["grew_mb"]) < LIMIT_MB, sent
