//! Numbers as every screen, table and file writes them.

/// A count with thousands separators: 11,200.
pub fn count(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number to one decimal place, with a true minus sign for negatives.
pub fn decimal(x: f64) -> String {
    let text = format!("{x:.1}");
    match text.strip_prefix('-') {
        Some("0.0") => "0.0".into(),
        Some(rest) => format!("−{rest}"),
        None => text,
    }
}

/// A percentage rounded to a whole number, "33%", or "–" when there is none.
pub fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "–".into(), |p| format!("{}%", p.round()))
}
