"""Background jobs: the audit-chain check, in process and through a real Huey consumer process.

The consumer tests start `manage.py run_huey` as a child with its own SQLite database file and
queue storage (SQLite file, or Redis at EOFFICE_TEST_REDIS_URL), enqueue from a second process
exactly as the web server would, and read the result back from the storage.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from huey import RedisHuey, SqliteHuey
from huey.api import Huey

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.models import AuditEvent
from eoffice.core.queue import wake_address
from eoffice.core.tasks import CHAIN_BROKEN_VERB, audit_chain_verify, verify_audit_chain

REDIS_URL = os.environ.get("EOFFICE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def _write_events(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(
                actor=Actor.system("test"), verb="test.event", data={"i": i, "text": "Công văn số 12"}
            )


@pytest.mark.django_db
def test_intact_chain_records_nothing() -> None:
    _write_events(3)
    assert verify_audit_chain() == {"intact": True, "problem": None}
    assert not AuditEvent.objects.filter(verb=CHAIN_BROKEN_VERB).exists()


@pytest.mark.django_db
def test_broken_chain_is_logged_and_recorded(caplog: pytest.LogCaptureFixture) -> None:
    _write_events(4)
    victim = AuditEvent.objects.get(seq=2)
    AuditEvent.objects.filter(pk=victim.pk).update(data={"i": 999})
    # Under the tests Huey runs jobs immediately (settings: immediate when testing).
    result = audit_chain_verify()()
    assert result["intact"] is False
    assert "#2" in result["problem"]
    assert "audit chain broken" in caplog.text
    broken = AuditEvent.objects.get(verb=CHAIN_BROKEN_VERB)
    assert broken.data["seq"] == 2
    assert broken.actor_name == "system:audit_verify"


def test_nightly_check_is_a_periodic_job_at_0230_vietnam_time() -> None:
    from datetime import datetime

    from huey.contrib.djhuey import HUEY

    from eoffice.core.tasks import audit_chain_verify_nightly

    registry = HUEY._registry
    periodic = {registry.task_to_string(type(task)) for task in registry.periodic_tasks}
    assert "eoffice.core.tasks.audit_chain_verify_nightly" in periodic
    task = audit_chain_verify_nightly.s()
    # Huey compares crontabs with UTC; 02:30 in Hanoi (UTC+7) is 19:30 UTC the day before.
    assert task.validate_datetime(datetime(2026, 3, 1, 19, 30))
    assert not task.validate_datetime(datetime(2026, 3, 1, 2, 30))
    assert HUEY.utc


# --- A real consumer process --------------------------------------------------------------------


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test copies it, so migrate runs once per module.

    Child commands pass --skip-checks: system checks have their own tests, and this one is about
    the queue, so it should not fail for an unrelated check.
    """
    folder = tmp_path_factory.mktemp("huey-db")
    db = folder / "template.sqlite3"
    env = _child_env(folder, db, installation_id="eo-template", redis_url=None)
    subprocess.run(
        [sys.executable, MANAGE, "migrate", "--noinput", "-v0", "--skip-checks"],
        env=env,
        check=True,
        timeout=300,
    )
    return db


def _child_env(folder: Path, db: Path, *, installation_id: str, redis_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EOFFICE_", "DATABASE_URL", "PYTEST"))}
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        EOFFICE_VAR_DIR=str(folder),
        EOFFICE_INSTALLATION_ID=installation_id,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if redis_url:
        env["EOFFICE_REDIS_URL"] = redis_url
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, MANAGE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def consumer(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_db: Path
) -> Iterator[tuple[dict[str, str], Huey, Path]]:
    redis_url = None
    installation_id = f"eo-test-{uuid.uuid4().hex[:12]}"
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip(f"Redis is not reachable at {REDIS_URL} (CI starts it; set EOFFICE_TEST_REDIS_URL)")
        redis_url = REDIS_URL
        client: Huey = RedisHuey(name=installation_id, url=redis_url)
    else:
        client = SqliteHuey(name=installation_id, filename=str(tmp_path / "huey.sqlite3"))
    db = tmp_path / "db.sqlite3"
    db.write_bytes(migrated_db.read_bytes())
    env = _child_env(tmp_path, db, installation_id=installation_id, redis_url=redis_url)
    if redis_url is None:
        # Far beyond the test's deadline: the job is only picked up in time if the enqueue's
        # wake-up reaches the idle consumer (eoffice.core.queue).
        env["EOFFICE_QUEUE_POLL_SECONDS"] = "300"
    log = (tmp_path / "consumer.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            MANAGE,
            "run_huey",
            "--workers",
            "1",
            "--max-delay",
            "0.2",
            "--no-periodic",
            "--skip-checks",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    address = wake_address(str(tmp_path / "huey.sqlite3"), installation_id)
    try:
        if redis_url is None:
            _wait_until_listening(address, process)
        yield env, client, db
    finally:
        process.send_signal(signal.SIGINT)  # huey's graceful stop
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            if redis_url is None:
                # The idle worker returns from its wait and sees the stop; woken before the main
                # thread has raised the stop flag, it would wait the whole poll interval again.
                _wake(address)
            time.sleep(0.1)
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
        client.flush()


def _listening_addresses() -> set[str]:
    # Abstract socket names, as /proc/net/unix lists them ("@" for the leading NUL).
    lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    return {"\0" + line.split()[-1][1:] for line in lines if line.split()[-1].startswith("@")}


def _wait_until_listening(address: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while address not in _listening_addresses():
        assert process.poll() is None, "the consumer exited"
        assert time.monotonic() < deadline, "the consumer never bound its wake-up address"
        time.sleep(0.1)


def _wake(address: str) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender, contextlib.suppress(OSError):
        sender.sendto(b"1", address)


@pytest.mark.slow
def test_consumer_process_runs_an_enqueued_job(consumer: tuple[dict[str, str], Huey, Path]) -> None:
    env, client, db = consumer
    _manage(
        env,
        "shell",
        "-c",
        "from django.db import transaction\n"
        "from eoffice.core import audit\n"
        "from eoffice.core.actor import Actor\n"
        "for i in range(3):\n"
        "    with transaction.atomic():\n"
        "        audit.record(actor=Actor.system('t'), verb='test.event', data={'i': i})\n",
    )
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE core_auditevent SET verb = 'test.tampered' WHERE seq = 2")
    # Enqueue from another process, as a web request would; it prints the task id.
    output = _manage(
        env,
        "shell",
        "-c",
        "from eoffice.core.tasks import audit_chain_verify; print('TASK', audit_chain_verify().id)",
    )
    task_id = next(line.split()[1] for line in output.splitlines() if line.startswith("TASK "))
    result = client.result(task_id, blocking=True, timeout=60)
    assert result is not None, "the consumer did not run the job within 60 s"
    assert result["intact"] is False, result
    assert "#2" in result["problem"]
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT actor_name FROM core_auditevent WHERE verb = ?", (CHAIN_BROKEN_VERB,)
        ).fetchall()
    assert rows == [("system:audit_verify",)]
