//! What the sync server holds. Each stored document becomes one server document,
//! `{"_id", "_rev", "f", "c"}`: a format marker and the ciphertext. The ciphertext is bound
//! (AES-GCM associated data) to the workspace and the document's name, so a document moved
//! to another name, or from another workspace, does not open. Inside, a generation number
//! counts the document's versions, so an old version sent again by the server is noticed.

use base32ct::{Base32UpperUnpadded, Encoding as _};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::PersonId;
use crate::store::crypto::{derive_key, KdfParams, Random, Vault};
use crate::store::format::{decode, encode_doc, DocKind, FormatError, StoreKey};
use crate::store::vault_store::{normalise_code, AccessError, WorkspaceMeta};

/// The server document holding the wrapped data key.
pub const META_ID: &str = "linkwork-meta";
/// The server document listing people deleted under the data-rights feature.
pub const GONE_ID: &str = "gone";
/// The format marker of every sealed server document.
pub const SEALED_MARK: &str = "linkwork.sealed/1";

/// A server document that is not the meta document: one of the workspace's stored
/// documents, or the tombstones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SyncKey {
    Store(StoreKey),
    Gone,
}

impl SyncKey {
    /// Its server document id: plain names that say nothing about anyone.
    pub fn id(self) -> String {
        match self {
            SyncKey::Gone => GONE_ID.to_owned(),
            SyncKey::Store(StoreKey::Settings) => "settings".to_owned(),
            SyncKey::Store(StoreKey::Directory) => "directory".to_owned(),
            SyncKey::Store(StoreKey::PracticeWork) => "practice-work".to_owned(),
            SyncKey::Store(StoreKey::Tasks) => "tasks".to_owned(),
            SyncKey::Store(StoreKey::Records(n)) => format!("records-{n}"),
        }
    }

    /// The key a server document id names, if it is one of ours.
    pub fn parse(id: &str) -> Option<SyncKey> {
        Some(match id {
            GONE_ID => SyncKey::Gone,
            "settings" => SyncKey::Store(StoreKey::Settings),
            "directory" => SyncKey::Store(StoreKey::Directory),
            "practice-work" => SyncKey::Store(StoreKey::PracticeWork),
            "tasks" => SyncKey::Store(StoreKey::Tasks),
            _ => {
                let n = id.strip_prefix("records-")?;
                if n.is_empty() || n.len() > 9 || !n.chars().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                SyncKey::Store(StoreKey::Records(n.parse().ok()?))
            }
        })
    }
}

/// A sealed server document as sent and received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// [`SEALED_MARK`] (nothing in a deletion).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub f: String,
    /// Base64 of the nonce and ciphertext (nothing in a deletion).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub c: String,
    #[serde(
        rename = "_deleted",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub deleted: bool,
    /// Other branches the server holds (a cluster or replication between servers made
    /// them): read, never sent.
    #[serde(rename = "_conflicts", default, skip_serializing)]
    pub conflicts: Vec<String>,
}

impl ServerDoc {
    /// A deletion of one revision (a branch merged into the winner).
    pub fn deletion(id: &str, rev: &str) -> Self {
        Self {
            id: id.to_owned(),
            rev: Some(rev.to_owned()),
            f: String::new(),
            c: String::new(),
            deleted: true,
            conflicts: Vec::new(),
        }
    }
}

/// A server document opened: its generation and the stored document's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub generation: u64,
    pub text: String,
}

/// Why a server document was refused. Nothing is changed on this PC by a refused document.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the server's copy of {0} is not one Linkwork wrote (it has no sealed contents)")]
    NotSealed(String),
    #[error("the server's copy of {0} does not open: it was damaged, changed, or moved there from another document or workspace")]
    DoesNotOpen(String),
    #[error("the server sent an older copy of {doc} than this PC has already seen (version {got}, after version {seen}): it was kept out")]
    Replayed { doc: String, got: u64, seen: u64 },
}

/// Associated data of a server document: the workspace and the document's name.
fn bound_to(workspace: &str, id: &str) -> String {
    format!("linkwork.sync/{workspace}/{id}")
}

