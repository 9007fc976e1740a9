"""A ~200 MB package is built and parsed as a stream: peak memory stays far below the package size.

Measured as the growth of the peak RSS (ru_maxrss) of a fresh subprocess, so libxml2's and
lxml's C allocations count too, not only Python objects.
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

SCRIPT = """
import hashlib, json, os, resource, sys
from pathlib import Path
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from eoffice.exchange.edxml import Attachment, ManifestReference, parse, write_edoc
from eoffice.exchange.tests.edxml_factories import edoc

def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

mode, source, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if mode == "build":
    package = edoc()
    attachment = Attachment.from_path(source)
    attachment.content_id, attachment.attachment_name = "big", "big.pdf"
    attachment.content_type = "application/pdf"
    package.attachments = [attachment]
    package.manifest = [ManifestReference("big", "application/pdf", "", "big.pdf")]
    before = peak_kb()
    with target.open("wb") as out:
        write_edoc(package, out)
    print(json.dumps({"grew_kb": peak_kb() - before}))
else:
    before = peak_kb()
    package = parse(source, attachments_dir=target)
    grew = peak_kb() - before
    (attachment,) = package.attachments
    print(json.dumps({"grew_kb": grew, "size": attachment.size, "sha256": attachment.sha256,
                      "on_disk": attachment.path is not None and attachment.data is None}))
"""


def _run(*args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
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
    built = _run("build", str(payload), str(package))
    assert package.stat().st_size > 190 * 1024 * 1024
    assert int(built["grew_kb"]) < LIMIT_MB * 1024, built  # type: ignore[call-overload]

    out_dir = tmp_path / "attachments"
    out_dir.mkdir()
    parsed = _run("parse", str(package), str(out_dir))
    assert parsed["on_disk"] is True
    assert parsed["size"] == PAYLOAD_MB * 1024 * 1024
    assert parsed["sha256"] == digest.hexdigest()
    assert int(parsed["grew_kb"]) < LIMIT_MB * 1024, parsed  # type: ignore[call-overload]
