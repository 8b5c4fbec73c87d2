//! The dashboard's charts as ECharts options, built with charming.
//!
//! Pure functions from dashboard figures to [`Chart`]s; the browser only
//! renders them. Every chart has decal patterns on, so nothing is told by
//! colour alone.

use std::f64::consts::PI;

use charming::component::{Aria, Axis, Decal, DecalItem, Grid, Legend, LegendType};
use charming::datatype::{DataPoint, DataPointItem};
use charming::element::{
    AxisLabel, AxisType, ItemStyle, Label, LabelPosition, NameLocation, Symbol, TextStyle, Tooltip,
    Trigger,
};
use charming::series::{Bar, Line, Scatter};
use charming::Chart;

use crate::model::practice_work::Construct;
use crate::model::Choice;
use crate::views::dashboard::{
    Breakdown, Count, GroupRow, OutcomeChange, PeriodCounts, PracticeRate, Share, Stacked,
    UNRELIABLE_BELOW,
};
use crate::views::practice_work::{LevelMinutes, PracticeProfile};

/// Series colours, in order; each has at least 4.5:1 contrast on white.
pub const PALETTE: [&str; 8] = [
    "#005eb8", "#007f3b", "#b3261e", "#330072", "#ae2573", "#8a5300", "#00666b", "#4c6272",
];
/// Points resting on too few appointments.
const MUTED: &str = "#4c6272";
/// Bars for groups too small to rely on (3:1 on white).
const GREY: &str = "#768692";
const IMPROVED: &str = "#007f3b";
const SAME: &str = "#4c6272";
const WORSE: &str = "#b3261e";
/// ECharts' default decal colour.
const DECAL: &str = "rgba(0, 0, 0, 0.2)";
/// ECharts' "no value here": a gap in a line.
const GAP: &str = "-";
const STACK: &str = "total";

/// What every chart shares: no animation, decals, palette, grid, tooltip, and
/// a one-line legend that pages rather than spilling over the plot.
fn base(legend: bool, horizontal: bool) -> Chart {
    let chart = Chart::new()
        .animation(false)
        .aria(
            Aria::new()
                .enabled(true)
                .decal(Decal::new().show(true).decals(decals())),
        )
        .color(PALETTE.to_vec())
        .grid(
            Grid::new()
                .contain_label(true)
                .left(8)
                .right(24)
                .top(if legend { 48 } else { 32 })
                .bottom(if horizontal { 32 } else { 8 }),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Axis));
    if legend {
        chart.legend(Legend::new().type_(LegendType::Scroll).top(0))
    } else {
        chart
    }
}

/// ECharts' own default decal patterns, given explicitly: charming 0.6
/// otherwise writes `"decals": []`, on which ECharts 5 throws.
fn decals() -> Vec<DecalItem> {
    let item = || DecalItem::new().color(DECAL);
    vec![
        item()
            .dash_array_x(vec![1, 0])
            .dash_array_y(vec![2, 5])
            .symbol_size(1)
            .rotation(PI / 6.0),
        item()
            .symbol(Symbol::Circle)
            .dash_array_x(vec![vec![8, 8], vec![0, 8, 8, 0]])
            .dash_array_y(vec![6, 0])
            .symbol_size(0.8),
        item()
            .dash_array_x(vec![1, 0])
            .dash_array_y(vec![4, 3])
            .rotation(-PI / 4.0),
        item()
            .dash_array_x(vec![vec![6, 6], vec![0, 6, 6, 0]])
            .dash_array_y(vec![6, 0]),
        item()
            .dash_array_x(vec![vec![1, 0], vec![1, 6]])
            .dash_array_y(vec![1, 0, 6, 0])
            .rotation(PI / 4.0),
        item()
            .symbol(Symbol::Triangle)
            .dash_array_x(vec![vec![9, 9], vec![0, 9, 9, 0]])
            .dash_array_y(vec![7, 2])
            .symbol_size(0.75),
    ]
}

