//! Encrypted workspaces on a shared browser profile: each has a plaintext
//! description (name, key settings, a key check) and encrypted documents;
//! plus encrypted backup files and the move of older unencrypted data.

use base32ct::{Base32UpperUnpadded, Encoding as _};
use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Workspace;
use crate::store::crypto::{derive_key, CryptoError, KdfParams, Key, Random, Vault};
use crate::store::format::{
    decode, load_workspace, load_workspace_with, DocKind, FormatError, Loaded, KEY_PREFIX,
};

/// The description of an encrypted workspace, stored in plain text. Version 2 added the
/// wrapped data key (`wrapped`): documents are sealed under a random data key, which the
/// passphrase's key only wraps. A version 1 description has none; its documents are sealed
/// under the passphrase's key itself, until they are moved once to a data key (see
/// [`upgrade`]).
pub const WORKSPACE_DOC: DocKind = DocKind {
    format: "linkwork.workspace",
    current: 2,
    migrations: &[workspace_v1_to_v2],
};

/// Version 1 descriptions had no wrapped key: they stay without one until the workspace
/// is moved to a data key on unlocking.
fn workspace_v1_to_v2(doc: &mut serde_json::Value) -> Result<(), String> {
    doc.as_object()
        .map(|_| ())
        .ok_or_else(|| "the description is not a record".to_owned())
}

/// Associated data of the wrapped data key: the description's key and this suffix.
const WRAPPED_SUFFIX: &str = "#data-key";

fn wrap_name(id: &str) -> String {
    format!("{}{WRAPPED_SUFFIX}", meta_key(id))
}

/// An encrypted backup file. Version 2 carries the workspace's data key wrapped under its
/// passphrase (`wrapped`), which seals the payload; version 1 payloads were sealed under the
/// passphrase's key itself.
pub const BACKUP_DOC: DocKind = DocKind {
    format: "linkwork.backup",
    current: 2,
    migrations: &[backup_v1_to_v2],
};

/// Version 1 backups had no wrapped key: their payload opens with the passphrase's key.
fn backup_v1_to_v2(doc: &mut serde_json::Value) -> Result<(), String> {
    doc.as_object()
        .map(|_| ())
        .ok_or_else(|| "the backup is not a record".to_owned())
}

/// The text sealed in `check`, to tell a wrong passphrase at once.
const CHECK_TEXT: &str = "linkwork key check";
/// Associated data of a backup's payload.
const BACKUP_AAD: &str = "linkwork.backup";
/// Longest workspace name.
pub const MAX_NAME_LEN: usize = 40;
/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE_LEN: usize = 10;

/// What the lock screen knows about a workspace without its passphrase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceMeta {
    /// Random id, hex; part of every storage key of the workspace.
    pub id: String,
    /// Display name shown on the lock screen (for example a first name).
    pub name: String,
    pub kdf: KdfParams,
    /// [`CHECK_TEXT`] sealed under the workspace's data key.
    pub check: String,
    /// The workspace's random data key, sealed under the key derived from the passphrase.
    /// `None` only for workspaces made before version 2, not yet moved to a data key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped: Option<String>,
    /// The data key wrapped a second time, under a key derived from the recovery code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<Box<RecoveryWrap>>,
    pub created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_backup: Option<DateTime<Utc>>,
}

/// The data key wrapped under a recovery code: the code itself is never kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryWrap {
    /// When the code was made (a new code replaces this one).
    pub made: DateTime<Utc>,
    /// Argon2id settings for the code, with their own salt.
    pub kdf: KdfParams,
    pub wrapped: String,
}

/// Random bytes in a recovery code: 120 bits, 24 base32 characters.
const RECOVERY_BYTES: usize = 15;
/// Associated data of the data key wrapped under a recovery code.
const RECOVERY_SUFFIX: &str = "#recovery";

/// A recovery code as typed: capitals, without spaces or hyphens, with the digits that
/// look like letters read as those letters (base32 has no 0, 1 or 8).
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            '0' => 'O',
            '1' => 'I',
            '8' => 'B',
            c => c,
        })
        .collect()
}

