"""Rules-based proposals for an incoming document's metadata, read from its first page.

The layout is fixed by Decree 30 Phụ lục I: top left the parent body and the issuing body
(upper case), then "Số: 12/QĐ-UBND" and, for a công văn, "V/v …"; top right the national
motto and "<place>, ngày 05 tháng 3 năm 2026"; then the type name in capitals ("QUYẾT ĐỊNH")
and the subject on the next line(s). OCR and text extraction may interleave the two header
columns, so each rule looks for its own marker instead of relying on line positions alone.
The clerk confirms or corrects every proposal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from eoffice.core.text import fold
from eoffice.directory.models import Agency
from eoffice.documents.models import DocumentType

# "Số:" at the start of a line (or after the other header column), number, "/", symbol.
# OCR sometimes reads "Số" as "S6" or "Sô"; the colon may be lost.
_NUMBER = re.compile(
    r"(?:^|\s)S[ốốôoóỐÔO06]\s*[:.;]?\s*(?P<num>\d{1,7})\s*/\s*"
    r"(?P<sym>[0-9A-Za-zĐđ]+(?:\s?[-–/.]\s?[0-9A-Za-zĐđ]+)*)",
    re.MULTILINE,
)
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_VV = re.compile(r"^\s*V/[vV]\s*[:.]?\s*(?P<rest>.+)$")
_MOTTO_STARTS = (("cong", "hoa"), ("doc", "lap"))
_SUBJECT_STOPS = ("can cu", "kinh gui", "dieu ", "xet de nghi", "theo de nghi")
MAX_SUBJECT_LINES = 4


@dataclass
class Proposal:
    code_number: str = ""
    code_notation: str = ""
    issued_date: date | None = None
    organ_name: str = ""
    issuing_agency_id: int | None = None
    document_type_id: int | None = None
    type_name: str = ""
    subject: str = ""
    # Which rule produced each value, for the clerk's "why was this proposed?".
    evidence: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["issued_date"] = self.issued_date.isoformat() if self.issued_date else None
        return data


def _lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def propose(text: str) -> Proposal:
    proposal = Proposal()
    lines = _lines(text)
    if not lines:
        return proposal
    title_index = _propose_type(lines, proposal)
    _propose_number(lines, proposal)
    _propose_date(lines, title_index, proposal)
    _propose_subject(lines, title_index, proposal)
    _propose_type_from_symbol(proposal)
    _propose_issuer(lines, title_index, proposal)
    return proposal


def _type_names() -> dict[str, DocumentType]:
    return {fold(t.name): t for t in DocumentType.objects.filter(is_active=True)}


def _propose_type(lines: list[str], proposal: Proposal) -> int | None:
    """The type's name stands alone, in capitals, on the title line."""
    names = _type_names()
    for index, line in enumerate(lines[:40]):
        if not _is_upper(line):
            continue
        found = names.get(fold(line))
        if found is not None:
            proposal.document_type_id = found.pk
            proposal.type_name = found.name
            proposal.evidence["type"] = line
            return index
    return None


def _propose_type_from_symbol(proposal: Proposal) -> None:
    """No title line: the symbol's first group is the type's abbreviation; none means a công văn."""
    if proposal.document_type_id is not None or not proposal.code_notation:
        return
    first = fold(proposal.code_notation.split("-")[0])
    wanted = DocumentType.objects.filter(is_active=True)
    by_abbreviation = {fold(t.abbreviation): t for t in wanted if t.abbreviation}
    found = by_abbreviation.get(first)
    if found is None and "subject_vv" in proposal.evidence:
        found = wanted.filter(code="cong_van").first()
    if found is not None:
        proposal.document_type_id = found.pk
        proposal.type_name = found.name
        proposal.evidence["type"] = f"ký hiệu {proposal.code_notation}"


def _propose_number(lines: list[str], proposal: Proposal) -> None:
    for line in lines[:30]:
        match = _NUMBER.search(line)
        if match is None:
            continue
        symbol = re.sub(r"\s+", "", match.group("sym")).replace("–", "-").strip("-./")
        proposal.code_number = match.group("num")[:11]
        proposal.code_notation = symbol[:30]
        proposal.evidence["number"] = line
        return


def _valid_date(match: re.Match[str]) -> date | None:
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _propose_date(lines: list[str], title_index: int | None, proposal: Proposal) -> None:
    """The place-and-date line ("Hà Nội, ngày …") wins; otherwise the first date above the title."""
    fallback: tuple[date, str] | None = None
    limit = title_index if title_index is not None else min(len(lines), 15)
    for index, line in enumerate(lines[:40]):
        for match in _DATE.finditer(line):
            value = _valid_date(match)
            if value is None:
                continue
            before = line[: match.start()].rstrip()
            if before.endswith(","):
                proposal.issued_date = value
                proposal.evidence["date"] = line
                return
            if fallback is None and index < limit:
                fallback = (value, line)
    if fallback is not None:
        proposal.issued_date, proposal.evidence["date"] = fallback


def _is_stop(line: str) -> bool:
    folded = fold(line)
    return (
        any(folded.startswith(stop) for stop in _SUBJECT_STOPS)
        or _DATE.search(line) is not None
        or _NUMBER.search(line) is not None
        or any(" ".join(start) in folded for start in _MOTTO_STARTS)
    )


