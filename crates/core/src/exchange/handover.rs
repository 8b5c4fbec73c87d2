//! The handover file: who it is from, when, and how many people it holds, readable; the
//! rest sealed (AES-256-GCM) under a key derived (Argon2id) from a one-time handover code.
//! The code is shown once on the sender's screen, to be given in person or by phone, never
//! in the same email as the file; it is kept nowhere.

use base32ct::{Base32UpperUnpadded, Encoding as _};
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::store::crypto::{derive_key, KdfParams, Random, Vault};
use crate::store::format::{decode, encode_doc, DocKind, FormatError};
use crate::store::vault_store::{normalise_code, show_code};
use crate::work::handover::Handover;

/// The file's readable outer layer.
pub const HANDOVER_DOC: DocKind = DocKind {
    format: "linkwork.handover",
    current: 1,
    migrations: &[],
};

/// The sealed contents.
/// Version 2: entries' ids unique across copies (moved as stored records move to version 7).
pub const HANDOVER_CONTENTS_DOC: DocKind = DocKind {
    format: "linkwork.handover-contents",
    current: 2,
    migrations: &[crate::store::format::records_v6_to_v7],
};

/// What the file says without its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverFile {
    /// The sender's workspace label.
    pub from: String,
    pub made: DateTime<Utc>,
    /// How many people it holds.
    pub people: usize,
    pub kdf: KdfParams,
    /// Base64 of the nonce and the ciphertext of the deflated contents.
    pub sealed: String,
}

/// Random bytes in a handover code: 80 bits, 16 base32 characters, read out in four groups.
const CODE_BYTES: usize = 10;
/// What the sealed contents are bound to.
const AAD: &str = "linkwork.handover";

/// Why a handover file could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandoverFileError {
    #[error("{0} is not a Linkwork handover file. Choose the file your colleague sent: its name starts with \u{201c}linkwork-handover\u{201d}.")]
    NotHandover(String),
    #[error("{0} is damaged or incomplete (it may have been cut short when it was copied). Nothing was changed. Ask your colleague to send it again.")]
    Damaged(String),
    #[error("{name} was made by a newer version of Linkwork (handover format {found}). Nothing was changed. Reload this page to get the newest version, then try again.")]
    Newer { name: String, found: u64 },
    #[error("A handover code is 16 letters and digits, in four groups, like ABCD-EFGH-JKLM-NPQR. Check what your colleague read out.")]
    CodeShape,
    #[error("That code does not open {0}. Check it with your colleague (it is only for this file), or ask them for the file again if it may have been changed.")]
    WrongCode(String),
}

/// The file's name: the day it was made, nothing about anyone in it.
pub fn file_name(made: NaiveDate) -> String {
    format!("linkwork-handover-{}.json", made.format("%Y-%m-%d"))
}

/// Seals a handover: the file's text, and the code to give the colleague (shown once).
pub fn seal_handover(handover: &Handover, rng: &mut dyn Random) -> (String, String) {
    let mut bytes = [0u8; CODE_BYTES];
    rng.fill(&mut bytes);
    let code = Base32UpperUnpadded::encode_string(&bytes);
    let kdf = KdfParams::recommended(rng);
    let key = derive_key(&code, &kdf)
        .unwrap_or_else(|e| unreachable!("the recommended settings always derive: {e}"));
    let contents = encode_doc(&HANDOVER_CONTENTS_DOC, handover);
    let sealed = Vault::new(&key).seal_bytes(AAD, &contents, rng);
    let file = HandoverFile {
        from: handover.from.clone(),
        made: handover.made,
        people: handover.people.len(),
        kdf,
        sealed: base64::engine::general_purpose::STANDARD.encode(sealed),
    };
    (encode_doc(&HANDOVER_DOC, &file), show_code(&code))
}

/// Reads a file's readable layer (no code needed); `name` is the file's name, for messages.
pub fn read_handover(name: &str, text: &str) -> Result<HandoverFile, HandoverFileError> {
    let name = name.to_owned();
    decode(&HANDOVER_DOC, text).map_err(|e| match e {
        FormatError::Newer { found, .. } => HandoverFileError::Newer { name, found },
        // Text that starts as a handover but does not read to the end was cut short.
        FormatError::NotJson(_) | FormatError::Invalid(_) if text.contains(HANDOVER_DOC.format) => {
            HandoverFileError::Damaged(name)
        }
        _ => HandoverFileError::NotHandover(name),
    })
}

