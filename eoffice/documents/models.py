"""Documents, their files, incoming registers and processing jobs.

One `Document` model serves incoming, outgoing and internal documents. Its fields carry the
Decree 30 Phụ lục VI metadata; the API keeps the standard's tag names (CodeNumber, OrganName…),
noted beside each field. Files are stored once by content (`StoredFile`, SHA-256) and never
changed in place: a conversion or an OCR pass makes a new blob linked as a rendition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from eoffice.directory.models import Agency


class DocumentType(models.Model):
    """The catalogue of document types (Điều 7, Phụ lục III), kept as data, not an enum."""

    code = models.CharField(_lazy("Mã"), max_length=40, unique=True)
    name = models.CharField(_lazy("Tên loại"), max_length=100)
    # Công văn and Thư công have none (Phụ lục I mục II.3.b): their symbol starts with the agency's.
    abbreviation = models.CharField(_lazy("Chữ viết tắt"), max_length=20, blank=True)
    is_active = models.BooleanField(_lazy("Đang dùng"), default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _lazy("Loại văn bản")
        verbose_name_plural = _lazy("Loại văn bản")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    INCOMING = "incoming", _lazy("Văn bản đến")
    OUTGOING = "outgoing", _lazy("Văn bản đi")
    INTERNAL = "internal", _lazy("Văn bản nội bộ")


class Urgency(models.TextChoices):
    """Mức độ khẩn; edXML `Priority` 0–4 is the position in this list (see PRIORITY_CODES)."""

    NORMAL = "thuong", _lazy("Thường")
    URGENT = "khan", _lazy("Khẩn")
    VERY_URGENT = "thuong_khan", _lazy("Thượng khẩn")
    FLASH = "hoa_toc", _lazy("Hỏa tốc")
    FLASH_TIMED = "hoa_toc_hen_gio", _lazy("Hỏa tốc hẹn giờ")


PRIORITY_CODES: dict[str, int] = {value: index for index, value in enumerate(Urgency.values)}


class Secrecy(models.TextChoices):
    """Độ mật (Luật Bảo vệ bí mật nhà nước 2018, Điều 8)."""

    NORMAL = "thuong", _lazy("Thường")
    CONFIDENTIAL = "mat", _lazy("Mật")
    SECRET = "toi_mat", _lazy("Tối mật")
    TOP_SECRET = "tuyet_mat", _lazy("Tuyệt mật")


class Competence(models.TextChoices):
    """Signing authority notation (Điều 13; Phụ lục I mục II.7)."""

    NONE = "", _lazy("Ký trực tiếp")
    TM = "TM.", _lazy("TM. (thay mặt)")
    Q = "Q.", _lazy("Q. (quyền)")
    KT = "KT.", _lazy("KT. (ký thay)")
    TL = "TL.", _lazy("TL. (thừa lệnh)")
    TUQ = "TUQ.", _lazy("TUQ. (thừa ủy quyền)")


class ReceivedVia(models.TextChoices):
    PAPER_SCAN = "paper_scan", _lazy("Văn bản giấy (quét)")
    EMAIL = "email", _lazy("Tệp đính kèm thư điện tử")
    UPLOAD = "upload", _lazy("Tệp điện tử khác")
    INTERNAL = "internal", _lazy("Phát hành nội bộ")
    EXCHANGE = "exchange", _lazy("Trục liên thông")


class DocumentStatus(models.TextChoices):
    RECEIVED = "received", _lazy("Mới tiếp nhận")
    CONFIRMED = "confirmed", _lazy("Đã xác nhận thông tin")
    REGISTERED = "registered", _lazy("Đã vào sổ")
    # Followed from the work engine: the first line assigned, and the top lead line done.
    IN_PROGRESS = "in_progress", _lazy("Đang xử lý")
    DONE = "done", _lazy("Đã giải quyết xong")
    # The sender recalled it and the văn thư agreed (15): out of every queue, kept in the register
    # so arrival numbers have no gaps (documents.withdrawal).
    RECALLED = "recalled", pgettext_lazy("trạng thái văn bản đến", "Đã thu hồi")


class Document(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="documents", verbose_name=_lazy("Cơ quan quản lý")
    )
    direction = models.CharField(_lazy("Chiều"), max_length=10, choices=Direction.choices, db_index=True)
    status = models.CharField(
        _lazy("Trạng thái"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.RECEIVED
    )
    # TypeName
    document_type = models.ForeignKey(
        DocumentType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_lazy("Loại văn bản")
    )
    code_number = models.CharField(_lazy("Số (CodeNumber)"), max_length=11, blank=True)
    code_notation = models.CharField(_lazy("Ký hiệu (CodeNotation)"), max_length=30, blank=True)
    issued_date = models.DateField(_lazy("Ngày văn bản (IssuedDate)"), null=True, blank=True)
    # OrganName is always kept as text; the link is set when the issuer is in the directory.
    issuing_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_lazy("Cơ quan ban hành"),
    )
    organ_name = models.CharField(_lazy("Tên cơ quan ban hành (OrganName)"), max_length=200, blank=True)
    subject = models.CharField(_lazy("Trích yếu (Subject)"), max_length=500, blank=True)
    # Lĩnh vực: what standing routing rules ("field:…" → unit) match on, besides the type.
    field = models.CharField(_lazy("Lĩnh vực"), max_length=100, blank=True)
    language = models.CharField(_lazy("Ngôn ngữ (Language)"), max_length=30, default="Tiếng Việt")
    page_amount = models.PositiveIntegerField(_lazy("Số trang (PageAmount)"), null=True, blank=True)
    description = models.CharField(_lazy("Ghi chú (Description)"), max_length=500, blank=True)
    signer_position = models.CharField(_lazy("Chức vụ người ký"), max_length=100, blank=True)
    signer_full_name = models.CharField(_lazy("Họ tên người ký"), max_length=50, blank=True)
    signer_competence = models.CharField(
        _lazy("Thẩm quyền ký"), max_length=8, choices=Competence.choices, blank=True, default=""
    )
    urgency = models.CharField(
        _lazy("Độ khẩn"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # Only for "Hỏa tốc hẹn giờ": the time by which it must be delivered.
    urgency_deadline = models.DateTimeField(_lazy("Hẹn giờ"), null=True, blank=True)
    secrecy = models.CharField(
        _lazy("Độ mật"), max_length=10, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    due_date = models.DateField(_lazy("Hạn trả lời (DueDate)"), null=True, blank=True)
    # ToPlaces: filled when the document is handed on (work engine); printed in the register.
    to_places = models.CharField(_lazy("Đơn vị hoặc người nhận (ToPlaces)"), max_length=1000, blank=True)

    received_via = models.CharField(
        _lazy("Nguồn tiếp nhận"), max_length=12, choices=ReceivedVia.choices, default=ReceivedVia.UPLOAD
    )
    received_at = models.DateTimeField(_lazy("Thời điểm tiếp nhận"), db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("Người tiếp nhận"),
    )
    first_page_text = models.TextField(_lazy("Văn bản trang đầu"), blank=True)
    full_text = models.TextField(_lazy("Nội dung nhận dạng"), blank=True)
    # What the rules proposed from the first page, kept so the clerk's corrections can be compared.
    proposals = models.JSONField(_lazy("Đề xuất"), default=dict, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _lazy("Văn bản")
        verbose_name_plural = _lazy("Văn bản")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "direction", "status"]),
            models.Index(fields=["agency", "code_number", "code_notation"]),
        ]

    def __str__(self) -> str:
        symbol = self.number_symbol
        return f"{symbol} {self.subject}".strip() or f"Văn bản #{self.pk}"

    @property
    def number_symbol(self) -> str:
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation

    @property
    def priority(self) -> int:
        return PRIORITY_CODES.get(self.urgency, 0)

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL


class StoredFile(models.Model):
    """A blob stored once by content under blobs/ab/cd/<sha256>; never rewritten."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _lazy("Tệp lưu trữ")
        verbose_name_plural = _lazy("Tệp lưu trữ")

    def __str__(self) -> str:
        return self.sha256

    @property
    def storage_path(self) -> str:
        return f"blobs/{self.sha256[:2]}/{self.sha256[2:4]}/{self.sha256}"


