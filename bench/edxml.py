"""Benchmark: the edXML codec — streaming a large package, small-package rate, envelope signing.

    python bench/edxml.py [--quick] [--payload-mb N] [--out FILE.json]

No database. Phases that measure memory run in a fresh subprocess each, because the peak RSS
(ru_maxrss) only ever grows: the build of a package with one attachment of N MB (random bytes,
default 150 MB → a ~200 MB package), its envelope signature (file to file), the verification of
that signature, its parse with attachments decoded to a temp folder, and its fetch through the VXP
adapter from a local HTTP server answering getEdoc with the package's base64 in JSON, and its send
through the LGSP adapter (base64 in a JSON body) to that server.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import ROOT, report

MEMORY_LIMIT_MB = 64
_start_mb = 0.0  # peak RSS when the phase began (a phase that checks its result after reports earlier)


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

    global _start_mb
    before = _start_mb = _peak_mb()
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
    elif phase == "answer":
        _write_axis_answer(source, target)
        result = {}
    elif phase == "fetch":
        result = _fetch_from_axis(source, target)
    elif phase == "send":
        result = _send_to_axis(source, target)
    else:
        parsed = parse(source, attachments_dir=target, limits=_big_limits())
        (decoded,) = parsed.attachments  # type: ignore[union-attr]
        result = {"sha256": decoded.sha256, "size": decoded.size}
    return {"seconds": time.perf_counter() - started, "grew_mb": _peak_mb() - before, **result}


def _write_axis_answer(package: Path, answer: Path) -> None:
    """A VXP getEdoc answer carrying `package` as base64, as an axis sends it."""
    import base64

    with package.open("rb") as source, answer.open("wb") as out:
        out.write(b'{"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "data": "')
        while chunk := source.read(3 << 20):  # a multiple of 3: no padding inside
            out.write(base64.b64encode(chunk))
        out.write(b'"}')


@contextmanager
def _local_axis(*, answer: Path, received: Path) -> Iterator[str]:
    """A local HTTP server that stores each request body in `received` and answers with the bytes
    of `answer`, a piece at a time; its base URL."""
    import shutil
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Axis(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            left = int(self.headers.get("Content-Length") or 0)
            with received.open("wb") as out:
                while left > 0:
                    piece = self.rfile.read(min(left, 1 << 16))
                    out.write(piece)
                    left -= len(piece) or left
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(answer.stat().st_size))
            self.end_headers()
            with answer.open("rb") as body:
                shutil.copyfileobj(body, self.wfile, 1 << 16)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Axis)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _axis_adapter(style: str, url: str, spool: Path) -> Any:
    from eoffice.exchange.axis import AxisAccount, AxisStyle, adapter_for

    account = AxisAccount(
        style=AxisStyle(style),
        base_url=url,
        system_id="bench",
        secret="bench",  # noqa: S106 - a local server that checks nothing
        max_package_bytes=2 << 30,
        spool_dir=str(spool),
    )
    return adapter_for(account)


def _fetch_from_axis(answer: Path, spool: Path) -> dict[str, Any]:
    """Fetch the package in a VXP getEdoc answer through the adapter, from a local server."""
    with _local_axis(answer=answer, received=spool / "request.bin") as url:
        fetched = _axis_adapter("vxp", url, spool).fetch_file("bench")
    with fetched.open("rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    return {"sha256": sha256, "size": fetched.stat().st_size}


def _send_to_axis(package: Path, spool: Path) -> dict[str, Any]:
    """Send the package through the LGSP adapter (base64 inside a JSON body) to a local server."""
    from eoffice.exchange.axis import MessageType
    from eoffice.exchange.axis.jsonfield import decode_field

    answer, received = spool / "answer.json", spool / "sent.json"
    answer.write_bytes(b'{"ErrorCode": 0, "ErrorDesc": "", "data": {"docId": "bench"}}')
    started = time.perf_counter()
    with _local_axis(answer=answer, received=received) as url:
        adapter = _axis_adapter("lgsp", url, spool)
        doc_id = adapter.send(package, sender="bench", message_type=MessageType.EDOC)
    seconds, grew_mb = time.perf_counter() - started, _peak_mb() - _start_mb
    decoded = spool / "sent.edxml"
    with received.open("rb") as body, decoded.open("wb") as out:
        decode_field(iter(lambda: body.read(1 << 20), b""), ("content",), out)
    with decoded.open("rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    return {"sha256": sha256, "doc_id": doc_id, "seconds": seconds, "grew_mb": grew_mb}


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
    answer = workdir / "answer.json"
    _child("answer", signed, answer)
    fetched = _child("fetch", answer, workdir)
    sent = _child("send", signed, workdir)
    with signed.open("rb") as handle:
        signed_sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
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
        "axis_fetch_s": round(fetched["seconds"], 2),
        "axis_fetch_mem_growth_mb": round(fetched["grew_mb"], 1),
        "axis_send_s": round(sent["seconds"], 2),
        "axis_send_mem_growth_mb": round(sent["grew_mb"], 1),
    }
    checks = {
        "decoded attachment equals the original": parsed["sha256"] == digest.hexdigest()
        and parsed["size"] == payload_mb * 1024 * 1024,
        f"build memory growth < {MEMORY_LIMIT_MB} MB": built["grew_mb"] < MEMORY_LIMIT_MB,
        f"parse memory growth < {MEMORY_LIMIT_MB} MB": parsed["grew_mb"] < MEMORY_LIMIT_MB,
        f"sign memory growth < {MEMORY_LIMIT_MB} MB": signing["grew_mb"] < MEMORY_LIMIT_MB,
        f"verify memory growth < {MEMORY_LIMIT_MB} MB": verified["grew_mb"] < MEMORY_LIMIT_MB,
        "the streamed signature verifies": verified.get("verified") is True,
        "the package fetched from an axis answer equals the one sent": fetched["sha256"] == signed_sha256
        and fetched["size"] == signed.stat().st_size,
        f"axis fetch memory growth < {MEMORY_LIMIT_MB} MB": fetched["grew_mb"] < MEMORY_LIMIT_MB,
        "the package sent to an axis arrives equal": sent["sha256"] == signed_sha256,
        f"axis send memory growth < {MEMORY_LIMIT_MB} MB": sent["grew_mb"] < MEMORY_LIMIT_MB,
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
        "axis_fetch_mem_growth_mb": ["<", MEMORY_LIMIT_MB],
        "axis_send_mem_growth_mb": ["<", MEMORY_LIMIT_MB],
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
