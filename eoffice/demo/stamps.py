"""The demo's signature and seal images, drawn with Pillow when the signing kit is built.

Decree 30 (Phụ lục I, II.7.d and II.8.a) wants the signer's image blue and the seal red, both on a
transparent background; `eoffice.signing.images.check_stamp_image` refuses anything else, so these
go through the same services and checks as an image a person uploads. Drawn rather than shipped
as files, so each leader's image carries their own name and each seal its own agency.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Vietnamese needs a font with its diacritics; Debian's Liberation and Noto both have them (CI and
# the signing notes install them). DejaVu is the last resort before Pillow's own font.
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
_ITALIC = ("LiberationSerif-Italic.ttf", "NotoSerif-Italic.ttf", "DejaVuSerif-Italic.ttf")
_BOLD = ("LiberationSerif-Bold.ttf", "NotoSerif-Bold.ttf", "DejaVuSerif-Bold.ttf")

SIGNATURE_BLUE = (24, 48, 190, 255)
SEAL_RED = (214, 24, 28, 235)
PX_PER_MM = 10


def _font(names: tuple[str, ...], size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in names:
        for folder in _FONT_DIRS:
            if (folder / name).exists():
                return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def signature_png(full_name: str, *, width_mm: int = 50, height_mm: int = 20) -> bytes:
    """A blue handwritten-looking signature: the given name in italics over a flourish."""
    width, height = width_mm * PX_PER_MM, height_mm * PX_PER_MM
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    given = full_name.split()[-1] if full_name.split() else "Ký"
    font = _font(_ITALIC, height // 2)
    draw.text((width * 0.12, height * 0.12), given, font=font, fill=SIGNATURE_BLUE)
    # A rising flourish under the name, as a wave that fades out to the right.
    points = [
        (width * (0.06 + 0.88 * t / 40), height * (0.78 - 0.18 * t / 40 + 0.06 * math.sin(t / 3)))
        for t in range(41)
    ]
    draw.line(points, fill=SIGNATURE_BLUE, width=6, joint="curve")
    return _png(image)


def _arc_text(image: Image.Image, text: str, *, radius: float, size: int) -> None:
    """`text` around the top of the seal, one rotated letter at a time, centred on twelve o'clock."""
    font = _font(_BOLD, size)
    centre = image.size[0] / 2
    span = min(300.0, 11.0 * len(text))  # degrees of arc the text covers
    step = span / max(len(text) - 1, 1)
    for index, char in enumerate(text):
        angle = -span / 2 + index * step  # 0 = top, clockwise positive
        tile = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((size, size), char, font=font, fill=SEAL_RED, anchor="mm")
        turned = tile.rotate(-angle, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.sin(math.radians(angle)) - size
        y = centre - radius * math.cos(math.radians(angle)) - size
        image.alpha_composite(turned, (round(x), round(y)))


def _star(x: float, y: float, radius: float) -> list[tuple[float, float]]:
    """The five-pointed star of a state seal: ten points, alternately on two circles."""
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.4
        angle = math.radians(-90 + 36 * index)
        points.append((x + r * math.cos(angle), y + r * math.sin(angle)))
    return points


def seal_png(agency_name: str, issuer_name: str, *, diameter_mm: int = 36) -> bytes:
    """A red round seal: the issuing body around the rim, the agency's name across the centre."""
    size = diameter_mm * PX_PER_MM
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=SEAL_RED, width=12)
    draw.ellipse((size * 0.2, size * 0.2, size * 0.8, size * 0.8), outline=SEAL_RED, width=4)
    _arc_text(image, issuer_name.upper(), radius=size * 0.36, size=size // 13)
    centre = size / 2
    draw.polygon(_star(centre, centre - size * 0.14, size / 12), fill=SEAL_RED)
    lines = agency_name.upper().split(" ", 1) if len(agency_name) > 12 else [agency_name.upper()]
    font = _font(_BOLD, size // (10 + 2 * len(lines)))
    for index, line in enumerate(lines):
        y = centre + size * 0.04 + index * size * 0.09
        draw.text((centre, y), line, font=font, fill=SEAL_RED, anchor="mm")
    return _png(image)
