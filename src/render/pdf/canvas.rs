//! A small drawing surface over printpdf ops: top-down coordinates in points, text measured
//! with the font's own advances, and every string checked against the font's cmap first.

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfFontHandle, Point, Polygon,
    PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};

/// A4 in points.
pub const PAGE_W: f32 = 595.276;
pub const PAGE_H: f32 = 841.89;

/// An RGB colour, 0–255 per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb8(pub u8, pub u8, pub u8);

impl Rgb8 {
    fn color(self) -> Color {
        Color::Rgb(Rgb {
            r: f32::from(self.0) / 255.0,
            g: f32::from(self.1) / 255.0,
            b: f32::from(self.2) / 255.0,
            icc_profile: None,
        })
    }
}

/// How a text run looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub color: Rgb8,
}

/// Where `x` is relative to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// One face: its printpdf id and the parsed font for measuring and coverage.
pub struct Face {
    pub id: FontId,
    pub font: ParsedFont,
    units_per_em: f32,
}

impl Face {
    pub fn new(id: FontId, font: ParsedFont) -> Face {
        let upem = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        Face {
            id,
            font,
            units_per_em: upem,
        }
    }

    pub fn has(&self, c: char) -> bool {
        self.font
            .lookup_glyph_index(c as u32)
            .is_some_and(|g| g != 0)
    }

    /// Width of `s` at `size` points: Σ advance / `units_per_em` × size.
    fn width(&self, s: &str, size: f32) -> f32 {
        let units: f32 = s
            .chars()
            .map(|c| {
                self.font
                    .lookup_glyph_index(c as u32)
                    .map_or(self.units_per_em * 0.5, |g| {
                        f32::from(self.font.get_horizontal_advance(g))
                    })
            })
            .sum();
        units / self.units_per_em * size
    }
}

/// Pages of ops being drawn, plus the warnings found on the way.
pub struct Canvas {
    pub regular: Face,
    /// `None` when only one face is available (a `--font` file): bold text uses the regular.
    pub bold: Option<Face>,
    pub pages: Vec<Vec<Op>>,
    pub warnings: Vec<super::PdfWarning>,
}

impl Canvas {
    pub fn new(regular: Face, bold: Option<Face>) -> Canvas {
        Canvas {
            regular,
            bold,
            pages: vec![Vec::new()],
            warnings: Vec::new(),
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn face(&self, bold: bool) -> &Face {
        match (&self.bold, bold) {
            (Some(b), true) => b,
            _ => &self.regular,
        }
    }

    /// Whether the (regular) font can draw `c`.
    pub fn has(&self, c: char) -> bool {
        self.regular.has(c)
    }

    /// `s` with every character the font lacks replaced by `?` — each one reported once per
    /// context as `font lacks '𝄞' (U+1D11E) in customer name "…"`. Control characters (a line
    /// break inside a cell) become spaces.
    pub fn clean(&mut self, s: &str, kind: super::TextKind) -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.is_control() {
                out.push(' ');
            } else if self.has(c) {
                out.push(c);
            } else {
                let w = super::PdfWarning::FontLacks {
                    ch: c,
                    kind,
                    text: s.to_string(),
                };
                if !self.warnings.contains(&w) {
                    self.warnings.push(w);
                }
                out.push(if self.has('?') { '?' } else { ' ' });
            }
        }
        out
    }

    /// Width of `s` in points.
    pub fn width(&self, s: &str, style: Style) -> f32 {
        self.face(style.bold).width(s, style.size)
    }

    /// Make `s` fit `max_w`: shrink down to `min_size`, then cut with an ellipsis.
    pub fn fit(&self, s: &str, max_w: f32, style: Style, min_size: f32) -> (String, Style) {
        let mut st = style;
        let w = self.width(s, st);
        if w <= max_w {
            return (s.to_string(), st);
        }
        st.size = (st.size * max_w / w).max(min_size.min(style.size));
        if self.width(s, st) <= max_w {
            return (s.to_string(), st);
        }
        let ell = if self.has('…') { "…" } else { "..." };
        let mut chars: Vec<char> = s.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let t: String = chars.iter().collect::<String>() + ell;
            if self.width(&t, st) <= max_w {
                return (t, st);
            }
        }
        (ell.to_string(), st)
    }

    /// Draw `s` with its baseline at `y` (from the top). Text is cleaned against the font
    /// (context `label`) so nothing is dropped silently.
    pub fn text(&mut self, x: f32, y: f32, s: &str, style: Style, align: Align) {
        let s = self.clean(s, super::TextKind::Label);
        let w = self.width(&s, style);
        let x = match align {
            Align::Left => x,
            Align::Right => x - w,
            Align::Center => x - w / 2.0,
        };
        let font = self.face(style.bold).id.clone();
        let ops = self.ops();
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(font),
            size: Pt(style.size),
        });
        // The fill colour is set before every run: a bar's colour would leak into the text.
        ops.push(Op::SetFillColor {
            col: style.color.color(),
        });
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt(x),
                y: Pt(PAGE_H - y),
            },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(s)],
        });
        ops.push(Op::EndTextSection);
    }

    /// `fit` then `text`.
    pub fn text_fit(&mut self, x: f32, y: f32, s: &str, max_w: f32, style: Style, align: Align) {
        let s = self.clean(s, super::TextKind::Label);
        let (t, st) = self.fit(&s, max_w, style, style.size * 0.7);
        self.text(x, y, &t, st, align);
    }

    /// A filled rectangle; `y` is its top edge.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb8) {
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        let ops = self.ops();
        ops.push(Op::SetFillColor { col: fill.color() });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - y - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// A straight line.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: Rgb8) {
        let ops = self.ops();
        ops.push(Op::SetOutlineColor { col: color.color() });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(PAGE_H - y1),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(x2),
                            y: Pt(PAGE_H - y2),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A filled triangle pointing up or down, `size` wide, centred on `cx`, its bottom at `y`.
    pub fn triangle(&mut self, cx: f32, y: f32, size: f32, up: bool, fill: Rgb8) {
        let (top, bottom) = (PAGE_H - y + size * 0.85, PAGE_H - y);
        let pts = if up {
            [
                (cx - size / 2.0, bottom),
                (cx + size / 2.0, bottom),
                (cx, top),
            ]
        } else {
            [(cx - size / 2.0, top), (cx + size / 2.0, top), (cx, bottom)]
        };
        let ops = self.ops();
        ops.push(Op::SetFillColor { col: fill.color() });
        ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: pts
                        .iter()
                        .map(|&(x, y)| LinePoint {
                            p: Point { x: Pt(x), y: Pt(y) },
                            bezier: false,
                        })
                        .collect(),
                }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}
