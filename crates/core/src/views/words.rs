//! Small pieces of plain English shared by every screen and message.

/// "1 service", "2 services", "1 entry", "3 entries": a count with its noun
/// in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "service", "services"), "1 service");
        assert_eq!(count(0, "service", "services"), "0 services");
        assert_eq!(count(2, "entry", "entries"), "2 entries");
    }
}
