use leptos::prelude::*;
use linkwork_core::work::measures::{with_band, Change};

/// A small chart of baseline (outlined) against latest (solid) for each item
/// of a measure. The table beside it carries the same numbers in words.
#[component]
pub fn ChangeChart(
    /// The rows to draw.
    rows: Vec<Change>,
    /// The lowest answer of the instrument.
    min: u8,
    /// The highest answer of the instrument.
    max: u8,
) -> impl IntoView {
    let row_h = 26.0;
    let label_w = 150.0;
    let bar_w = 240.0;
    // Room for the values and their bands at the bars' end ("6 (Very high)").
    let value_w = 90.0;
    let height = row_h * rows.len() as f64 + 24.0;
    let scale_for = move |c: &Change| {
        // A score can run beyond the item range (SWEMWBS metric: 7–35).
        let hi = if c.label == "Score" {
            c.baseline.max(c.latest).max(35.0)
        } else {
            f64::from(max)
        };
        let lo = if c.label == "Score" {
            0.0
        } else {
            f64::from(min)
        };
        move |v: f64| ((v - lo) / (hi - lo)).clamp(0.0, 1.0) * bar_w
    };
    let summary = rows
        .iter()
        .map(|c| {
            format!(
                "{}: {} to {}",
                c.label,
                with_band(c.baseline, c.baseline_band.as_deref()),
                with_band(c.latest, c.latest_band.as_deref())
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <svg class="change-chart" role="img" aria-label=format!("Baseline and latest. {summary}")
            viewBox=format!("0 0 {} {height}", label_w + bar_w + value_w) width="100%" style:max-width=format!("{}px", label_w + bar_w + value_w)>
            <g font-size="11">
                <rect x=label_w y="2" width="12" height="8" class="bar-baseline"></rect>
                <text x=label_w + 16.0 y="10">"Baseline"</text>
                <rect x=label_w + 80.0 y="2" width="12" height="8" class="bar-latest"></rect>
                <text x=label_w + 96.0 y="10">"Latest"</text>
            </g>
            {rows.iter().enumerate().map(|(i, c)| {
                let y = 20.0 + i as f64 * row_h;
                let s = scale_for(c);
                let label: String = c.short.chars().take(24).collect();
                view! {
                    <g>
                        <text x="0" y=y + 14.0 font-size="11">{label}</text>
                        <rect x=label_w y=y + 2.0 width=s(c.baseline).max(1.0) height="9" class="bar-baseline"></rect>
                        <rect x=label_w y=y + 12.0 width=s(c.latest).max(1.0) height="9" class="bar-latest"></rect>
                        <text x=label_w + bar_w + 6.0 y=y + 10.0 font-size="10" class="change-chart__value">{with_band(c.baseline, c.baseline_band.as_deref())}</text>
                        <text x=label_w + bar_w + 6.0 y=y + 20.0 font-size="10" class="change-chart__value">{with_band(c.latest, c.latest_band.as_deref())}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}
