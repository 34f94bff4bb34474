#!/usr/bin/env python3
"""Reads a PNG with the standard library only (an independent reader of the pictures MmsMpi draws with ScottPlot and
Skia): prints "WIDTH HEIGHT" and then, for each "x,y" argument, the pixel's colour as #RRGGBB.
Handles 8-bit greyscale, RGB and RGBA (with or without alpha), non-interlaced, all five row filters."""
import struct
import sys
import zlib


def read(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(f'{path}: not a PNG file')
    pos, idat, header = 8, b'', None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        elif kind == b'IEND':
            break
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    if depth != 8 or interlace:
        sys.exit(f'{path}: only 8-bit non-interlaced PNGs are read here')
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def main():
    width, height, channels, rows = read(sys.argv[1])
    print(width, height)
    for arg in sys.argv[2:]:
        x, y = (int(v) for v in arg.split(','))
        px = rows[y][x * channels:(x + 1) * channels]
        rgb = (px[0],) * 3 if channels <= 2 else tuple(px[:3])
        print('#%02X%02X%02X' % rgb)


if __name__ == '__main__':
    main()
