"""One eOffice installation as real processes: gunicorn, a Huey consumer and a harness agent."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from eoffice.exchange.testing.databases import Database

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "var" / "test-artifacts"


def _port_range() -> range:
    """The ports this harness may use: 18600-18999, or EOFFICE_HARNESS_PORTS=FIRST-LAST, so two
    harness runs side by side (a bench beside the suite) can be given ranges that never meet."""
    first, _, last = os.environ.get("EOFFICE_HARNESS_PORTS", "18600-18999").partition("-")
    return range(int(first), int(last or first) + 1)


PORT_RANGE = _port_range()
# The longest one harness call may take (a release of hundreds of documents takes well under).
AGENT_TIMEOUT = 600
# How faulthandler begins its report of a crash (SIGSEGV, SIGABRT, ...) in a process's log.
FATAL_ERROR_MARK = "Fatal Python error: "
# `manage.py run_huey` that prints its threads' stacks on SIGUSR2 (diagnosis of a stalled consumer).
CONSUMER = "eoffice.exchange.testing.consumer"
# Settings that belong to the process running the harness, never to an installation it starts.
_PARENT_ONLY = (
    "DATABASE_URL",
    "EOFFICE_TEST_DB_NAME",
    "EOFFICE_REDIS_URL",
    "EOFFICE_VAR_DIR",
    "EOFFICE_TESTING",
)


def free_port(taken: set[int] | None = None) -> int:
    """A free port of PORT_RANGE; each pytest-xdist worker draws from its own slice."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    # One slice per xdist worker (a bigger CI machine runs more than two), so two workers'
    # installations never draw the same port between probing it and binding it.
    slices = max(2, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "2")))
    index = int(worker) % slices if worker.isdigit() else 0
    size = len(PORT_RANGE) // slices
    ports = PORT_RANGE[index * size : (index + 1) * size]
    # Start at a per-process offset: two harness runs at once (a bench beside a test) rarely collide.
    start = os.getpid() % size
    for port in [*ports[start:], *ports[:start]]:
        if taken and port in taken:
            continue
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        if taken is not None:
            taken.add(port)
        return port
    raise RuntimeError(f"no free port in {PORT_RANGE}")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(") ", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


class HarnessError(RuntimeError):
    pass


class Installation:
    """`label` names it (a, b); `workdir` holds its var/ (media, Huey storage, keys) and logs."""

    def __init__(
        self,
        label: str,
        *,
        workdir: Path,
        database: Database,
        port: int,
        redis_url: str = "",
        web_workers: int = 2,
        huey_workers: int = 2,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.label = label
        self.workdir = workdir
        self.var_dir = workdir / "var"
        self.log_dir = workdir / "logs"
        self.database = database
        self.port = port
        self.redis_url = redis_url
        self.web_workers = web_workers
        self.huey_workers = huey_workers
        self.extra_env = dict(extra_env or {})
        self.installation_id = f"e2-{label}-{os.getpid()}-{secrets.token_hex(3)}"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._agent: subprocess.Popen[str] | None = None
        self._signalled: set[int] = set()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _PARENT_ONLY and not k.startswith("PYTEST_")}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=self.database.url,
            EOFFICE_VAR_DIR=str(self.var_dir),
            EOFFICE_INSTALLATION_ID=self.installation_id,
            EOFFICE_TESTING="0",
            EOFFICE_DEBUG="0",
            EOFFICE_WORKERS=str(self.huey_workers),
            EOFFICE_ALLOWED_HOSTS="127.0.0.1,localhost",
            PYTHONUNBUFFERED="1",
        )
        if self.redis_url:
            env["EOFFICE_REDIS_URL"] = self.redis_url
        env.update(self.extra_env)
        return env

    def _log(self, name: str) -> IO[bytes]:
        return (self.log_dir / f"{name}.log").open("ab")

    def manage(self, *args: str, timeout: float = 300) -> str:
        """Run `manage.py ARGS` against this installation; its output, or HarnessError."""
        done = subprocess.run(  # noqa: S603 — fixed argv built here
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        with self._log("manage") as log:
            log.write(f"$ manage.py {' '.join(args)}\n{done.stdout}{done.stderr}".encode())
        if done.returncode:
            raise HarnessError(f"[{self.label}] manage.py {' '.join(args)} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    # --- processes --------------------------------------------------------------------------
    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = self._log(name)
        log.write(f"\n--- start {time.strftime('%H:%M:%S')} {' '.join(argv)}\n".encode())
        log.flush()
        # A session of its own, so a SIGKILL to the group also takes gunicorn's workers.
        process = subprocess.Popen(  # noqa: S603 — fixed argv built here
            argv, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.processes[name] = process
        return process

    def start_web(self) -> None:
        self._spawn(
            "web",
            [
                sys.executable, "-m", "gunicorn", "eoffice.exchange.testing.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.web_workers),
                "--timeout", "120", "--graceful-timeout", "5",
                "--access-logfile", "-", "--error-logfile", "-",
            ],
        )  # fmt: skip
        self.wait_ready()

    def start_worker(self, *, timeout: float = 120) -> None:
        """Start the Huey consumer and wait until it says it runs (Django's start-up takes seconds)."""
        log = self.log_dir / "worker.log"
        offset = log.stat().st_size if log.exists() else 0
        # A short maximum poll delay: SQLite Huey storage otherwise idles up to 10 s between polls.
        process = self._spawn(
            "worker",
            [sys.executable, "-m", CONSUMER, "--max-delay", "0.1", "--delay", "0.05"],
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise HarnessError(f"[{self.label}] the Huey consumer exited:\n{self.tail('worker')}")
            with log.open("rb") as handle:
                handle.seek(offset)
                if b"Huey consumer started" in handle.read():
                    return
            time.sleep(0.2)
        raise HarnessError(
            f"[{self.label}] the Huey consumer did not start in {timeout} s:\n{self.tail('worker')}"
        )

    def start(self) -> Installation:
        self.start_web()
        self.start_worker()
        self._start_agent()
        return self

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        web = self.processes["web"]
        while time.monotonic() < deadline:
            if web.poll() is not None:
                raise HarnessError(f"[{self.label}] gunicorn exited ({web.returncode}):\n{self.tail('web')}")
            try:
                with urllib.request.urlopen(f"{self.url}/__harness__/ready", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise HarnessError(f"[{self.label}] not ready after {timeout} s:\n{self.tail('web')}")

    def stop_process(self, name: str, *, timeout: float = 15) -> None:
        self.stop_processes([name], timeout=timeout)

    def stop_processes(self, names: list[str], *, timeout: float = 15) -> None:
        """The graceful stop each program expects (gunicorn SIGTERM, Huey SIGINT), all at once so
        their shutdowns overlap; whatever is still running after `timeout` gets SIGKILL."""
        self.begin_stop(names)
        stopping = {name: self.processes.pop(name) for name in names if name in self.processes}
        deadline = time.monotonic() + timeout
        for name, process in stopping.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill_process(name, process)

    def begin_stop(self, names: list[str] | None = None) -> None:
        """Send each process its graceful stop signal once, without waiting."""
        for name in self.processes if names is None else names:
            process = self.processes.get(name)
            if process is not None and process.poll() is None and process.pid not in self._signalled:
                self._signalled.add(process.pid)
                process.send_signal(signal.SIGINT if name == "worker" else signal.SIGTERM)

    def kill_process(self, name: str, process: subprocess.Popen[bytes] | None = None) -> None:
        """SIGKILL the process and its group: no clean-up, no finishing the job in hand."""
        process = process or self.processes.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        self.stop_processes(list(self.processes))
        self._stop_agent()

    def close(self, *, keep_workdir: bool = False) -> None:
        self.stop()
        self.database.drop()
        if not keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # --- the agent: Python inside the installation -------------------------------------------
    def _start_agent(self) -> None:
        log = self._log("agent")
        self._agent = subprocess.Popen(
            [sys.executable, "-m", "eoffice.exchange.testing.agent"],
            cwd=ROOT, env=self.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            text=True, encoding="utf-8", start_new_session=True,
        )  # fmt: skip
        log.close()
        self._read_answer("start")

    def _stop_agent(self) -> None:
        if self._agent is None:
            return
        if self._agent.stdin:
            self._agent.stdin.close()
        try:
            self._agent.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._agent.kill()
            self._agent.wait()
        self._agent = None

    def _read_answer(self, what: str, timeout: float = AGENT_TIMEOUT) -> Any:
        agent = self._agent
        assert agent is not None and agent.stdout is not None
        # One request, one answer line: nothing is left in the pipe's buffer between calls, so
        # select() on the pipe tells whether the answer has come.
        ready, _, _ = select.select([agent.stdout], [], [], timeout)
        if not ready:
            self.dump_stacks()
            # Mid-call, it would answer this call to the next question: the next call starts another.
            agent.kill()
            agent.wait()
            self._agent = None
            raise HarnessError(f"[{self.label}] no answer to {what} in {timeout} s:\n{self.tail('agent')}")
        line = agent.stdout.readline()
        if not line:
            raise HarnessError(f"[{self.label}] the agent died during {what}:\n{self.tail('agent')}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise HarnessError(f"[{self.label}] {what}: {answer['error']}\n{answer['traceback']}")
        return answer["result"]

    def call(self, function: str, /, **kwargs: Any) -> Any:
        """Run harness function `function` (`module:function`) inside the installation; its result."""
        if self._agent is None:
            self._start_agent()
        assert self._agent is not None and self._agent.stdin is not None
        self._agent.stdin.write(json.dumps({"call": function, "kwargs": kwargs}, ensure_ascii=False) + "\n")
        self._agent.stdin.flush()
        return self._read_answer(function)

    # --- logs -------------------------------------------------------------------------------
    def dump_stacks(self) -> None:
        """Have the consumer, gunicorn's workers and the agent print every thread's stack to their
        logs (each registers faulthandler on SIGUSR2; gunicorn's master, for which SIGUSR2 means
        "upgrade", is left alone)."""
        pids = [p.pid for name, p in self.processes.items() if name == "worker" and p.poll() is None]
        web = self.processes.get("web")
        if web is not None and web.poll() is None:
            pids += _children(web.pid)
        if self._agent is not None and self._agent.poll() is None:
            pids.append(self._agent.pid)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGUSR2)
        time.sleep(0.5)

    def tail(self, name: str, lines: int = 60) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def fatal_error(self, name: str, lines: int = 60) -> str:
        """The last "Fatal Python error" report in a process's log (faulthandler's account of a
        crash: the signal and every thread's stack), or "" when it has none."""
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        text = path.read_text(encoding="utf-8", errors="replace")
        start = text.rfind(FATAL_ERROR_MARK)
        return "" if start < 0 else "\n".join(text[start:].splitlines()[:lines])

    def collect_logs(self, destination: Path) -> Path:
        target = destination / self.label
        target.mkdir(parents=True, exist_ok=True)
        for path in self.log_dir.glob("*.log"):
            shutil.copy(path, target / path.name)
        return target
