//! The loss curve of a training test: live while it trains, from its record after.

use nma_grader::verdict::TrainingRecord;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, LegendPosition, Paragraph, Wrap};
use ratatui::Frame;

/// What to plot: one test's (step, loss) points, and its record once the run is over.
pub struct Curve<'a> {
    /// The test's name, or "hidden test".
    pub name: String,
    pub points: &'a [(usize, Option<f64>)],
    pub record: Option<&'a TrainingRecord>,
    /// Still training: the points are arriving.
    pub live: bool,
}

/// Losses spanning at least this ratio are drawn on a log scale.
const LOG_SCALE_RATIO: f64 = 100.0;

/// A number in at most 4 significant digits, in scientific notation when tiny or huge.
pub fn short_number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs();
    if !(0.01..10_000.0).contains(&magnitude) {
        return format!("{x:.1e}");
    }
    let decimals = (3 - magnitude.log10().floor() as i32).clamp(0, 4) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Whether the record's metric is the loss itself, so its threshold is a line on the chart.
fn threshold_is_a_loss(record: &TrainingRecord) -> bool {
    record.goal == nma_grader::verdict::Goal::AtMost && record.metric.to_lowercase().contains("loss")
}

/// The line under the chart: where the run stands against what passing needs.
pub fn caption(curve: &Curve) -> Line<'static> {
    let fail = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
    let pass = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
    let last = curve.points.iter().rev().find_map(|(step, loss)| loss.map(|l| (*step, l)));
    let Some(record) = curve.record else {
        return Line::from(match last {
            Some((step, loss)) => format!("training… step {step}, loss {}", short_number(loss)),
            None => "training… waiting for the first loss".to_string(),
        });
    };
    let mut spans = Vec::new();
    if let Some(step) = record.diverged_at {
        spans.push(Span::styled(format!("✗ diverged at step {step}"), fail));
        spans.push(Span::raw(" (the loss stopped being a number: try a smaller learning rate) · "));
    }
    let (sign, value) = (if record.goal == nma_grader::verdict::Goal::AtMost { "≤" } else { "≥" }, record.value);
    let met = record.margin().is_some_and(|m| m >= 0.0);
    spans.push(Span::styled(
        format!(
            "{} {} / needs {sign} {} {}",
            record.metric,
            value.map(short_number).unwrap_or_else(|| "none".into()),
            short_number(record.threshold),
            if met { "✓" } else { "✗" }
        ),
        if met { pass } else { fail },
    ));
    spans.push(Span::raw(match record.final_loss {
        // The metric just shown is the loss: say it once.
        Some(_) if threshold_is_a_loss(record) => format!(" · {} steps in {:.1} s", record.steps, record.seconds),
        Some(loss) => {
            format!(" · final loss {} after {} steps in {:.1} s", short_number(loss), record.steps, record.seconds)
        }
        None => format!(" · {} steps in {:.1} s", record.steps, record.seconds),
    }));
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, curve: &Curve) {
    let caption = caption(curve);
    let caption_rows = if caption.width() > usize::from(area.width) { 2 } else { 1 };
    let [chart_area, caption_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(caption_rows)]).areas(area);
    frame.render_widget(Paragraph::new(caption).wrap(Wrap { trim: true }), caption_area);

    let finite: Vec<(f64, f64)> = curve
        .points
        .iter()
        .filter_map(|(step, loss)| loss.filter(|l| l.is_finite()).map(|l| (*step as f64, l)))
        .collect();
    let threshold = curve.record.filter(|r| threshold_is_a_loss(r)).map(|r| r.threshold);
    let (low, high) = finite
        .iter()
        .chain(threshold.map(|t| (0.0, t)).iter())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, y)| (lo.min(*y), hi.max(*y)));
    let log_scale = low > 0.0 && high / low >= LOG_SCALE_RATIO;
    let scale = |y: f64| if log_scale { y.log10() } else { y };
    let data: Vec<(f64, f64)> = finite.iter().map(|(x, y)| (*x, scale(*y))).collect();

    let mut title = vec![Span::styled(" Training loss", Style::new().add_modifier(Modifier::BOLD))];
    title.push(Span::raw(format!(" · {} ", curve.name)));
    if curve.live {
        title.push(Span::styled("(live) ", Style::new().fg(Color::Magenta)));
    }
    let block = Block::bordered().title(Line::from(title));
    if data.is_empty() {
        let message = if curve.live { "waiting for the first loss…" } else { "no finite loss to plot" };
        frame.render_widget(Paragraph::new(message).block(block), chart_area);
        return;
    }

    let last_step = curve.points.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let steps = curve.record.map(|r| r.steps).unwrap_or(0).max(last_step).max(1) as f64;
    let first_step = curve.points.first().map(|(s, _)| *s as f64).unwrap_or(0.0).min(steps - 1.0);
    let (mut y_low, mut y_high) = (scale(low), scale(high));
    if y_high - y_low < 1e-12 {
        (y_low, y_high) = (y_low - 0.5, y_high + 0.5);
    }
    // ratatui draws the axis title on the plot's top row: keep the curve below it.
    let plot_rows = f64::from(chart_area.height.saturating_sub(4).max(3));
    let range = y_high - y_low;
    let (y_low, y_high) = (y_low - range * 0.05, y_high + range / (plot_rows - 1.0));

    let threshold_line: Vec<(f64, f64)> =
        threshold.map(|t| vec![(first_step, scale(t)), (steps, scale(t))]).unwrap_or_default();
    let diverged_line: Vec<(f64, f64)> = curve
        .record
        .and_then(|r| r.diverged_at)
        .map(|step| vec![(step as f64, y_low), (step as f64, y_high)])
        .unwrap_or_default();

    let mut datasets = vec![Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(Style::new().fg(Color::Cyan))
        .data(&data)];
    if let Some(t) = threshold {
        datasets.push(
            Dataset::default()
                .name(format!("threshold {}", short_number(t)))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Green))
                .data(&threshold_line),
        );
    }
    if let Some(step) = curve.record.and_then(|r| r.diverged_at) {
        datasets.push(
            Dataset::default()
                .name(format!("diverged at step {step}"))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Red))
                .data(&diverged_line),
        );
    }

    let unscale = |y: f64| if log_scale { 10f64.powf(y) } else { y };
    let y_labels: Vec<String> =
        [y_low, (y_low + y_high) / 2.0, y_high].iter().map(|y| short_number(unscale(*y))).collect();
    // The unit rides on the last label: an x-axis title would sit on the curve's tail.
    let x_labels =
        vec![format!("{first_step:.0}"), format!("{:.0}", (first_step + steps) / 2.0), format!("step {steps:.0}")];
    let chart = Chart::new(datasets)
        .block(block)
        .legend_position(Some(LegendPosition::TopRight))
        .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)))
        .x_axis(Axis::default().bounds([first_step, steps]).labels(x_labels))
        .y_axis(
            Axis::default()
                .title(if log_scale { "loss (log scale)" } else { "loss" })
                .bounds([y_low, y_high])
                .labels(y_labels),
        );
    frame.render_widget(chart, chart_area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(short_number(0.5), "0.5");
        assert_eq!(short_number(1.23456), "1.235");
        assert_eq!(short_number(123.456), "123.5");
        assert_eq!(short_number(0.000123), "1.2e-4");
        assert_eq!(short_number(50_000.0), "5.0e4");
        assert_eq!(short_number(0.0), "0");
    }
}
