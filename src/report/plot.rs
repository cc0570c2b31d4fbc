//! Chart rendering for tiersim reports: line charts with confidence bands, grouped
//! confidence-interval charts and annotated heatmaps, written as PNG or SVG (chosen by the
//! file extension, case-insensitive).
//!
//! This module owns everything about turning already-computed numbers into image files:
//!
//! * the bundled font (DejaVu Sans, `assets/fonts/DejaVuSans.ttf`, compiled into the binary
//!   and registered with plotters once as `"sans-serif"`; no font is ever read from the
//!   system at run time, so rendering works on machines without any installed fonts);
//! * layout: title, axis labels, legends / colour scale, axis ranges with padding, tick
//!   formatting and a ten-colour palette;
//! * input hygiene: non-finite values are skipped, single points and all-equal values get
//!   a sensible range, empty input is a [`PlotError`] rather than a panic;
//! * atomic output: each chart is rendered to a hidden temporary file in the target's
//!   directory and renamed into place, so a failed render never leaves a half-written file.
//!
//! The API is data-only and independent of the simulator's types: callers pass plain
//! [`LineSeries`], [`CiPoint`]s or a value grid.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform, register_font};

/// Errors from rendering a chart. Every variant that concerns a file names its path.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Nothing plottable (no points, or only NaN/infinite values).
    #[error("nothing to plot for {path}: {what}")]
    Empty { path: PathBuf, what: String },
    /// The input is inconsistent (e.g. heatmap grid shape) or cannot be drawn.
    #[error("invalid plot data for {path}: {reason}")]
    InvalidData { path: PathBuf, reason: String },
    /// The file extension is neither `.png` nor `.svg`.
    #[error("unsupported plot file type for {path} (expected a .png or .svg extension)")]
    UnsupportedFormat { path: PathBuf },
    /// The bundled font could not be registered.
    #[error("could not load the bundled plot font: {0}")]
    Font(String),
    /// plotters reported an error while drawing.
    #[error("failed to render plot {path}: {message}")]
    Render { path: PathBuf, message: String },
    /// Writing or renaming the output file failed.
    #[error("could not write plot {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// One x position of a series: the central value `mid` and a band `lo..=hi` around it.
/// `lo == hi == mid` means no band. Non-finite `lo`/`hi` are treated as `mid`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub x: f64,
    pub lo: f64,
    pub mid: f64,
    pub hi: f64,
}

/// A labelled series for [`line_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct LineSeries {
    pub label: String,
    pub points: Vec<Band>,
}

/// One (group, category) estimate with its confidence interval for [`ci_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct CiPoint {
    pub group: String,
    pub category: String,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

/// How an axis reads.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Axis {
    /// Numbers as they are.
    #[default]
    Plain,
    /// Whole numbers only (counts of agents): ticks at fractions are not labelled.
    Integer,
    /// Values are seconds, drawn on a log scale and labelled as durations (`30 s`, `2 h`).
    LogSeconds,
    /// Values are hours of the day, labelled `08:00`.
    HourOfDay,
}

/// Extras for [`line_chart_with`] and [`ci_chart_with`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartOptions {
    pub x_axis: Axis,
    pub y_axis: Axis,
    /// Start the value axis at zero (shares, utilisation, queue lengths).
    pub y_from_zero: bool,
    /// A labelled vertical marker at this x (line charts), e.g. a service-level threshold.
    pub x_marker: Option<(f64, String)>,
    /// Targets per category (CI charts): a dashed line across the category's slot.
    pub targets: Vec<(String, f64)>,
}

const WIDTH: u32 = 900;
const HEIGHT: u32 = 600;
const FONT: &str = "sans-serif";
static FONT_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Matplotlib's "tab10": ten colours that stay distinguishable side by side.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

fn palette(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// KPI vs x with a shaded confidence band per series (sweep plots, per-interval series over
/// the day, CDFs). Points with a non-finite `x` or `mid` are skipped; points are drawn in
/// increasing `x` order. Series left without points are omitted (colours stay tied to the
/// series' position in `series`).
pub fn line_chart(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[LineSeries],
) -> Result<(), PlotError> {
    line_chart_with(
        path,
        title,
        x_label,
        y_label,
        series,
        &ChartOptions::default(),
    )
}

/// [`line_chart`] with axis styles and a marker. A point whose value is NaN breaks the line
/// (e.g. closed hours), instead of being bridged.
pub fn line_chart_with(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[LineSeries],
    opts: &ChartOptions,
) -> Result<(), PlotError> {
    let fig = LineFig::prepare(path, title, x_label, y_label, series, opts)?;
    render(path, &fig)
}

/// [`line_chart_with`] rendered to an SVG string (for embedding in HTML).
pub fn line_chart_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[LineSeries],
    opts: &ChartOptions,
) -> Result<String, PlotError> {
    let path = Path::new("report.html");
    let fig = LineFig::prepare(path, title, x_label, y_label, series, opts)?;
    svg_string(path, &fig)
}

/// [`ci_chart_with`] rendered to an SVG string (for embedding in HTML).
pub fn ci_chart_svg(
    title: &str,
    y_label: &str,
    points: &[CiPoint],
    opts: &ChartOptions,
) -> Result<String, PlotError> {
    let path = Path::new("report.html");
    let fig = CiFig::prepare(path, title, y_label, points, opts)?;
    svg_string(path, &fig)
}

fn svg_string(path: &Path, fig: &impl Figure) -> Result<String, PlotError> {
    ensure_font()?;
    render_svg(fig).map_err(|message| PlotError::Render {
        path: path.to_path_buf(),
        message,
    })
}

/// Grouped points with CI whiskers: groups (e.g. designs, one colour each, in the legend)
/// x categories (e.g. teams, along the x axis) — compare plots. Groups and categories keep
/// the order of their first appearance. Points with a non-finite mean are skipped.
pub fn ci_chart(
    path: &Path,
    title: &str,
    y_label: &str,
    points: &[CiPoint],
) -> Result<(), PlotError> {
    ci_chart_with(path, title, y_label, points, &ChartOptions::default())
}

/// [`ci_chart`] with a log or zero-based value axis and per-category targets.
pub fn ci_chart_with(
    path: &Path,
    title: &str,
    y_label: &str,
    points: &[CiPoint],
    opts: &ChartOptions,
) -> Result<(), PlotError> {
    let fig = CiFig::prepare(path, title, y_label, points, opts)?;
    render(path, &fig)
}

/// Heatmap with a colour scale legend and the value printed in each cell (two-parameter
/// sweeps). `values[iy][ix]` belongs to `(xs[ix], ys[iy])`; `ys[0]` is the bottom row.
/// NaN (or infinite) values are drawn as grey "missing" cells.
#[allow(clippy::too_many_arguments)]
pub fn heatmap(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    xs: &[f64],
    ys: &[f64],
    values: &[Vec<f64>],
    value_label: &str,
) -> Result<(), PlotError> {
    let fig = HeatFig::prepare(path, title, x_label, y_label, xs, ys, values, value_label)?;
    render(path, &fig)
}

// ---------------------------------------------------------------------------------------
// Output: font registration, format selection, atomic write.

fn ensure_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, FONT_TTF)
                .map_err(|_| "bundled DejaVuSans.ttf is not a valid font".to_string())
        })
        .clone()
        .map_err(PlotError::Font)
}

#[derive(Clone, Copy)]
enum Format {
    Png,
    Svg,
}

fn format_of(path: &Path) -> Result<Format, PlotError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => Ok(Format::Png),
        Some("svg") => Ok(Format::Svg),
        _ => Err(PlotError::UnsupportedFormat {
            path: path.to_path_buf(),
        }),
    }
}

/// A prepared (validated) chart that can draw itself on any plotters backend, on a background
/// already white.
trait Figure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

fn de<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