fn category_axis(labels: impl IntoIterator<Item = String>) -> Axis {
    Axis::new()
        .type_(AxisType::Category)
        .data(labels.into_iter().collect())
}

fn value_axis(name: &str, horizontal: bool) -> Axis {
    let axis = Axis::new().type_(AxisType::Value).name(name);
    if horizontal {
        axis.name_location(NameLocation::Middle).name_gap(28)
    } else {
        axis.name_text_style(TextStyle::new().align("left"))
    }
}

fn count_axis(name: &str, horizontal: bool) -> Axis {
    value_axis(name, horizontal).min_interval(1)
}

fn percent_axis(name: &str, horizontal: bool) -> Axis {
    value_axis(name, horizontal).min(0).max(100)
}

/// Puts the categories down the side (first at the top, every one named) or
/// along the bottom.
fn axes(chart: Chart, horizontal: bool, categories: Axis, values: Axis) -> Chart {
    if horizontal {
        let every = AxisLabel::new().interval(0);
        chart
            .y_axis(categories.inverse(true).axis_label(every))
            .x_axis(values)
    } else {
        chart.x_axis(categories).y_axis(values)
    }
}

fn value_label(horizontal: bool) -> Label {
    let position = if horizontal {
        LabelPosition::Right
    } else {
        LabelPosition::Top
    };
    Label::new().show(true).position(position)
}

/// A white edge so adjacent stacked segments stay apart.
fn segment_style() -> ItemStyle {
    ItemStyle::new().border_color("#ffffff").border_width(1)
}

fn stacked_bar(name: &str) -> Bar {
    Bar::new()
        .name(name)
        .stack(STACK)
        .item_style(segment_style())
}

