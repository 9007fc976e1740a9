"""A live server's request threads give their database connection back when the request ends,
even while the client keeps its HTTP connection open (as the exchange's sender does per peer).

Before, a thread kept it for the production CONN_MAX_AGE, and PostgreSQL refused to drop the test
database at the end of the run ("being accessed by other users"). On SQLite the server shares the
test's own connection and opens none, so there is nothing to give back.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from django.db import connection
from django.db.backends.signals import connection_created

OPENED: list[tuple[str, Any]] = []


def _record(sender: object, connection: Any, **kwargs: object) -> None:
    OPENED.append((threading.current_thread().name, connection))


def test_a_kept_alive_client_does_not_hold_a_database_connection(live_server: Any) -> None:
    connection_created.connect(_record)
    try:
        with requests.Session() as session:  # one HTTP connection, kept alive
            page = session.get(f"{live_server.url}/accounts/login/", timeout=10)
            token = session.cookies["csrftoken"]
            # A refused sign-in reads users and records the failure: the thread needs the database.
            answer = session.post(
                f"{live_server.url}/accounts/login/",
                data={"username": "khong-co", "password": "sai", "csrfmiddlewaretoken": token},
                headers={"Referer": page.url},
                timeout=10,
            )
            assert answer.status_code == 200 and "login" in answer.url
            served = [(name, c) for name, c in OPENED if name != threading.current_thread().name]
            if connection.vendor != "sqlite":
                assert served, "the request threads opened no connection of their own"
            # The request thread closes it just after the last byte is written: wait for that.
            deadline = time.monotonic() + 10
            while any(c.connection is not None for _, c in served) and time.monotonic() < deadline:
                time.sleep(0.05)
            held = [name for name, c in served if c.connection is not None]
            assert not held, f"request threads still hold a database connection: {held}"
    finally:
        connection_created.disconnect(_record)
        OPENED.clear()
