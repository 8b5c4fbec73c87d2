//! The SNOMED CT concepts Linkwork gives for the GP record: one table, with their terms and
//! when each is coded. Every other part (the message back, the GP record entry) takes its
//! codes from here.

/// A SNOMED CT concept: its identifier, its preferred term, and when a link worker codes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Concept {
    pub code: &'static str,
    pub term: &'static str,
    pub coded_when: &'static str,
}

impl Concept {
    /// As a GP system shows it: "SNOMED CT 871731000000106 |Referral to social prescribing
    /// service|".
    pub fn line(&self) -> String {
        format!("SNOMED CT {} |{}|", self.code, self.term)
    }
}

/// Referral to social prescribing service: once for each accepted episode.
pub const REFERRAL: Concept = Concept {
    code: "871731000000106",
    term: "Referral to social prescribing service",
    coded_when: "once for each episode, on its referral date",
};

/// Social prescribing declined: the person said they do not want it.
pub const DECLINED: Concept = Concept {
    code: "871711000000103",
    term: "Social prescribing declined",
    coded_when: "on the day the person declines",
};

/// Every concept Linkwork codes.
pub const CONCEPTS: [Concept; 2] = [REFERRAL, DECLINED];

#[cfg(test)]
mod tests {
    use super::*;
    use verhoeff::Verhoeff;

    #[test]
    fn every_code_is_a_valid_uk_concept_identifier_with_its_own_term() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CONCEPTS {
            assert!(seen.insert(c.code), "{} twice", c.code);
            assert!(c.code.chars().all(|d| d.is_ascii_digit()), "{}", c.code);
            assert!((6..=18).contains(&c.code.len()), "{}", c.code);
            // The last digit is a Verhoeff check digit over the rest.
            assert!(
                c.code.validate_verhoeff_check_digit(),
                "{} fails its check digit",
                c.code
            );
            // Partition 10: a concept in an extension, whose namespace is the UK's (1000000).
            let n = c.code.len();
            assert_eq!(&c.code[n - 3..n - 1], "10", "{} is not a concept", c.code);
            assert_eq!(
                &c.code[n - 10..n - 3],
                "1000000",
                "{} is not in the UK extension",
                c.code
            );
            assert!(!c.term.is_empty() && !c.coded_when.is_empty());
        }
        // A changed digit is caught.
        assert!(!"871731000000107".validate_verhoeff_check_digit());
        assert_eq!(
            REFERRAL.line(),
            "SNOMED CT 871731000000106 |Referral to social prescribing service|"
        );
    }
}
