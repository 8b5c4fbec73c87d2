//! Warnings for person references that look like personal data.
//!
//! A reference should be pseudonymous (for example `RV-0412`). These checks
//! never block saving; they warn, so a link worker can think again before a
//! name, NHS number or date of birth ends up in the record.

use std::fmt;

/// What a reference looks like, when it looks personal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceWarning {
    /// Ten digits with a valid NHS number check digit.
    NhsNumber,
    /// Ten or more digits in a row, like a phone or NHS number.
    LongNumber,
    /// A date, such as a date of birth.
    Date,
    /// Only words made of letters, like a name.
    Name,
    /// An email address.
    Email,
    /// A UK postcode, part of an address.
    Postcode,
}

impl fmt::Display for ReferenceWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NhsNumber => "This looks like an NHS number.",
            Self::LongNumber => "This looks like an NHS or phone number.",
            Self::Date => "This looks like a date, perhaps a date of birth.",
            Self::Name => "This looks like it could be a name.",
            Self::Email => "This looks like an email address.",
            Self::Postcode => "This looks like a postcode.",
        })?;
        f.write_str(" Use a pseudonymous reference instead, such as RV-0412.")
    }
}

/// Checks a reference and returns the first warning that applies.
pub fn check_reference(reference: &str) -> Option<ReferenceWarning> {
    let r = reference.trim();
    if r.is_empty() {
        return None;
    }
    let digits: String = r.chars().filter(char::is_ascii_digit).collect();
    let only_number_chars = r
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
    let numbers = grouped_numbers(r);
    if numbers
        .iter()
        .any(|n| n.len() == 10 && is_valid_nhs_number(n))
    {
        return Some(ReferenceWarning::NhsNumber);
    }
    if r.contains('@') && r.contains('.') {
        return Some(ReferenceWarning::Email);
    }
    if looks_like_date(r) {
        return Some(ReferenceWarning::Date);
    }
    if longest_digit_run(r) >= 10
        || (only_number_chars && digits.len() >= 10)
        || numbers.iter().any(|n| n.len() >= 10)
    {
        return Some(ReferenceWarning::LongNumber);
    }
    if looks_like_postcode(r) {
        return Some(ReferenceWarning::Postcode);
    }
    if looks_like_name(r) {
        return Some(ReferenceWarning::Name);
    }
    None
}

/// Why an appointment's place may say too much: it goes on the day sheet and into
/// calendar files, so it should name a room or a building, never where someone lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceWarning {
    /// A house number and a street ("12 High Street").
    Street,
    /// A UK postcode.
    Postcode,
    /// An NHS or phone number.
    Number,
    /// An email address.
    Email,
}

impl fmt::Display for PlaceWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Street => "This looks like a street address.",
            Self::Postcode => "This looks like a postcode.",
            Self::Number => "This looks like an NHS or phone number.",
            Self::Email => "This looks like an email address.",
        })?;
        f.write_str(" The place goes on the day sheet and into calendar files: write \u{201c}At home\u{201d} or a room, not where someone lives.")
    }
}

/// Words that end a street's name.
const STREET_WORDS: [&str; 26] = [
    "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "close", "drive", "dr", "way",
    "crescent", "court", "ct", "place", "gardens", "grove", "terrace", "square", "walk", "row",
    "mews", "parade", "rise", "view",
];

/// Words before a number that make it a room, not a house.
const ROOM_WORDS: [&str; 7] = ["room", "rm", "floor", "suite", "desk", "level", "unit"];

/// Checks an appointment's place and returns the first warning that applies. A warning,
/// never a refusal: "Room 3, Park Road Surgery" is a fine place that also warns.
pub fn check_place(place: &str) -> Option<PlaceWarning> {
    let p = place.trim();
    if p.is_empty() {
        return None;
    }
    if p.contains('@') && p.contains('.') {
        return Some(PlaceWarning::Email);
    }
    if longest_digit_run(p) >= 10 || grouped_numbers(p).iter().any(|n| n.len() >= 10) {
        return Some(PlaceWarning::Number);
    }
    let words: Vec<String> = p
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('.').to_lowercase())
        .collect();
    let postcode = (0..words.len()).any(|i| {
        looks_like_postcode(&words[i])
            || words
                .get(i + 1)
                .is_some_and(|next| looks_like_postcode(&format!("{} {next}", words[i])))
    });
    if postcode {
        return Some(PlaceWarning::Postcode);
    }
    // A house number (12, 12a, 12-14), then up to three words, the last a street word.
    let house = |w: &str| {
        let digits = w.chars().take_while(char::is_ascii_digit).count();
        (1..=4).contains(&digits)
            && w[digits..]
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '-')
    };
    for (i, w) in words.iter().enumerate() {
        let room = i > 0 && ROOM_WORDS.contains(&words[i - 1].as_str());
        if !house(w) || room {
            continue;
        }
        let after = &words[i + 1..words.len().min(i + 4)];
        if after
            .iter()
            .skip(1)
            .any(|w| STREET_WORDS.contains(&w.as_str()))
        {
            return Some(PlaceWarning::Street);
        }
    }
    None
}

