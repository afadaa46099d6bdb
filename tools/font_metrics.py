"""Write src/paperwork/data/times_metrics.json: advance widths of the letters paperwork prints.

Times New Roman and Liberation Serif 2 share their metrics (Liberation was made to be
metric-compatible), so the widths read from Liberation Serif are Times New Roman's. The
table ships with paperwork: line balancing (linebreak.py) and the rules of the header
(tools/build_templates.py) need no font file at run time.

    python tools/font_metrics.py            # after: apt-get install fonts-liberation2
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path("/usr/share/fonts/truetype/liberation2")
STYLES = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bolditalic": "BoldItalic"}
OUT = Path(__file__).resolve().parent.parent / "src" / "paperwork" / "data" / "times_metrics.json"

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


def characters() -> list[str]:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= set("–—‘’“”…«»°§·\u00a0")
    for base in VIETNAMESE + VIETNAMESE.upper():
        for tone in TONES:
            chars.add(unicodedata.normalize("NFC", base + tone))
    return sorted(c for c in chars if len(c) == 1)


def main() -> None:
    table: dict[str, object] = {"source": "Liberation Serif 2 (metric twin of Times New Roman)"}
    for key, style in STYLES.items():
        font = TTFont(FONTS / f"LiberationSerif-{style}.ttf")
        table["units_per_em"] = font["head"].unitsPerEm
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        table[key] = {c: hmtx[cmap[ord(c)]][0] for c in characters() if ord(c) in cmap}
    OUT.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(table['regular'])} characters a style)")


if __name__ == "__main__":
    main()