def _propose_subject(lines: list[str], title_index: int | None, proposal: Proposal) -> None:
    for index, line in enumerate(lines[:30]):
        match = _VV.match(line)
        if match:
            parts = [match.group("rest")]
            parts += _continuation(lines[index + 1 :], allow_upper=False)
            proposal.subject = " ".join(parts)[:500]
            proposal.evidence["subject_vv"] = line
            return
    if title_index is not None:
        parts = _continuation(lines[title_index + 1 :], allow_upper=False)
        if parts:
            proposal.subject = " ".join(parts)[:500]
            proposal.evidence["subject"] = parts[0]


def _continuation(lines: Iterable[str], *, allow_upper: bool) -> list[str]:
    parts: list[str] = []
    for line in lines:
        if len(parts) >= MAX_SUBJECT_LINES or _is_stop(line) or (not allow_upper and _is_upper(line)):
            break
        parts.append(line.strip())
    return parts


def _cut_motto(line: str) -> str:
    """Drop the right-hand column's motto when extraction put it on the same line."""
    words = line.split(" ")
    folded = [fold(word) for word in words]
    for index in range(len(words) - 1):
        if (folded[index], folded[index + 1]) in _MOTTO_STARTS:
            return " ".join(words[:index]).strip()
    return line


def _leading_upper(line: str) -> str:
    """The upper-case words at the start of a line, skipping OCR specks ("ˆ", "_-")."""
    kept: list[str] = []
    for word in line.split(" "):
        if not any(ch.isalnum() for ch in word):
            continue
        if not _is_upper(word):
            break
        kept.append(word)
    return " ".join(kept)


def _header_lines(lines: list[str], title_index: int | None) -> list[str]:
    """The upper-case lines of the left header column, above "Số:"."""
    header: list[str] = []
    end = title_index if title_index is not None else min(len(lines), 12)
    for line in lines[:end]:
        if _NUMBER.search(line) or _VV.match(line):
            break
        cut = _leading_upper(_cut_motto(line))
        if cut:
            header.append(cut)
    return header


def _key(text: str) -> str:
    """Folded and without spaces: OCR often drops or adds a space ("THỬNGHIỆM")."""
    return fold(text).replace(" ", "")


_INDEX: dict[str, object] = {"stamp": None, "by_key": {}, "info": {}}


def _agency_index() -> tuple[dict[str, list[int]], dict[int, tuple[str, int | None, str, bool]]]:
    """Name key → agency ids, rebuilt when the directory changes (one cheap aggregate per call)."""
    from django.db.models import Count, Max

    stamp = Agency.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    if _INDEX["stamp"] != stamp:
        by_key: dict[str, list[int]] = {}
        info: dict[int, tuple[str, int | None, str, bool]] = {}
        rows = Agency.objects.values_list("id", "name", "short_name", "parent_id", "abbreviation", "status")
        for pk, name, short_name, parent_id, abbreviation, status in rows.iterator(chunk_size=2000):
            for text in {name, short_name}:
                if text:
                    by_key.setdefault(_key(text), []).append(pk)
            info[pk] = (_key(name), parent_id, fold(abbreviation), status == "active")
        _INDEX.update(stamp=stamp, by_key=by_key, info=info)
    return _INDEX["by_key"], _INDEX["info"]  # type: ignore[return-value]


def _propose_issuer(lines: list[str], title_index: int | None, proposal: Proposal) -> None:
    header = _header_lines(lines, title_index)
    if not header:
        return
    symbol_tail = fold(proposal.code_notation.split("-")[-1]) if "-" in proposal.code_notation else ""
    by_key, info = _agency_index()
    for size in range(1, len(header) + 1):
        candidate = " ".join(header[len(header) - size :])
        parent_key = _key(" ".join(header[: len(header) - size]))
        agency_id = _match_agency(by_key.get(_key(candidate), []), info, parent_key, symbol_tail)
        if agency_id is not None:
            agency = Agency.objects.get(pk=agency_id)
            proposal.issuing_agency_id = agency.pk
            proposal.organ_name = agency.name[:200]
            proposal.evidence["issuer"] = candidate
            return
    proposal.organ_name = _title_case(header[-1])[:200]
    proposal.evidence["issuer"] = header[-1]


def _match_agency(
    ids: list[int], info: dict[int, tuple[str, int | None, str, bool]], parent_key: str, symbol_tail: str
) -> int | None:
    ids = list(dict.fromkeys(ids))
    if len(ids) <= 1:
        return ids[0] if ids else None

    def score(pk: int) -> tuple[int, int, int]:
        _name, parent_id, abbreviation, active = info[pk]
        parent_name = info[parent_id][0] if parent_id in info else ""
        parent_hit = bool(parent_key and parent_name) and (
            parent_name in parent_key or parent_key in parent_name
        )
        return (int(parent_hit), int(bool(symbol_tail) and abbreviation == symbol_tail), int(active))

    ranked = sorted(ids, key=score, reverse=True)
    if score(ranked[0]) == score(ranked[1]):
        return None  # truly ambiguous: propose the text and let the clerk pick
    return ranked[0]


def _title_case(line: str) -> str:
    """'SỞ NỘI VỤ' → 'Sở nội vụ': the clerk corrects proper names; all-caps reads as shouting in lists."""
    lowered = line.lower()
    return lowered[:1].upper() + lowered[1:]