/// Opens a handover file with its code.
pub fn open_handover(
    name: &str,
    file: &HandoverFile,
    code: &str,
) -> Result<Handover, HandoverFileError> {
    let code = normalise_code(code);
    let well_formed = Base32UpperUnpadded::decode_vec(&code).is_ok_and(|b| b.len() == CODE_BYTES);
    if !well_formed {
        return Err(HandoverFileError::CodeShape);
    }
    let damaged = || HandoverFileError::Damaged(name.to_owned());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file.sealed.trim())
        .map_err(|_| damaged())?;
    let key = derive_key(&code, &file.kdf).map_err(|_| damaged())?;
    let text = Vault::new(&key)
        .open_bytes(AAD, &bytes)
        .map_err(|_| HandoverFileError::WrongCode(name.to_owned()))?;
    let handover: Handover = decode(&HANDOVER_CONTENTS_DOC, &text).map_err(|e| match e {
        FormatError::Newer { found, .. } => HandoverFileError::Newer {
            name: name.to_owned(),
            found,
        },
        _ => damaged(),
    })?;
    // The readable layer must say what the sealed one holds.
    if handover.people.len() != file.people
        || handover.from != file.from
        || handover.made != file.made
    {
        return Err(damaged());
    }
    Ok(handover)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{rich_ws, this_morning, SeqRandom};
    use crate::work::handover::Me;

    const SAM: Me<'static> = Me {
        label: "Sam (Riverside)",
        workspace: "aaaa",
    };

    fn sealed() -> (String, String, Handover) {
        let (ws, _) = rich_ws();
        let people: Vec<_> = ws.people.keys().copied().collect();
        let out = ws
            .prepare_handover(&people, SAM, "Jo Hillview (cover)", this_morning())
            .expect("made");
        let (file, code) = seal_handover(&out.handover, &mut SeqRandom::default());
        (file, code, out.handover)
    }

    #[test]
    fn a_handover_file_opens_with_its_code_and_shows_nothing_else() {
        let (file, code, handover) = sealed();
        assert_eq!(code.len(), 19, "four groups of four: {code}");
        let outer = read_handover("h.json", &file).expect("readable");
        assert_eq!((outer.from.as_str(), outer.people), ("Sam (Riverside)", 2));
        assert_eq!(outer.made, this_morning());
        let opened = open_handover("h.json", &outer, &code.to_lowercase().replace('-', " "))
            .expect("opens with the code however it is typed");
        assert_eq!(opened, handover);
        // Nothing about anyone is readable in the file.
        for r in &handover.referrals {
            for secret in [r.notes.as_str(), r.what_matters.as_str()]
                .into_iter()
                .chain(r.contacts.iter().map(|c| c.note.as_str()))
                .chain(r.case_notes.iter().map(|n| n.text.as_str()))
                .filter(|s| s.len() > 3)
            {
                assert!(!file.contains(secret), "{secret} readable");
            }
        }
        for p in &handover.people {
            assert!(!file.contains(&p.reference), "{} readable", p.reference);
        }
        for word in [
            "Riverside Walking Group",
            "Jo Hillview",
            "loneliness",
            "referrals",
        ] {
            assert!(!file.contains(word), "{word} readable");
        }
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).expect("a day");
        assert_eq!(file_name(day), "linkwork-handover-2026-12-03.json");
    }

    #[test]
    fn wrong_codes_and_damaged_or_foreign_files_are_refused_plainly() {
        let (file, code, _) = sealed();
        let outer = read_handover("h.json", &file).expect("readable");
        // A well-formed code that is not this file's.
        let other = show_code(&Base32UpperUnpadded::encode_string(&[7u8; CODE_BYTES]));
        assert_eq!(
            open_handover("h.json", &outer, &other),
            Err(HandoverFileError::WrongCode("h.json".into()))
        );
        assert_eq!(
            open_handover("h.json", &outer, "ABCD-EFGH"),
            Err(HandoverFileError::CodeShape)
        );
        // Cut short when copied.
        let cut = &file[..file.len() / 2];
        assert_eq!(
            read_handover("h.json", cut),
            Err(HandoverFileError::Damaged("h.json".into()))
        );
        // The sealed part changed or cut: refused (the code cannot tell which).
        let mut changed = outer.clone();
        changed.sealed = changed.sealed[..changed.sealed.len() - 8].to_owned() + "AAAAAAA=";
        assert!(open_handover("h.json", &changed, &code).is_err());
        let mut cut = outer.clone();
        cut.sealed.truncate(cut.sealed.len() / 3);
        assert!(open_handover("h.json", &cut, &code).is_err());
        // The readable layer must agree with the sealed one.
        let mut lying = outer.clone();
        lying.people = 40;
        assert_eq!(
            open_handover("h.json", &lying, &code),
            Err(HandoverFileError::Damaged("h.json".into()))
        );
        // Another app's file, or another Linkwork file.
        for foreign in [
            "reference,date\nRV-1,2026-01-01\n",
            "{\"format\":\"linkwork.backup\",\"version\":2}",
            "{}",
            "",
        ] {
            assert_eq!(
                read_handover("x.csv", foreign),
                Err(HandoverFileError::NotHandover("x.csv".into())),
                "{foreign}"
            );
        }
        // A newer version's file.
        let newer = file.replacen("\"version\":1", "\"version\":2", 1);
        assert_eq!(
            read_handover("h.json", &newer),
            Err(HandoverFileError::Newer {
                name: "h.json".into(),
                found: 2
            })
        );
        for e in [
            HandoverFileError::WrongCode("h.json".into()),
            HandoverFileError::Damaged("h.json".into()),
            HandoverFileError::NotHandover("h.json".into()),
        ] {
            let words = e.to_string();
            assert!(words.contains("h.json"), "names the file: {words}");
            for jargon in ["JSON", "base64", "AEAD", "serde", "parse", "decrypt"] {
                assert!(!words.contains(jargon), "{jargon} in {words}");
            }
        }
    }
}
