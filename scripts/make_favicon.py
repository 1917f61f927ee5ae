"""Draws the favicon (two overlapping rings on a blue rounded square: "synergy") as SVG and as a
32×32 ICO holding a PNG, with the standard library only. Run: python scripts/make_favicon.py"""

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "hamafza" / "core" / "static" / "hamafza"
BLUE = (13, 110, 253)
SIZE = 32
RADIUS, CORNER = 8.0, 7.0
CENTRES = ((12.5, 16.0), (19.5, 16.0))
RING = 2.6

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">
<rect width="{SIZE}" height="{SIZE}" rx="{CORNER}" fill="rgb{BLUE}"/>
<g fill="none" stroke="#fff" stroke-width="{RING}">
<circle cx="{CENTRES[0][0]}" cy="{CENTRES[0][1]}" r="{RADIUS - RING / 2}"/>
<circle cx="{CENTRES[1][0]}" cy="{CENTRES[1][1]}" r="{RADIUS - RING / 2}"/>
</g>
</svg>
"""


def inside_square(x: float, y: float) -> bool:
    cx = min(max(x, CORNER), SIZE - CORNER)
    cy = min(max(y, CORNER), SIZE - CORNER)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER**2


def on_ring(x: float, y: float) -> bool:
    for cx, cy in CENTRES:
        d = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
        if RADIUS - RING <= d <= RADIUS:
            return True
    return False


def pixels() -> bytes:
    n = 4  # 4×4 samples per pixel
    rows = []
    for py in range(SIZE):
        row = bytearray([0])  # PNG filter: none
        for px in range(SIZE):
            square = ring = 0
            for sy in range(n):
                for sx in range(n):
                    x, y = px + (sx + 0.5) / n, py + (sy + 0.5) / n
                    if inside_square(x, y):
                        square += 1
                        ring += on_ring(x, y)
            alpha = square / n**2
            white = ring / max(square, 1)
            rgb = [round(c * (1 - white) + 255 * white) for c in BLUE]
            row += bytes([*rgb, round(alpha * 255)])
        rows.append(bytes(row))
    return b"".join(rows)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels(), 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def ico(image: bytes) -> bytes:
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(image), 22) + image


if __name__ == "__main__":
    (OUT / "favicon.svg").write_text(SVG, encoding="utf-8")
    (OUT / "favicon.ico").write_bytes(ico(png()))
    print(f"wrote {OUT / 'favicon.svg'} and {OUT / 'favicon.ico'}")