fn render(path: &Path, fig: &impl Figure) -> Result<(), PlotError> {
    let format = format_of(path)?;
    ensure_font()?;
    if path.file_name().is_none() {
        return Err(PlotError::UnsupportedFormat {
            path: path.to_path_buf(),
        });
    }
    let bytes = match format {
        Format::Svg => render_svg(fig).map(String::into_bytes),
        Format::Png => render_png(fig),
    }
    .map_err(|message| PlotError::Render {
        path: path.to_path_buf(),
        message,
    })?;
    // Into a temporary file renamed into place: a failed write never leaves half a chart.
    super::atomic::write_in_folder(path, &bytes).map_err(|source| PlotError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn render_svg(fig: &impl Figure) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(de)?;
        fig.draw(&root)?;
        root.present().map_err(de)?;
    }
    Ok(svg)
}

thread_local! {
    /// The bitmap charts are drawn on, kept for the thread's next chart (allocated, and its
    /// pages mapped, once instead of 1.6 MB afresh per chart).
    static BITMAP: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn render_png(fig: &impl Figure) -> Result<Vec<u8>, String> {
    BITMAP.with_borrow_mut(|rgb| {
        // A white background, set as bytes (the backend's own fill goes pixel by pixel).
        rgb.clear();
        rgb.resize((WIDTH * HEIGHT * 3) as usize, 0xff);
        {
            let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
            fig.draw(&root)?;
            root.present().map_err(de)?;
        }
        encode_png(rgb)
    })
}

/// An RGB bitmap as PNG with one filter for every row and fast compression. (The bitmap
/// backend's own encoder tries every filter on every row at the default level, which cost
/// more instructions than simulating the 200,000 customers of a peer model. A palette, where
/// a chart has at most 256 colours, was tried: most charts have more, and counting them cost
/// more than it saved.)
fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(128 * 1024);
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    enc.set_filter(png::FilterType::Up);
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(rgb).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Layout helpers shared by the charts.

fn style(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(&BLACK)
}

fn text_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, size: f64) -> u32 {
    area.estimate_text_size(text, &style(size))
        .map(|(w, _)| w)
        .unwrap_or_else(|_| (text.chars().count() as f64 * size * 0.6) as u32)
}

/// `text` shortened with an ellipsis so that it is at most `max_w` pixels wide.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: f64,
    max_w: u32,
) -> String {
    if text_width(area, text, size) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    for n in (0..chars.len()).rev() {
        let s: String = chars[..n].iter().chain(std::iter::once(&'…')).collect();
        if text_width(area, &s, size) <= max_w {
            return s;
        }
    }
    String::new()
}

/// `text` broken at spaces or underscores into at most `max_lines` lines of at most `max_w`
/// pixels where possible (the last line takes the rest).
fn wrap_words<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: f64,
    max_w: u32,
    max_lines: usize,
) -> Vec<String> {
    let words: Vec<&str> = text.split([' ', '_']).filter(|w| !w.is_empty()).collect();
    let mut lines: Vec<String> = Vec::new();
    for w in words {
        let full = lines.len() >= max_lines;
        match lines.last_mut() {
            Some(l) if text_width(area, &format!("{l} {w}"), size) <= max_w => {
                l.push(' ');
                l.push_str(w);
            }
            Some(l) if full => {
                l.push(' ');
                l.push_str(w);
            }
            _ => lines.push(w.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(text.to_string());
    }
    lines
}

/// Draws the centred title and returns the area below it.
fn draw_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    if title.trim().is_empty() {
        return Ok(root.margin(8, 0, 0, 0));
    }
    let max_w = WIDTH - 20;
    let mut size = 22.0;
    while size > 13.0 && text_width(root, title, size) > max_w {
        size -= 1.0;
    }
    let text = fit_text(root, title, size, max_w);
    root.draw(&Text::new(
        text,
        ((WIDTH / 2) as i32, 10),
        style(size).pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(de)?;
    Ok(root.margin(size as u32 + 18, 0, 0, 0))
}

/// Lower and upper bound of the finite values in `it`, if any.
fn finite_bounds(it: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    it.into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Widens `lo..hi` by `frac` of its span on each side; a degenerate range is centred on
/// its value. Errors if the result is not finite (values near `f64::MAX`).
fn padded(lo: f64, hi: f64, frac: f64) -> Result<(f64, f64), String> {
    let span = hi - lo;
    let scale = lo.abs().max(hi.abs());
    let (a, b) = if span <= scale * 1e-12 {
        let c = 0.5 * (lo + hi);
        let pad = if c == 0.0 { 1.0 } else { c.abs() * 0.1 };
        (c - pad, c + pad)
    } else {
        (lo - span * frac, hi + span * frac)
    };
    if a.is_finite() && b.is_finite() && a < b {
        Ok((a, b))
    } else {
        Err(format!("value range {lo}..{hi} is too large to plot"))
    }
}

fn trim_number(s: String) -> String {
    let (mant, exp) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s.as_str(), ""),
    };
    let mant = if mant.contains('.') {
        mant.trim_end_matches('0').trim_end_matches('.')
    } else {
        mant
    };
    let out = format!("{mant}{exp}");
    if out == "-0" { "0".to_string() } else { out }
}

/// `v` with about `sig` significant digits, scientific notation for very large/small values.
fn fmt_sig(v: f64, sig: i32) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let mag = v.abs().log10().floor() as i32;
    if !(-3..6).contains(&mag) {
        fmt_sci(v, sig)
    } else {
        trim_number(format!("{:.*}", (sig - 1 - mag).max(0) as usize, v))
    }
}

/// `v` in scientific notation with `sig` significant digits, trailing zeros removed.
fn fmt_sci(v: f64, sig: i32) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    trim_number(format!("{:.*e}", (sig - 1).max(0) as usize, v))
}

/// Formatter for axis ticks over `lo..hi`: enough decimals to tell ticks apart.
fn tick_formatter(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
    let scale = lo.abs().max(hi.abs());
    let sci = scale >= 1e6;
    let sig = ((scale.log10() - span.log10()).ceil() as i32 + 2).clamp(2, 15);
    let decimals = (2 - span.log10().floor() as i32).clamp(0, 12) as usize;
    move |v: &f64| {
        if sci {
            fmt_sci(*v, sig)
        } else {
            trim_number(format!("{:.*}", decimals, v))
        }
    }
}

/// Width of the y label area: widest tick label plus room for the rotated axis title.
fn y_area_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: impl IntoIterator<Item = String>,
) -> u32 {
    let w = labels
        .into_iter()
        .map(|s| text_width(area, &s, LABEL_SIZE))
        .max()
        .unwrap_or(0);
    (w + 42).clamp(55, 170)
}

const LABEL_SIZE: f64 = 13.0;
const DESC_SIZE: f64 = 15.0;
const LEGEND_SIZE: f64 = 14.0;
const LEGEND_ROW: i32 = 22;

#[derive(Clone, Copy, PartialEq)]
enum Marker {
    /// A line, with a shaded band behind it when the series has one.
    Line { band: bool, dashed: bool },
    /// A dot with a vertical whisker.
    Whisker,
}

struct LegendEntry {
    label: String,
    color: RGBColor,
    marker: Marker,
}

fn legend_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, entries: &[LegendEntry]) -> u32 {
    let w = entries
        .iter()
        .map(|e| text_width(area, &e.label, LEGEND_SIZE))
        .max()
        .unwrap_or(0);
    (w + 60).clamp(120, 260)
}

