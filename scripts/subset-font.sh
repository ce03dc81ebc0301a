#!/bin/sh
# One-off step that produced assets/fonts/DangolGothic-{Regular,Bold}.ttf (committed; the build
# never runs this). NanumGothic (SIL OFL 1.1, Debian package fonts-nanum) cut down to what a
# weekly report needs: Hangul syllables and jamo, Basic Latin, Latin-1, general punctuation,
# currency signs, arrows and the geometric shapes used for ▲/▼. Hanja, vertical forms and
# hinting are dropped. printpdf subsets these again per document, so a PDF carries only the
# glyphs it uses (tens of KB).
#
# Why the new name: "NanumGothic" is a Reserved Font Name under the OFL, and a subset is a
# Modified Version, which may not carry a reserved name. The name table is rewritten to
# "Dangol Gothic" (the copyright and licence entries are kept) and the files are named after it.
#
# Requirements: apt-get install -y fonts-nanum; pip install fonttools
# Usage: scripts/subset-font.sh   (from the repository root)
set -eu

srcdir=${NANUM_DIR:-/usr/share/fonts/truetype/nanum}
outdir=assets/fonts

# U+0020-007E Basic Latin, U+00A0-00FF Latin-1, U+1100-11FF Hangul Jamo,
# U+2000-206F general punctuation, U+20A0-20CF currency signs (₩ €), U+2190-21FF arrows,
# U+2200-22FF maths (∼ ≥ ≤), U+25A0-25FF geometric shapes (▲ ▼), U+3000-303F CJK punctuation,
# U+3130-318F Hangul compatibility jamo, U+AC00-D7A3 Hangul syllables,
# U+FF01-FFEF full-width forms (￦ and the full-width digits owners type).
unicodes="U+0020-007E,U+00A0-00FF,U+1100-11FF,U+2000-206F,U+20A0-20CF,U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+3000-303F,U+3130-318F,U+AC00-D7A3,U+FF01-FFEF"

subset() { # $1 source file, $2 style (Regular|Bold)
  out="$outdir/DangolGothic-$2.ttf"
  # --no-hinting: hinting instructions are a large part of the file; PDF viewers render well
  # without them at report sizes. --layout-features='*' keeps kerning.
  pyftsubset "$srcdir/$1" --unicodes="$unicodes" --output-file="$out" \
    --no-hinting --layout-features='*' --notdef-outline --recalc-bounds \
    --name-IDs='*' --name-legacy --name-languages='*'
  python3 - "$out" "$2" <<'PY'
import sys
from fontTools.ttLib import TTFont
path, style = sys.argv[1], sys.argv[2]
f = TTFont(path, recalcTimestamp=False)
names = {1: "Dangol Gothic", 2: style, 3: f"Dangol Gothic {style} (subset of NanumGothic)",
         4: f"Dangol Gothic {style}", 6: f"DangolGothic-{style}",
         16: "Dangol Gothic", 17: style}
name = f["name"]
for rec in list(name.names):
    if rec.nameID in names:
        rec.string = names[rec.nameID]
    elif rec.nameID in (18, 21, 22):
        name.removeNames(nameID=rec.nameID)
# keep the source timestamp (recalcTimestamp=False) so reruns give identical files
f.save(path, reorderTables=True)
PY
  ls -l "$out"
}

subset NanumGothic.ttf Regular
subset NanumGothicBold.ttf Bold
