"""Huey jobs: OCR, DOCX → PDF and analysis of an uploaded file, with progress on ProcessingJob.

Each job is idempotent: it only runs from "queued" (claimed atomically), so a re-delivered
message does nothing. Failures end as a "failed" job with a Vietnamese message; the clerk may
retry it.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext_noop as _noop
from huey.contrib.djhuey import db_task

from eoffice.documents import blobs, jobs, processing
from eoffice.documents.models import Document, FileRole, JobKind, ProcessingJob
from eoffice.documents.proposals import propose
from eoffice.documents.signatures import document_signatures

log = logging.getLogger(__name__)


@db_task()
def run_job(job_id: int) -> None:
    job = jobs.job_claim(job_id)
    if job is None:
        return
    try:
        _run(job)
    except processing.ProcessingError as exc:
        jobs.job_fail(job=job, message=str(exc))
    except Exception:
        log.exception("document job %s failed", job_id)
        jobs.job_fail(
            job=job, message=_noop("Lỗi không mong đợi khi xử lý tệp; hãy thử lại hoặc báo quản trị.")
        )


def _run(job: ProcessingJob) -> None:
    source = job.source.stored_file
    data = blobs.read_bytes(source)
    rendition: bytes | None = None
    if job.kind == JobKind.CONVERT:
        jobs.job_progress(job, 20, _noop("Đang chuyển DOCX sang PDF"))
        rendition = processing.docx_to_pdf(data)
        pdf = rendition
    elif job.kind == JobKind.OCR:
        jobs.job_progress(job, 15, _noop("Đang nhận dạng chữ (OCR)"))
        rendition = processing.ocr_pdf(data)
        pdf = rendition
    else:
        pdf = data
    is_main = job.source.role == FileRole.MAIN
    texts: list[str] | None = None
    proposals: dict[str, object] | None = None
    if is_main:
        jobs.job_progress(job, 80, _noop("Đang đọc trang đầu và đề xuất thông tin"))
        texts = processing.page_texts(pdf)
        proposals = propose(texts[0] if texts else "").as_json()
    jobs.job_complete(
        job=job,
        rendition=rendition,
        rendition_has_text=rendition is not None and processing.has_text_layer(rendition),
        page_count=processing.page_count(pdf),
        texts=texts,
        proposals=proposals,
    )


@db_task()
def check_signatures(document_id: int) -> None:
    """Validate a received document's signed PDFs before anyone opens it; the result is cached
    (signing.panel) per file content and trust store, so the page and the API read it at once.
    Idempotent: a second run finds everything cached."""
    document = Document.objects.filter(pk=document_id).first()
    if document is not None:
        document_signatures(document)
