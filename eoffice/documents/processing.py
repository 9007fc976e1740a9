"""File processing with outside tools: images → PDF, DOCX → PDF (LibreOffice), OCR (OCRmyPDF with
Tesseract's Vietnamese model), and text extraction (pypdf). Pure functions on bytes; no database.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import img2pdf
from django.conf import settings
from django.utils.translation import gettext_noop as _noop
from PIL import Image
from pypdf import PdfReader

log = logging.getLogger(__name__)

# Below this many characters of text on the first pages, a PDF is taken for a scan without a text layer.
MIN_TEXT_CHARS = 40


class ProcessingError(Exception):
    """A tool failed; the message is Vietnamese and shown to the clerk on the job."""

    def __init__(self, message: str, *, code: str = "processing_failed") -> None:
        super().__init__(message)
        self.code = code


def images_to_pdf(images: list[bytes]) -> bytes:
    """Combine the page images of a paper scan into one PDF, in the given order.

    img2pdf embeds JPEG and PNG data without re-encoding, so the originals are recoverable from
    the PDF and need not be kept. Images with an alpha channel or palette are flattened first.
    """
    prepared: list[bytes] = []
    for data in images:
        with Image.open(io.BytesIO(data)) as image:
            if image.mode in ("RGBA", "LA", "P") or (
                image.format == "TIFF" and getattr(image, "n_frames", 1) > 1
            ):
                prepared.extend(_flatten_frames(image))
            else:
                prepared.append(data)
    result: bytes = img2pdf.convert(prepared, rotation=img2pdf.Rotation.ifvalid)
    return result


def _flatten_frames(image: Image.Image) -> list[bytes]:
    frames: list[bytes] = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        rgb = image.convert("RGB")
        out = io.BytesIO()
        rgb.save(out, format="PNG", dpi=image.info.get("dpi", (200, 200)))
        frames.append(out.getvalue())
    return frames


def page_texts(pdf: bytes, *, max_pages: int | None = None) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages if max_pages is None else reader.pages[:max_pages]
    texts = []
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # pypdf raises many types on odd content streams; a page without text is fine
            log.warning("text extraction failed on a page", exc_info=True)
            texts.append("")
    return texts


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def has_text_layer(pdf: bytes) -> bool:
    text = "".join(page_texts(pdf, max_pages=3))
    return len("".join(text.split())) >= MIN_TEXT_CHARS


def ocr_pdf(pdf: bytes) -> bytes:
    """Add a text layer to a scanned PDF with OCRmyPDF; pages that already have text are kept."""
    import ocrmypdf

    with tempfile.TemporaryDirectory(prefix="eo-ocr-") as tmp:
        source = Path(tmp) / "in.pdf"
        target = Path(tmp) / "out.pdf"
        source.write_bytes(pdf)
        try:
            ocrmypdf.ocr(
                source,
                target,
                language=list(settings.EOFFICE_OCR_LANGUAGES),
                skip_text=True,
                rotate_pages=False,
                deskew=False,
                output_type="pdf",
                optimize=0,
                progress_bar=False,
                tesseract_timeout=float(settings.EOFFICE_OCR_TIMEOUT),
            )
        except ocrmypdf.exceptions.ExitCodeException as exc:
            raise ProcessingError(f"Nhận dạng chữ thất bại: {type(exc).__name__}.") from exc
        return target.read_bytes()


def docx_to_pdf(docx: bytes, *, timeout: float | None = None) -> bytes:
    """Convert with headless LibreOffice, one private profile per call so conversions never share state."""
    binary = shutil.which(settings.EOFFICE_SOFFICE_BIN)
    if binary is None:
        message = _noop("Máy chủ chưa cài LibreOffice nên không chuyển được DOCX sang PDF.")
        raise ProcessingError(message, code="converter_missing")
    with tempfile.TemporaryDirectory(prefix="eo-soffice-") as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(docx)
        profile = Path(tmp) / "profile"
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(source),
        ]
        env = {**os.environ, "HOME": tmp}
        _run_converter(command, env, settings.EOFFICE_CONVERT_TIMEOUT if timeout is None else timeout)
        output = Path(tmp) / "document.pdf"
        if not output.exists() or output.stat().st_size == 0:
            raise ProcessingError(
                _noop("LibreOffice không tạo ra tệp PDF từ tệp DOCX này."), code="conversion_failed"
            )
        return output.read_bytes()


def _run_converter(command: list[str], env: dict[str, str], timeout: float) -> None:
    # Own session: `soffice` is a wrapper script around soffice.bin, so on a timeout the whole process
    # group must go, or a hung soffice.bin outlives the request and holds the profile.
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell; the input is a file we wrote
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ProcessingError(
            _noop("Chuyển DOCX sang PDF quá thời gian cho phép."), code="conversion_timeout"
        ) from exc
    if process.returncode != 0:
        raise ProcessingError(
            _noop("LibreOffice không chuyển được tệp DOCX này sang PDF."), code="conversion_failed"
        )
