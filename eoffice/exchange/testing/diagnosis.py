"""What a failed two-installation test needs to say about the installations, so a failure on a CI
machine nobody can log into explains itself: which processes still run, what each Huey queue holds,
the outbox by state, the database sessions waiting on a lock or idle inside a transaction, every
thread's stack and the last lines of each process's log.

`state()` runs inside an installation (`python -m eoffice.exchange.testing.diagnosis` prints it);
`describe()` runs in the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from eoffice.exchange.testing.installation import ROOT, Installation

if TYPE_CHECKING:
    from eoffice.exchange.testing.pair import InstallationPair

LOG_LINES = {"worker": 120, "web": 80, "agent": 40}
STATE_TIMEOUT = 60


def state() -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count, Max
    from huey.contrib.djhuey import HUEY

    from eoffice.exchange.models import OutboxLine

    outbox = {
        row["state"]: {"lines": row["n"], "max_attempts": row["most"]}
        for row in OutboxLine.objects.values("state").annotate(n=Count("id"), most=Max("attempts"))
    }
    sessions: list[dict[str, Any]] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Sessions of this database other than this one: a lock wait or an open transaction
            # left idle is the usual reason a worker stops draining without a word in its log.
            cursor.execute(
                "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, "
                "pg_blocking_pids(pid), left(query, 160) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            for pid, session_state, wait_type, wait, in_xact, blockers, query in cursor.fetchall():
                sessions.append(
                    {
                        "pid": pid, "state": session_state, "wait": f"{wait_type}/{wait}",
                        "in_transaction": str(in_xact) if in_xact is not None else None,
                        "blocked_by": list(blockers or []), "query": query,
                    }
                )  # fmt: skip
    return {
        "huey": {"pending": HUEY.pending_count(), "scheduled": HUEY.scheduled_count()},
        "outbox": outbox,
        "sessions": sessions,
    }


def _processes(installation: Installation) -> dict[str, str]:
    return {
        name: "running" if process.poll() is None else f"exited with {process.returncode}"
        for name, process in sorted(installation.processes.items())
    }


def describe_installation(installation: Installation) -> str:
    parts = [f"=== installation {installation.label}: processes {_processes(installation)}"]
    # First, before the long tails: a process that died of a signal says why in its own log.
    for name, process in sorted(installation.processes.items()):
        if process.poll() is not None and process.returncode < 0:
            report = installation.fatal_error(name) or "(no crash report in its log)"
            parts.append(f"--- {name} died of signal {-process.returncode}\n{report}")
    # A process of its own, not the agent: a stuck agent must not hang the report of its failure.
    try:
        done = subprocess.run(  # noqa: S603 — fixed argv built here
            [sys.executable, "-m", __name__], cwd=ROOT, env=installation.env(),
            capture_output=True, text=True, timeout=STATE_TIMEOUT, check=False,
        )  # fmt: skip
        parts.append(
            done.stdout if done.returncode == 0 else f"(its state could not be read:\n{done.stderr[-3000:]})"
        )
    except subprocess.TimeoutExpired:
        parts.append(f"(its state could not be read in {STATE_TIMEOUT} s)")
    installation.dump_stacks()
    for log, lines in LOG_LINES.items():
        parts.append(f"--- last lines of {log}.log\n{installation.tail(log, lines)}")
    return "\n".join(parts)


def describe(pair: InstallationPair) -> str:
    installations = [i for i in (getattr(pair, "a", None), getattr(pair, "b", None)) if i is not None]
    return "\n\n".join(describe_installation(installation) for installation in installations)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(state(), ensure_ascii=False, indent=1))