/// Draws the legend box at absolute position `(x0, y0)` with total width `width`.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    x0: i32,
    y0: i32,
    width: u32,
    entries: &[LegendEntry],
) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let max_rows = ((HEIGHT as i32 - y0 - 20) / LEGEND_ROW).max(1) as usize;
    let (shown, more) = if entries.len() > max_rows {
        (max_rows - 1, entries.len() - (max_rows - 1))
    } else {
        (entries.len(), 0)
    };
    let rows = shown + usize::from(more > 0);
    let x1 = x0 + width as i32 - 10;
    let y1 = y0 + rows as i32 * LEGEND_ROW + 10;
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], WHITE.filled()))
        .map_err(de)?;
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        BLACK.mix(0.4).stroke_width(1),
    ))
    .map_err(de)?;
    let text_x = x0 + 44;
    let max_text_w = (x1 - text_x - 6).max(10) as u32;
    for (i, e) in entries.iter().take(shown).enumerate() {
        let cy = y0 + 5 + LEGEND_ROW / 2 + i as i32 * LEGEND_ROW;
        let (sx0, sx1) = (x0 + 10, x0 + 36);
        match e.marker {
            Marker::Line { band, dashed } => {
                if band {
                    root.draw(&Rectangle::new(
                        [(sx0, cy - 6), (sx1, cy + 6)],
                        e.color.mix(0.2).filled(),
                    ))
                    .map_err(de)?;
                }
                if dashed {
                    for (a, b) in [(sx0, sx0 + 8), (sx0 + 13, sx0 + 21)] {
                        root.draw(&PathElement::new(
                            vec![(a, cy), (b, cy)],
                            e.color.stroke_width(3),
                        ))
                        .map_err(de)?;
                    }
                } else {
                    root.draw(&PathElement::new(
                        vec![(sx0, cy), (sx1, cy)],
                        e.color.stroke_width(3),
                    ))
                    .map_err(de)?;
                }
            }
            Marker::Whisker => {
                let mx = (sx0 + sx1) / 2;
                root.draw(&PathElement::new(
                    vec![(mx, cy - 8), (mx, cy + 8)],
                    e.color.stroke_width(2),
                ))
                .map_err(de)?;
                root.draw(&Circle::new((mx, cy), 4, e.color.filled()))
                    .map_err(de)?;
            }
        }
        root.draw(&Text::new(
            fit_text(root, &e.label, LEGEND_SIZE, max_text_w),
            (text_x, cy),
            style(LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(de)?;
    }
    if more > 0 {
        let cy = y0 + 5 + LEGEND_ROW / 2 + shown as i32 * LEGEND_ROW;
        root.draw(&Text::new(
            format!("… {more} more"),
            (text_x, cy),
            style(LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(de)?;
    }
    Ok(())
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

// ---------------------------------------------------------------------------------------
// Line chart.

struct PreparedSeries {
    label: String,
    color: RGBColor,
    /// (x, lo, mid, hi), sorted by x; a NaN `mid` breaks the line.
    points: Vec<(f64, f64, f64, f64)>,
    band: bool,
    /// Series beyond the palette's ten colours are dashed.
    dashed: bool,
}

struct LineFig {
    title: String,
    x_label: String,
    y_label: String,
    series: Vec<PreparedSeries>,
    x: (f64, f64),
    y: (f64, f64),
    axes: (Axis, Axis),
    marker: Option<(f64, String)>,
}

impl LineFig {
    fn prepare(
        path: &Path,
        title: &str,
        x_label: &str,
        y_label: &str,
        series: &[LineSeries],
        opts: &ChartOptions,
    ) -> Result<Self, PlotError> {
        let (ax, ay) = (opts.x_axis, opts.y_axis);
        let prepared: Vec<PreparedSeries> = series
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                // Points with a NaN value stay in as breaks in the line.
                let mut points: Vec<_> = s
                    .points
                    .iter()
                    .map(|b| {
                        (
                            ax.coord(b.x),
                            ay.coord(b.lo),
                            ay.coord(b.mid),
                            ay.coord(b.hi),
                        )
                    })
                    .filter(|b| b.0.is_finite() && !b.2.is_infinite())
                    .map(|(x, lo, mid, hi)| {
                        let (lo, hi) = band_around(lo, mid, hi);
                        (x, lo, mid, hi)
                    })
                    .collect();
                if !points.iter().any(|p| p.2.is_finite()) {
                    return None;
                }
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                let band = points.iter().any(|p| p.1 < p.3);
                Some(PreparedSeries {
                    label: s.label.clone(),
                    color: palette(i),
                    dashed: (i / PALETTE.len()) % 2 == 1,
                    points,
                    band,
                })
            })
            .collect();
        let all = || {
            prepared
                .iter()
                .flat_map(|s| s.points.iter())
                .filter(|p| p.2.is_finite())
        };
        let (Some(xb), Some(yb)) = (
            finite_bounds(all().map(|p| p.0)),
            finite_bounds(all().flat_map(|p| [p.1, p.3])),
        ) else {
            return Err(PlotError::Empty {
                path: path.to_path_buf(),
                what: "no series has a point with finite x and value".to_string(),
            });
        };
        let invalid = |reason| PlotError::InvalidData {
            path: path.to_path_buf(),
            reason,
        };
        let marker = opts
            .x_marker
            .as_ref()
            .map(|(x, label)| (ax.coord(*x), label.clone()))
            .filter(|(x, _)| x.is_finite());
        let xb = match &marker {
            Some((x, _)) => (xb.0.min(*x), xb.1.max(*x)),
            None => xb,
        };
        let mut y = padded(yb.0, yb.1, 0.06).map_err(invalid)?;
        if opts.y_from_zero && yb.0 >= 0.0 {
            y.0 = 0.0;
        }
        Ok(Self {
            title: title.to_string(),
            x_label: x_label.to_string(),
            y_label: y_label.to_string(),
            series: prepared,
            x: padded(xb.0, xb.1, 0.02).map_err(invalid)?,
            y,
            axes: (ax, ay),
            marker,
        })
    }
}

impl Figure for LineFig {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw_title(root, &self.title)?;
        let entries: Vec<LegendEntry> = self
            .series
            .iter()
            .map(|s| LegendEntry {
                label: s.label.clone(),
                color: s.color,
                marker: Marker::Line {
                    band: s.band,
                    dashed: s.dashed,
                },
            })
            .collect();
        let legend_w = legend_width(root, &entries);
        let (area, _) = body.split_horizontally(WIDTH - legend_w);
        let (x0, x1) = self.x;
        let (y0, y1) = self.y;
        let xfmt = self.axes.0.formatter(x0, x1);
        let yfmt = self.axes.1.formatter(y0, y1);
        let y_area = y_area_width(root, [y0, y1, 0.5 * (y0 + y1)].iter().map(&yfmt));
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .margin_top(4)
            .x_label_area_size(50)
            .y_label_area_size(y_area)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(de)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_labels(if self.axes.0 == Axis::LogSeconds {
                0
            } else {
                9
            })
            .y_labels(if self.axes.1 == Axis::LogSeconds {
                0
            } else {
                8
            })
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .label_style(style(LABEL_SIZE))
            .axis_desc_style(style(DESC_SIZE))
            .bold_line_style(BLACK.mix(0.1))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(de)?;
        draw_log_ticks(root, &chart, self.axes, (x0, x1), (y0, y1))?;
        // Bands first so that no band covers another series' line.
        for s in self.series.iter().filter(|s| s.band) {
            for run in runs(&s.points).filter(|r| r.len() > 1) {
                let outline: Vec<(f64, f64)> = run
                    .iter()
                    .map(|p| (p.0, p.3))
                    .chain(run.iter().rev().map(|p| (p.0, p.1)))
                    .collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        outline,
                        s.color.mix(0.18).filled(),
                    )))
                    .map_err(de)?;
            }
        }
        for s in &self.series {
            let shown = s.points.iter().filter(|p| p.2.is_finite()).count();
            for run in runs(&s.points) {
                let line: Vec<(f64, f64)> = run.iter().map(|p| (p.0, p.2)).collect();
                if s.dashed {
                    chart
                        .draw_series(std::iter::once(DashedPathElement::new(
                            line.clone(),
                            9,
                            5,
                            s.color.stroke_width(2),
                        )))
                        .map_err(de)?;
                } else {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            line.clone(),
                            s.color.stroke_width(2),
                        )))
                        .map_err(de)?;
                }
                if shown <= 40 {
                    chart
                        .draw_series(line.iter().map(|&p| Circle::new(p, 3, s.color.filled())))
                        .map_err(de)?;
                }
            }
            if s.band && shown == 1 {
                let p = s.points.iter().find(|p| p.2.is_finite()).copied();
                if let Some(p) = p {
                    draw_whisker(&chart, p.0, p.1, p.3, (x1 - x0) * 0.01, s.color)?;
                }
            }
        }
        if let Some((x, label)) = &self.marker {
            let red = RGBColor(0xc0, 0x20, 0x20);
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    vec![(*x, y0), (*x, y1)],
                    6,
                    4,
                    red.stroke_width(2),
                )))
                .map_err(de)?;
            let (px, py) = chart.backend_coord(&(*x, y1));
            root.draw(&Text::new(
                label.clone(),
                (px + 6, py + 6),
                style(LABEL_SIZE + 1.0)
                    .color(&red)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
            ))
            .map_err(de)?;
        }
        let (_, py) = chart.plotting_area().get_pixel_range();
        draw_legend(
            root,
            (WIDTH - legend_w) as i32,
            py.start,
            legend_w,
            &entries,
        )
    }
}