/// A recovery code for showing and printing: groups of four, "ABCD-EFGH-…".
pub fn show_code(code: &str) -> String {
    normalise_code(code)
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Makes a new recovery code for a workspace: the data key is wrapped under a key derived
/// from it, replacing any earlier code (which stops working). Gives the new description and
/// the code, to show once: it is kept nowhere.
pub fn make_recovery(
    meta: &WorkspaceMeta,
    vault: &Vault,
    now: DateTime<Utc>,
    rng: &mut dyn Random,
) -> Result<(WorkspaceMeta, String), AccessError> {
    if meta.needs_upgrade() {
        return Err(AccessError::Unusable(
            "it has not moved to its own data key yet; lock and unlock it, then try again".into(),
        ));
    }
    let mut bytes = [0u8; RECOVERY_BYTES];
    rng.fill(&mut bytes);
    let code = Base32UpperUnpadded::encode_string(&bytes);
    let kdf = KdfParams::recommended(rng);
    let wrapping = passphrase_vault(&code, &kdf)?;
    let wrapped = wrapping.wrap(&format!("{}{RECOVERY_SUFFIX}", meta.key()), vault, rng);
    let meta = WorkspaceMeta {
        recovery: Some(Box::new(RecoveryWrap {
            made: now,
            kdf,
            wrapped,
        })),
        ..meta.clone()
    };
    Ok((meta, show_code(&code)))
}

/// Sets a new passphrase with the recovery code, for a person who forgot theirs: the code
/// unwraps the data key, which the new passphrase then wraps. The id, the documents and the
/// code stay. Gives the new description and the data key's vault.
pub fn recover(
    meta: &WorkspaceMeta,
    code: &str,
    new_passphrase: &str,
    confirm: &str,
    rng: &mut dyn Random,
) -> Result<(WorkspaceMeta, Vault), AccessError> {
    let Some(recovery) = &meta.recovery else {
        return Err(AccessError::NoRecoveryCode);
    };
    let code = normalise_code(code);
    let decoded = Base32UpperUnpadded::decode_vec(&code)
        .ok()
        .filter(|b| b.len() == RECOVERY_BYTES);
    if decoded.is_none() {
        return Err(AccessError::WrongRecoveryCode);
    }
    let wrapping = passphrase_vault(&code, &recovery.kdf)?;
    let vault = wrapping
        .unwrap(
            &format!("{}{RECOVERY_SUFFIX}", meta.key()),
            &recovery.wrapped,
        )
        .map_err(|_| AccessError::WrongRecoveryCode)?;
    if !matches!(vault.open(&meta.key(), &meta.check), Ok(t) if t == CHECK_TEXT) {
        return Err(AccessError::WrongRecoveryCode);
    }
    let new_meta = change_passphrase(meta, &vault, new_passphrase, confirm, rng)?;
    Ok((new_meta, vault))
}

/// Why a workspace could not be created or unlocked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("Enter a name for the workspace.")]
    NameMissing,
    #[error("Keep the name to {MAX_NAME_LEN} characters or fewer.")]
    NameTooLong,
    #[error("There is already a workspace called \u{201c}{0}\u{201d} in this browser.")]
    NameTaken(String),
    #[error("Use a passphrase of at least {MIN_PASSPHRASE_LEN} characters; three or four unrelated words work well.")]
    PassphraseTooShort,
    #[error("The two passphrases are not the same.")]
    PassphraseMismatch,
    #[error("That passphrase is not right for this workspace. Check Caps Lock and try again.")]
    WrongPassphrase,
    #[error("This workspace's key settings cannot be used here ({0}).")]
    Unusable(String),
    #[error("That recovery code is not right for this workspace. Check each group of four characters against the printed sheet and try again.")]
    WrongRecoveryCode,
    #[error("This workspace has no recovery code, so without its passphrase it cannot be opened. Its data is lost unless you have a backup and its passphrase.")]
    NoRecoveryCode,
    #[error("This workspace is already set up in this browser: unlock it from the list instead.")]
    AlreadyHere,
}

impl WorkspaceMeta {
    /// The storage namespace of the workspace's documents.
    pub fn namespace(&self) -> String {
        namespace_of(&self.id)
    }

    /// The storage key of this description.
    pub fn key(&self) -> String {
        meta_key(&self.id)
    }

    /// Creates a workspace: checks the name and passphrase, derives the key.
    pub fn create(
        name: &str,
        passphrase: &str,
        confirm: &str,
        existing: &[WorkspaceMeta],
        now: DateTime<Utc>,
        rng: &mut dyn Random,
    ) -> Result<(WorkspaceMeta, Vault), Vec<AccessError>> {
        let name = name.trim();
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(AccessError::NameMissing);
        } else if name.chars().count() > MAX_NAME_LEN {
            errors.push(AccessError::NameTooLong);
        } else if existing.iter().any(|m| m.name.eq_ignore_ascii_case(name)) {
            errors.push(AccessError::NameTaken(name.to_owned()));
        }
        if passphrase.chars().count() < MIN_PASSPHRASE_LEN {
            errors.push(AccessError::PassphraseTooShort);
        } else if passphrase != confirm {
            errors.push(AccessError::PassphraseMismatch);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let id = hex::encode(rng.bytes16());
        let kdf = KdfParams::recommended(rng);
        Self::with_key(id, name, passphrase, kdf, now, None, rng).map_err(|e| vec![e])
    }

    /// A description on this PC for a workspace whose data key is already known (set up
    /// from a sync server): the same id, so every document opens under its own name, and
    /// the data key wrapped under this PC's passphrase with fresh settings.
    pub fn adopt(
        id: &str,
        name: &str,
        passphrase: &str,
        vault: &Vault,
        existing: &[WorkspaceMeta],
        now: DateTime<Utc>,
        rng: &mut dyn Random,
    ) -> Result<WorkspaceMeta, AccessError> {
        if existing.iter().any(|m| m.id == id) {
            return Err(AccessError::AlreadyHere);
        }
        if !id.chars().all(|c| c.is_ascii_hexdigit()) || id.is_empty() {
            return Err(AccessError::Unusable(
                "its id is not one Linkwork makes".into(),
            ));
        }
        if existing.iter().any(|m| m.name.eq_ignore_ascii_case(name)) {
            return Err(AccessError::NameTaken(name.to_owned()));
        }
        if passphrase.chars().count() < MIN_PASSPHRASE_LEN {
            return Err(AccessError::PassphraseTooShort);
        }
        let kdf = KdfParams::recommended(rng);
        let wrapping = passphrase_vault(passphrase, &kdf)?;
        Ok(WorkspaceMeta {
            wrapped: Some(wrapping.wrap(&wrap_name(id), vault, rng)),
            check: vault.seal(&meta_key(id), CHECK_TEXT, rng),
            id: id.to_owned(),
            name: name.to_owned(),
            kdf,
            created: now,
            last_backup: None,
            recovery: None,
        })
    }

