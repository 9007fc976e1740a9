"""What each side of an exchange holds for a run's documents, for counting lost and duplicated.

Run inside an installation through the agent (`accounting:sent`, `accounting:received`); the
harness compares the two with `tally`. A run's documents share a subject prefix (the marker).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def sent(marker: str) -> dict[str, dict[str, Any]]:
    """The sender's view, by subject: the edoc line's state, attempts and times, the delivery's
    status, and the status codes on its timeline (one entry per event, so a doubled 01 shows)."""
    from eoffice.exchange.models import MessageKind, OutboxLine, StatusEvent

    lines = (
        OutboxLine.objects.filter(
            kind=MessageKind.EDOC, business_type=0, draft__current_version__subject__startswith=marker
        )
        .select_related("delivery")
        .values_list(
            "draft__current_version__subject", "state", "attempts", "delivery_id", "delivery__status",
            "last_attempt_at", "delivered_at",
        )
    )  # fmt: skip
    by_subject: dict[str, dict[str, Any]] = {}
    delivery_ids = []
    for subject, state, attempts, delivery_id, delivery_status, attempted, delivered in lines:
        entry = by_subject.setdefault(subject, {"lines": 0, "events": []})
        entry.update(state=state, attempts=attempts, delivery=delivery_id, status=delivery_status)
        # When the last attempt was claimed and when its answer was recorded (the bench's breakdown).
        entry["attempted_at"] = attempted.timestamp() if attempted else None
        entry["delivered_at"] = delivered.timestamp() if delivered else None
        entry["lines"] += 1
        delivery_ids.append(delivery_id)
    events: dict[int, list[str]] = {}
    for delivery_id, code in StatusEvent.objects.filter(delivery_id__in=delivery_ids).values_list(
        "delivery_id", "code"
    ):
        events.setdefault(delivery_id, []).append(code)
    for entry in by_subject.values():
        entry["events"] = sorted(events.get(entry["delivery"], []))
    return by_subject


def received(marker: str) -> dict[str, Any]:
    """The receiver's view: documents and receipts by subject, and its quarantine by code."""
    from eoffice.documents.models import Document
    from eoffice.exchange.models import QuarantinedPackage, Receipt

    documents = Counter(Document.objects.filter(subject__startswith=marker).values_list("subject", flat=True))
    receipts = Counter(
        Receipt.objects.filter(business_type=0, document__subject__startswith=marker).values_list(
            "document__subject", flat=True
        )
    )
    quarantine = Counter(QuarantinedPackage.objects.values_list("code", flat=True))
    return {"documents": dict(documents), "receipts": dict(receipts), "quarantine": dict(quarantine)}


@dataclass
class Tally:
    """Lost, duplicated and inconsistent documents of one run; `ok` when all three are empty."""

    released: int
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    inconsistent: dict[str, str] = field(default_factory=dict)
    attempts: Counter[int] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.inconsistent)

    def summary(self) -> str:
        attempts = dict(sorted(self.attempts.items()))
        return (
            f"released {self.released}, lost {len(self.lost)}, duplicated {len(self.duplicated)}, "
            f"inconsistent {len(self.inconsistent)}; lines by attempts {attempts}; "
            f"first lost {self.lost[:5]}, first duplicated {self.duplicated[:5]}, "
            f"first inconsistent {dict(list(self.inconsistent.items())[:5])}"
        )


def tally(subjects: list[str], sender: dict[str, dict[str, Any]], receiver: dict[str, Any]) -> Tally:
    """Every released subject must be one document with one receipt at the receiver, and one
    delivered line whose delivery reads "arrived" with exactly one 01 at the sender."""
    result = Tally(released=len(subjects))
    for subject in subjects:
        copies = receiver["documents"].get(subject, 0)
        if copies == 0:
            result.lost.append(subject)
        elif copies > 1 or receiver["receipts"].get(subject, 0) > 1:
            result.duplicated.append(subject)
        line = sender.get(subject)
        if line is None:
            result.inconsistent[subject] = "no outbox line"
            continue
        result.attempts[line["attempts"]] += 1
        problems = []
        if line["lines"] != 1:
            problems.append(f"{line['lines']} lines")
        if line["state"] != "delivered":
            problems.append(f"line {line['state']}")
        if line["status"] != "arrived":
            problems.append(f"delivery {line['status']}")
        if line["events"] != ["01"]:
            problems.append(f"events {line['events']}")
        if copies == 1 and receiver["receipts"].get(subject, 0) != 1:
            problems.append(f"{receiver['receipts'].get(subject, 0)} receipts")
        if problems:
            result.inconsistent[subject] = ", ".join(problems)
    return result