fn draw_whisker<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    x: f64,
    lo: f64,
    hi: f64,
    cap: f64,
    color: RGBColor,
) -> Result<(), String> {
    let area = chart.plotting_area();
    let st = color.stroke_width(2);
    area.draw(&PathElement::new(vec![(x, lo), (x, hi)], st))
        .map_err(de)?;
    for y in [lo, hi] {
        area.draw(&PathElement::new(vec![(x - cap, y), (x + cap, y)], st))
            .map_err(de)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// CI chart.

struct CiFig {
    title: String,
    y_label: String,
    groups: Vec<String>,
    categories: Vec<String>,
    /// (group index, category index, mean, lo, hi)
    points: Vec<(usize, usize, f64, f64, f64)>,
    y: (f64, f64),
    y_axis: Axis,
    /// (category index, target on the value axis)
    targets: Vec<(usize, f64)>,
}

fn index_of(names: &mut Vec<String>, name: &str) -> usize {
    match names.iter().position(|n| n == name) {
        Some(i) => i,
        None => {
            names.push(name.to_string());
            names.len() - 1
        }
    }
}

impl CiFig {
    fn prepare(
        path: &Path,
        title: &str,
        y_label: &str,
        points: &[CiPoint],
        opts: &ChartOptions,
    ) -> Result<Self, PlotError> {
        let ay = opts.y_axis;
        let mut groups = Vec::new();
        let mut categories = Vec::new();
        let mut prepared = Vec::new();
        for p in points.iter().filter(|p| ay.coord(p.mean).is_finite()) {
            let (lo, hi) = band_around(ay.coord(p.lo), ay.coord(p.mean), ay.coord(p.hi));
            let g = index_of(&mut groups, &p.group);
            let c = index_of(&mut categories, &p.category);
            prepared.push((g, c, ay.coord(p.mean), lo, hi));
        }
        let targets: Vec<(usize, f64)> = opts
            .targets
            .iter()
            .filter_map(|(c, v)| {
                let i = categories.iter().position(|x| x == c)?;
                Some((i, ay.coord(*v))).filter(|t| t.1.is_finite())
            })
            .collect();
        let Some((lo, hi)) = finite_bounds(
            prepared
                .iter()
                .flat_map(|p| [p.3, p.4])
                .chain(targets.iter().map(|t| t.1)),
        ) else {
            return Err(PlotError::Empty {
                path: path.to_path_buf(),
                what: "no point has a finite mean".to_string(),
            });
        };
        let mut y = padded(lo, hi, 0.08).map_err(|reason| PlotError::InvalidData {
            path: path.to_path_buf(),
            reason,
        })?;
        if opts.y_from_zero && lo >= 0.0 {
            y.0 = 0.0;
        }
        Ok(Self {
            title: title.to_string(),
            y_label: y_label.to_string(),
            groups,
            categories,
            points: prepared,
            y,
            y_axis: ay,
            targets,
        })
    }
}

impl Figure for CiFig {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw_title(root, &self.title)?;
        let entries: Vec<LegendEntry> = self
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| LegendEntry {
                label: g.clone(),
                color: palette(i),
                marker: Marker::Whisker,
            })
            .collect();
        let legend_w = legend_width(root, &entries);
        let (area, _) = body.split_horizontally(WIDTH - legend_w);
        let n_cat = self.categories.len();
        let (x0, x1) = (-0.5, n_cat as f64 - 0.5);
        let (y0, y1) = self.y;
        let yfmt = self.y_axis.formatter(y0, y1);
        let y_area = y_area_width(root, [y0, y1, 0.5 * (y0 + y1)].iter().map(&yfmt));
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .margin_top(4)
            .x_label_area_size(64)
            .y_label_area_size(y_area)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(de)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(if self.y_axis == Axis::LogSeconds {
                0
            } else {
                8
            })
            .y_desc(self.y_label.as_str())
            .y_label_formatter(&yfmt)
            .label_style(style(LABEL_SIZE))
            .axis_desc_style(style(DESC_SIZE))
            .bold_line_style(BLACK.mix(0.1))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(de)?;
        draw_log_ticks(root, &chart, (Axis::Plain, self.y_axis), (x0, x1), (y0, y1))?;
        // Separators between categories.
        for c in 1..n_cat {
            let x = c as f64 - 0.5;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, y0), (x, y1)],
                    BLACK.mix(0.25).stroke_width(1),
                )))
                .map_err(de)?;
        }
        for &(c, v) in &self.targets {
            let red = RGBColor(0xc0, 0x20, 0x20);
            let (a, b) = (c as f64 - 0.45, c as f64 + 0.45);
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    vec![(a, v), (b, v)],
                    6,
                    4,
                    red.stroke_width(2),
                )))
                .map_err(de)?;
            let (px, py) = chart.backend_coord(&(a, v));
            root.draw(&Text::new(
                "target",
                (px + 2, py - 3),
                style(LABEL_SIZE - 1.0)
                    .color(&red)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))
            .map_err(de)?;
        }
        let n_grp = self.groups.len().max(1);
        let step = (0.8 / n_grp as f64).min(0.3);
        let cap = (step * 0.25).min(0.06);
        for &(g, c, mean, lo, hi) in &self.points {
            let x = c as f64 + (g as f64 - (n_grp as f64 - 1.0) / 2.0) * step;
            let color = palette(g);
            if lo < hi {
                draw_whisker(&chart, x, lo, hi, cap, color)?;
            }
            chart
                .draw_series(std::iter::once(Circle::new((x, mean), 4, color.filled())))
                .map_err(de)?;
        }
        // Category names under the axis, wrapped onto up to three lines at `_` or spaces
        // and only then shrunk, so that names are read whole.
        let (px, py) = chart.plotting_area().get_pixel_range();
        let slot = ((px.end - px.start) as f64 / n_cat.max(1) as f64 - 6.0).max(8.0) as u32;
        let size = LABEL_SIZE + 1.0;
        for (c, name) in self.categories.iter().enumerate() {
            let (cx, _) = chart.backend_coord(&(c as f64, y0));
            let lines = wrap_words(root, name, size, slot, 3);
            let widest = lines
                .iter()
                .map(|l| text_width(root, l, size))
                .max()
                .unwrap_or(1)
                .max(1);
            let sz = if widest <= slot {
                size
            } else {
                (size * slot as f64 / widest as f64).max(9.0)
            };
            for (i, line) in lines.iter().enumerate() {
                root.draw(&Text::new(
                    fit_text(root, line, sz, slot),
                    (cx, py.end + 6 + i as i32 * (sz as i32 + 3)),
                    style(sz).pos(Pos::new(HPos::Center, VPos::Top)),
                ))
                .map_err(de)?;
            }
        }
        draw_legend(
            root,
            (WIDTH - legend_w) as i32,
            py.start,
            legend_w,
            &entries,
        )
    }
}