class Conversion(models.Model):
    """The PDF made from a stored file (DOCX → PDF by LibreOffice), kept so each content converts once."""

    source = models.OneToOneField(StoredFile, on_delete=models.CASCADE, related_name="conversion")
    pdf = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.source_id} → {self.pdf_id}"


class FileRole(models.TextChoices):
    MAIN = "main", _lazy("Tệp văn bản chính")
    ATTACHMENT = "attachment", _lazy("Tệp đính kèm")
    RENDITION = "rendition", _lazy("Bản chuyển đổi để xem")


class DocumentFile(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uses")
    role = models.CharField(max_length=12, choices=FileRole.choices)
    # A rendition points at the file it was made from (PDF of a DOCX, OCR'd copy of a scan).
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="renditions"
    )
    file_name = models.CharField(_lazy("Tên tệp"), max_length=255)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    has_text_layer = models.BooleanField(default=False)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(role="main"), name="document_one_main_file"
            ),
            models.CheckConstraint(
                name="rendition_has_source",
                condition=Q(role="rendition", derived_from__isnull=False)
                | (~Q(role="rendition") & Q(derived_from__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class RegisterKind(models.TextChoices):
    INCOMING = "incoming", _lazy("Sổ đăng ký văn bản đến")


class Register(models.Model):
    """A numbering register (sổ) of one agency for one year (Điều 22; Phụ lục IV)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="registers")
    kind = models.CharField(max_length=12, choices=RegisterKind.choices, default=RegisterKind.INCOMING)
    year = models.PositiveSmallIntegerField(_lazy("Năm"))
    name = models.CharField(_lazy("Tên sổ"), max_length=200)
    # Secret documents are registered in their own register (Điều 22.4).
    is_secret = models.BooleanField(_lazy("Sổ văn bản mật"), default=False)
    is_default = models.BooleanField(_lazy("Sổ mặc định"), default=False)
    is_closed = models.BooleanField(_lazy("Đã khóa sổ"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _lazy("Sổ văn bản")
        verbose_name_plural = _lazy("Sổ văn bản")
        ordering = ["-year", "is_secret", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year", "name"], name="register_name_unique"),
            models.UniqueConstraint(
                fields=["agency", "kind", "year", "is_secret"],
                condition=Q(is_default=True),
                name="register_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class RegisterCounter(models.Model):
    """The last arrival number given in a register's year; locked with SELECT … FOR UPDATE."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "year"], name="register_counter_unique")]

    def __str__(self) -> str:
        return f"{self.register_id}/{self.year}: {self.last_number}"


class Registration(models.Model):
    """A document entered in a register: its arrival number (số đến) and arrival time (ngày đến)."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="registration")
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="registrations")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_lazy("Số đến (ArrivalNumber)"))
    arrived_at = models.DateTimeField(_lazy("Ngày đến (ArrivalDate)"), db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["register_id", "year", "number"]
        constraints = [
            # The database, not the code, is the last guard against a duplicate arrival number.
            models.UniqueConstraint(fields=["register", "year", "number"], name="registration_number_unique"),
            models.CheckConstraint(name="registration_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.year})"


class JobKind(models.TextChoices):
    ANALYSE = "analyse", _lazy("Đọc nội dung và đề xuất thông tin")
    OCR = "ocr", _lazy("Nhận dạng chữ (OCR)")
    CONVERT = "convert", _lazy("Chuyển DOCX sang PDF")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _lazy("Đang chờ")
    RUNNING = "running", _lazy("Đang xử lý")
    DONE = "done", _lazy("Hoàn tất")
    FAILED = "failed", pgettext_lazy("trạng thái tác vụ xử lý tệp", "Lỗi")


class ProcessingJob(models.Model):
    """Background work on one file (OCR, conversion), with progress the clerk can watch."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="jobs")
    source = models.ForeignKey(DocumentFile, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=10, choices=JobKind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document_id", "id"]
        constraints = [models.CheckConstraint(name="job_progress_range", condition=Q(progress__lte=100))]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
