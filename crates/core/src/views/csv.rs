//! CSV for Excel: the one writer every table and export uses.

/// Makes a cell safe for spreadsheets: text starting with a formula
/// character is prefixed with an apostrophe so it is shown, never run.
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Writes rows as CSV for Excel: UTF-8 with a byte-order mark, CRLF line
/// ends, every cell made safe.
pub fn write_csv(rows: &[Vec<String>]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        let _ = writer.write_record(row.iter().map(|c| safe_cell(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}