// ---------------------------------------------------------------------------------------
// Heatmap.

struct HeatFig {
    title: String,
    x_label: String,
    y_label: String,
    value_label: String,
    x_names: Vec<String>,
    y_names: Vec<String>,
    values: Vec<Vec<f64>>,
    /// Finite value range.
    v: (f64, f64),
}

/// Viridis colour map, `t` in 0..=1.
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (72, 40, 120),
        (62, 74, 137),
        (49, 104, 142),
        (38, 130, 142),
        (31, 158, 137),
        (53, 183, 121),
        (109, 205, 89),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

fn nice_step(raw: f64) -> f64 {
    let p = 10f64.powf(raw.log10().floor());
    let f = raw / p;
    let n = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    n * p
}

impl HeatFig {
    #[allow(clippy::too_many_arguments)]
    fn prepare(
        path: &Path,
        title: &str,
        x_label: &str,
        y_label: &str,
        xs: &[f64],
        ys: &[f64],
        values: &[Vec<f64>],
        value_label: &str,
    ) -> Result<Self, PlotError> {
        if xs.is_empty() || ys.is_empty() {
            return Err(PlotError::Empty {
                path: path.to_path_buf(),
                what: format!("heatmap grid is {} x {}", xs.len(), ys.len()),
            });
        }
        let invalid = |reason| PlotError::InvalidData {
            path: path.to_path_buf(),
            reason,
        };
        if values.len() != ys.len() {
            return Err(invalid(format!(
                "heatmap has {} rows of values but {} y values",
                values.len(),
                ys.len()
            )));
        }
        if let Some((iy, row)) = values.iter().enumerate().find(|(_, r)| r.len() != xs.len()) {
            return Err(invalid(format!(
                "heatmap row {iy} has {} values but there are {} x values",
                row.len(),
                xs.len()
            )));
        }
        let Some(v) = finite_bounds(values.iter().flatten().copied()) else {
            return Err(PlotError::Empty {
                path: path.to_path_buf(),
                what: "every heatmap value is missing (NaN or infinite)".to_string(),
            });
        };
        if !(v.1 - v.0).is_finite() {
            return Err(invalid(format!(
                "value range {}..{} is too large to plot",
                v.0, v.1
            )));
        }
        Ok(Self {
            title: title.to_string(),
            x_label: x_label.to_string(),
            y_label: y_label.to_string(),
            value_label: value_label.to_string(),
            x_names: xs.iter().map(|&x| fmt_sig(x, 4)).collect(),
            y_names: ys.iter().map(|&y| fmt_sig(y, 4)).collect(),
            values: values.to_vec(),
            v,
        })
    }

    fn t(&self, v: f64) -> f64 {
        let (lo, hi) = self.v;
        if hi > lo { (v - lo) / (hi - lo) } else { 0.5 }
    }

    /// Tick values for the colour scale.
    fn scale_ticks(&self) -> Vec<f64> {
        let (lo, hi) = self.v;
        if hi <= lo {
            return vec![lo];
        }
        let step = nice_step((hi - lo) / 5.0);
        let mut ticks = Vec::new();
        let mut k = (lo / step).ceil();
        while ticks.len() < 12 {
            let t = k * step;
            if t > hi + step * 1e-9 {
                break;
            }
            ticks.push(t);
            k += 1.0;
        }
        if ticks.len() < 2 {
            ticks = vec![lo, hi];
        }
        ticks
    }
}

impl Figure for HeatFig {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = draw_title(root, &self.title)?;
        let (vlo, vhi) = self.v;
        let ticks = self.scale_ticks();
        let tfmt = if vhi > vlo {
            let f = tick_formatter(vlo, vhi);
            ticks.iter().map(f).collect::<Vec<_>>()
        } else {
            vec![fmt_sig(vlo, 4)]
        };
        let tick_w = tfmt
            .iter()
            .map(|s| text_width(root, s, LABEL_SIZE))
            .max()
            .unwrap_or(0);
        const BAR_W: i32 = 20;
        let scale_w = (15 + BAR_W as u32 + 8 + tick_w + 14 + 20 + 8).clamp(100, 240);
        let (area, _) = body.split_horizontally(WIDTH - scale_w);
        let (nx, ny) = (self.x_names.len(), self.y_names.len());
        let y_area = y_area_width(root, self.y_names.iter().cloned());
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .margin_top(4)
            .x_label_area_size(50)
            .y_label_area_size(y_area)
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
            .map_err(de)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_y_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .axis_desc_style(style(DESC_SIZE))
            .draw()
            .map_err(de)?;
        let (px, py) = chart.plotting_area().get_pixel_range();
        let cell_w = (px.end - px.start) as f64 / nx as f64;
        let cell_h = (py.end - py.start) as f64 / ny as f64;

