"""Checking an uploaded signature or seal image before it is kept (Decree 30, PL I II.7.d, II.8.a).

A real PNG (parsed by Pillow, not trusted by its name), at most 1 MB and 4000 px a side (checked
from the header before any pixel is decoded), with a transparent background, and of the right
colour: the signature blue, the seal red, judged on the mean colour of its opaque pixels.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from eoffice.core.errors import ValidationFailed

MAX_IMAGE_BYTES = 1024 * 1024
MAX_SIDE_PX = 4000
MIN_SIDE_PX = 20


@dataclass(frozen=True)
class CheckedImage:
    png: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()

    def row(self) -> dict[str, object]:
        """The columns a signature image or a seal keeps."""
        return {"png": self.png, "sha256": self.sha256, "width_px": self.width, "height_px": self.height}


def _refuse(code: str, message: str) -> ValidationFailed:
    return ValidationFailed(code, message, field="image")


def _open(data: bytes) -> Image.Image:
    if not data:
        raise _refuse("image_required", _("Hãy chọn một tệp ảnh PNG."))
    if len(data) > MAX_IMAGE_BYTES:
        raise _refuse("image_too_large", _("Ảnh vượt quá 1 MB."))
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise _refuse("image_not_png", _("Tệp không phải ảnh PNG hợp lệ.")) from exc
    if image.format != "PNG":
        raise _refuse("image_not_png", _("Tệp không phải ảnh PNG hợp lệ."))
    width, height = image.size
    if not (MIN_SIDE_PX <= width <= MAX_SIDE_PX and MIN_SIDE_PX <= height <= MAX_SIDE_PX):
        raise _refuse(
            "image_size",
            _("Kích thước ảnh phải từ %(low)s đến %(high)s điểm ảnh mỗi chiều.")
            % {"low": MIN_SIDE_PX, "high": MAX_SIDE_PX},
        )
    try:
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _refuse("image_not_png", _("Tệp không phải ảnh PNG hợp lệ.")) from exc
    return image


def _mean_opaque_colour(image: Image.Image) -> tuple[float, float, float] | None:
    """The mean RGB of the pixels that are mostly opaque; None when the image has no transparency."""
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    low = alpha.getextrema()[0]
    if isinstance(low, int | float) and low > 200:
        return None  # no transparent background
    small = rgba.copy()
    small.thumbnail((200, 200))
    raw = small.tobytes()
    pixels = [raw[i : i + 4] for i in range(0, len(raw), 4) if raw[i + 3] >= 128]
    if not pixels:
        return (0.0, 0.0, 0.0)
    count = len(pixels)
    return (
        sum(p[0] for p in pixels) / count,
        sum(p[1] for p in pixels) / count,
        sum(p[2] for p in pixels) / count,
    )


def check_stamp_image(data: bytes, *, colour: str) -> CheckedImage:
    """`colour` is "blue" (a signature) or "red" (a seal)."""
    image = _open(data)
    mean = _mean_opaque_colour(image)
    if mean is None:
        raise _refuse("image_not_transparent", _("Ảnh phải có nền trong suốt (PNG có kênh alpha)."))
    red, green, blue = mean
    if colour == "blue" and not (blue > red + 30 and blue > green + 30):
        raise _refuse("image_not_blue", _("Ảnh chữ ký phải màu xanh (Nghị định 30, Phụ lục I)."))
    if colour == "red" and not (red > green + 30 and red > blue + 30):
        raise _refuse("image_not_red", _("Ảnh con dấu phải màu đỏ (Nghị định 30, Phụ lục I)."))
    return CheckedImage(png=data, width=image.size[0], height=image.size[1])