    /// A description for `id` with a fresh random data key, wrapped under the key derived
    /// from `passphrase`. Gives the data key's vault.
    fn with_key(
        id: String,
        name: &str,
        passphrase: &str,
        kdf: KdfParams,
        created: DateTime<Utc>,
        last_backup: Option<DateTime<Utc>>,
        rng: &mut dyn Random,
    ) -> Result<(WorkspaceMeta, Vault), AccessError> {
        let wrapping = passphrase_vault(passphrase, &kdf)?;
        let data = Vault::new(&Key::random(rng));
        let meta = WorkspaceMeta {
            wrapped: Some(wrapping.wrap(&wrap_name(&id), &data, rng)),
            check: data.seal(&meta_key(&id), CHECK_TEXT, rng),
            id,
            name: name.to_owned(),
            kdf,
            created,
            last_backup,
            recovery: None,
        };
        Ok((meta, data))
    }

    /// Derives the passphrase's key, unwraps the data key with it and checks that against
    /// `check`. A workspace not yet moved to a data key opens with the passphrase's key.
    pub fn unlock(&self, passphrase: &str) -> Result<Vault, AccessError> {
        let wrapping = passphrase_vault(passphrase, &self.kdf)?;
        let vault = match &self.wrapped {
            Some(wrapped) => wrapping
                .unwrap(&wrap_name(&self.id), wrapped)
                .map_err(|_| AccessError::WrongPassphrase)?,
            None => wrapping,
        };
        match vault.open(&self.key(), &self.check) {
            Ok(text) if text == CHECK_TEXT => Ok(vault),
            _ => Err(AccessError::WrongPassphrase),
        }
    }

    /// Made before version 2 and not yet moved to a data key.
    pub fn needs_upgrade(&self) -> bool {
        self.wrapped.is_none()
    }

    /// The stored form of this description.
    pub fn encode(&self) -> String {
        crate::store::format::encode_doc(&WORKSPACE_DOC, self)
    }

    /// Reads a stored description through the one decode path.
    pub fn decode(text: &str) -> Result<Self, FormatError> {
        decode(&WORKSPACE_DOC, text)
    }
}

/// The key derived from a passphrase, as a vault.
fn passphrase_vault(passphrase: &str, kdf: &KdfParams) -> Result<Vault, AccessError> {
    derive_key(passphrase, kdf)
        .map(|k| Vault::new(&k))
        .map_err(|e| AccessError::Unusable(e.to_string()))
}

/// The namespace of a workspace id.
pub fn namespace_of(id: &str) -> String {
    format!("ws/{id}")
}

/// The storage key of a workspace's description.
pub fn meta_key(id: &str) -> String {
    format!("{KEY_PREFIX}ws/{id}/meta")
}

/// The workspace id in a description key, if it is one.
pub fn parse_meta_key(key: &str) -> Option<&str> {
    let id = key
        .strip_prefix(KEY_PREFIX)?
        .strip_prefix("ws/")?
        .strip_suffix("/meta")?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit())).then_some(id)
}

/// Maps a decryption failure to the format error shown for a stored value.
fn opened(result: Result<String, CryptoError>) -> Result<String, FormatError> {
    result.map_err(|e| match e {
        CryptoError::TooLarge => FormatError::Invalid(e.to_string()),
        _ => FormatError::Integrity,
    })
}

/// Loads an encrypted workspace from its stored entries.
pub fn load_sealed<'a>(
    meta: &WorkspaceMeta,
    vault: &Vault,
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Loaded {
    load_workspace_with(&meta.namespace(), entries, |key, value| {
        opened(vault.open(key, value))
    })
}

/// Every `(key, sealed value)` of a workspace, for a full write.
pub fn seal_all(
    ws: &Workspace,
    meta: &WorkspaceMeta,
    vault: &Vault,
    rng: &mut dyn Random,
) -> Vec<(String, String)> {
    let ns = meta.namespace();
    ws.all_keys()
        .into_iter()
        .map(|k| {
            let name = k.name(&ns);
            let sealed = vault.seal(&name, &ws.encode(k), rng);
            (name, sealed)
        })
        .collect()
}

/// Reads unencrypted data an earlier version stored under `namespace`
/// (`main`), for moving into a new encrypted workspace. Unreadable values
/// stop the move: nothing would be left behind unnoticed.
pub fn read_plain<'a>(
    namespace: &str,
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Workspace, Vec<crate::store::format::Problem>> {
    let loaded = load_workspace(namespace, entries);
    if loaded.problems.is_empty() {
        Ok(loaded.workspace)
    } else {
        Err(loaded.problems)
    }
}

/// A workspace moved to a new data key under a new id: its new description, the data
/// key's vault, and every `(key, sealed value)` to write before the old copy goes.
pub type Moved = (WorkspaceMeta, Vault, Vec<(String, String)>);

