"""Exit 0 when a PNG screenshot shows both arms' curve colours of the osstats Kaplan-Meier plot
(Okabe-Ito blue #0072B2 and vermillion #D55E00) in at least 300 pixels each, 1 otherwise.
A small PNG reader (8-bit RGB or RGBA, non-interlaced, as chromium writes) using only the
standard library, so that the check needs nothing installed."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
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
    for y in range(height):
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
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 255
        yield line, channels
        previous = line


def main(path):
    targets = [(0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00)]
    counts = [0, 0]
    for line, channels in pixels(path):
        for i in range(0, len(line), channels):
            r, g, b = line[i], line[i + 1], line[i + 2]
            for k, (tr, tg, tb) in enumerate(targets):
                if abs(r - tr) < 24 and abs(g - tg) < 24 and abs(b - tb) < 24:
                    counts[k] += 1
    return 0 if min(counts) >= 300 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
