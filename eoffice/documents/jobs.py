"""Bookkeeping of background processing jobs (OCR, conversion, analysis).

Progress updates are single-row UPDATEs committed one by one, so the clerk's page sees them
while the job runs. Results (renditions, text, proposals) are written in one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict
from eoffice.documents import blobs, policies
from eoffice.documents.models import DocumentFile, FileRole, JobStatus, ProcessingJob


def job_claim(job_id: int) -> ProcessingJob | None:
    """Mark a queued job running; None when it is gone or another worker has it (retry-safe)."""
    claimed = ProcessingJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        progress=5,
        step=_noop("Bắt đầu xử lý"),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return ProcessingJob.objects.select_related("document", "source__stored_file").get(pk=job_id)


def job_progress(job: ProcessingJob, progress: int, step: str) -> None:
    ProcessingJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        progress=max(0, min(progress, 99)), step=step[:200]
    )


@transaction.atomic
def job_complete(
    *,
    job: ProcessingJob,
    rendition: bytes | None,
    rendition_has_text: bool,
    page_count: int | None,
    texts: list[str] | None,
    proposals: dict[str, object] | None,
) -> None:
    """Store what the job produced, all at once with the job's final status."""
    actor = Actor.system("documents.processing")
    document = job.document
    if rendition is not None:
        stored = blobs.store_bytes(rendition, content_type="application/pdf")
        source = job.source
        DocumentFile.objects.create(
            document=document,
            stored_file=stored,
            role=FileRole.RENDITION,
            derived_from=source,
            file_name=source.file_name.rsplit(".", 1)[0] + ".pdf",
            page_count=page_count,
            has_text_layer=rendition_has_text,
            sort_order=source.sort_order,
        )
    updates: dict[str, object] = {}
    if texts is not None:
        updates["first_page_text"] = texts[0][:20000] if texts else ""
        updates["full_text"] = "\n\f".join(texts)[:1_000_000]
    if proposals is not None:
        updates["proposals"] = proposals
    if page_count is not None and job.source.role == FileRole.MAIN and not document.page_amount:
        updates["page_amount"] = page_count
    if updates:
        type(document).objects.filter(pk=document.pk).update(**updates)
    ProcessingJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, progress=100, step=_noop("Hoàn tất"), error="", finished_at=timezone.now()
    )
    audit.record(
        actor=actor,
        verb=f"document.{job.kind}_done",
        target=document,
        agency_id=document.agency_id,
        data={"job": job.pk, "rendition": rendition is not None},
    )


@transaction.atomic
def job_fail(*, job: ProcessingJob, message: str) -> None:
    ProcessingJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error=message[:1000], step=_noop("Lỗi"), finished_at=timezone.now()
    )
    audit.record(
        actor=Actor.system("documents.processing"),
        verb=f"document.{job.kind}_failed",
        target=job.document,
        agency_id=job.document.agency_id,
        data={"job": job.pk, "error": message[:300]},
    )


@transaction.atomic
def job_retry(*, actor: Actor, job: ProcessingJob) -> ProcessingJob:
    """Queue a failed job again (the clerk's "Thử lại")."""
    job = ProcessingJob.objects.select_for_update().select_related("document__agency").get(pk=job.pk)
    policies.require_can_edit(actor, job.document)
    if job.status != JobStatus.FAILED:
        raise Conflict("job_not_failed", _("Chỉ chạy lại được tác vụ bị lỗi."))
    job.status = JobStatus.QUEUED
    job.progress = 0
    job.step = _noop("Chờ chạy lại")
    job.error = ""
    job.finished_at = None
    job.save(update_fields=["status", "progress", "step", "error", "finished_at"])
    audit.record(actor=actor, verb="document.job_retried", target=job.document, data={"job": job.pk})
    from eoffice.documents import tasks

    transaction.on_commit(lambda: tasks.run_job(job.pk))
    return job
