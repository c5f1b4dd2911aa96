#!/usr/bin/env python3
"""Renders a `tmux capture-pane -e -p` dump (text with SGR colour codes) to a PNG, cell by
cell, so the README shows what the terminal really showed. Needs Pillow and DejaVu Sans Mono."""
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = 15
BG, FG = (24, 24, 27), (220, 220, 220)
BASE16 = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200),
          (188, 63, 188), (17, 168, 205), (229, 229, 229), (102, 102, 102), (241, 76, 76),
          (35, 209, 139), (245, 245, 67), (59, 142, 234), (214, 112, 214), (41, 184, 219),
          (255, 255, 255)]


# Box-drawing characters are drawn as lines so borders join up between rows.
BOX = {"─": "lr", "│": "ud", "┌": "rd", "┐": "ld", "└": "ru", "┘": "lu", "├": "udr",
       "┤": "udl", "┬": "lrd", "┴": "lru", "┼": "udlr"}


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return steps[n // 36], steps[(n // 6) % 6], steps[n % 6]
    v = 8 + (n - 232) * 10
    return v, v, v


def parse(text):
    rows = []
    for line in text.split("\n"):
        cells, st = [], {"fg": None, "bg": None, "bold": False, "rev": False, "dim": False}
        for tok in re.split(r"(\x1b\[[0-9;]*m)", line):
            if tok.startswith("\x1b["):
                codes = [int(c) if c else 0 for c in tok[2:-1].split(";")]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0:
                        st = {"fg": None, "bg": None, "bold": False, "rev": False, "dim": False}
                    elif c == 1:
                        st["bold"] = True
                    elif c == 2:
                        st["dim"] = True
                    elif c == 7:
                        st["rev"] = True
                    elif c in (22,):
                        st["bold"] = st["dim"] = False
                    elif c == 27:
                        st["rev"] = False
                    elif 30 <= c <= 37:
                        st["fg"] = BASE16[c - 30]
                    elif 90 <= c <= 97:
                        st["fg"] = BASE16[c - 90 + 8]
                    elif 40 <= c <= 47:
                        st["bg"] = BASE16[c - 40]
                    elif 100 <= c <= 107:
                        st["bg"] = BASE16[c - 100 + 8]
                    elif c == 39:
                        st["fg"] = None
                    elif c == 49:
                        st["bg"] = None
                    elif c in (38, 48) and i + 1 < len(codes):
                        key = "fg" if c == 38 else "bg"
                        if codes[i + 1] == 5 and i + 2 < len(codes):
                            st[key] = xterm256(codes[i + 2])
                            i += 2
                        elif codes[i + 1] == 2 and i + 4 < len(codes):
                            st[key] = tuple(codes[i + 2:i + 5])
                            i += 4
                    i += 1
            else:
                for ch in tok:
                    cells.append((ch, dict(st)))
                    if unicodedata.east_asian_width(ch) in "WF":
                        cells.append(("", dict(st)))
        rows.append(cells)
    return rows


def main(src, dst):
    rows = parse(open(src, encoding="utf-8").read().rstrip("\n"))
    font, bold = ImageFont.truetype(FONT, SIZE), ImageFont.truetype(BOLD, SIZE)
    cw = round(font.getlength("M"))
    ch = SIZE + 4
    width = max(len(r) for r in rows)
    img = Image.new("RGB", (width * cw + 16, len(rows) * ch + 16), BG)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(rows):
        for x, (c, st) in enumerate(row):
            fg, bg = st["fg"] or FG, st["bg"] or BG
            if st["rev"]:
                fg, bg = bg, fg
            if st["dim"]:
                fg = tuple(int(v * 0.6 + b * 0.4) for v, b in zip(fg, BG))
            px, py = 8 + x * cw, 8 + y * ch
            if bg != BG:
                draw.rectangle([px, py, px + cw - 1, py + ch - 1], fill=bg)
            if c in BOX:
                cx, cy = px + cw // 2, py + ch // 2
                for d in BOX[c]:
                    end = {"l": (px, cy), "r": (px + cw - 1, cy), "u": (cx, py), "d": (cx, py + ch - 1)}[d]
                    draw.line([(cx, cy), end], fill=fg, width=1)
            elif c.strip():
                draw.text((px, py + 1), c, font=bold if st["bold"] else font, fill=fg)
    img.save(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