/// A new passphrase for a workspace: only the data key is wrapped again, under a key
/// derived from the new passphrase with fresh settings. The id, the check and every
/// document stay as they are. Gives the new description to write.
pub fn change_passphrase(
    meta: &WorkspaceMeta,
    vault: &Vault,
    new_passphrase: &str,
    confirm: &str,
    rng: &mut dyn Random,
) -> Result<WorkspaceMeta, AccessError> {
    if new_passphrase.chars().count() < MIN_PASSPHRASE_LEN {
        return Err(AccessError::PassphraseTooShort);
    }
    if new_passphrase != confirm {
        return Err(AccessError::PassphraseMismatch);
    }
    if meta.needs_upgrade() {
        return Err(AccessError::Unusable(
            "it has not moved to its own data key yet; lock and unlock it, then try again".into(),
        ));
    }
    let kdf = KdfParams::recommended(rng);
    rewrap(meta, vault, new_passphrase, kdf, rng)
}

/// The description with the data key wrapped under `passphrase` with `kdf` (new salt).
fn rewrap(
    meta: &WorkspaceMeta,
    vault: &Vault,
    passphrase: &str,
    kdf: KdfParams,
    rng: &mut dyn Random,
) -> Result<WorkspaceMeta, AccessError> {
    let wrapping = passphrase_vault(passphrase, &kdf)?;
    Ok(WorkspaceMeta {
        kdf,
        wrapped: Some(wrapping.wrap(&wrap_name(&meta.id), vault, rng)),
        ..meta.clone()
    })
}

/// Raises a workspace's key settings to today's, if they are weaker: the data key is
/// wrapped again under the same passphrase (one more derivation; no document changes).
/// `None` when there is nothing to do. The recovery code's wrapping keeps the settings it
/// was made with until a new code is made.
pub fn strengthen(
    meta: &WorkspaceMeta,
    vault: &Vault,
    passphrase: &str,
    rng: &mut dyn Random,
) -> Option<WorkspaceMeta> {
    let now = KdfParams::recommended(rng);
    if meta.needs_upgrade() || !meta.kdf.weaker_than(&now) {
        return None;
    }
    rewrap(meta, vault, passphrase, now, rng).ok()
}

/// Moves a workspace made before version 2 to its own random data key, once: every
/// document sealed again under the new key, under a new id, so the old copy stays whole
/// until the new one is written and read back. The passphrase's key (`old`, which sealed
/// everything until now) wraps the data key, so the passphrase and its settings are kept.
pub fn upgrade(ws: &Workspace, meta: &WorkspaceMeta, old: &Vault, rng: &mut dyn Random) -> Moved {
    let id = hex::encode(rng.bytes16());
    let data = Vault::new(&Key::random(rng));
    let new_meta = WorkspaceMeta {
        wrapped: Some(old.wrap(&wrap_name(&id), &data, rng)),
        check: data.seal(&meta_key(&id), CHECK_TEXT, rng),
        id,
        recovery: None,
        ..meta.clone()
    };
    let entries = seal_all(ws, &new_meta, &data, rng);
    (new_meta, data, entries)
}

/// What a backup holds, readable before its passphrase is given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    /// The workspace's name when it was backed up.
    pub name: String,
    pub created: DateTime<Utc>,
    pub kdf: KdfParams,
    /// The data key that seals the payload, wrapped under the passphrase (as in the
    /// workspace's description), with the id its wrapping is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped: Option<WrappedKey>,
    /// Base64 of nonce and ciphertext of the deflated documents.
    pub payload: String,
}

/// A data key wrapped under a passphrase, and the workspace id its wrapping is bound to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub id: String,
    pub key: String,
}

/// A backup opened with its passphrase: ready to show and restore.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedBackup {
    pub name: String,
    pub created: DateTime<Utc>,
    pub kdf: KdfParams,
    pub workspace: Workspace,
}

/// Why a backup file cannot be restored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    #[error("It is not a Linkwork backup: {0}. Choose the backup file Linkwork downloaded (its name starts with \u{201c}linkwork-backup\u{201d}).")]
    Format(FormatError),
    #[error("That passphrase does not open this backup, or the file was changed or damaged. Type the passphrase the workspace had when the backup was made.")]
    Integrity,
    #[error("Part of the backup is damaged ({key}: {error}). Nothing was restored. Try an earlier backup.")]
    Damaged { key: String, error: FormatError },
}

/// The documents of a backup payload, as stored (key suffix → document).
#[derive(Serialize, Deserialize)]
struct Payload {
    documents: BTreeMap<String, String>,
}

/// Namespace used for documents inside a backup.
const BACKUP_NS: &str = "backup";

/// Writes an encrypted backup file of a workspace under its own key.
pub fn export_backup(
    ws: &Workspace,
    meta: &WorkspaceMeta,
    vault: &Vault,
    now: DateTime<Utc>,
    rng: &mut dyn Random,
) -> String {
    let documents = ws
        .all_keys()
        .into_iter()
        .map(|k| (k.name(BACKUP_NS), ws.encode(k)))
        .collect();
    let payload = serde_json::to_string(&Payload { documents })
        .unwrap_or_else(|e| unreachable!("plain data always serialises: {e}"));
    let bytes = vault.seal_bytes(BACKUP_AAD, &payload, rng);
    crate::store::format::encode_doc(
        &BACKUP_DOC,
        &Backup {
            name: meta.name.clone(),
            created: now,
            kdf: meta.kdf.clone(),
            wrapped: meta.wrapped.as_ref().map(|key| WrappedKey {
                id: meta.id.clone(),
                key: key.clone(),
            }),
            payload: base64::engine::general_purpose::STANDARD.encode(bytes),
        },
    )
}

