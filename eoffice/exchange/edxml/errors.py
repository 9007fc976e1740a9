"""The one error of the codec: a stable code for machines, a Vietnamese message, a technical detail.

A poller quarantines a package on any `EdxmlError`; nothing else may escape `parse` for bad input.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed


def _messages() -> dict[str, str]:
    # Built on demand so the message follows the active language.
    return {
        "malformed_xml": _("Gói tin edXML không đúng cú pháp XML."),
        "doctype_forbidden": _("Gói tin edXML chứa khai báo DOCTYPE, không được phép."),
        "wrong_namespace": _("Gói tin không dùng không gian tên QCVN 102:2016."),
        "unknown_message_type": _("Không nhận ra loại gói tin edXML (edoc hay status)."),
        "schema_invalid": _("Gói tin edXML không đúng cấu trúc QCVN 102:2016."),
        "missing_document_id": _("Gói tin edXML thiếu mã văn bản (DocumentId)."),
        "missing_status_code": _("Gói tin trạng thái thiếu mã trạng thái (StatusCode)."),
        "too_large": _("Gói tin edXML vượt quá dung lượng cho phép."),
        "too_deep": _("Gói tin edXML lồng nhau quá sâu."),
        "too_many_attachments": _("Gói tin edXML có quá nhiều tệp đính kèm."),
        "attachment_too_large": _("Tệp đính kèm vượt quá dung lượng cho phép."),
        "attachments_dir_required": _("Cần thư mục tạm để giải mã tệp đính kèm lớn."),
        "broken_base64": _("Nội dung tệp đính kèm không phải base64 hợp lệ."),
        "attachment_mismatch": _("Danh mục tệp (Manifest) không khớp với các tệp đính kèm."),
        "zip_bomb": _("Tệp nén đính kèm có tỷ lệ nén hoặc dung lượng giải nén bất thường."),
        "zip_too_many_entries": _("Tệp nén đính kèm có quá nhiều tệp con."),
        "zip_unsafe_name": _("Tệp nén đính kèm có tên tệp con không an toàn."),
        "zip_invalid": _("Tệp nén đính kèm bị hỏng."),
        "invalid_value": _("Giá trị trong gói tin edXML không hợp lệ."),
        "signature_missing": _("Gói tin edXML không có chữ ký số."),
        "signature_invalid": _("Chữ ký số của gói tin edXML không hợp lệ."),
        "build_invalid": _("Không tạo được gói tin edXML hợp lệ."),
        "read_failed": _("Không đọc được gói tin edXML."),
        "draft_not_numbered": _("Văn bản đi chưa được cấp số, chưa thể tạo gói tin edXML."),
        "secret_document": _("Văn bản mật không được gửi qua trục liên thông."),
    }


class EdxmlError(ValidationFailed):
    """Raised for every bad package; `code` is stable, `message` Vietnamese, `detail` technical."""

    def __init__(self, code: str, detail: str = "", *, message: str | None = None) -> None:
        text = message or _messages().get(code) or _("Gói tin edXML không hợp lệ.")
        super().__init__(code, text, details={"detail": detail} if detail else {})
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" + (f" ({self.detail})" if self.detail else "")
