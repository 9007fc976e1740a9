"""`manage.py demo_serve` as a real process: gunicorn and the Huey consumer start, the login page
is served, a demo login signs in over HTTP, SIGTERM stops everything, and the death of one child
stops the other."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from eoffice.demo.output import DEFAULT_PASSWORD
from eoffice.demo.signing_kit import KEY_PASSWORD

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EOFFICE_", "DATABASE_URL", "PYTEST"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        EOFFICE_VAR_DIR=str(folder),
        EOFFICE_INSTALLATION_ID=f"eo-serve-{folder.name}",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-serve")
    env = _env(folder)
    for args in (["migrate", "--noinput", "-v0"], ["demo_province", "--if-absent"]):
        subprocess.run([sys.executable, MANAGE, *args, "--skip-checks"], env=env, check=True, timeout=300)
    return folder


class Served:
    def __init__(self, process: subprocess.Popen[str], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def child_pids(self) -> dict[str, int]:
        return {name: int(pid) for name, pid in re.findall(r"(web|worker) pid=(\d+)", self.output())}


@pytest.fixture
def served(demo_folder: Path) -> Iterator[Served]:
    port = _free_port()
    log = demo_folder / f"serve-{port}.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, MANAGE, "demo_serve", "--port", str(port), "--workers", "2", "--skip-checks"],
            env=_env(demo_folder),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    serving = Served(process, port, log)
    try:
        deadline = time.monotonic() + 180  # the first run compresses the static files
        while "đang chạy tại" not in serving.output():
            assert process.poll() is None, serving.output()
            assert time.monotonic() < deadline, serving.output()
            time.sleep(0.3)
        yield serving
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers kill(0); its state letter says it is finished.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(") ", 1)[1].startswith("Z")


def _every_static_link_is_served(opener: urllib.request.OpenerDirector, base: str, page: str) -> int:
    """Only the hashed copies are kept, so a link that missed the manifest would be a 404. Returns
    how many source maps the page's scripts name (each is served, uncompressed)."""
    links = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page))
    assert links, page[:500]
    maps = 0
    for link in links:
        assert re.search(r"\.[0-9a-f]{12}\.", link), f"{link} is not a hashed name"
        status, encoding, _ = _get(opener, base + link, compressed=True)
        assert status == 200, link
        if link.endswith((".css", ".js")):
            # The scripts and styles are precompressed; only source maps are left plain.
            assert encoding in ("br", "gzip"), link
        if link.endswith(".js"):
            source_map = re.search(rb"sourceMappingURL=(\S+)", _get(opener, base + link)[2])
            if source_map is not None:
                folder = link.rsplit("/", 1)[0]
                status, encoding, _ = _get(
                    opener, f"{base}{folder}/{source_map.group(1).decode()}", compressed=True
                )
                assert (status, encoding) == (200, None), source_map.group(1)
                maps += 1
    return maps


def _get(
    opener: urllib.request.OpenerDirector, url: str, *, compressed: bool = False
) -> tuple[int, str | None, bytes]:
    headers = {"Accept-Encoding": "br, gzip"} if compressed else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 — http on loopback
    with opener.open(request, timeout=10) as answer:
        return answer.status, answer.headers["Content-Encoding"], answer.read()


@pytest.mark.slow
def test_serves_login_and_stops_cleanly_on_sigterm(served: Served) -> None:
    base = f"http://127.0.0.1:{served.port}"
    output = served.output()
    assert "vanthu.snv" in output and DEFAULT_PASSWORD in output
    # The signing keys demo_province wrote into this var/ are printed with their password.
    assert KEY_PASSWORD in output and "demo-keys/lanhdao.snv.p12" in output
    assert (served.log.parent / "demo-keys" / "lanhdao.snv.p12").is_file()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # The first request warms the workers up (imports, template and translation loading) while the
    # Huey consumer starts beside them; on a busy 2-core CI machine that alone has taken over 10 s.
    page = opener.open(f"{base}/accounts/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    # Static files come from WhiteNoise with hashed names.
    css = re.search(r'href="(/static/[^"]+\.css)"', page)
    assert css is not None and opener.open(base + css.group(1), timeout=10).status == 200
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "lanhdao.snv", "password": DEFAULT_PASSWORD}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 — http on loopback
        f"{base}/accounts/login/", data=form, headers={"Referer": base + "/"}
    )
    home = opener.open(request, timeout=10)
    assert home.status == 200
    assert urllib.parse.urlparse(home.url).path == "/"
    assert "sessionid" in {cookie.name for cookie in jar}
    maps = _every_static_link_is_served(opener, base, home.read().decode())
    maps += _every_static_link_is_served(
        opener, base, opener.open(f"{base}/api/v1/docs", timeout=30).read().decode()
    )
    assert maps > 0, "no script names a source map: the map check checked nothing"

    pids = served.child_pids()
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=30) == 0
    assert "Đã dừng." in served.output()
    assert _port_closed(served.port)
    assert all(_pid_gone(pid) for pid in pids.values())


@pytest.mark.slow
def test_death_of_the_worker_stops_the_web_server(served: Served) -> None:
    pids = served.child_pids()
    os.kill(pids["worker"], signal.SIGKILL)
    assert served.process.wait(timeout=30) != 0
    assert "đã dừng cả hai" in served.output()
    assert _port_closed(served.port)
    assert _pid_gone(pids["web"])
