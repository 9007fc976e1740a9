"""Generated Vietnamese test documents: HTML laid out as Decree 30 Phụ lục I asks, rendered to PDF
with WeasyPrint, to page images with pypdfium2, and to a minimal DOCX. Nothing binary is committed.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from html import escape

import pikepdf
import pypdfium2 as pdfium
from weasyprint import HTML


@dataclass(frozen=True)
class Sample:
    parent: str
    issuer: str
    number: str
    symbol: str
    place: str
    day: int
    month: int
    year: int
    type_title: str  # "" for a công văn
    subject: str
    body: str = (
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;"
    )

    @property
    def date_line(self) -> str:
        day = f"{self.day:02d}"
        month = f"{self.month:02d}" if self.month < 3 else str(self.month)
        return f"{self.place}, ngày {day} tháng {month} năm {self.year}"


DECISION = Sample(
    parent="ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
    issuer="SỞ NỘI VỤ",
    number="12",
    symbol="QĐ-SNV",
    place="Thử Nghiệm",
    day=5,
    month=3,
    year=2026,
    type_title="QUYẾT ĐỊNH",
    subject="Về việc ban hành quy chế làm việc của Sở Nội vụ",
)

OFFICIAL_LETTER = Sample(
    parent="ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
    issuer="ỦY BAN NHÂN DÂN XÃ ĐỒNG TÂM",
    number="45",
    symbol="UBND-VP",
    place="Đồng Tâm",
    day=17,
    month=2,
    year=2026,
    type_title="",
    subject="V/v tăng cường công tác văn thư, lưu trữ",
    body="Kính gửi: Sở Nội vụ tỉnh Thử Nghiệm.",
)


def html_for(sample: Sample) -> str:
    if sample.type_title:
        left_extra = ""
        title = (
            f'<p class="title">{escape(sample.type_title)}</p><p class="subject">{escape(sample.subject)}</p>'
        )
    else:
        left_extra = f'<div class="vv">{escape(sample.subject)}</div>'
        title = ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm 20mm 20mm 30mm; }}
body {{ font-family: "Liberation Serif"; font-size: 13pt; }}
table {{ width: 100%; }} td {{ vertical-align: top; text-align: center; }}
.title {{ text-align: center; font-weight: bold; font-size: 14pt; margin-top: 10mm; }}
.subject {{ text-align: center; font-weight: bold; }}
.vv {{ font-size: 12pt; margin-top: 2mm; }}
</style></head><body>
<table><tr>
<td style="width:40%">{escape(sample.parent)}<br><b>{escape(sample.issuer)}</b><br>
Số: {escape(sample.number)}/{escape(sample.symbol)}{left_extra}</td>
<td style="width:60%"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br>
<i>{escape(sample.date_line)}</i></td>
</tr></table>
{title}
<p>{escape(sample.body)}</p>
</body></html>"""


def pdf_for(sample: Sample) -> bytes:
    pdf: bytes = HTML(string=html_for(sample)).write_pdf()
    return pdf


def page_images(pdf: bytes, *, dpi: int = 200, fmt: str = "PNG") -> list[bytes]:
    """Render each page to a greyscale image, as a scanner would deliver it."""
    document = pdfium.PdfDocument(pdf)
    images = []
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72).to_pil().convert("L")
        out = io.BytesIO()
        image.save(out, format=fmt, dpi=(dpi, dpi))
        images.append(out.getvalue())
    document.close()
    return images


def encrypted_pdf(pdf: bytes, *, user_password: str = "mat-khau") -> bytes:  # noqa: S107 - test data
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as source:
        source.save(out, encryption=pikepdf.Encryption(owner="chu-so-huu", user=user_password))
    return out.getvalue()


def empty_pdf() -> bytes:
    out = io.BytesIO()
    pikepdf.new().save(out)
    return out.getvalue()


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="word/document.xml"/>
</Relationships>"""


def docx_for(lines: list[str]) -> bytes:
    """A minimal valid DOCX: one paragraph per line."""
    paragraphs = "".join(
        f'<w:p><w:r><w:rPr><w:rFonts w:ascii="Liberation Serif" w:hAnsi="Liberation Serif"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        for line in lines
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def sample_lines(sample: Sample) -> list[str]:
    """The sample as plain lines, in reading order, for a DOCX."""
    lines = [sample.parent, sample.issuer, f"Số: {sample.number}/{sample.symbol}"]
    if not sample.type_title:
        lines.append(sample.subject)
    lines += ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", sample.date_line]
    if sample.type_title:
        lines += [sample.type_title, sample.subject]
    lines.append(sample.body)
    return lines
