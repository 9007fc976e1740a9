"""Benchmark: the edXML codec — streaming a large package, small-package rate, envelope signing.

    python bench/edxml.py [--quick] [--payload-mb N] [--out FILE.json]

No database. Phases that measure memory run in a fresh subprocess each, because the peak RSS
(ru_maxrss) only ever grows: the build of a package with one attachment of N MB (random bytes,
default 150 MB → a ~200 MB package), its envelope signature (file to file), the verification of
that signature, and its parse with attachments decoded to a temp folder.
Then the rate of build+parse of a typical edoc (one 300 KB PDF) and of a status message, and the
time to sign and verify a 5 MB package with a throw-away RSA-2048 key.
Checks: the decoded attachment has the original SHA-256 and size, round trips are equal, the
signature verifies, and the memory growth of each streaming phase stays under 64 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, report

MEMORY_LIMIT_MB = 64


def _setup() -> None:
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _phase(phase: str, source: Path, target: Path) -> dict[str, Any]:
    _setup()
    from eoffice.exchange.edxml import (
        Attachment,
        ManifestReference,
        parse,
        sign_stream,
        verify_envelope,
        write_edoc,
    )
    from eoffice.exchange.tests.edxml_factories import edoc
    from eoffice.exchange.tests.edxml_keys import key_and_cert

    before = _peak_mb()
    started = time.perf_counter()
    if phase == "build":
        package = edoc()
        attachment = Attachment.from_path(source)
        attachment.content_id, attachment.attachment_name = "big", "big.pdf"
        attachment.content_type = "application/pdf"
        package.attachments = [attachment]
        package.manifest = [ManifestReference("big", "application/pdf", "", "big.pdf")]
        with target.open("wb") as out:
            write_edoc(package, out)
        result: dict[str, Any] = {}
    elif phase == "sign":
        key, cert = key_and_cert()
        with target.open("wb") as out:
            sign_stream(source, out, key_pem=key, cert_pem=cert, limits=_big_limits())
        Path(f"{target}.cert.pem").write_bytes(cert)
        result = {}
    elif phase == "verify":
        verify_envelope(source, cert_pem=Path(f"{source}.cert.pem").read_bytes(), limits=_big_limits())
        result = {"verified": True}
    else:
        parsed = parse(source, attachments_dir=target, limits=_big_limits())
        (decoded,) = parsed.attachments  # type: ignore[union-attr]
        result = {"sha256": decoded.sha256, "size": decoded.size}
    return {**result, "seconds": time.perf_counter() - started, "grew_mb": _peak_mb() - before}


def _big_limits() -> Any:
    from eoffice.exchange.edxml import Limits

    return Limits(max_package_bytes=2 << 30, max_attachment_bytes=2 << 30)


def _child(phase: str, source: Path, target: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, str(source), str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _streaming(workdir: Path, payload_mb: int) -> tuple[dict[str, Any], dict[str, bool]]:
    payload = workdir / "payload.pdf"
    digest = hashlib.sha256()
    with payload.open("wb") as out:
        for _ in range(payload_mb):
            chunk = b"%PDF" + os.urandom(1024 * 1024 - 4)
            digest.update(chunk)
            out.write(chunk)
    package = workdir / "big.edxml"
    built = _child("build", payload, package)
    signed = workdir / "big-signed.edxml"
    signing = _child("sign", package, signed)
    verified = _child("verify", signed, workdir)
    decoded_dir = workdir / "decoded"
    decoded_dir.mkdir()
    parsed = _child("parse", signed, decoded_dir)
    size_mb = package.stat().st_size / 1024 / 1024
    figures = {
        "package_mb": round(size_mb, 1),
        "build_s": round(built["seconds"], 2),
        "build_mem_growth_mb": round(built["grew_mb"], 1),
        "parse_s": round(parsed["seconds"], 2),
        "parse_mb_per_s": round(size_mb / parsed["seconds"], 1),
        "parse_mem_growth_mb": round(parsed["grew_mb"], 1),
        "sign_s": round(signing["seconds"], 2),
        "sign_mem_growth_mb": round(signing["grew_mb"], 1),
        "verify_s": round(verified["seconds"], 2),
        "verify_mem_growth_mb": round(verified["grew_mb"], 1),
    }
    checks = {
        "decoded attachment equals the original": parsed["sha256"] == digest.hexdigest()
        and parsed["size"] == payload_mb * 1024 * 1024,
        f"build memory growth < {MEMORY_LIMIT_MB} MB": built["grew_mb"] < MEMORY_LIMIT_MB,
        f"parse memory growth < {MEMORY_LIMIT_MB} MB": parsed["grew_mb"] < MEMORY_LIMIT_MB,
        f"sign memory growth < {MEMORY_LIMIT_MB} MB": signing["grew_mb"] < MEMORY_LIMIT_MB,
        f"verify memory growth < {MEMORY_LIMIT_MB} MB": verified["grew_mb"] < MEMORY_LIMIT_MB,
        "the streamed signature verifies": verified.get("verified") is True,
    }
    return figures, checks


def _rates(rounds: int) -> tuple[dict[str, Any], dict[str, bool]]:
    _setup()
    from eoffice.exchange.edxml import build_edoc, build_status, parse, sign_envelope, verify_envelope
    from eoffice.exchange.tests.edxml_factories import edoc, status
    from eoffice.exchange.tests.edxml_keys import key_and_cert

    package = edoc(("Công văn.pdf", b"%PDF" + os.urandom(300 * 1024), "application/pdf"))
    started = time.perf_counter()
    equal = all(parse(build_edoc(package)) == package for _ in range(rounds))
    edoc_rate = rounds / (time.perf_counter() - started)
    message = status()
    started = time.perf_counter()
    equal_status = all(parse(build_status(message)) == message for _ in range(rounds * 5))
    status_rate = rounds * 5 / (time.perf_counter() - started)
    key, cert = key_and_cert()
    large = build_edoc(edoc(("a.pdf", b"%PDF" + os.urandom(5 * 1024 * 1024), "application/pdf")))
    started = time.perf_counter()
    signed = sign_envelope(large, key_pem=key, cert_pem=cert)
    signing = time.perf_counter() - started
    started = time.perf_counter()
    verify_envelope(signed, cert_pem=cert)
    verifying = time.perf_counter() - started
    figures = {
        "edoc_300kb_roundtrips_per_s": round(edoc_rate, 1),
        "status_roundtrips_per_s": round(status_rate, 1),
        "sign_5mb_s": round(signing, 3),
        "verify_5mb_s": round(verifying, 3),
    }
    checks = {"edoc round trips equal": equal, "status round trips equal": equal_status}
    return figures, checks


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="20 MB payload, fewer rounds (< 1 min)")
    parser.add_argument("--payload-mb", type=int, default=None)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--phase", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase, source, target = args.phase
        print(json.dumps(_phase(phase, Path(source), Path(target))))
        return 0
    payload_mb = args.payload_mb or (20 if args.quick else 150)
    with tempfile.TemporaryDirectory(prefix="bench-edxml-") as folder:
        streaming, stream_checks = _streaming(Path(folder), payload_mb)
    rates, rate_checks = _rates(10 if args.quick else 50)
    targets = {
        "parse_mem_growth_mb": ["<", MEMORY_LIMIT_MB],
        "build_mem_growth_mb": ["<", MEMORY_LIMIT_MB],
        "sign_mem_growth_mb": ["<", MEMORY_LIMIT_MB],
        "verify_mem_growth_mb": ["<", MEMORY_LIMIT_MB],
    }
    return report(
        "edXML codec (QCVN 102:2016)",
        {"payload_mb": payload_mb, **streaming, **rates},
        targets,
        {**stream_checks, **rate_checks},
        args.out,
    )


if __name__ == "__main__":
    sys.exit(main())
