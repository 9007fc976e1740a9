"""Opinions (ý kiến xử lý) with files, and the proposal to reply (đề xuất văn bản trả lời)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.work import engine, policies
from eoffice.work.models import AssignmentLine, Opinion, OpinionFile, OpinionKind
from eoffice.work.services.lines import locked_line
from eoffice.work.statuses import UNFINISHED_STATUSES, LineRole, LineStatus

MAX_TEXT = 4000
MAX_FILES = 10
# Extension → (content type, magic prefixes the content must start with; empty = any).
ALLOWED_FILES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain", ()),
}


@dataclass(frozen=True)
class Upload:
    name: str
    content: IO[bytes]
    size: int


def max_file_bytes() -> int:
    return int(getattr(settings, "EOFFICE_WORK_MAX_FILE_BYTES", 20 * 1024 * 1024))


def _checked(upload: Upload, index: int) -> tuple[bytes, str, str]:
    name = PurePath(upload.name.replace("\\", "/")).name.strip()[:255]
    suffix = PurePath(name).suffix.lower()
    field = f"files[{index}]"
    if not name or suffix not in ALLOWED_FILES:
        allowed = ", ".join(sorted(ALLOWED_FILES))
        raise ValidationFailed(
            "file_type",
            _("Tệp “%(name)s” không đúng loại cho phép (%(allowed)s).") % {"name": name, "allowed": allowed},
            field=field,
        )
    limit = max_file_bytes()
    if upload.size > limit:
        raise ValidationFailed(
            "file_too_large",
            _("Tệp “%(name)s” vượt quá %(value)s MB.") % {"name": name, "value": limit // (1024 * 1024)},
            field=field,
        )
    data = upload.content.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(
            "file_too_large",
            _("Tệp “%(name)s” vượt quá %(value)s MB.") % {"name": name, "value": limit // (1024 * 1024)},
            field=field,
        )
    if not data:
        raise ValidationFailed("file_empty", _("Tệp “%(name)s” rỗng.") % {"name": name}, field=field)
    content_type, magics = ALLOWED_FILES[suffix]
    if magics and not any(data.startswith(m) for m in magics):
        raise ValidationFailed(
            "file_corrupt",
            _("Nội dung tệp “%(name)s” không khớp với loại %(suffix)s.") % {"name": name, "suffix": suffix},
            field=field,
        )
    return data, name, content_type


def _store(data: bytes) -> tuple[str, str]:
    sha = hashlib.sha256(data).hexdigest()
    path = f"work/files/{sha[:2]}/{sha[2:4]}/{sha}"
    # Content-addressed and never changed: an existing blob is the same bytes.
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return sha, path


@transaction.atomic
def opinion_add(
    *,
    line: AssignmentLine,
    text: str,
    actor: Actor,
    kind: str = OpinionKind.OPINION,
    files: list[Upload] | None = None,
) -> Opinion:
    """An opinion on a line the actor holds (not on a finished, returned or recalled line)."""
    files = files or []
    text = text.strip()
    if kind not in (OpinionKind.OPINION, OpinionKind.REPLY_PROPOSAL):
        raise ValidationFailed("invalid_kind", _("Loại ý kiến không hợp lệ."), field="kind")
    if not text:
        raise ValidationFailed("text_required", _("Nội dung ý kiến không được để trống."), field="text")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            "text_too_long",
            _("Nội dung ý kiến tối đa %(max_text)s ký tự.") % {"max_text": MAX_TEXT},
            field="text",
        )
    if len(files) > MAX_FILES:
        raise ValidationFailed(
            "too_many_files",
            _("Tối đa %(max_files)s tệp mỗi ý kiến.") % {"max_files": MAX_FILES},
            field="files",
        )
    line = locked_line(line.pk)
    require(policies.holds_line(actor, line), _("Bạn không giữ dòng xử lý này."))
    if line.status not in UNFINISHED_STATUSES:
        raise engine.refusal(line, "opinion")
    if line.status == LineStatus.CHO_TIEP_NHAN:
        raise Conflict("not_received", _("Hãy tiếp nhận dòng xử lý trước khi cho ý kiến."))
    if kind == OpinionKind.REPLY_PROPOSAL and line.role != LineRole.LEAD:
        raise ValidationFailed(
            "lead_only", _("Chỉ đơn vị/cá nhân chủ trì đề xuất văn bản trả lời."), field="kind"
        )
    checked = [_checked(upload, i) for i, upload in enumerate(files)]
    now = timezone.now()
    opinion = Opinion.objects.create(
        item_id=line.item_id,
        line=line,
        kind=kind,
        text=text,
        author=actor.user,
        on_behalf_of=actor.on_behalf_of,
        author_name=engine.actor_name(actor),
        created_at=now,
    )
    stored = []
    for data, name, content_type in checked:
        sha, path = _store(data)
        OpinionFile.objects.create(
            opinion=opinion,
            sha256=sha,
            name=name,
            size=len(data),
            content_type=content_type,
            storage_path=path,
        )
        stored.append({"name": name, "sha256": sha, "size": len(data)})
    if line.acted_at is None:
        line.acted_at = now
        line.save(update_fields=["acted_at"])
    engine.record_event(line=line, action="opinion", actor=actor, before=line.status, note=text[:200], at=now)
    audit.record(
        actor=actor,
        verb="work.opinion_added",
        target=opinion,
        agency_id=line.assignee_agency_id,
        data={"item": line.item_id, "line": line.pk, "kind": kind, "files": stored},
    )
    return opinion