fn numbers(values: impl IntoIterator<Item = u32>) -> Vec<i64> {
    values.into_iter().map(i64::from).collect()
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn percent(share: Share) -> f64 {
    share.percent().map_or(0.0, round1)
}

/// A value drawn grey when it rests on too few to rely on.
fn maybe_grey(value: f64, unreliable: bool, grey: &str) -> DataPoint {
    if unreliable {
        DataPointItem::new(value)
            .item_style(ItemStyle::new().color(grey))
            .into()
    } else {
        value.into()
    }
}

/// New referrals and episodes ended (bars) and the open caseload (line) per period.
pub fn caseload_over_time(rows: &[PeriodCounts]) -> Chart {
    let column = |f: fn(&PeriodCounts) -> u32| numbers(rows.iter().map(f));
    axes(
        base(true, false),
        false,
        category_axis(rows.iter().map(|r| r.label.clone())),
        count_axis("Referrals", false),
    )
    .series(Bar::new().name("New referrals").data(column(|r| r.new)))
    .series(Bar::new().name("Episodes ended").data(column(|r| r.closed)))
    .series(
        Line::new()
            .name("Open at end of period")
            .symbol(Symbol::Circle)
            .symbol_size(7)
            .show_symbol(true)
            .data(column(|r| r.open)),
    )
}

/// One stacked bar per category, split into the data's series.
pub fn stacked_bars(data: &Stacked, horizontal: bool, value_name: &str) -> Chart {
    data.series.iter().fold(
        axes(
            base(true, horizontal),
            horizontal,
            category_axis(data.categories.iter().cloned()),
            count_axis(value_name, horizontal),
        ),
        |chart, (name, values)| {
            chart.series(stacked_bar(name).data(numbers(values.iter().copied())))
        },
    )
}

/// One bar per labelled count, with the count written on it.
pub fn count_bars(counts: &[Count], horizontal: bool, value_name: &str) -> Chart {
    axes(
        base(false, horizontal),
        horizontal,
        category_axis(counts.iter().map(|c| c.label.clone())),
        count_axis(value_name, horizontal),
    )
    .series(
        Bar::new()
            .name(value_name)
            .label(value_label(horizontal))
            .data(numbers(counts.iter().map(|c| c.count))),
    )
}

/// Merged programme counts as bars. A category whose counts were all hidden
/// (older files) is left out, never drawn as a bar of 0; the table beside
/// the chart marks it.
pub fn merged_bars(
    parts: &[(String, crate::views::summary::Merged)],
    horizontal: bool,
    value_name: &str,
) -> Chart {
    let shown: Vec<Count> = parts
        .iter()
        .filter(|(_, m)| !(m.known == 0 && m.hidden > 0))
        .map(|(label, m)| Count {
            label: label.clone(),
            count: m.known,
        })
        .collect();
    count_bars(&shown, horizontal, value_name)
}

/// Referrals per 1,000 registered patients by practice (those with a list size).
pub fn practice_rates(rows: &[PracticeRate]) -> Chart {
    const NAME: &str = "Referrals per 1,000 registered patients";
    let rated: Vec<(&str, f64)> = rows
        .iter()
        .filter_map(|r| Some((r.name.as_str(), round1(r.per_thousand?))))
        .collect();
    axes(
        base(false, true),
        true,
        category_axis(rated.iter().map(|(name, _)| (*name).to_owned())),
        value_axis(NAME, true),
    )
    .series(
        Bar::new()
            .name(NAME)
            .label(value_label(true))
            .data(rated.iter().map(|(_, rate)| *rate).collect::<Vec<_>>()),
    )
}

/// The top of a percentage scale just above `max`: 10, 20, 25, 30, 40, 50,
/// 60, 75 or 100.
fn scale_top(max: f64) -> f64 {
    [10.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 75.0, 100.0]
        .into_iter()
        .find(|top| max <= *top)
        .unwrap_or(100.0)
}

/// The did-not-attend rate by month. Months resting on few appointments are
/// shown apart (hollow, grey) and never set the scale: the scale fits the
/// reliable months, and an unreliable month above it sits on its top edge
/// (its true rate is in the table and its tooltip). So two missed
/// appointments out of two cannot squash a real 0–15% pattern.
pub fn dna_rate(rows: &[(String, Share)]) -> Chart {
    let flagged = |s: &Share| s.of > 0 && s.unreliable();
    let top = scale_top(
        rows.iter()
            .filter(|(_, s)| s.of > 0 && !flagged(s))
            .map(|(_, s)| percent(*s))
            .fold(0.0, f64::max),
    );
    let point = |s: &Share| {
        if s.of == 0 || flagged(s) {
            DataPoint::from(GAP)
        } else {
            DataPoint::from(percent(*s))
        }
    };
    let marked = |s: &Share| {
        if flagged(s) {
            let rate = percent(*s);
            DataPointItem::new(rate.min(top))
                .name(format!("{rate}% of {} planned", s.of))
                .into()
        } else {
            DataPoint::from(GAP)
        }
    };
    let chart = axes(
        base(true, false),
        false,
        category_axis(rows.iter().map(|(label, _)| label.clone())),
        value_axis("Did not attend (%)", false).min(0).max(top),
    )
    .series(
        Line::new()
            .name("Did not attend (%)")
            .symbol(Symbol::Circle)
            .symbol_size(7)
            .show_symbol(true)
            .data(rows.iter().map(|(_, s)| point(s)).collect::<Vec<_>>()),
    );
    if !rows.iter().any(|(_, s)| flagged(s)) {
        return chart;
    }
    chart.series(
        Scatter::new()
            .name(format!(
                "Fewer than {UNRELIABLE_BELOW} appointments (unreliable; at the top edge if higher)"
            ))
            .symbol(Symbol::Custom("emptyCircle".into()))
            .symbol_size(11)
            .item_style(ItemStyle::new().color(MUTED))
            .data(rows.iter().map(|(_, s)| marked(s)).collect::<Vec<_>>()),
    )
}

/// Improved, about the same and worse as shares of each paired outcome.
pub fn outcome_shares(rows: &[OutcomeChange]) -> Chart {
    const PARTS: [(&str, &str); 3] = [
        ("Improved", IMPROVED),
        ("About the same", SAME),
        ("Worse", WORSE),
    ];
    let parts = |r: &OutcomeChange| [r.improved, r.same, r.worse];
    let n = |r: &OutcomeChange| parts(r).iter().sum::<u32>();
    PARTS.iter().enumerate().fold(
        axes(
            base(true, true),
            true,
            category_axis(rows.iter().map(|r| format!("{} (n={})", r.label, n(r)))),
            percent_axis("People with both scores (%)", true),
        ),
        |chart, (i, (name, colour))| {
            // An empty segment is left out, so it gets no "0%" label.
            let share = |r: &OutcomeChange| match parts(r)[i] {
                0 => DataPoint::from(GAP),
                count => DataPoint::from(percent(Share { count, of: n(r) })),
            };
            chart.series(
                stacked_bar(name)
                    .item_style(segment_style().color(*colour))
                    .label(Label::new().show(true).formatter("{c}%"))
                    .data(rows.iter().map(share).collect::<Vec<_>>()),
            )
        },
    )
}

/// The share seen three or more times by group; small groups greyed and labelled.
pub fn breakdown(b: &Breakdown) -> Chart {
    const NAME: &str = "Seen three or more times (%)";
    let groups: Vec<_> = b.groups.iter().filter(|g| g.referrals > 0).collect();
    let label = |g: &&GroupRow| {
        if g.unreliable() {
            format!("{} (fewer than {UNRELIABLE_BELOW}, unreliable)", g.label)
        } else {
            g.label.clone()
        }
    };
    axes(
        base(false, true),
        true,
        category_axis(groups.iter().map(label)),
        percent_axis(NAME, true),
    )
    .series(
        Bar::new().name(NAME).label(value_label(true)).data(
            groups
                .iter()
                .map(|g| maybe_grey(percent(g.seen_three_plus), g.unreliable(), GREY))
                .collect::<Vec<_>>(),
        ),
    )
}

/// How satisfied people were with the support, from 1 to 5.
pub fn satisfaction(counts: &[u32; 5]) -> Chart {
    let rows: Vec<Count> = crate::work::measures::SATISFACTION
        .iter()
        .zip(counts)
        .map(|(label, count)| Count {
            label: (*label).to_owned(),
            count: *count,
        })
        .collect();
    count_bars(&rows, false, "Responses")
}

/// Reads one level's minutes.
type Level = fn(&LevelMinutes) -> u32;

/// Hours on each level of the work per month (stacked).
pub fn level_balance(rows: &[(String, LevelMinutes)]) -> Chart {
    let hours = |f: Level| {
        rows.iter()
            .map(|(_, m)| round1(f64::from(f(m)) / 60.0))
            .collect::<Vec<_>>()
    };
    let levels: [(&str, Level); 4] = [
        ("With people (contacts)", |m| m.person),
        ("On people's behalf", |m| m.on_behalf),
        ("Practice work", |m| m.practice),
        ("Community work", |m| m.community),
    ];
    levels.into_iter().fold(
        axes(
            base(true, false),
            false,
            category_axis(rows.iter().map(|(label, _)| label.clone())),
            value_axis("Hours", false),
        ),
        |chart, (name, f)| chart.series(stacked_bar(name).data(hours(f))),
    )
}

/// The latest check-in's score per construct (1 to 5), practices side by side.
pub fn construct_scores(profiles: &[PracticeProfile]) -> Chart {
    let latest: Vec<(&str, [Option<f64>; 4])> = profiles
        .iter()
        .filter_map(|p| Some((p.name.as_str(), p.checkins.last()?.scores)))
        .collect();
    Construct::ALL.iter().enumerate().fold(
        axes(
            base(true, false),
            false,
            category_axis(latest.iter().map(|(name, _)| (*name).to_owned())),
            value_axis("Mean agreement (1 to 5)", false).min(0).max(5),
        ),
        |chart, (i, construct)| {
            chart.series(
                Bar::new().name(construct.label()).data(
                    latest
                        .iter()
                        .map(|(_, scores)| {
                            scores[i].map_or(DataPoint::from(GAP), |v| DataPoint::from(round1(v)))
                        })
                        .collect::<Vec<_>>(),
                ),
            )
        },
    )
}

/// One practice's construct scores (1 to 5) at each check-in.
pub fn scores_over_time(profile: &PracticeProfile) -> Chart {
    Construct::ALL.iter().enumerate().fold(
        axes(
            base(true, false),
            false,
            category_axis(
                profile
                    .checkins
                    .iter()
                    .map(|c| c.date.format("%-d %b %Y").to_string()),
            ),
            value_axis("Mean agreement (1 to 5)", false).min(0).max(5),
        ),
        |chart, (i, construct)| {
            chart.series(
                Line::new()
                    .name(construct.label())
                    .symbol(SYMBOLS[i % SYMBOLS.len()].clone())
                    .symbol_size(9)
                    .show_symbol(true)
                    .data(
                        profile
                            .checkins
                            .iter()
                            .map(|c| {
                                c.scores[i]
                                    .map_or(DataPoint::from(GAP), |v| DataPoint::from(round1(v)))
                            })
                            .collect::<Vec<_>>(),
                    ),
            )
        },
    )
}

/// A different marker for each line, so lines are told apart without colour.
const SYMBOLS: [Symbol; 4] = [
    Symbol::Circle,
    Symbol::Rect,
    Symbol::Triangle,
    Symbol::Diamond,
];

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::views::dashboard::Dimension;

    fn json_of(chart: &Chart) -> Value {
        serde_json::to_value(chart).expect("a chart serializes")
    }

    fn period(label: &str, open: u32, new: u32, closed: u32) -> PeriodCounts {
        PeriodCounts {
            label: label.into(),
            start: chrono::NaiveDate::MIN,
            open,
            new,
            closed,
        }
    }

    fn count(label: &str, count: u32) -> Count {
        Count {
            label: label.into(),
            count,
        }
    }

    fn outcome(label: &str, improved: u32, same: u32, worse: u32) -> OutcomeChange {
        OutcomeChange {
            instrument: "ONS4".into(),
            label: label.into(),
            higher_is_better: true,
            spread: None,
            improved,
            same,
            worse,
        }
    }

    fn group(label: &str, referrals: u32, seen: u32) -> GroupRow {
        GroupRow {
            label: label.into(),
            referrals,
            seen_three_plus: Share {
                count: seen,
                of: referrals,
            },
            improved_wellbeing: Share::default(),
        }
    }

    fn stacked() -> Stacked {
        Stacked {
            categories: vec!["Jan 2026".into(), "Feb 2026".into()],
            series: vec![("GP".into(), vec![2, 0]), ("Self".into(), vec![1, 3])],
        }
    }

    fn breakdown_of(groups: Vec<GroupRow>) -> Breakdown {
        Breakdown {
            dimension: Dimension::AgeBand,
            groups,
        }
    }

    fn every_chart(empty: bool) -> Vec<(&'static str, Chart)> {
        let (rows, counts, stack, outcomes, groups, dna) = if empty {
            let none = breakdown_of(vec![group("18 to 24", 0, 0)]);
            (vec![], vec![], Stacked::default(), vec![], none, vec![])
        } else {
            (
                vec![period("Jan 2026", 3, 2, 1)],
                vec![count("Up to 7 days", 4)],
                stacked(),
                vec![outcome("Life satisfaction", 2, 1, 1)],
                breakdown_of(vec![group("18 to 24", 12, 6)]),
                vec![("Jan 2026".to_owned(), Share { count: 2, of: 20 })],
            )
        };
        let rates = if empty {
            vec![]
        } else {
            vec![PracticeRate {
                name: "Riverside".into(),
                referrals: 5,
                list_size: Some(2000),
                per_thousand: Some(2.5),
            }]
        };
        vec![
            ("caseload_over_time", caseload_over_time(&rows)),
            ("stacked_bars", stacked_bars(&stack, false, "Referrals")),
            (
                "stacked_bars horizontal",
                stacked_bars(&stack, true, "Referrals"),
            ),
            ("count_bars", count_bars(&counts, false, "People")),
            ("count_bars horizontal", count_bars(&counts, true, "People")),
            ("practice_rates", practice_rates(&rates)),
            ("dna_rate", dna_rate(&dna)),
            ("outcome_shares", outcome_shares(&outcomes)),
            ("breakdown", breakdown(&groups)),
            ("satisfaction", satisfaction(&[1, 0, 2, 3, 4])),
        ]
    }

    #[test]
    fn every_chart_is_still_accessible_and_uses_the_palette() {
        for empty in [false, true] {
            for (name, chart) in every_chart(empty) {
                let v = json_of(&chart);
                assert_eq!(v["animation"], json!(false), "{name}");
                assert_eq!(v["aria"]["enabled"], json!(true), "{name}");
                assert_eq!(v["aria"]["decal"]["show"], json!(true), "{name}");
                let decals = v["aria"]["decal"]["decals"].as_array();
                assert_eq!(decals.map(Vec::len), Some(6), "{name}");
                assert_eq!(v["color"], json!(PALETTE), "{name}");
                assert_eq!(v["tooltip"], json!({"trigger": "axis"}), "{name}");
                assert_eq!(v["grid"][0]["containLabel"], json!(true), "{name}");
            }
        }
    }

    #[test]
    fn empty_inputs_give_charts_without_data() {
        for (name, chart) in every_chart(true) {
            if name == "satisfaction" {
                continue;
            }
            let v = json_of(&chart);
            for s in v["series"].as_array().into_iter().flatten() {
                assert!(s.get("data").is_none(), "{name}: {s}");
            }
            for axis in ["xAxis", "yAxis"] {
                assert!(v[axis].is_object(), "{name}: one {axis}");
                assert!(v[axis].get("data").is_none(), "{name}: {axis}");
            }
        }
        let v = json_of(&stacked_bars(&Stacked::default(), false, "Referrals"));
        assert!(v.get("series").is_none());
    }

    #[test]
    fn caseload_over_time_has_two_bar_series_and_a_line() {
        let v = json_of(&caseload_over_time(&[
            period("Jan 2026", 3, 2, 1),
            period("Feb 2026", 4, 2, 0),
        ]));
        assert_eq!(
            v["series"],
            json!([
                {"type": "bar", "name": "New referrals", "data": [2, 2]},
                {"type": "bar", "name": "Episodes ended", "data": [1, 0]},
                {
                    "type": "line",
                    "name": "Open at end of period",
                    "symbol": "circle",
                    "symbolSize": 7.0,
                    "showSymbol": true,
                    "data": [3, 4]
                }
            ])
        );
        assert_eq!(
            v["xAxis"],
            json!({"type": "category", "data": ["Jan 2026", "Feb 2026"]})
        );
        assert_eq!(
            v["yAxis"],
            json!({
                "type": "value",
                "name": "Referrals",
                "nameTextStyle": {"align": "left"},
                "minInterval": 1.0
            })
        );
        assert_eq!(v["legend"], json!({"type": "scroll", "top": 0}));
    }

    #[test]
    fn stacked_bars_share_one_stack_with_white_edges() {
        let border = json!({"borderColor": "#ffffff", "borderWidth": 1.0});
        let v = json_of(&stacked_bars(&stacked(), true, "Referrals"));
        assert_eq!(
            v["series"],
            json!([
                {"type": "bar", "name": "GP", "stack": "total", "itemStyle": border, "data": [2, 0]},
                {"type": "bar", "name": "Self", "stack": "total", "itemStyle": border, "data": [1, 3]}
            ])
        );
        assert_eq!(
            v["yAxis"],
            json!({
                "type": "category",
                "inverse": true,
                "axisLabel": {"interval": 0.0},
                "data": ["Jan 2026", "Feb 2026"]
            })
        );
        assert_eq!(v["xAxis"]["type"], json!("value"));
        assert_eq!(v["xAxis"]["minInterval"], json!(1.0));
        assert!(v["legend"].is_object());

        let v = json_of(&stacked_bars(&stacked(), false, "Referrals"));
        assert_eq!(v["xAxis"]["data"], json!(["Jan 2026", "Feb 2026"]));
        assert!(v["xAxis"].get("inverse").is_none());
        assert_eq!(v["yAxis"]["name"], json!("Referrals"));
    }

    #[test]
    fn count_bars_label_each_bar() {
        let counts = [count("Up to 7 days", 5), count("Over 56 days", 0)];
        let v = json_of(&count_bars(&counts, true, "People"));
        assert_eq!(
            v["series"],
            json!([{
                "type": "bar",
                "name": "People",
                "label": {"show": true, "position": "right"},
                "data": [5, 0]
            }])
        );
        assert_eq!(
            v["xAxis"],
            json!({
                "type": "value",
                "name": "People",
                "nameLocation": "middle",
                "nameGap": 28.0,
                "minInterval": 1.0
            })
        );
        assert_eq!(
            v["yAxis"],
            json!({
                "type": "category",
                "inverse": true,
                "axisLabel": {"interval": 0.0},
                "data": ["Up to 7 days", "Over 56 days"]
            })
        );
        assert!(v.get("legend").is_none());
        let v = json_of(&count_bars(&counts, false, "People"));
        assert_eq!(v["series"][0]["label"]["position"], json!("top"));
        assert_eq!(v["xAxis"]["type"], json!("category"));
    }

    #[test]
    fn practice_rates_round_and_leave_out_practices_without_a_list_size() {
        let rate = |name: &str, list_size: Option<u32>, per_thousand: Option<f64>| PracticeRate {
            name: name.into(),
            referrals: 5,
            list_size,
            per_thousand,
        };
        let v = json_of(&practice_rates(&[
            rate("Riverside", Some(2000), Some(2.5)),
            rate("Hilltop", None, None),
            rate("Canal Street", Some(4050), Some(1.234_567)),
        ]));
        assert_eq!(v["yAxis"]["data"], json!(["Riverside", "Canal Street"]));
        assert_eq!(v["series"][0]["data"], json!([2.5, 1.2]));
        assert_eq!(
            v["series"][0]["name"],
            json!("Referrals per 1,000 registered patients")
        );
        assert_eq!(v["series"][0]["label"]["show"], json!(true));
    }

    #[test]
    fn dna_rate_shows_unreliable_months_apart_and_never_lets_them_set_the_scale() {
        // Two planned, both missed: 100%, beside a real 5–15% pattern.
        let v = json_of(&dna_rate(&[
            ("Jan 2026".into(), Share { count: 2, of: 2 }),
            ("Feb 2026".into(), Share { count: 0, of: 0 }),
            ("Mar 2026".into(), Share { count: 3, of: 20 }),
            ("Apr 2026".into(), Share { count: 1, of: 20 }),
        ]));
        assert_eq!(
            v["series"][0]["data"],
            json!(["-", "-", 15.0, 5.0]),
            "the line is the reliable months"
        );
        assert_eq!(v["series"][0]["type"], json!("line"));
        assert_eq!(
            v["series"][1],
            json!({
                "type": "scatter",
                "name": "Fewer than 10 appointments (unreliable; at the top edge if higher)",
                "symbol": "emptyCircle",
                "symbolSize": 11.0,
                "itemStyle": {"color": "#4c6272"},
                "data": [{"value": 20.0, "name": "100% of 2 planned"}, "-", "-", "-"]
            })
        );
        assert_eq!(v["yAxis"]["min"], json!(0));
        assert_eq!(
            v["yAxis"]["max"],
            json!(20.0),
            "the scale fits 15%, not the unreliable 100%"
        );
        assert!(v["yAxis"]["name"]
            .as_str()
            .is_some_and(|name| name.contains('%')));

        let reliable = [("Jan 2026".to_owned(), Share { count: 2, of: 20 })];
        let v = json_of(&dna_rate(&reliable));
        assert_eq!(v["series"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["series"][0]["data"], json!([10.0]));
    }

    #[test]
    fn outcome_shares_are_percentages_of_each_row() {
        let v = json_of(&outcome_shares(&[
            outcome("Life satisfaction", 1, 1, 1),
            outcome("Anxiety", 0, 0, 0),
            outcome("SWEMWBS score", 3, 1, 0),
        ]));
        assert_eq!(
            v["yAxis"]["data"],
            json!([
                "Life satisfaction (n=3)",
                "Anxiety (n=0)",
                "SWEMWBS score (n=4)"
            ])
        );
        assert_eq!(v["xAxis"]["max"], json!(100));
        let series = v["series"].as_array().expect("series is a list");
        let names: Vec<_> = series.iter().map(|s| s["name"].clone()).collect();
        assert_eq!(
            names,
            [json!("Improved"), json!("About the same"), json!("Worse")]
        );
        let at = |row: usize| -> Vec<f64> {
            series
                .iter()
                .map(|s| s["data"][row].as_f64().unwrap_or(0.0))
                .collect()
        };
        assert_eq!(at(0), [33.3, 33.3, 33.3]);
        assert_eq!(at(1), [0.0, 0.0, 0.0]);
        assert_eq!(at(2), [75.0, 25.0, 0.0]);
        assert_eq!(
            series[2]["data"][2],
            json!("-"),
            "no 0% label on an empty segment"
        );
        assert!(
            series.iter().all(|s| s["data"][1] == json!("-")),
            "n=0 draws nothing"
        );
        for row in [0, 2] {
            let total: f64 = at(row).iter().sum();
            assert!((total - 100.0).abs() <= 0.15, "row {row} sums to {total}");
        }
        for (s, colour) in series.iter().zip([IMPROVED, SAME, WORSE]) {
            assert_eq!(s["stack"], json!("total"));
            assert_eq!(
                s["itemStyle"],
                json!({"color": colour, "borderColor": "#ffffff", "borderWidth": 1.0})
            );
            assert_eq!(s["label"], json!({"show": true, "formatter": "{c}%"}));
        }
    }

    #[test]
    fn breakdown_greys_and_labels_small_groups_and_skips_empty_ones() {
        let v = json_of(&breakdown(&breakdown_of(vec![
            group("18 to 24", 20, 12),
            group("25 to 34", 3, 1),
            group("Not recorded", 0, 0),
        ])));
        assert_eq!(
            v["yAxis"],
            json!({
                "type": "category",
                "inverse": true,
                "axisLabel": {"interval": 0.0},
                "data": ["18 to 24", "25 to 34 (fewer than 10, unreliable)"]
            })
        );
        assert_eq!(
            v["series"],
            json!([{
                "type": "bar",
                "name": "Seen three or more times (%)",
                "label": {"show": true, "position": "right"},
                "data": [60.0, {"value": 33.3, "itemStyle": {"color": "#768692"}}]
            }])
        );
        assert_eq!(v["xAxis"]["max"], json!(100));
    }

    #[test]
    fn satisfaction_names_each_score() {
        let v = json_of(&satisfaction(&[1, 0, 2, 3, 4]));
        assert_eq!(
            v["xAxis"]["data"],
            json!([
                "1 Very unhappy",
                "2 Unhappy",
                "3 Neither",
                "4 Happy",
                "5 Very happy"
            ])
        );
        assert_eq!(v["series"][0]["data"], json!([1, 0, 2, 3, 4]));
        assert_eq!(v["series"][0]["label"]["show"], json!(true));
    }
}