        // Cell values: one font size for all cells, or none if they cannot fit.
        let labels: Vec<Vec<String>> = self
            .values
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&v| {
                        if v.is_finite() {
                            fmt_sig(v, 3)
                        } else {
                            "n/a".into()
                        }
                    })
                    .collect()
            })
            .collect();
        let widest = labels
            .iter()
            .flatten()
            .max_by_key(|s| s.chars().count())
            .cloned()
            .unwrap_or_default();
        let mut value_size = (cell_h * 0.4).min(14.0).floor();
        while value_size >= 8.0 && text_width(root, &widest, value_size) as f64 > cell_w - 4.0 {
            value_size -= 1.0;
        }
        let show_values = value_size >= 8.0;

        let missing = RGBColor(0xdd, 0xdd, 0xdd);
        for (iy, row) in self.values.iter().enumerate() {
            for (ix, &v) in row.iter().enumerate() {
                let (fx, fy) = (ix as f64, iy as f64);
                let fill = if v.is_finite() {
                    viridis(self.t(v))
                } else {
                    missing
                };
                let cell = [(fx, fy), (fx + 1.0, fy + 1.0)];
                chart
                    .draw_series([
                        Rectangle::new(cell, fill.filled()),
                        Rectangle::new(cell, WHITE.stroke_width(1)),
                    ])
                    .map_err(de)?;
                if show_values {
                    let lum = 0.299 * fill.0 as f64 + 0.587 * fill.1 as f64 + 0.114 * fill.2 as f64;
                    let color = if !v.is_finite() {
                        RGBColor(0x66, 0x66, 0x66)
                    } else if lum > 140.0 {
                        BLACK
                    } else {
                        WHITE
                    };
                    let centre = chart.backend_coord(&(fx + 0.5, fy + 0.5));
                    root.draw(&Text::new(
                        labels[iy][ix].clone(),
                        centre,
                        style(value_size)
                            .color(&color)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(de)?;
                }
            }
        }

        // Axis tick labels at cell centres, thinned out when they would overlap.
        let tick = BLACK.stroke_width(1);
        let widest_x = self
            .x_names
            .iter()
            .map(|s| text_width(root, s, LABEL_SIZE))
            .max()
            .unwrap_or(0) as f64;
        let x_every = ((widest_x + 10.0) / cell_w).ceil().max(1.0) as usize;
        for (ix, name) in self.x_names.iter().enumerate().step_by(x_every) {
            let (cx, _) = chart.backend_coord(&(ix as f64 + 0.5, 0.0));
            root.draw(&PathElement::new(
                vec![(cx, py.end), (cx, py.end + 5)],
                tick,
            ))
            .map_err(de)?;
            root.draw(&Text::new(
                name.clone(),
                (cx, py.end + 8),
                style(LABEL_SIZE).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(de)?;
        }
        let y_every = (18.0 / cell_h).ceil().max(1.0) as usize;
        for (iy, name) in self.y_names.iter().enumerate().step_by(y_every) {
            let (_, cy) = chart.backend_coord(&(0.0, iy as f64 + 0.5));
            root.draw(&PathElement::new(
                vec![(px.start - 5, cy), (px.start, cy)],
                tick,
            ))
            .map_err(de)?;
            root.draw(&Text::new(
                name.clone(),
                (px.start - 8, cy),
                style(LABEL_SIZE).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(de)?;
        }

        // Colour scale: a vertical gradient bar with ticks, and the value label beside it.
        let bx0 = (WIDTH - scale_w) as i32 + 15;
        let bx1 = bx0 + BAR_W;
        let (top, bottom) = (py.start, py.end);
        let h = (bottom - top).max(1);
        const SLICES: i32 = 100;
        for k in 0..SLICES {
            let ya = top + h * k / SLICES;
            let yb = top + h * (k + 1) / SLICES;
            let t = 1.0 - (k as f64 + 0.5) / SLICES as f64;
            let color = if vhi > vlo { viridis(t) } else { viridis(0.5) };
            root.draw(&Rectangle::new([(bx0, ya), (bx1, yb)], color.filled()))
                .map_err(de)?;
        }
        root.draw(&Rectangle::new(
            [(bx0, top), (bx1, bottom)],
            BLACK.mix(0.6).stroke_width(1),
        ))
        .map_err(de)?;
        for (value, text) in ticks.iter().zip(&tfmt) {
            let frac = if vhi > vlo {
                (value - vlo) / (vhi - vlo)
            } else {
                0.5
            };
            let y = bottom - (frac * h as f64).round() as i32;
            root.draw(&PathElement::new(vec![(bx1, y), (bx1 + 5, y)], tick))
                .map_err(de)?;
            root.draw(&Text::new(
                text.clone(),
                (bx1 + 8, y),
                style(LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(de)?;
        }
        let label_x = bx1 + 8 + tick_w as i32 + 18;
        root.draw(&Text::new(
            fit_text(root, &self.value_label, DESC_SIZE, h as u32),
            (label_x, (top + bottom) / 2),
            style(DESC_SIZE)
                .pos(Pos::new(HPos::Center, VPos::Center))
                .transform(FontTransform::Rotate270),
        ))
        .map_err(de)?;
        Ok(())
    }
}

/// Round durations (log10 seconds) for the ticks of a log-seconds axis over `lo..hi`.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    const NICE: [f64; 22] = [
        1.0,
        2.0,
        5.0,
        10.0,
        20.0,
        30.0,
        60.0,
        120.0,
        300.0,
        600.0,
        1200.0,
        1800.0,
        3600.0,
        7200.0,
        14_400.0,
        28_800.0,
        43_200.0,
        86_400.0,
        172_800.0,
        604_800.0,
        1_209_600.0,
        2_592_000.0,
    ];
    let mut v: Vec<f64> = NICE
        .iter()
        .map(|s| s.log10())
        .filter(|x| *x >= lo && *x <= hi)
        .collect();
    while v.len() > 9 {
        v = v.into_iter().step_by(2).collect();
    }
    v
}

/// Grid lines and labels at round durations for the axes that are [`Axis::LogSeconds`]
/// (plotters' own ticks would fall on values like 1.7 min).
fn draw_log_ticks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    axes: (Axis, Axis),
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Result<(), String> {
    let grid = BLACK.mix(0.1).stroke_width(1);
    // (is x, ticks): each log axis gets grid lines and round-duration labels.
    for (is_x, axis, (lo, hi)) in [(true, axes.0, (x0, x1)), (false, axes.1, (y0, y1))] {
        if axis != Axis::LogSeconds {
            continue;
        }
        for v in log_ticks(lo, hi) {
            let (from, to, at) = if is_x {
                ((v, y0), (v, y1), (v, y0))
            } else {
                ((x0, v), (x1, v), (x0, v))
            };
            chart
                .plotting_area()
                .draw(&PathElement::new(vec![from, to], grid))
                .map_err(de)?;
            let (px, py) = chart.backend_coord(&at);
            let (pos, anchor) = if is_x {
                ((px, py + 6), Pos::new(HPos::Center, VPos::Top))
            } else {
                ((px - 6, py), Pos::new(HPos::Right, VPos::Center))
            };
            root.draw(&Text::new(
                short_duration(10f64.powf(v)),
                pos,
                style(LABEL_SIZE).pos(anchor),
            ))
            .map_err(de)?;
        }
    }
    Ok(())
}

/// The runs of consecutive points with a finite value (NaN values break a line).
fn runs(points: &[(f64, f64, f64, f64)]) -> impl Iterator<Item = &[(f64, f64, f64, f64)]> {
    points.split(|p| !p.2.is_finite()).filter(|r| !r.is_empty())
}

/// A duration in seconds as a short axis label: `30 s`, `5 min`, `2 h`, `3 d`.
fn short_duration(secs: f64) -> String {
    let (v, unit) = if secs < 60.0 {
        (secs, "s")
    } else if secs < 3600.0 {
        (secs / 60.0, "min")
    } else if secs < 86_400.0 {
        (secs / 3600.0, "h")
    } else {
        (secs / 86_400.0, "d")
    };
    format!("{} {unit}", fmt_sig(v, 2))
}

impl Axis {
    /// Where a value sits on this axis (log10 for [`Axis::LogSeconds`]; NaN if not positive).
    fn coord(self, v: f64) -> f64 {
        match self {
            Axis::LogSeconds if v > 0.0 => v.log10(),
            Axis::LogSeconds => f64::NAN,
            _ => v,
        }
    }

    fn formatter(self, lo: f64, hi: f64) -> Box<dyn Fn(&f64) -> String> {
        match self {
            Axis::Plain => Box::new(tick_formatter(lo, hi)),
            Axis::Integer => Box::new(|v: &f64| {
                if (v - v.round()).abs() < 1e-9 {
                    format!("{}", v.round() as i64)
                } else {
                    String::new()
                }
            }),
            Axis::LogSeconds => Box::new(|v: &f64| short_duration(10f64.powf(*v))),
            Axis::HourOfDay => Box::new(|v: &f64| {
                let m = (v * 60.0).round() as i64;
                format!("{:02}:{:02}", m.div_euclid(60), m.rem_euclid(60))
            }),
        }
    }
}

/// A band that contains its middle value; a non-finite edge collapses onto the middle.
fn band_around(lo: f64, mid: f64, hi: f64) -> (f64, f64) {
    (
        if lo.is_finite() { lo.min(mid) } else { mid },
        if hi.is_finite() { hi.max(mid) } else { mid },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use tempfile::TempDir;

    /// The PNG written decodes to exactly the bitmap drawn (lossless, right size and layout).
    #[test]
    fn png_round_trips_the_bitmap() {
        let rgb: Vec<u8> = (0..WIDTH * HEIGHT * 3)
            .map(|i| ((i % 251) ^ (i / 2_700)) as u8)
            .collect();
        let bytes = encode_png(&rgb).unwrap();
        let mut r = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
        let mut back = vec![0; r.output_buffer_size()];
        let info = r.next_frame(&mut back).unwrap();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(back, rgb);
    }

    /// xs, ys, values[iy][ix]
    type Grid = (Vec<f64>, Vec<f64>, Vec<Vec<f64>>);
    type DrawFn<'a> = &'a dyn Fn(&Path) -> Result<(), PlotError>;

    fn band(x: f64, mid: f64, w: f64) -> Band {
        Band {
            x,
            lo: mid - w,
            mid,
            hi: mid + w,
        }
    }

    fn sample_series() -> Vec<LineSeries> {
        vec![
            LineSeries {
                label: "Design A".into(),
                points: (0..8)
                    .map(|i| band(i as f64, 20.0 + 3.0 * i as f64, 2.0))
                    .collect(),
            },
            LineSeries {
                label: "Design B".into(),
                points: (0..8)
                    .map(|i| band(i as f64, 40.0 - 2.0 * i as f64, 1.5))
                    .collect(),
            },
            LineSeries {
                label: "Target".into(),
                points: vec![band(0.0, 30.0, 0.0), band(7.0, 30.0, 0.0)],
            },
        ]
    }

    fn sample_ci() -> Vec<CiPoint> {
        let mut v = Vec::new();
        for (g, off) in [("baseline", 0.0), ("pooled", -0.05), ("skills", 0.03)] {
            for (c, base) in [("Tier 1", 0.8), ("Tier 2", 0.7), ("Billing", 0.9)] {
                v.push(CiPoint {
                    group: g.into(),
                    category: c.into(),
                    mean: base + off,
                    lo: base + off - 0.02,
                    hi: base + off + 0.02,
                });
            }
        }
        v
    }

    fn sample_grid() -> Grid {
        let xs = vec![10.0, 12.0, 14.0, 16.0];
        let ys = vec![2.0, 3.0, 4.0];
        let values = ys
            .iter()
            .map(|y| xs.iter().map(|x| x * 0.5 + y * 3.0).collect())
            .collect();
        (xs, ys, values)
    }

    fn files_in(dir: &TempDir) -> Vec<PathBuf> {
        fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }

    fn check_outputs(dir: &TempDir, draw: impl Fn(&Path) -> Result<(), PlotError>, texts: &[&str]) {
        let svg = dir.path().join("chart.svg");
        let png = dir.path().join("chart.PNG");
        draw(&svg).unwrap();
        draw(&png).unwrap();
        let svg_text = fs::read_to_string(&svg).unwrap();
        assert!(svg_text.starts_with("<svg"));
        for t in texts {
            assert!(svg_text.contains(t), "SVG lacks {t:?}");
        }
        let png_bytes = fs::read(&png).unwrap();
        assert!(png_bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png_bytes.len() > 1000);
        // No temporary files are left behind.
        assert_eq!(files_in(dir).len(), 2);
    }

    #[test]
    fn line_chart_writes_svg_and_png() {
        let dir = TempDir::new().unwrap();
        let series = sample_series();
        check_outputs(
            &dir,
            |p| line_chart(p, "Wait vs agents", "agents", "mean wait (s)", &series),
            &[
                "Wait vs agents",
                "agents",
                "mean wait (s)",
                "Design A",
                "Design B",
                "Target",
            ],
        );
    }

    #[test]
    fn ci_chart_writes_svg_and_png() {
        let dir = TempDir::new().unwrap();
        let points = sample_ci();
        check_outputs(
            &dir,
            |p| ci_chart(p, "Service level by team", "service level", &points),
            &[
                "Service level by team",
                "service level",
                "baseline",
                "pooled",
                "skills",
                "Tier 2",
            ],
        );
    }

    #[test]
    fn heatmap_writes_svg_and_png() {
        let dir = TempDir::new().unwrap();
        let (xs, ys, mut values) = sample_grid();
        values[1][2] = f64::NAN;
        check_outputs(
            &dir,
            |p| {
                heatmap(
                    p,
                    "Cost grid",
                    "agents",
                    "supervisors",
                    &xs,
                    &ys,
                    &values,
                    "cost",
                )
            },
            &[
                "Cost grid",
                "agents",
                "supervisors",
                "cost",
                "n/a",
                "12",
                "11",
            ],
        );
    }

    #[test]
    fn svg_output_is_deterministic() {
        let dir = TempDir::new().unwrap();
        let (a, b) = (dir.path().join("a.svg"), dir.path().join("b.svg"));
        let series = sample_series();
        let points = sample_ci();
        let (xs, ys, values) = sample_grid();
        let draws: [DrawFn; 3] = [
            &|p| line_chart(p, "t", "x", "y", &series),
            &|p| ci_chart(p, "t", "y", &points),
            &|p| heatmap(p, "t", "x", "y", &xs, &ys, &values, "v"),
        ];
        for draw in draws {
            draw(&a).unwrap();
            draw(&b).unwrap();
            assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
        }
    }

    #[test]
    fn empty_input_is_an_error_and_writes_nothing() {
        let dir = TempDir::new().unwrap();
        for ext in ["svg", "png"] {
            let p = dir.path().join(format!("empty.{ext}"));
            let nan = Band {
                x: 1.0,
                lo: 0.0,
                mid: f64::NAN,
                hi: 1.0,
            };
            let only_nan = [LineSeries {
                label: "nan".into(),
                points: vec![nan],
            }];
            for r in [
                line_chart(&p, "t", "x", "y", &[]),
                line_chart(&p, "t", "x", "y", &only_nan),
                ci_chart(&p, "t", "y", &[]),
                heatmap(&p, "t", "x", "y", &[], &[], &[], "v"),
                heatmap(&p, "t", "x", "y", &[1.0], &[1.0], &[vec![f64::NAN]], "v"),
            ] {
                assert!(matches!(r, Err(PlotError::Empty { .. })), "{r:?}");
                assert!(r.unwrap_err().to_string().contains("empty."));
            }
        }
        assert!(files_in(&dir).is_empty());
    }

    #[test]
    fn failed_render_keeps_existing_file() {
        let dir = TempDir::new().unwrap();
        for ext in ["svg", "png"] {
            let p = dir.path().join(format!("keep.{ext}"));
            fs::write(&p, "previous").unwrap();
            assert!(line_chart(&p, "t", "x", "y", &[]).is_err());
            assert!(ci_chart(&p, "t", "y", &[]).is_err());
            assert_eq!(fs::read_to_string(&p).unwrap(), "previous");
        }
        assert_eq!(files_in(&dir).len(), 2);
    }

    #[test]
    fn bad_paths_and_shapes_are_errors() {
        let dir = TempDir::new().unwrap();
        let series = sample_series();
        let r = line_chart(&dir.path().join("x.jpg"), "t", "x", "y", &series);
        assert!(matches!(r, Err(PlotError::UnsupportedFormat { .. })));
        let r = line_chart(&dir.path().join("noext"), "t", "x", "y", &series);
        assert!(matches!(r, Err(PlotError::UnsupportedFormat { .. })));
        for ext in ["svg", "png"] {
            let missing_dir = dir.path().join("no/such/dir").join(format!("a.{ext}"));
            let r = line_chart(&missing_dir, "t", "x", "y", &series);
            assert!(matches!(r, Err(PlotError::Io { .. })), "{r:?}");
        }
        let p = dir.path().join("h.svg");
        let r = heatmap(&p, "t", "x", "y", &[1.0, 2.0], &[1.0], &[vec![1.0]], "v");
        assert!(matches!(r, Err(PlotError::InvalidData { .. })));
        let r = heatmap(&p, "t", "x", "y", &[1.0], &[1.0, 2.0], &[vec![1.0]], "v");
        assert!(matches!(r, Err(PlotError::InvalidData { .. })));
        let r = heatmap(
            &p,
            "t",
            "x",
            "y",
            &[1.0, 2.0],
            &[1.0],
            &[vec![-f64::MAX, f64::MAX]],
            "v",
        );
        assert!(matches!(r, Err(PlotError::InvalidData { .. })));
        assert!(files_in(&dir).is_empty());
    }

    #[test]
    fn degenerate_inputs_render_without_panicking() {
        let dir = TempDir::new().unwrap();
        let single = |x, lo, mid, hi| LineSeries {
            label: "one".into(),
            points: vec![Band { x, lo, mid, hi }],
        };
        let weird = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        let cases: Vec<Vec<LineSeries>> = vec![
            vec![single(1.0, 1.0, 1.0, 1.0)],
            vec![single(0.0, 0.0, 0.0, 0.0)],
            vec![single(1e300, f64::NAN, 1e300, f64::INFINITY)],
            vec![single(-3.0, -5.0, -4.0, -2.0)],
            vec![single(1e-300, 1e-300, 2e-300, 3e-300)],
            vec![LineSeries {
                label: "flat".into(),
                points: (0..5).map(|i| band(i as f64, 7.0, 0.0)).collect(),
            }],
            vec![LineSeries {
                label: "mixed".into(),
                points: weird
                    .iter()
                    .map(|&w| Band {
                        x: w,
                        lo: w,
                        mid: 1.0,
                        hi: w,
                    })
                    .chain([
                        band(2.0, 3.0, 1.0),
                        Band {
                            x: 1.0,
                            lo: f64::NAN,
                            mid: 2.0,
                            hi: f64::NEG_INFINITY,
                        },
                    ])
                    .collect(),
            }],
            (0..15)
                .map(|i| LineSeries {
                    label: format!("series number {i} with a rather long label indeed"),
                    points: (0..50)
                        .map(|j| band(j as f64 * 1e6, (i * j) as f64, 0.5))
                        .collect(),
                })
                .collect(),
        ];
        for (k, series) in cases.iter().enumerate() {
            for ext in ["svg", "png"] {
                let p = dir.path().join(format!("line{k}.{ext}"));
                line_chart(&p, "", "", "", series).unwrap();
            }
        }
        let r = line_chart(
            &dir.path().join("huge.svg"),
            "t",
            "x",
            "y",
            &[LineSeries {
                label: "huge".into(),
                points: vec![band(0.0, -f64::MAX, 0.0), band(1.0, f64::MAX, 0.0)],
            }],
        );
        assert!(matches!(r, Err(PlotError::InvalidData { .. })), "{r:?}");

        let ci = |mean, lo, hi| CiPoint {
            group: "g".into(),
            category: "c".into(),
            mean,
            lo,
            hi,
        };
        let ci_cases = [
            vec![ci(1.0, 1.0, 1.0)],
            vec![ci(0.0, f64::NAN, f64::INFINITY), ci(f64::NAN, 0.0, 1.0)],
            (0..40)
                .map(|i| CiPoint {
                    group: format!("design {}", i % 12),
                    category: format!("a long category name {i}"),
                    mean: i as f64,
                    lo: i as f64 - 1.0,
                    hi: i as f64 + 1.0,
                })
                .collect(),
        ];
        for (k, points) in ci_cases.iter().enumerate() {
            for ext in ["svg", "png"] {
                ci_chart(&dir.path().join(format!("ci{k}.{ext}")), "t", "y", points).unwrap();
            }
        }

        let big: Vec<f64> = (0..60).map(|i| i as f64 * 1234.5678).collect();
        let big_grid: Vec<Vec<f64>> = big
            .iter()
            .map(|y| big.iter().map(|x| x * y).collect())
            .collect();
        let heat_cases: [Grid; 4] = [
            (vec![1.0], vec![2.0], vec![vec![5.0]]),
            (vec![1.0, 2.0], vec![1.0, 2.0], vec![vec![3.0; 2]; 2]),
            (
                vec![f64::NAN, 1.0],
                vec![f64::INFINITY],
                vec![vec![f64::INFINITY, -1e-9]],
            ),
            (big.clone(), big.clone(), big_grid),
        ];
        for (k, (xs, ys, values)) in heat_cases.iter().enumerate() {
            for ext in ["svg", "png"] {
                let p = dir.path().join(format!("heat{k}.{ext}"));
                heatmap(&p, "t", "x", "y", xs, ys, values, "v").unwrap();
            }
        }
    }

    #[test]
    fn number_formatting() {
        assert_eq!(fmt_sig(0.0, 3), "0");
        assert_eq!(fmt_sig(12.345, 3), "12.3");
        assert_eq!(fmt_sig(0.5, 3), "0.5");
        assert_eq!(fmt_sig(-0.0001, 3), "-1e-4");
        assert_eq!(fmt_sig(2_500_000.0, 3), "2.5e6");
        let f = tick_formatter(0.0, 1.0);
        assert_eq!(f(&0.25), "0.25");
        assert_eq!(f(&1.0), "1");
        let f = tick_formatter(0.0, 5000.0);
        assert_eq!(f(&1500.0), "1500");
        let f = tick_formatter(0.0, 3e6);
        assert_eq!(f(&0.0), "0");
        assert_eq!(f(&5e5), "5e5");
        assert_eq!(f(&1.5e6), "1.5e6");
    }

    /// Renders one example of each chart to /tmp/plot_examples for visual inspection.
    #[test]
    #[ignore]
    fn render_examples() {
        let out = Path::new("/tmp/plot_examples");
        fs::create_dir_all(out).unwrap();
        let hours: Vec<f64> = (0..48).map(|i| 8.0 + i as f64 * 0.25).collect();
        let day = |amp: f64, phase: f64| -> Vec<Band> {
            hours
                .iter()
                .map(|&h| {
                    let m = 30.0 + amp * ((h - phase) / 3.0).sin();
                    band(h, m, 3.0 + 0.1 * m)
                })
                .collect()
        };
        let series: Vec<LineSeries> = [
            ("baseline", 20.0, 9.0),
            ("pooled queue", 12.0, 10.0),
            ("skills-based routing", 8.0, 11.0),
        ]
        .iter()
        .map(|&(l, a, p)| LineSeries {
            label: l.into(),
            points: day(a, p),
        })
        .collect();
        line_chart(
            &out.join("line.png"),
            "Mean wait over the day (95% CI)",
            "hour of day",
            "mean wait (s)",
            &series,
        )
        .unwrap();
        ci_chart(
            &out.join("ci.png"),
            "Service level by team (95% CI)",
            "service level (fraction within 20 s)",
            &sample_ci(),
        )
        .unwrap();
        let xs: Vec<f64> = (10..=18).map(f64::from).collect();
        let ys: Vec<f64> = (1..=6).map(f64::from).collect();
        let values: Vec<Vec<f64>> = ys
            .iter()
            .map(|y| {
                xs.iter()
                    .map(|x| {
                        if *x == 12.0 && *y == 3.0 {
                            f64::NAN
                        } else {
                            1000.0 / (x * 0.8 + y) + y * 2.5
                        }
                    })
                    .collect()
            })
            .collect();
        heatmap(
            &out.join("heat.png"),
            "Mean wait by staffing",
            "tier-1 agents",
            "tier-2 agents",
            &xs,
            &ys,
            &values,
            "mean wait (s)",
        )
        .unwrap();

        // Stress cases: a single point with a band, many series with long labels, many
        // categories, a large grid, an all-equal grid.
        let one = [LineSeries {
            label: "single".into(),
            points: vec![band(3.0, 0.42, 0.05)],
        }];
        line_chart(&out.join("line_single.png"), "One point", "x", "y", &one).unwrap();
        let many: Vec<LineSeries> = (0..14)
            .map(|i| LineSeries {
                label: format!("series number {i} with a rather long label indeed"),
                points: (0..30)
                    .map(|j| band(j as f64 * 1e5, (i * j) as f64 / 1000.0, 0.002 * i as f64))
                    .collect(),
            })
            .collect();
        line_chart(
            &out.join("line_many.png"),
            "Many series",
            "calls per day",
            "fraction",
            &many,
        )
        .unwrap();
        let cats: Vec<CiPoint> = (0..36)
            .map(|i| CiPoint {
                group: format!("design {}", i % 4),
                category: format!("team {}", i / 4),
                mean: -1.0 + i as f64 * 0.1,
                lo: -1.2 + i as f64 * 0.1,
                hi: -0.9 + i as f64 * 0.1,
            })
            .collect();
        ci_chart(
            &out.join("ci_many.png"),
            "Many categories",
            "difference vs baseline",
            &cats,
        )
        .unwrap();
        let big: Vec<f64> = (0..40).map(|i| i as f64 * 12.5).collect();
        let grid: Vec<Vec<f64>> = big
            .iter()
            .map(|y| big.iter().map(|x| (x * y).sqrt()).collect())
            .collect();
        heatmap(
            &out.join("heat_big.png"),
            "Large grid",
            "x",
            "y",
            &big,
            &big,
            &grid,
            "sqrt(x*y)",
        )
        .unwrap();
        heatmap(
            &out.join("heat_const.png"),
            "Constant",
            "x",
            "y",
            &[1.0, 2.0],
            &[0.5, 0.75],
            &[vec![3.0; 2], vec![3.0; 2]],
            "v",
        )
        .unwrap();
    }
}
