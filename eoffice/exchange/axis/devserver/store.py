"""The development axis server's storage: one SQLite file, one connection per call (the server
is threaded; SQLite serialises the writers)."""

from __future__ import annotations

import contextlib
import datetime
import secrets
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS systems (
    id TEXT PRIMARY KEY, secret TEXT NOT NULL,
    consumer_key TEXT NOT NULL DEFAULT '', consumer_secret TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS agencies (
    code TEXT PRIMARY KEY, id TEXT NOT NULL, pcode TEXT NOT NULL DEFAULT '', name TEXT NOT NULL,
    mail TEXT NOT NULL DEFAULT '', mobile TEXT NOT NULL DEFAULT '', fax TEXT NOT NULL DEFAULT '',
    code_qd20 TEXT NOT NULL DEFAULT '', locked INTEGER NOT NULL DEFAULT 0,
    system_id TEXT REFERENCES systems(id)
);
CREATE TABLE IF NOT EXISTS packages (
    id TEXT PRIMARY KEY, sender_doc_id TEXT NOT NULL, from_code TEXT NOT NULL, to_code TEXT NOT NULL,
    from_system TEXT NOT NULL, message_type TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'INITIAL',
    created TEXT NOT NULL, updated TEXT NOT NULL
);
-- One copy of the bytes per sent package, whatever the number of receivers; apart from the
-- status rows because SQLite rewrites a whole row (blob included) on every UPDATE.
CREATE TABLE IF NOT EXISTS package_data (sender_doc_id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS packages_to ON packages (to_code, message_type, status);
CREATE INDEX IF NOT EXISTS packages_sender ON packages (from_system, message_type);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, system_id TEXT NOT NULL, expires TEXT NOT NULL);
"""

PENDING = ("INITIAL", "PROCESSING")
AGENCY_FIELDS = ("code", "id", "pcode", "name", "mail", "mobile", "fax", "code_qd20", "locked", "system_id")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level="IMMEDIATE")
        db.row_factory = sqlite3.Row
        # WAL + NORMAL: a commit survives a crash of the server, not a power cut — enough for a
        # development axis, and it spares an fsync per call.
        db.execute("PRAGMA synchronous=NORMAL")
        try:
            with db:
                yield db
        finally:
            db.close()

    # -- configuration ----------------------------------------------------------------------------
    def load_config(self, config: dict[str, Any]) -> None:
        """Seed systems and agencies; loading the same file twice changes nothing."""
        with self._db() as db:
            for system in config.get("systems", []):
                db.execute(
                    "INSERT INTO systems (id, secret, consumer_key, consumer_secret) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, "
                    "consumer_key = excluded.consumer_key, consumer_secret = excluded.consumer_secret",
                    (
                        system["id"],
                        system["secret"],
                        system.get("consumer_key", ""),
                        system.get("consumer_secret", ""),
                    ),
                )
        for agency in config.get("agencies", []):
            self.upsert_agency(agency, system_id=agency.get("system"))
        for system in config.get("systems", []):
            with self._db() as db:
                for code in system.get("agencies", []):
                    db.execute("UPDATE agencies SET system_id = ? WHERE code = ?", (system["id"], code))

    # -- systems and tokens -----------------------------------------------------------------------
    def system(self, system_id: str) -> sqlite3.Row | None:
        with self._db() as db:
            return db.execute("SELECT * FROM systems WHERE id = ?", (system_id,)).fetchone()

    def system_for_consumer(self, key: str) -> sqlite3.Row | None:
        with self._db() as db:
            return db.execute(
                "SELECT * FROM systems WHERE consumer_key = ? AND consumer_key != ''", (key,)
            ).fetchone()

    def issue_token(self, system_id: str, ttl: int, now: datetime.datetime) -> str:
        token = secrets.token_urlsafe(32)
        expires = (now + datetime.timedelta(seconds=ttl)).isoformat()
        with self._db() as db:
            db.execute("INSERT INTO tokens VALUES (?, ?, ?)", (token, system_id, expires))
        return token

    def system_for_token(self, token: str, now: datetime.datetime) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT system_id, expires FROM tokens WHERE token = ?", (token,)).fetchone()
        if row is None or datetime.datetime.fromisoformat(row["expires"]) <= now:
            return None
        return str(row["system_id"])

    def expire_tokens(self) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE tokens SET expires = ?",
                (datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC).isoformat(),),
            )

    # -- agencies ---------------------------------------------------------------------------------
    def agency(self, code: str) -> sqlite3.Row | None:
        with self._db() as db:
            return db.execute("SELECT * FROM agencies WHERE code = ?", (code,)).fetchone()

    def agencies(self, *, suffix: str = "") -> list[dict[str, Any]]:
        with self._db() as db:
            rows = db.execute(
                "SELECT * FROM agencies WHERE code LIKE ? ORDER BY code", (f"%{suffix}" if suffix else "%",)
            ).fetchall()
        return [dict(row) for row in rows]

    def upsert_agency(self, data: dict[str, Any], *, system_id: str | None) -> None:
        values = {
            "code": str(data["code"]),
            "id": str(data.get("id") or uuid.uuid5(uuid.NAMESPACE_URL, str(data["code"]))),
            "pcode": str(data.get("pcode") or ""),
            "name": str(data.get("name") or ""),
            "mail": str(data.get("mail") or data.get("email") or ""),
            "mobile": str(data.get("mobile") or ""),
            "fax": str(data.get("fax") or ""),
            "code_qd20": str(data.get("code_qd20") or ""),
            "locked": int(bool(data.get("locked"))),
            "system_id": system_id,
        }
        with self._db() as db:
            db.execute(
                "INSERT INTO agencies "
                "(code, id, pcode, name, mail, mobile, fax, code_qd20, locked, system_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (code) DO UPDATE SET pcode = excluded.pcode, name = excluded.name, "
                "mail = excluded.mail, mobile = excluded.mobile, fax = excluded.fax, "
                "locked = excluded.locked, "
                "code_qd20 = CASE WHEN excluded.code_qd20 != '' THEN excluded.code_qd20 ELSE code_qd20 END, "
                "system_id = COALESCE(excluded.system_id, system_id)",
                tuple(values[f] for f in AGENCY_FIELDS),
            )

    def delete_agency(self, code: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM agencies WHERE code = ?", (code,))

    # -- packages ---------------------------------------------------------------------------------
    def add_package(
        self, *, from_code: str, to_codes: Sequence[str], from_system: str, message_type: str, data: bytes
    ) -> str:
        sender_doc_id = str(uuid.uuid4())
        stamp = _now()
        with self._db() as db:
            db.execute("INSERT INTO package_data VALUES (?, ?)", (sender_doc_id, data))
            for code in dict.fromkeys(to_codes):
                db.execute(
                    "INSERT INTO packages (id, sender_doc_id, from_code, to_code, from_system, message_type, "
                    "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        str(uuid.uuid4()),
                        sender_doc_id,
                        from_code,
                        code,
                        from_system,
                        message_type,
                        stamp,
                        stamp,
                    ),
                )
        return sender_doc_id

    def pending(self, *, system_id: str, message_type: str) -> list[dict[str, Any]]:
        with self._db() as db:
            rows = db.execute(
                "SELECT p.id, p.from_code, p.to_code, p.message_type, p.status, p.created, p.updated "
                "FROM packages p JOIN agencies a ON a.code = p.to_code "
                "WHERE a.system_id = ? AND p.message_type = ? AND p.status IN (?, ?) "
                "ORDER BY p.created, p.id",
                (system_id, message_type, *PENDING),
            ).fetchall()
        return [dict(row) for row in rows]

    def package_for_receiver(self, doc_id: str, *, system_id: str) -> sqlite3.Row | None:
        """The package, if it is addressed to an agency of `system_id` (nobody reads others' mail)."""
        with self._db() as db:
            return db.execute(
                "SELECT p.*, d.data FROM packages p JOIN agencies a ON a.code = p.to_code "
                "JOIN package_data d ON d.sender_doc_id = p.sender_doc_id WHERE p.id = ? AND a.system_id = ?",
                (doc_id, system_id),
            ).fetchone()

    def set_status_for_receiver(self, doc_id: str, *, system_id: str, status: str) -> bool:
        """Set the transport status if the package is addressed to `system_id`; False otherwise."""
        with self._db() as db:
            changed = db.execute(
                "UPDATE packages SET status = ?, updated = ? WHERE id = ? AND to_code IN "
                "(SELECT code FROM agencies WHERE system_id = ?)",
                (status, _now(), doc_id, system_id),
            ).rowcount
        return changed > 0

    def sent(self, *, system_id: str, message_type: str) -> list[dict[str, Any]]:
        with self._db() as db:
            rows = db.execute(
                "SELECT id, sender_doc_id, from_code, to_code, status, created, updated FROM packages "
                "WHERE from_system = ? AND message_type = ? ORDER BY created, id",
                (system_id, message_type),
            ).fetchall()
        return [dict(row) for row in rows]