/// Seals a document's text for the server, as generation `generation`.
pub fn seal_doc(
    vault: &Vault,
    workspace: &str,
    key: SyncKey,
    generation: u64,
    text: &str,
    rng: &mut dyn Random,
) -> ServerDoc {
    let id = key.id();
    let plain = format!("{generation}\n{text}");
    let bytes = vault.seal_bytes(&bound_to(workspace, &id), &plain, rng);
    ServerDoc {
        id,
        rev: None,
        f: SEALED_MARK.to_owned(),
        c: base64::engine::general_purpose::STANDARD.encode(bytes),
        deleted: false,
        conflicts: Vec::new(),
    }
}

/// Opens a server document of this workspace. It must open under its own name; its
/// generation is checked by the caller against what this PC has seen.
pub fn open_doc(vault: &Vault, workspace: &str, doc: &ServerDoc) -> Result<Opened, Refused> {
    let what = describe_id(&doc.id);
    if doc.f != SEALED_MARK || doc.c.is_empty() {
        return Err(Refused::NotSealed(what));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&doc.c)
        .map_err(|_| Refused::DoesNotOpen(what.clone()))?;
    let plain = vault
        .open_bytes(&bound_to(workspace, &doc.id), &bytes)
        .map_err(|_| Refused::DoesNotOpen(what.clone()))?;
    let (generation, text) = plain
        .split_once('\n')
        .and_then(|(g, t)| Some((g.parse().ok()?, t.to_owned())))
        .ok_or(Refused::DoesNotOpen(what))?;
    Ok(Opened { generation, text })
}

/// A server document's name in words.
pub fn describe_id(id: &str) -> String {
    match SyncKey::parse(id) {
        Some(SyncKey::Gone) => "the list of deleted people".into(),
        Some(SyncKey::Store(StoreKey::Settings)) => "the settings".into(),
        Some(SyncKey::Store(StoreKey::Directory)) => "the community directory".into(),
        Some(SyncKey::Store(StoreKey::PracticeWork)) => "the practice work".into(),
        Some(SyncKey::Store(StoreKey::Tasks)) => "your own tasks".into(),
        Some(SyncKey::Store(StoreKey::Records(n))) => format!("records part {}", n + 1),
        None if id == META_ID => "the workspace's key".into(),
        None => "a document Linkwork does not know".into(),
    }
}

/// A short hash of a document's text: whether two copies are the same.
pub fn text_hash(text: &str) -> String {
    use blake2::Digest;
    let mut h = blake2::Blake2b512::new();
    h.update(b"linkwork.sync-text");
    h.update(text.as_bytes());
    hex::encode(&h.finalize()[..8])
}

/// The meta document's format.
pub const SYNC_META_DOC: DocKind = DocKind {
    format: "linkwork.sync-meta",
    current: 1,
    migrations: &[],
};

/// The meta document: the workspace's id, a random epoch (a database emptied and filled
/// again by someone else has another), and the data key wrapped under a key derived from
/// the passphrase and the sync secret together. The workspace's label is sealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncMeta {
    pub workspace: String,
    pub epoch: String,
    pub kdf: KdfParams,
    pub wrapped: String,
    /// The workspace's label, sealed under the data key.
    pub label: String,
    pub made: DateTime<Utc>,
}

/// Random bytes in a sync secret: 120 bits, 24 base32 characters.
const SECRET_BYTES: usize = 15;

/// A new sync secret (to show once, on the set-up sheet).
pub fn make_secret(rng: &mut dyn Random) -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rng.fill(&mut bytes);
    Base32UpperUnpadded::encode_string(&bytes)
}

/// Whether a typed sync secret has the right shape (after [`normalise_code`]).
pub fn secret_shape_ok(secret: &str) -> bool {
    let s = normalise_code(secret);
    s.len() == 24 && Base32UpperUnpadded::decode_vec(&s).is_ok()
}

/// The vault of the key that wraps the data key on the server: derived from the passphrase
/// and the secret together, so neither alone opens it.
fn two_secret_vault(passphrase: &str, secret: &str, kdf: &KdfParams) -> Result<Vault, AccessError> {
    let joined = zeroize::Zeroizing::new(format!("{passphrase}\u{1f}{}", normalise_code(secret)));
    derive_key(&joined, kdf)
        .map(|k| Vault::new(&k))
        .map_err(|e| AccessError::Unusable(e.to_string()))
}

