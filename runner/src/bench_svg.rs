//! `runner bench`'s chart: a hand-written standalone SVG of icount ns/op per op and variant,
//! each op normalised to its c value, with a legend, a 1.0 line and the meta as a footer.
//!
//! Hand-written on purpose: with plotters' SVG backend the layout here (grouped horizontal
//! bars, a grey note in place of a skipped bar, clipped bars with their value, the per-op c
//! value under its name, the footer) would still be code of the same size, its SVG has no
//! `<title>` tooltips, and it would add a crate tree for about 200 lines of `format!`.

use crate::bench::{ratio_limit, Bench, Entry};

const WIDTH: f64 = 900.0;
/// Left edge of the bars; op names are right-aligned just before it.
const PLOT_X: f64 = 230.0;
/// Room on the right for the ratio printed after the longest bar.
const PLOT_W: f64 = 560.0;
const BAR_H: f64 = 14.0;
const BAR_GAP: f64 = 3.0;
const GROUP_GAP: f64 = 14.0;
/// Bars longer than this (relative to c) are clipped, their value printed.
const MAX_SCALE: f64 = 3.0;
const FONT: &str = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

pub const AXIS_LABEL: &str = "instruction-count time relative to the c variant (1.0 = same)";

/// Escape text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0 at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Fill colour per variant: fixed for the known ones, a small palette for the rest.
fn colour(variant: &str, index: usize) -> &'static str {
    match variant {
        "upstream" => "#8c8c8c",
        "c" => "#1f77b4",
        "rust" => "#d95f02",
        _ => ["#2ca02c", "#9467bd", "#e7298a", "#8c564b"][index % 4],
    }
}

/// Cut long reasons so they stay inside the picture.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn text(out: &mut String, x: f64, y: f64, attrs: &str, body: &str) {
    out.push_str(&format!(
        "  <text x=\"{x:.1}\" y=\"{y:.1}\" {attrs}>{}</text>\n",
        escape(body)
    ));
}

/// What to draw in one row of an op's group.
enum Bar {
    /// Value relative to c, and the tooltip.
    Rel(f64, String),
    /// A grey note instead of a bar.
    Note(String),
}

/// One op's rows: (variant index for the colour, variant, what to draw).
type Group = (String, Vec<(usize, String, Bar)>);

