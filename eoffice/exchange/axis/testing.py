"""Running `manage.py axis_server` from tests and benchmarks, and small packages to route.

`axis_server_process` starts the development axis as a real subprocess on a free port of the given
range and yields its base URL; the packages below carry just what an axis routes on (From, To,
ResponseFor organ ids) — full edXML comes from the codec (`eoffice.exchange.edxml`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import requests
from django.conf import settings

from eoffice.exchange.axis.base import AxisAdapter, MessageType, PendingPackage

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


class AxisServerFailed(RuntimeError):
    pass


def _wait_for_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.1)
        if ready:
            line = process.stdout.readline()
            if line:
                return line
        if process.poll() is not None:
            return None
    return None


def _free(port: int) -> bool:
    # A cheap probe first: starting Django only to find the port taken costs seconds.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def axis_server_process(
    workdir: Path,
    config: dict[str, Any],
    *,
    ports: Sequence[int] = range(18200, 18250),
    extra_args: Sequence[str] = ("--allow-faults",),
    timeout: float = 120.0,  # Django's start-up alone can take 20 s on a loaded machine
) -> Iterator[str]:
    """Start the axis on the first port of `ports` it can bind; yield http://127.0.0.1:PORT."""
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "axis-config.json"
    config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    manage = Path(settings.BASE_DIR) / "manage.py"
    # Two test workers may start servers at once: start at an offset per worker, step on on failure.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    offset = (int(worker) * 7 if worker.isdigit() else 0) % len(ports)
    for port in [*ports[offset:], *ports[:offset]]:
        if not _free(port):
            continue
        command = [
            sys.executable,
            str(manage),
            "axis_server",
            "--port",
            str(port),
            "--store",
            str(workdir / "axis.sqlite3"),
            "--config",
            str(config_path),
            *extra_args,
        ]
        process = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=manage.parent
        )
        line = _wait_for_line(process, timeout)
        if line and "listening" in line:
            try:
                yield f"http://127.0.0.1:{port}"
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            return
        process.kill()
        process.wait()
    raise AxisServerFailed(f"axis_server could not start on any port of {ports[0]}-{ports[-1]}")


def dev_call(url: str, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """One `/_dev/<action>` call of a server started with --allow-faults."""
    response = requests.post(f"{url}/_dev/{action}", json=body or {}, timeout=30)
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


def inject_package(
    url: str,
    data: bytes,
    *,
    sender: str,
    receivers: Sequence[str],
    message_type: str = "edoc",
    system: str = "_dev",
) -> str:
    """Put raw bytes in the receivers' lists, unchecked (malformed samples, tampered packages), as
    sent by `system` (its sent-package report then shows what the receivers acknowledged)."""
    body = {"from": sender, "to": list(receivers), "message_type": message_type, "system": system}
    answer = dev_call(url, "packages", body | {"data": base64.b64encode(data).decode("ascii")})
    return str(answer["docId"])


def polled(adapter: AxisAdapter, message_type: MessageType) -> list[tuple[PendingPackage, bytes]]:
    """Every pending package with its bytes, read while `poll` still holds its file."""
    return [(item, path.read_bytes()) for item, path in adapter.poll(message_type=message_type)]


def edoc_package(*, sender: str, receivers: Sequence[str], subject: str = "Văn bản thử") -> bytes:
    to = "".join(f"<edXML:To><edXML:OrganId>{escape(code)}</edXML:OrganId></edXML:To>" for code in receivers)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}">'
        f"<edXML:edXMLHeader><edXML:MessageHeader><edXML:From><edXML:OrganId>{escape(sender)}</edXML:OrganId>"
        f"</edXML:From>{to}<edXML:Subject>{escape(subject)}</edXML:Subject></edXML:MessageHeader>"
        "</edXML:edXMLHeader><edXML:edXMLBody/></edXML:edXMLEnvelope></edXML>"
    ).encode()


def status_package(*, sender: str, original_sender: str, code: str = "01") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}">'
        f"<edXML:edXMLHeader><edXML:MessageHeader><edXML:From><edXML:OrganId>{escape(sender)}</edXML:OrganId>"
        f"</edXML:From><edXML:ResponseFor><edXML:OrganId>{escape(original_sender)}</edXML:OrganId>"
        f"</edXML:ResponseFor><edXML:StatusCode>{escape(code)}</edXML:StatusCode></edXML:MessageHeader>"
        "</edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>"
    ).encode()