/// NHS numbers are ten digits; the last is a modulus 11 check digit.
pub fn is_valid_nhs_number(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 10 || digits.chars().count() != 10 {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, v)| v * (10 - i as u32))
        .sum();
    let check = 11 - (sum % 11);
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == d[9]
}

/// The numbers in a text, each with its digits joined where single spaces,
/// dots or hyphens split them, as NHS and phone numbers are written
/// ("943 476 5919", "943.476.5919", "NHS 943-476-5919").
fn grouped_numbers(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            current.push(*c);
            continue;
        }
        let joins = " .-".contains(*c)
            && !current.is_empty()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if !joins && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn longest_digit_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    for c in s.chars() {
        if c.is_ascii_digit() {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn looks_like_date(s: &str) -> bool {
    // Numeric dates: d/m/yy, dd.mm.yyyy, yyyy-mm-dd, with any separator.
    let parts: Vec<&str> = s
        .split(['/', '-', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if numeric {
        let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        let (a, b, c) = (n[0], n[1], n[2]);
        let dmy = (1..=31).contains(&a) && (1..=12).contains(&b) && plausible_year(parts[2], c);
        let mdy = (1..=12).contains(&a) && (1..=31).contains(&b) && plausible_year(parts[2], c);
        let ymd = parts[0].len() == 4
            && (1900..=2100).contains(&a)
            && (1..=12).contains(&b)
            && (1..=31).contains(&c);
        return dmy || mdy || ymd;
    }
    // Written dates: "12 March 1980", "March 12 1980", "12 mar 80".
    let lower = s.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has_month = words
        .iter()
        .any(|w| w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)));
    let numbers = words
        .iter()
        .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
        .count();
    has_month && numbers >= 2 && words.len() <= 4
}

fn plausible_year(text: &str, value: u32) -> bool {
    match text.len() {
        2 => true,
        4 => (1900..=2100).contains(&value),
        _ => false,
    }
}

fn looks_like_postcode(s: &str) -> bool {
    // Outward code (A9, A99, AA9, AA99, A9A, AA9A), a space, inward code (9AA).
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let c: Vec<char> = compact.to_ascii_uppercase().chars().collect();
    if !(5..=7).contains(&c.len()) {
        return false;
    }
    let (outward, inward) = c.split_at(c.len() - 3);
    let inward_ok = inward[0].is_ascii_digit()
        && inward[1].is_ascii_alphabetic()
        && inward[2].is_ascii_alphabetic();
    let outward_ok = outward[0].is_ascii_alphabetic()
        && outward.iter().any(char::is_ascii_digit)
        && outward.iter().all(char::is_ascii_alphanumeric)
        && outward
            .iter()
            .find(|c| !c.is_ascii_alphabetic())
            .is_some_and(char::is_ascii_digit);
    let letters_first = outward
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    inward_ok && outward_ok && (1..=2).contains(&letters_first)
}

/// Titles GP systems write with names.
const TITLES: [&str; 8] = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev"];

/// A name as people and GP systems write them: "Jane Smith", "SMITH, Jane",
/// "Mrs J Smith", "J. Smith", "Smith Jane (Mrs)". Letters only (with
/// hyphens, apostrophes, commas, full stops and brackets), at least one real
/// word (two letters or more, with a vowel), besides any titles and initials.
fn looks_like_name(s: &str) -> bool {
    if !s
        .chars()
        .all(|c| c.is_alphabetic() || c.is_whitespace() || ",.()'-".contains(c))
    {
        return false;
    }
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || ",().".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 5 {
        return false;
    }
    let title = |w: &&str| TITLES.contains(&w.to_lowercase().as_str());
    let initial = |w: &&str| w.chars().count() == 1;
    let word = |w: &&str| {
        w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && w.chars().any(|c| "aeiouyAEIOUY".contains(c))
    };
    let fits = words.iter().all(|w| title(w) || initial(w) || word(w));
    let real = words.iter().filter(|w| word(w) && !title(w)).count();
    // A single all-capital short word is more likely initials or a code.
    let single_code =
        words.len() == 1 && words[0].chars().all(|c| c.is_ascii_uppercase()) && words[0].len() <= 4;
    fits && real >= 1 && !single_code
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_place_that_says_where_someone_lives_is_warned_about_and_rooms_are_not() {
        for fine in [
            "Room 3, Hillview",
            "At home",
            "Meet at the practice door",
            "Room 12, Park Road Surgery",
            "Community room, Canal",
            "Floor 2, Oak House",
            "",
        ] {
            assert_eq!(check_place(fine), None, "{fine}");
        }
        for (said, warning) in [
            ("12 High Street", PlaceWarning::Street),
            ("Flat 2, 14a Oak Court", PlaceWarning::Street),
            ("12 Church St.", PlaceWarning::Street),
            ("Home, LS1 4AB", PlaceWarning::Postcode),
            ("ls14ab", PlaceWarning::Postcode),
            ("ring 07700 900123 first", PlaceWarning::Number),
            ("sam@example.org", PlaceWarning::Email),
        ] {
            assert_eq!(check_place(said), Some(warning), "{said}");
        }
        assert!(PlaceWarning::Street.to_string().contains("calendar files"));
    }

    use super::*;

    #[test]
    fn pseudonymous_references_pass() {
        for ok in [
            "RV-0412",
            "LW 17",
            "ab12",
            "P-2024-031",
            "JS",
            "X9",
            "ref 3b",
        ] {
            assert_eq!(check_reference(ok), None, "{ok} should be fine");
        }
    }

    #[test]
    fn nhs_numbers_are_recognised_by_check_digit() {
        assert!(is_valid_nhs_number("9434765919"));
        assert!(!is_valid_nhs_number("9434765918"));
        assert_eq!(
            check_reference("943 476 5919"),
            Some(ReferenceWarning::NhsNumber)
        );
        assert_eq!(
            check_reference("9434765918"),
            Some(ReferenceWarning::LongNumber)
        );
        assert_eq!(
            check_reference("07700900123"),
            Some(ReferenceWarning::LongNumber)
        );
    }

    #[test]
    fn dates_are_recognised() {
        for d in [
            "12/03/1980",
            "1980-03-12",
            "3.12.80",
            "12 March 1980",
            "mar 12 80",
        ] {
            assert_eq!(check_reference(d), Some(ReferenceWarning::Date), "{d}");
        }
    }

    #[test]
    fn names_emails_and_postcodes_are_recognised() {
        assert_eq!(check_reference("Jane Smith"), Some(ReferenceWarning::Name));
        assert_eq!(check_reference("o'brien"), Some(ReferenceWarning::Name));
        assert_eq!(
            check_reference("mary-ann jones"),
            Some(ReferenceWarning::Name)
        );
        assert_eq!(
            check_reference("jane@example.org"),
            Some(ReferenceWarning::Email)
        );
        assert_eq!(check_reference("G12 8QQ"), Some(ReferenceWarning::Postcode));
        assert_eq!(check_reference("sw1a1aa"), Some(ReferenceWarning::Postcode));
    }

    #[test]
    fn names_as_gp_systems_write_them_are_recognised() {
        for name in [
            "SMITH, Jane",
            "Mrs J Smith",
            "J. Smith",
            "Smith Jane (Mrs)",
            "Dr A. Patel",
            "SMITH Jane",
            "jane smith",
            "O'Brien, Mary-Ann",
        ] {
            assert_eq!(
                check_reference(name),
                Some(ReferenceWarning::Name),
                "{name}"
            );
        }
    }

    #[test]
    fn nhs_numbers_with_dots_or_words_around_are_recognised() {
        for n in [
            "943.476.5919",
            "NHS 943 476 5919",
            "943-476-5919",
            "NHS no: 9434765919",
            "nhs number 943 476 5919 (checked)",
        ] {
            assert_eq!(check_reference(n), Some(ReferenceWarning::NhsNumber), "{n}");
        }
        // A wrong check digit is still a long number.
        assert_eq!(
            check_reference("NHS 943 476 5918"),
            Some(ReferenceWarning::LongNumber)
        );
        assert_eq!(
            check_reference("tel 07700 900 123"),
            Some(ReferenceWarning::LongNumber)
        );
    }

    /// False alarms: none on the demo's references or on codes services use.
    #[test]
    fn pseudonymous_codes_raise_no_false_alarm() {
        let ws = crate::work::demo::generate(
            &crate::work::demo::DemoSpec::standard(),
            crate::testing::today(),
        );
        let refs: Vec<&str> = ws.people.values().map(|p| p.reference.as_str()).collect();
        let alarms: Vec<&&str> = refs
            .iter()
            .filter(|r| check_reference(r).is_some())
            .collect();
        assert!(refs.len() > 200);
        assert_eq!(
            alarms,
            Vec::<&&str>::new(),
            "false alarms on the demo's references"
        );
        for code in [
            "RV-0412",
            "EMIS 12345",
            "SystmOne 48213",
            "LW 17",
            "LW17/032",
            "P-2024-031",
            "Case 2026/014",
            "HV-0032",
            "ref 3b",
            "JS",
            "NHS-LW-0042",
            "RIV 1203",
        ] {
            assert_eq!(check_reference(code), None, "{code}");
        }
    }

    #[test]
    fn the_warning_suggests_what_to_do() {
        let text = ReferenceWarning::Name.to_string();
        assert!(text.contains("pseudonymous reference"));
    }
}