/// Render the chart for the icount results of `b`.
pub fn render(b: &Bench) -> String {
    // Rows per op: one per variant with icount data or a skip.
    let mut groups: Vec<Group> = Vec::new();
    for op in &b.ops {
        let c = b.median("icount", op, "c").filter(|&c| c > 0.0);
        let mut rows = Vec::new();
        for (i, v) in b.variants.iter().enumerate() {
            let bar = match (b.entry("icount", op, v), c) {
                (None, _) => continue,
                (Some(Entry::Skip(r)), _) => Bar::Note(format!("{v}: skipped ({})", short(r, 50))),
                (Some(Entry::Data(s)), Some(c)) => Bar::Rel(
                    s.median_ns / c,
                    format!(
                        "{op} on {v}: {:.1} ns/op (min {:.1}, max {:.1}, spread {:.3}%, n={}, r={})",
                        s.median_ns, s.min_ns, s.max_ns, s.spread_pct, s.n, s.r
                    ),
                ),
                (Some(Entry::Data(s)), None) => {
                    Bar::Note(format!("{v}: {:.1} ns/op (no c value to compare)", s.median_ns))
                }
            };
            rows.push((i, v.clone(), bar));
        }
        if !rows.is_empty() {
            groups.push((op.clone(), rows));
        }
    }
    let max_rel = groups
        .iter()
        .flat_map(|(_, rows)| rows)
        .filter_map(|(_, _, bar)| match bar {
            Bar::Rel(r, _) => Some(*r),
            Bar::Note(_) => None,
        })
        .fold(1.0_f64, f64::max);
    let scale_max = ((max_rel * 1.05 / 0.25).ceil() * 0.25).clamp(1.25, MAX_SCALE);
    let step = if scale_max > 2.0 { 0.5 } else { 0.25 };
    let x_of = |rel: f64| PLOT_X + PLOT_W * (rel.min(scale_max) / scale_max);

    let mut body = String::new();
    let mut y = 64.0;
    // Legend.
    let mut lx = PLOT_X;
    for (i, v) in b.variants.iter().enumerate() {
        if b.ops.iter().any(|op| b.entry("icount", op, v).is_some()) {
            body.push_str(&format!(
                "  <rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n",
                y - 10.0,
                colour(v, i)
            ));
            text(&mut body, lx + 17.0, y, "font-size=\"13\"", v);
            lx += 40.0 + 8.0 * v.chars().count() as f64;
        }
    }
    y += 18.0;
    let plot_top = y;
    if groups.is_empty() {
        y += 20.0;
        text(
            &mut body,
            WIDTH / 2.0,
            y,
            "font-size=\"14\" text-anchor=\"middle\" fill=\"#a00\"",
            "no icount bench results",
        );
        y += 10.0;
    }
    for (op, rows) in &groups {
        let h = rows.len() as f64 * (BAR_H + BAR_GAP) - BAR_GAP;
        let c = b.median("icount", op, "c").filter(|&c| c > 0.0);
        let label_y = y + h / 2.0 - if c.is_some() { 6.0 } else { 0.0 };
        text(
            &mut body,
            PLOT_X - 10.0,
            label_y,
            "font-size=\"13\" text-anchor=\"end\" dominant-baseline=\"central\"",
            op,
        );
        if let Some(c) = c {
            text(
                &mut body,
                PLOT_X - 10.0,
                label_y + 14.0,
                "font-size=\"10\" text-anchor=\"end\" dominant-baseline=\"central\" fill=\"#666\"",
                &format!("c = {c:.1} ns/op"),
            );
        }
        for (i, v, bar) in rows {
            let mid = y + BAR_H / 2.0;
            match bar {
                Bar::Rel(rel, tip) => {
                    let end = x_of(*rel);
                    body.push_str(&format!(
                        "  <rect x=\"{PLOT_X:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BAR_H:.1}\" fill=\"{}\"><title>{}</title></rect>\n",
                        end - PLOT_X,
                        colour(v, *i),
                        escape(tip)
                    ));
                    let clipped = *rel > scale_max;
                    if v == "rust" || clipped {
                        let over = v == "rust" && *rel > ratio_limit(op);
                        let label = if clipped {
                            format!("{rel:.4} ▸")
                        } else {
                            format!("{rel:.4}")
                        };
                        text(
                            &mut body,
                            end + 5.0,
                            mid,
                            &format!(
                                "font-size=\"12\" dominant-baseline=\"central\" fill=\"{}\"{}",
                                if over { "#b00000" } else { "#222" },
                                if over { " font-weight=\"bold\"" } else { "" }
                            ),
                            &label,
                        );
                    }
                }
                Bar::Note(note) => text(
                    &mut body,
                    PLOT_X + 4.0,
                    mid,
                    "font-size=\"11\" font-style=\"italic\" fill=\"#777\" dominant-baseline=\"central\"",
                    note,
                ),
            }
            y += BAR_H + BAR_GAP;
        }
        y += GROUP_GAP - BAR_GAP;
    }
    let axis_y = y;
    // Grid, ticks and the 1.0 line are drawn under the bars: put them first.
    let mut grid = String::new();
    let ticks = (scale_max / step).round() as usize;
    for k in 0..=ticks {
        let v = k as f64 * step;
        let x = x_of(v);
        grid.push_str(&format!(
            "  <line x1=\"{x:.1}\" y1=\"{plot_top:.1}\" x2=\"{x:.1}\" y2=\"{axis_y:.1}\" stroke=\"#e4e4e4\"/>\n"
        ));
        grid.push_str(&format!(
            "  <line x1=\"{x:.1}\" y1=\"{axis_y:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#444\"/>\n",
            axis_y + 5.0
        ));
        text(
            &mut grid,
            x,
            axis_y + 18.0,
            "font-size=\"12\" text-anchor=\"middle\"",
            &format!("{v:.2}"),
        );
    }
    grid.push_str(&format!(
        "  <line x1=\"{PLOT_X:.1}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"#444\"/>\n",
        PLOT_X + PLOT_W
    ));
    let one = x_of(1.0);
    let mut over = format!(
        "  <line x1=\"{one:.1}\" y1=\"{:.1}\" x2=\"{one:.1}\" y2=\"{axis_y:.1}\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n",
        plot_top - 4.0
    );
    let mut y = axis_y + 38.0;
    text(
        &mut over,
        PLOT_X + PLOT_W / 2.0,
        y,
        "font-size=\"13\" text-anchor=\"middle\"",
        AXIS_LABEL,
    );
    y += 26.0;
    for (k, v) in &b.meta {
        text(
            &mut over,
            20.0,
            y,
            "font-size=\"11\" fill=\"#555\"",
            &short(&format!("{k}: {v}"), 140),
        );
        y += 15.0;
    }
    let height = y + 6.0;

    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {WIDTH:.0} {height:.0}\" {FONT}>\n"
    );
    out.push_str(&format!(
        "  <rect x=\"0\" y=\"0\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" fill=\"#fff\"/>\n"
    ));
    text(
        &mut out,
        WIDTH / 2.0,
        26.0,
        "font-size=\"18\" font-weight=\"bold\" text-anchor=\"middle\"",
        "Benchmark: ns/op per variant, relative to c (qemu -icount, deterministic)",
    );
    text(
        &mut out,
        WIDTH / 2.0,
        44.0,
        "font-size=\"12\" text-anchor=\"middle\" fill=\"#444\"",
        "bar length = ns/op ÷ c's ns/op; number after the rust bar = rust/c (red above the op's gate)",
    );
    out.push_str(&grid);
    out.push_str(&body);
    out.push_str(&over);
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::{scan_log, Run};

    /// Minimal well-formedness: tags balance, attributes are quoted, `&` starts an entity.
    fn check_xml(svg: &str) -> std::result::Result<usize, String> {
        let mut stack: Vec<&str> = Vec::new();
        let mut elements = 0;
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            let content = &rest[..i];
            check_text(content)?;
            let end = rest[i..].find('>').ok_or("unclosed tag")? + i;
            let tag = &rest[i + 1..end];
            rest = &rest[end + 1..];
            if tag.starts_with('?') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().ok_or(format!("stray </{name}>"))?;
                if open != name.trim() {
                    return Err(format!("<{open}> closed by </{name}>"));
                }
                continue;
            }
            let name = tag.split_whitespace().next().ok_or("empty tag")?;
            let attrs = tag[name.len()..].trim_end_matches('/');
            if !attrs.matches('"').count().is_multiple_of(2) || attrs.contains('<') {
                return Err(format!("bad attributes in <{tag}>"));
            }
            check_text(attrs)?;
            elements += 1;
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        check_text(rest)?;
        match stack.is_empty() {
            true => Ok(elements),
            false => Err(format!("unclosed {stack:?}")),
        }
    }

    fn check_text(s: &str) -> std::result::Result<(), String> {
        for (i, _) in s.match_indices('&') {
            let ent = &s[i..];
            if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| ent.starts_with(e))
            {
                return Err(format!("bare & in {s:?}"));
            }
        }
        if s.contains('>') {
            return Err(format!("bare > in {s:?}"));
        }
        Ok(())
    }

    fn run(variant: &str, log: &str) -> Run {
        Run {
            variant: variant.into(),
            mode: "icount".into(),
            log: "x.log".into(),
            scan: scan_log(log.as_bytes()),
        }
    }

    fn line(op: &str, ns: f64) -> String {
        format!("# bench: op={op} n=1 r=1 median_ns={ns} min_ns={ns} max_ns={ns} spread_pct=0 runs={ns}\n")
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{fffd}"
        );
        assert!(check_xml("<a><b x=\"1\"/>&amp;</a>").is_ok());
        assert!(check_xml("<a><b></a>").is_err());
        assert!(check_xml("<a>&</a>").is_err());
    }

    #[test]
    fn chart_is_well_formed_and_normalised() {
        let b = Bench::new(
            vec![
                ("kernel".into(), "7.3.0 <test> & \"friends\"".into()),
                ("qemu".into(), "QEMU 10.0".into()),
            ],
            vec![
                run(
                    "upstream",
                    &(line("fork_exit_wait", 50.0)
                        + "ok 2 autokill_close # SKIP no <CLONE_AUTOKILL> & co\n"),
                ),
                run(
                    "c",
                    &(line("fork_exit_wait", 100.0)
                        + &line("autokill_close", 200.0)
                        + &line("c_only", 1.0)),
                ),
                run(
                    "rust",
                    &(line("fork_exit_wait", 101.0)
                        + &line("autokill_close", 1000.0)
                        + &line("rust_only", 7.0)),
                ),
            ],
        );
        let svg = render(&b);
        let n = check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(n > 20);
        assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains(AXIS_LABEL));
        assert!(svg.contains("kernel: 7.3.0 &lt;test&gt; &amp; &quot;friends&quot;"));
        assert!(svg.contains("upstream: skipped (no &lt;CLONE_AUTOKILL&gt; &amp; co)"));
        assert!(svg.contains(">1.0100</text>"), "rust ratio printed");
        // 5x is clipped at the 3.0 scale and marked.
        assert!(svg.contains(">5.0000 ▸</text>"), "{svg}");
        assert!(svg.contains("rust: 7.0 ns/op (no c value to compare)"));
        assert!(svg.contains("text-anchor=\"end\""));
        assert!(svg.contains(">c = 200.0 ns/op</text>"));
        // c's bar is exactly at the 1.0 line: 1/3 of the plot at scale 3.0.
        let one = PLOT_X + PLOT_W / 3.0;
        assert!(svg.contains(&format!("<line x1=\"{one:.1}\"")));
        assert!(svg.contains(&format!(
            "width=\"{:.1}\" height=\"14.0\" fill=\"#1f77b4\"",
            PLOT_W / 3.0
        )));
    }

    #[test]
    fn empty_chart_is_still_valid() {
        let svg = render(&Bench::new(vec![], vec![]));
        check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(svg.contains("no icount bench results"));
    }
}