/// Reads a backup file's outer layer (no passphrase needed).
pub fn read_backup(text: &str) -> Result<Backup, BackupError> {
    decode(&BACKUP_DOC, text).map_err(BackupError::Format)
}

/// Opens a backup with its passphrase and validates every document in it.
pub fn open_backup(backup: &Backup, passphrase: &str) -> Result<OpenedBackup, BackupError> {
    let key = derive_key(passphrase, &backup.kdf).map_err(|_| BackupError::Integrity)?;
    let vault = match &backup.wrapped {
        Some(w) => Vault::new(&key)
            .unwrap(&wrap_name(&w.id), &w.key)
            .map_err(|_| BackupError::Integrity)?,
        None => Vault::new(&key),
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(backup.payload.trim())
        .map_err(|_| BackupError::Integrity)?;
    let text = vault
        .open_bytes(BACKUP_AAD, &bytes)
        .map_err(|_| BackupError::Integrity)?;
    let payload: Payload = serde_json::from_str(&text).map_err(|e| BackupError::Damaged {
        key: "contents".into(),
        error: FormatError::Invalid(e.to_string()),
    })?;
    let loaded = load_workspace(
        BACKUP_NS,
        payload
            .documents
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    if let Some(p) = loaded.problems.into_iter().next() {
        return Err(BackupError::Damaged {
            key: p.key,
            error: p.error,
        });
    }
    Ok(OpenedBackup {
        name: backup.name.clone(),
        created: backup.created,
        kdf: backup.kdf.clone(),
        workspace: loaded.workspace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::crypto::KdfParams;
    use crate::testing::{today, SeqRandom};
    use crate::work::demo::{generate, DemoSpec};

    fn now() -> DateTime<Utc> {
        today().and_hms_opt(10, 0, 0).expect("valid").and_utc()
    }

    /// A workspace description with cheap key settings, for fast tests.
    fn quick_meta(name: &str, pass: &str, rng: &mut SeqRandom) -> (WorkspaceMeta, Vault) {
        WorkspaceMeta::with_key(
            hex::encode(rng.bytes16()),
            name,
            pass,
            KdfParams::for_tests(rng.bytes16()),
            now(),
            None,
            rng,
        )
        .expect("created")
    }

    #[test]
    fn creating_checks_name_and_passphrase() {
        let mut rng = SeqRandom::default();
        let (existing, _) = quick_meta("Sam", "correct horse battery", &mut rng);
        let errors = WorkspaceMeta::create(
            " sam ",
            "short",
            "short",
            std::slice::from_ref(&existing),
            now(),
            &mut rng,
        )
        .expect_err("invalid");
        assert_eq!(
            errors,
            vec![
                AccessError::NameTaken("sam".into()),
                AccessError::PassphraseTooShort
            ]
        );
        let errors = WorkspaceMeta::create(
            "",
            "correct horse battery",
            "correct horse batterz",
            &[],
            now(),
            &mut rng,
        )
        .expect_err("invalid");
        assert_eq!(
            errors,
            vec![AccessError::NameMissing, AccessError::PassphraseMismatch]
        );
    }

    #[test]
    fn created_workspaces_use_bitwardens_key_settings_and_unlock_with_their_passphrase() {
        let mut rng = SeqRandom::default();
        let (meta, _) = WorkspaceMeta::create(
            "Alex",
            "correct horse battery",
            "correct horse battery",
            &[],
            now(),
            &mut rng,
        )
        .expect("created");
        assert_eq!(
            (meta.kdf.m_kib, meta.kdf.t, meta.kdf.p),
            (65_536, 3, 4),
            "Bitwarden's settings"
        );
        let decoded = WorkspaceMeta::decode(&meta.encode()).expect("decodes");
        assert_eq!(decoded, meta);
        assert!(decoded.unlock("correct horse battery").is_ok());
        assert_eq!(
            decoded.unlock("correct horse batterY").err(),
            Some(AccessError::WrongPassphrase)
        );
    }

    #[test]
    fn a_sealed_workspace_round_trips_and_holds_no_plaintext() {
        let mut rng = SeqRandom::default();
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        let ws = generate(&DemoSpec::small(), today());
        let entries = seal_all(&ws, &meta, &vault, &mut rng);
        for (key, value) in &entries {
            assert!(key.starts_with(&format!("linkwork/ws/{}/", meta.id)));
            assert!(
                !value.contains("loneliness")
                    && !value.contains("RV-")
                    && !value.contains("Riverside")
            );
        }
        let loaded = load_sealed(
            &meta,
            &vault,
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.workspace, ws);
        // Another passphrase's vault reads nothing, and says why.
        let (_, other) = quick_meta("Other", "another passphrase", &mut rng);
        let wrong = load_sealed(
            &meta,
            &other,
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert!(wrong
            .problems
            .iter()
            .all(|p| p.error == FormatError::Integrity));
        assert!(wrong.workspace.referrals.is_empty());
    }

    #[test]
    fn a_tampered_chunk_is_isolated_and_the_rest_loads() {
        let mut rng = SeqRandom::default();
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        let ws = generate(&DemoSpec::small(), today());
        let mut entries = seal_all(&ws, &meta, &vault, &mut rng);
        let at = entries
            .iter()
            .position(|(k, _)| k.contains("/records/"))
            .expect("a records key");
        let (key, value) = entries[at].clone();
        let mut chars: Vec<char> = value.chars().collect();
        let i = chars.len() / 2;
        chars[i] = char::from_u32(u32::from(chars[i]) ^ 1).expect("valid");
        entries[at].1 = chars.into_iter().collect();
        let loaded = load_sealed(
            &meta,
            &vault,
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].key, key);
        assert_eq!(loaded.problems[0].error, FormatError::Integrity);
        assert!(!loaded.blocks_writing());
        assert!(!loaded.workspace.referrals.is_empty());
    }

    #[test]
    fn unencrypted_data_moves_into_an_encrypted_workspace_unchanged() {
        let mut rng = SeqRandom::default();
        let ws = generate(&DemoSpec::small(), today());
        let plain: Vec<(String, String)> = ws
            .all_keys()
            .into_iter()
            .map(|k| (k.name("main"), ws.encode(k)))
            .collect();
        let read = read_plain("main", plain.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .expect("readable");
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        let sealed = seal_all(&read, &meta, &vault, &mut rng);
        let loaded = load_sealed(
            &meta,
            &vault,
            sealed.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert_eq!(loaded.workspace, ws);
        // Version 1 plaintext (the foundation's format) moves too.
        let v1 = [
            (
                "linkwork/main/settings".to_owned(),
                crate::testing::fixture("v1/settings.json"),
            ),
            (
                "linkwork/main/records/0".to_owned(),
                crate::testing::fixture("v1/records-0.json"),
            ),
        ];
        let read =
            read_plain("main", v1.iter().map(|(k, v)| (k.as_str(), v.as_str()))).expect("readable");
        assert_eq!(read.referrals.len(), 3);
        // Damaged plaintext stops the move rather than leave data behind.
        let broken = [("linkwork/main/records/0".to_owned(), "{".to_owned())];
        assert!(read_plain("main", broken.iter().map(|(k, v)| (k.as_str(), v.as_str()))).is_err());
    }

    /// As version 1 made a workspace: its documents sealed under the passphrase's key
    /// itself, and no wrapped key.
    fn legacy(pass: &str, ws: &Workspace, rng: &mut SeqRandom) -> (String, Vec<(String, String)>) {
        let id = hex::encode(rng.bytes16());
        let kdf = KdfParams::for_tests(rng.bytes16());
        let vault = Vault::new(&derive_key(pass, &kdf).expect("key"));
        let meta = WorkspaceMeta {
            check: vault.seal(&meta_key(&id), CHECK_TEXT, rng),
            id,
            name: "Sam".into(),
            kdf,
            created: now(),
            last_backup: None,
            wrapped: None,
            recovery: None,
        };
        let entries = seal_all(ws, &meta, &vault, rng);
        let text = crate::store::format::encode_doc(&WORKSPACE_DOC, &meta).replacen(
            "\"version\":2",
            "\"version\":1",
            1,
        );
        (text, entries)
    }

    fn opened(meta: &WorkspaceMeta, vault: &Vault, entries: &[(String, String)]) -> Workspace {
        let loaded = load_sealed(
            meta,
            vault,
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        loaded.workspace
    }

    /// Writes the version 1 workspace the end-to-end test moves (run by hand with
    /// `--ignored` to make it again).
    #[test]
    #[ignore = "writes the end-to-end fixture"]
    fn write_the_version_1_fixture() {
        let mut rng = SeqRandom::default();
        let ws = crate::testing::one_referral_ws();
        let (meta, entries) = legacy("correct horse battery", &ws, &mut rng);
        let mut all: BTreeMap<String, String> = entries.into_iter().collect();
        let parsed = WorkspaceMeta::decode(&meta).expect("reads");
        all.insert(parsed.key(), meta);
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/e2e/fixtures/v1-workspace.json"
        );
        std::fs::write(path, serde_json::to_string_pretty(&all).expect("json")).expect("written");
    }

    #[test]
    fn documents_are_sealed_under_a_random_data_key_the_passphrase_only_wraps() {
        let mut rng = SeqRandom::default();
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        assert!(!meta.needs_upgrade());
        let ws = generate(&DemoSpec::small(), today());
        let entries = seal_all(&ws, &meta, &vault, &mut rng);
        // Reloaded from its stored description, the passphrase opens everything.
        let stored = WorkspaceMeta::decode(&meta.encode()).expect("reads");
        let unlocked = stored.unlock("correct horse battery").expect("unlocks");
        assert_eq!(opened(&stored, &unlocked, &entries), ws);
        assert_eq!(
            stored.unlock("correct horse batterY").err(),
            Some(AccessError::WrongPassphrase)
        );
        // The passphrase's own key opens none of the documents: only the data key does.
        let wrapping = passphrase_vault("correct horse battery", &meta.kdf).expect("key");
        let direct = load_sealed(
            &meta,
            &wrapping,
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert!(direct.workspace.referrals.is_empty());
        // The wrapped key is bound to its workspace: moved to another id, it fails.
        let moved = WorkspaceMeta {
            id: "00".repeat(16),
            ..meta.clone()
        };
        assert_eq!(
            moved.unlock("correct horse battery").err(),
            Some(AccessError::WrongPassphrase)
        );
    }

    #[test]
    fn weaker_key_settings_are_raised_at_unlock_without_touching_a_document() {
        let mut rng = SeqRandom::default();
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        let ws = generate(&DemoSpec::small(), today());
        let entries = seal_all(&ws, &meta, &vault, &mut rng);
        let stronger =
            strengthen(&meta, &vault, "correct horse battery", &mut rng).expect("raised");
        let now = KdfParams::recommended(&mut rng);
        assert_eq!(
            (stronger.kdf.m_kib, stronger.kdf.t, stronger.kdf.p),
            (now.m_kib, now.t, now.p)
        );
        assert_eq!(stronger.id, meta.id);
        let unlocked = stronger
            .unlock("correct horse battery")
            .expect("same passphrase");
        assert_eq!(
            opened(&stronger, &unlocked, &entries),
            ws,
            "every document opens as it was"
        );
        assert_eq!(
            strengthen(&stronger, &unlocked, "correct horse battery", &mut rng),
            None,
            "once"
        );
    }

    #[test]
    fn a_new_passphrase_wraps_the_same_data_key_and_keeps_the_id_and_every_document() {
        let mut rng = SeqRandom::default();
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        let ws = generate(&DemoSpec::small(), today());
        let entries = seal_all(&ws, &meta, &vault, &mut rng);
        let new_meta = change_passphrase(
            &meta,
            &vault,
            "a new long passphrase",
            "a new long passphrase",
            &mut rng,
        )
        .expect("changed");
        assert_eq!(new_meta.id, meta.id, "the workspace keeps its id");
        assert_eq!(new_meta.check, meta.check, "nothing else is sealed again");
        assert_ne!(new_meta.kdf.salt, meta.kdf.salt, "fresh key settings");
        assert_eq!(new_meta.kdf.m_kib, 64 * 1024, "the recommended settings");
        assert_eq!(
            new_meta.unlock("correct horse battery").err(),
            Some(AccessError::WrongPassphrase)
        );
        let unlocked = new_meta.unlock("a new long passphrase").expect("unlocks");
        assert_eq!(
            opened(&new_meta, &unlocked, &entries),
            ws,
            "every document opens"
        );
        assert_eq!(
            change_passphrase(&meta, &vault, "short", "short", &mut rng).err(),
            Some(AccessError::PassphraseTooShort)
        );
        assert_eq!(
            change_passphrase(
                &meta,
                &vault,
                "a new long passphrase",
                "a new long passphrasE",
                &mut rng
            )
            .err(),
            Some(AccessError::PassphraseMismatch)
        );
    }

    #[test]
    fn a_recovery_code_sets_a_new_passphrase_and_a_new_code_voids_the_old_one() {
        let mut rng = SeqRandom::default();
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        let ws = generate(&DemoSpec::small(), today());
        let entries = seal_all(&ws, &meta, &vault, &mut rng);
        assert_eq!(
            recover(
                &meta,
                "AAAA",
                "a new long passphrase",
                "a new long passphrase",
                &mut rng
            )
            .err(),
            Some(AccessError::NoRecoveryCode)
        );
        let (with_code, code) = make_recovery(&meta, &vault, now(), &mut rng).expect("made");
        assert_eq!(code.len(), 24 + 5, "six groups of four: {code}");
        assert!(code
            .chars()
            .all(|c| c == '-' || c.is_ascii_uppercase() || ('2'..='7').contains(&c)));
        let stored = with_code.encode();
        assert!(
            !stored.contains(&normalise_code(&code)),
            "the code is kept nowhere"
        );
        assert_eq!(with_code.id, meta.id);
        assert!(
            with_code.unlock("correct horse battery").is_ok(),
            "the passphrase still works"
        );
        // Forgotten passphrase: the code, typed loosely, sets a new one.
        let typed = code.to_lowercase().replace('-', " ");
        let (recovered, opened_vault) = recover(
            &with_code,
            &typed,
            "a new long passphrase",
            "a new long passphrase",
            &mut rng,
        )
        .expect("recovered");
        assert_eq!(opened(&recovered, &opened_vault, &entries), ws);
        assert_eq!(
            recovered.unlock("correct horse battery").err(),
            Some(AccessError::WrongPassphrase)
        );
        let unlocked = recovered
            .unlock("a new long passphrase")
            .expect("the new one works");
        assert_eq!(opened(&recovered, &unlocked, &entries), ws);
        // A wrong code, or a damaged one, is refused plainly and changes nothing.
        let mut wrong = normalise_code(&code);
        wrong.replace_range(0..1, if wrong.starts_with('A') { "B" } else { "A" });
        for bad in [wrong.as_str(), "ABCD", ""] {
            assert_eq!(
                recover(
                    &recovered,
                    bad,
                    "another long passphrase",
                    "another long passphrase",
                    &mut rng
                )
                .err(),
                Some(AccessError::WrongRecoveryCode),
                "{bad}"
            );
        }
        // A new code replaces the old one, which stops working.
        let (renewed, new_code) =
            make_recovery(&recovered, &unlocked, now(), &mut rng).expect("made");
        assert_ne!(new_code, code);
        assert_eq!(
            recover(
                &renewed,
                &code,
                "another long passphrase",
                "another long passphrase",
                &mut rng
            )
            .err(),
            Some(AccessError::WrongRecoveryCode)
        );
        assert!(recover(
            &renewed,
            &new_code,
            "another long passphrase",
            "another long passphrase",
            &mut rng
        )
        .is_ok());
    }

    #[test]
    fn a_version_1_workspace_moves_once_to_a_data_key_and_keeps_its_passphrase() {
        let mut rng = SeqRandom::default();
        let ws = generate(&DemoSpec::small(), today());
        let (text, entries) = legacy("correct horse battery", &ws, &mut rng);
        assert!(text.contains("\"version\":1"));
        let meta = WorkspaceMeta::decode(&text).expect("a version 1 description reads");
        assert!(meta.needs_upgrade());
        let old = meta
            .unlock("correct horse battery")
            .expect("unlocks as before");
        assert_eq!(opened(&meta, &old, &entries), ws);
        assert!(
            change_passphrase(
                &meta,
                &old,
                "a new long passphrase",
                "a new long passphrase",
                &mut rng
            )
            .is_err(),
            "moved first"
        );
        let (new_meta, new_vault, new_entries) = upgrade(&ws, &meta, &old, &mut rng);
        assert_ne!(new_meta.id, meta.id, "written beside the old copy");
        assert!(!new_meta.needs_upgrade());
        assert_eq!(new_meta.kdf, meta.kdf, "the same passphrase and settings");
        assert_eq!(opened(&new_meta, &new_vault, &new_entries), ws);
        let again = WorkspaceMeta::decode(&new_meta.encode())
            .expect("reads")
            .unlock("correct horse battery")
            .expect("the same passphrase opens the moved copy");
        assert_eq!(opened(&new_meta, &again, &new_entries), ws);
        // The old copy is untouched until it is removed, and the old key opens none of
        // the new one.
        assert_eq!(opened(&meta, &old, &entries), ws);
        let crossed = load_sealed(
            &new_meta,
            &old,
            new_entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert!(crossed.workspace.referrals.is_empty());
        // A backup made before the move still opens with the passphrase.
        let file = export_backup(&ws, &meta, &old, now(), &mut rng);
        let backup = read_backup(&file).expect("a backup");
        assert_eq!(backup.wrapped, None);
        assert_eq!(
            open_backup(&backup, "correct horse battery")
                .expect("opens")
                .workspace,
            ws
        );
    }

    #[test]
    fn a_backup_restores_identical_data_only_with_its_passphrase() {
        let mut rng = SeqRandom::default();
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        let ws = generate(&DemoSpec::small(), today());
        let file = export_backup(&ws, &meta, &vault, now(), &mut rng);
        assert!(!file.contains("loneliness"));
        let backup = read_backup(&file).expect("a backup");
        assert_eq!(backup.name, "Sam");
        assert_eq!(
            open_backup(&backup, "wrong passphrase").err(),
            Some(BackupError::Integrity)
        );
        let opened = open_backup(&backup, "correct horse battery").expect("opens");
        assert_eq!(opened.workspace, ws);
        assert_eq!(opened.created, now());
    }

    #[test]
    fn damaged_or_foreign_backup_files_are_refused_with_a_reason() {
        let mut rng = SeqRandom::default();
        let (meta, vault) = quick_meta("Sam", "correct horse battery", &mut rng);
        let ws = generate(&DemoSpec::small(), today());
        let file = export_backup(&ws, &meta, &vault, now(), &mut rng);
        assert!(matches!(
            read_backup("not json"),
            Err(BackupError::Format(FormatError::NotJson(_)))
        ));
        assert!(matches!(
            read_backup(&ws.encode(crate::store::format::StoreKey::Settings)),
            Err(BackupError::Format(FormatError::WrongFormat { .. }))
        ));
        let newer = file.replace("\"version\":2", "\"version\":9");
        assert!(matches!(
            read_backup(&newer),
            Err(BackupError::Format(FormatError::Newer { .. }))
        ));
        let mut backup = read_backup(&file).expect("a backup");
        let mut payload = backup.payload.into_bytes();
        let i = payload.len() / 2;
        payload[i] = if payload[i] == b'A' { b'B' } else { b'A' };
        backup.payload = String::from_utf8(payload).expect("ascii");
        assert_eq!(
            open_backup(&backup, "correct horse battery").err(),
            Some(BackupError::Integrity)
        );
        assert!(BackupError::Integrity.to_string().contains("passphrase"));
    }

    #[test]
    fn meta_keys_parse() {
        assert_eq!(parse_meta_key("linkwork/ws/ab12/meta"), Some("ab12"));
        assert_eq!(parse_meta_key("linkwork/ws/ab12/settings"), None);
        assert_eq!(parse_meta_key("linkwork/ws//meta"), None);
        assert_eq!(parse_meta_key("linkwork/main/settings"), None);
    }
}