fn wrap_bound(workspace: &str) -> String {
    format!("linkwork.sync/{workspace}#data-key")
}

fn label_bound(workspace: &str) -> String {
    format!("linkwork.sync/{workspace}#label")
}

impl SyncMeta {
    /// A meta document for an open workspace, with a new epoch.
    pub fn make(
        meta: &WorkspaceMeta,
        vault: &Vault,
        passphrase: &str,
        secret: &str,
        now: DateTime<Utc>,
        rng: &mut dyn Random,
    ) -> Result<Self, AccessError> {
        let kdf = KdfParams::recommended(rng);
        let wrapping = two_secret_vault(passphrase, secret, &kdf)?;
        Ok(Self {
            workspace: meta.id.clone(),
            epoch: hex::encode(rng.bytes16()),
            wrapped: wrapping.wrap(&wrap_bound(&meta.id), vault, rng),
            label: vault.seal(&label_bound(&meta.id), &meta.name, rng),
            kdf,
            made: now,
        })
    }

    /// The same, with the data key wrapped again under a new passphrase (same secret).
    pub fn rewrapped(
        &self,
        vault: &Vault,
        passphrase: &str,
        secret: &str,
        rng: &mut dyn Random,
    ) -> Result<Self, AccessError> {
        let kdf = KdfParams::recommended(rng);
        let wrapping = two_secret_vault(passphrase, secret, &kdf)?;
        Ok(Self {
            wrapped: wrapping.wrap(&wrap_bound(&self.workspace), vault, rng),
            kdf,
            ..self.clone()
        })
    }

    /// Opens the data key with the passphrase and the secret; gives it with the label.
    pub fn open(&self, passphrase: &str, secret: &str) -> Result<(Vault, String), AccessError> {
        let wrapping = two_secret_vault(passphrase, secret, &self.kdf)?;
        let vault = wrapping
            .unwrap(&wrap_bound(&self.workspace), &self.wrapped)
            .map_err(|_| AccessError::WrongPassphrase)?;
        let label = vault
            .open(&label_bound(&self.workspace), &self.label)
            .map_err(|_| AccessError::WrongPassphrase)?;
        Ok((vault, label))
    }

    /// Its JSON for the server, with CouchDB's id (and revision, when replacing one).
    pub fn to_server(&self, rev: Option<&str>) -> String {
        let text = encode_doc(&SYNC_META_DOC, self);
        let mut value: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| unreachable!("an encoded document is JSON: {e}"));
        if let Some(obj) = value.as_object_mut() {
            obj.insert("_id".into(), META_ID.into());
            if let Some(rev) = rev {
                obj.insert("_rev".into(), rev.into());
            }
        }
        value.to_string()
    }

    /// Reads the server's meta document; gives it with its revision.
    pub fn from_server(text: &str) -> Result<(Self, Option<String>), FormatError> {
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| FormatError::NotJson(e.to_string()))?;
        let rev = value
            .get("_rev")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        if let Some(obj) = value.as_object_mut() {
            obj.retain(|k, _| !k.starts_with('_'));
        }
        Ok((decode(&SYNC_META_DOC, &value.to_string())?, rev))
    }
}

/// The tombstones' format: ids of people deleted under the data-rights feature, nothing
/// else (an id is random and says nothing about the person).
pub const GONE_DOC: DocKind = DocKind {
    format: "linkwork.sync-gone",
    current: 1,
    migrations: &[],
};

#[derive(Serialize, Deserialize)]
struct GoneDoc {
    people: std::collections::BTreeSet<PersonId>,
}

/// The tombstones' text.
pub fn encode_gone(people: &std::collections::BTreeSet<PersonId>) -> String {
    encode_doc(
        &GONE_DOC,
        &GoneDoc {
            people: people.clone(),
        },
    )
}

/// The tombstones in a text.
pub fn decode_gone(text: &str) -> Result<std::collections::BTreeSet<PersonId>, FormatError> {
    decode::<GoneDoc>(&GONE_DOC, text).map(|d| d.people)
}
