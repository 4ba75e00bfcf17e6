"""Checks that the Kaplan-Meier plot of an osstats HTML report is not blank, in two steps run by
Reports/check-in-browser.sh:

  python3 plot_not_blank.py extract REPORT.html PAGE.html   writes a page holding only the plot
  python3 plot_not_blank.py check PAGE.html SHOT.png        exit 0 when, inside the plot's data
                                                            region, both arms' curve colours
                                                            cover at least 150 pixels each

The data region comes from the SVG's data-plot-area attribute, so the legend and the risk table
(drawn in the same colours) do not count. The page shows the SVG at its own size (scale 1), so
SVG coordinates are screenshot pixels. A small PNG reader (8-bit RGB or RGBA, non-interlaced, as
chromium writes) uses only the standard library."""
import re
import struct
import sys
import zlib

COLOURS = [(0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00)]  # Okabe-Ito blue and vermillion: arms 1 and 2


def extract(report, page):
    html = open(report, encoding="utf-8").read()
    match = re.search(r'<figure id="figure-km">\s*(<svg.*?</svg>)', html, re.S)
    if not match:
        sys.exit("no Kaplan-Meier figure in " + report)
    with open(page, "w", encoding="utf-8") as out:
        out.write('<!DOCTYPE html><html><head><meta charset="utf-8">'
                  "<style>html,body{margin:0;padding:0;background:#fff}svg{display:block}</style>"
                  "</head><body>" + match.group(1) + "</body></html>")


def rows(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width, channels = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError("unsupported PNG layout")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    for y in range(len(raw) // (stride + 1)):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
        yield y, line, channels
        previous = line


def check(page, shot):
    svg = open(page, encoding="utf-8").read()
    area = re.search(r'data-plot-area="([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9.]+)"', svg)
    if not area:
        sys.exit("the plot has no data-plot-area")
    x0, y0, w, h = (float(v) for v in area.groups())
    counts = [0, 0]
    for y, line, channels in rows(shot):
        if not y0 + 2 <= y <= y0 + h - 2:
            continue
        for x in range(int(x0) + 2, int(x0 + w) - 1):
            i = x * channels
            r, g, b = line[i], line[i + 1], line[i + 2]
            for k, (tr, tg, tb) in enumerate(COLOURS):
                if abs(r - tr) < 24 and abs(g - tg) < 24 and abs(b - tb) < 24:
                    counts[k] += 1
    print("curve pixels in the plot area: %d and %d" % tuple(counts))
    return 0 if min(counts) >= 150 else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
