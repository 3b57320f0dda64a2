"""The pictures as people see them: lenet5's and resnet50's SVG and HTML rendered by headless Chromium.

Skipped where Chromium is not installed (``apt-get install chromium``; CI installs it when it can).
The screenshots are decoded here (a small PNG reader, no imaging library) to check that the browser
shows the SVG at the size it declares, not shrunk to the window, and that the picture is drawn.
"""

import re
import shutil
import struct
import subprocess
import zlib

import pytest

import cnncount
from cnncount.render import as_picture, as_table

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of (R, G, B) bytes of an 8-bit RGB or RGBA PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data, width, height, kind = 8, b"", 0, 0, 0
    while at < len(png):
        length, tag = struct.unpack(">I4s", png[at : at + 8])
        body = png[at + 8 : at + 8 + length]
        if tag == b"IHDR":
            width, height, depth, kind = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and kind in (2, 6)
        elif tag == b"IDAT":
            data += body
        at += 12 + length
    step = 3 if kind == 2 else 4
    raw = zlib.decompress(data)
    stride = width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind_of_filter, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b = previous[x]
            c = previous[x - step] if x >= step else 0
            if kind_of_filter == 1:
                line[x] = (line[x] + a) & 255
            elif kind_of_filter == 2:
                line[x] = (line[x] + b) & 255
            elif kind_of_filter == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind_of_filter == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(v for n, v in enumerate(line) if n % step < 3))
        previous = line
    return width, height, rows


def _screenshot(page, tmp_path, size):
    shot = tmp_path / "shot.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return _pixels(shot.read_bytes())


def _drawn_width(rows, background=(255, 255, 255)):
    """How far right anything but the page's background is drawn, in pixels."""
    right = 0
    for row in rows:
        for x in range(len(row) // 3 - 1, right - 1, -1):
            if tuple(row[3 * x : 3 * x + 3]) != background:
                right = max(right, x + 1)
                break
    return right


@pytest.mark.parametrize("name", ["lenet5", "resnet50"])
def test_the_svg_is_shown_at_its_own_size(name, tmp_path):
    svg = as_picture.svg(as_table.render([cnncount.count(name)], show_chart=name == "lenet5"))
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
    page = tmp_path / f"{name}.svg"
    page.write_text(svg)
    shot_width, _, rows = _screenshot(page, tmp_path, (int(width) + 200, 600))
    drawn = _drawn_width(rows)
    assert abs(drawn - width) <= 3, (drawn, width)  # not shrunk to a strip, not cut
    dark = sum(1 for row in rows[:400] for x in range(0, min(len(row), 300), 3) if row[x] < 60)
    assert dark > 1000  # the terminal's dark background is drawn


@pytest.mark.parametrize("name", ["lenet5", "resnet50"])
def test_the_html_page_is_drawn(name, tmp_path):
    text = as_picture.html(as_table.render([cnncount.count(name)]))
    page = tmp_path / f"{name}.html"
    page.write_text(text)
    _, _, rows = _screenshot(page, tmp_path, (1800, 400))
    light = sum(1 for row in rows[:200] for x in range(0, len(row), 3) if row[x] > 180)
    assert light > 200  # text drawn on the dark page
