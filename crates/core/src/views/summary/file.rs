//! Summary files: writing one (optionally encrypted), reading one back, and
//! checking that its counts are protected as a Linkwork summary's are.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::store::crypto::{derive_key, KdfParams, Random, Vault};
use crate::store::format::{decode, encode_doc, DocKind, FormatError};
use crate::views::disclosure;

use super::*;

/// An encrypted summary file: the label and period are readable, so a
/// manager can see whose file it is before typing its passphrase.
pub const SEALED_SUMMARY_DOC: DocKind = DocKind {
    format: "linkwork.summary.sealed",
    current: 1,
    migrations: &[],
};

#[derive(Serialize, Deserialize)]
pub(super) struct SealedSummary {
    label: String,
    from: NaiveDate,
    to: NaiveDate,
    kdf: KdfParams,
    /// The summary document, sealed with AES-256-GCM.
    payload: String,
}

/// What is bound to a sealed summary's ciphertext.
pub(super) const SUMMARY_AAD: &str = "linkwork.summary";

/// Why a summary file could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SummaryError {
    #[error("{0}. Ask the link worker for a new copy of the file.")]
    Format(FormatError),
    #[error("This summary is encrypted: type the passphrase it was exported with.")]
    PassphraseNeeded,
    #[error("The passphrase does not open this summary, or the file has been changed.")]
    WrongPassphrase,
    #[error("Its counts are not protected as a Linkwork summary's are ({0}). Ask the link worker for a new file made with Linkwork.")]
    Unsafe(String),
}

impl Summary {
    /// The file text, optionally encrypted with `passphrase`.
    pub fn to_file(&self, passphrase: Option<&str>, rng: &mut dyn Random) -> String {
        let plain = encode_doc(&SUMMARY_DOC, self);
        let Some(pass) = passphrase.filter(|p| !p.is_empty()) else {
            return plain;
        };
        let kdf = KdfParams::recommended(rng);
        let vault = derive_key(pass, &kdf).map(|key| Vault::new(&key));
        let Ok(vault) = vault else {
            return plain;
        };
        encode_doc(
            &SEALED_SUMMARY_DOC,
            &SealedSummary {
                label: self.label.clone(),
                from: self.from,
                to: self.to,
                kdf,
                payload: vault.seal(SUMMARY_AAD, &plain, rng),
            },
        )
    }

    /// Reads a summary file, checking it completely: format and version,
    /// the passphrase if it is encrypted, and that no count from 1 to 4 is
    /// shown and no group gives one away by subtraction.
    pub fn from_file(text: &str, passphrase: Option<&str>) -> Result<Summary, SummaryError> {
        let summary = match decode::<Summary>(&SUMMARY_DOC, text) {
            Err(FormatError::WrongFormat { found, .. }) if found == SEALED_SUMMARY_DOC.format => {
                let sealed: SealedSummary =
                    decode(&SEALED_SUMMARY_DOC, text).map_err(SummaryError::Format)?;
                let pass = passphrase
                    .filter(|p| !p.is_empty())
                    .ok_or(SummaryError::PassphraseNeeded)?;
                let key =
                    derive_key(pass, &sealed.kdf).map_err(|_| SummaryError::WrongPassphrase)?;
                let plain = Vault::new(&key)
                    .open(SUMMARY_AAD, &sealed.payload)
                    .map_err(|_| SummaryError::WrongPassphrase)?;
                decode::<Summary>(&SUMMARY_DOC, &plain).map_err(SummaryError::Format)?
            }
            other => other.map_err(SummaryError::Format)?,
        };
        summary.check()?;
        Ok(summary)
    }

    /// Checks the protection of every group (files may come from anywhere).
    pub fn check(&self) -> Result<(), SummaryError> {
        for g in &self.groups {
            let problem = match self.protection {
                Protection::Suppressed => exposure(g),
                Protection::Rounded => unrounded(g),
            };
            if let Some(problem) = problem {
                return Err(SummaryError::Unsafe(format!(
                    "{}, {}, {}: {problem}",
                    g.table, g.month, g.practice
                )));
            }
        }
        Ok(())
    }
}

/// What is wrong with a group of a version 2 file, if anything: every count
/// a multiple of 5, parts that add up, breakdowns only of groups of 10 or
/// more, and practices together only two or more at a time.
pub fn unrounded(g: &Group) -> Option<String> {
    let mut sum = 0;
    let total = match g.total {
        Cell::Exact(n) => n,
        _ => return Some("a count is not a number".into()),
    };
    for (k, c) in std::iter::once((&"Total".to_owned(), &g.total)).chain(&g.parts) {
        match c {
            Cell::Exact(n) if n.is_multiple_of(disclosure::BASE) => {
                if k != "Total" {
                    if !g.partition && *n > total {
                        return Some(format!("{k} is more than the total"));
                    }
                    sum += n;
                }
            }
            _ => return Some(format!("{k} is not rounded to a multiple of 5")),
        }
    }
    if g.parts.is_empty() {
        return None;
    }
    if g.withheld.is_some() {
        return Some("a group marked as not broken down has parts".into());
    }
    if total < disclosure::SMALLEST_GROUP {
        return Some("a group of fewer than 10 is broken down".into());
    }
    if g.partition && sum != total {
        return Some(format!("the parts add up to {sum}, not the total"));
    }
    if g.practice == FOLDED && g.combines.len() < 2 {
        return Some("practices together must be two or more".into());
    }
    None
}

/// How a group would give away a count from 1 to 4, if it would.
pub fn exposure(g: &Group) -> Option<String> {
    let small = |c: &Cell| matches!(c, Cell::Exact(n) if (1..SMALLEST_SHOWN).contains(n));
    if small(&g.total) {
        return Some("the total is shown".into());
    }
    if let Some((k, _)) = g.parts.iter().find(|(_, c)| small(c)) {
        return Some(format!("{k} is shown"));
    }
    let Cell::Exact(total) = g.total else {
        return None;
    };
    if !g.partition {
        return None;
    }
    let unknown: Vec<&Cell> = g
        .parts
        .values()
        .filter(|c| !matches!(c, Cell::Exact(_)))
        .collect();
    let shown: u32 = g
        .parts
        .values()
        .filter_map(|c| match c {
            Cell::Exact(n) => Some(*n),
            _ => None,
        })
        .sum();
    match unknown.len() {
        1 => Some(format!(
            "one part is hidden but is the total less the others ({})",
            total.saturating_sub(shown)
        )),
        _ => None,
    }
}
