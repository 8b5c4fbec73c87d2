//! What a PC remembers about sync between sessions, sealed under the workspace's data key:
//! where the server is and how to sign in, the secret for the set-up sheet, and for each
//! server document the revision and generation this PC last saw, with the documents changed
//! here since. The decisions a sync makes are here too, so they are tested natively.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::exchange::sync::envelope::{
    open_doc, seal_doc, text_hash, Opened, Refused, ServerDoc, SyncKey,
};
use crate::model::{PersonId, PARTS_PER_PC};
use crate::store::crypto::{Random, Vault};
use crate::store::format::{decode, encode_doc, DocKind, FormatError};

/// The stored state's format.
pub const SYNC_STATE_DOC: DocKind = DocKind {
    format: "linkwork.sync-state",
    current: 1,
    migrations: &[],
};

/// Where to sync, and how to sign in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Server {
    /// The CouchDB address, ending in `/` (`https://example.org/sync/`).
    pub address: String,
    pub database: String,
    pub user: String,
    /// Kept only here, sealed with everything else under the data key.
    pub password: String,
}

/// What this PC last saw of one server document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// CouchDB's revision.
    pub rev: String,
    /// The highest generation seen or written.
    pub generation: u64,
    /// [`text_hash`] of that version's text.
    pub hash: String,
}

/// A PC's sync state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    pub server: Server,
    /// The sync secret, for a new set-up sheet and a new passphrase.
    pub secret: String,
    /// The server's epoch when this PC joined: another one means another database.
    pub epoch: String,
    /// This PC's name in "changed on two PCs" (`PC 7F3A`).
    pub device: String,
    /// The first records part of this PC's own range for new people.
    pub first_part: u32,
    /// Where the server's change feed was read up to (CouchDB's opaque sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<serde_json::Value>,
    /// Each server document this PC has seen, by id.
    #[serde(default)]
    pub docs: BTreeMap<String, Seen>,
    /// Documents changed here since they were last synced, with a count of changes (a push
    /// clears one only if nothing changed while it was on its way).
    #[serde(default)]
    pub pending: BTreeMap<String, u64>,
    /// People deleted under the data-rights feature, on any PC.
    #[serde(default)]
    pub gone: BTreeSet<PersonId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_synced: Option<DateTime<Utc>>,
    /// Server revisions refused (damaged, moved, replayed), so each is reported once.
    #[serde(default)]
    pub refused: BTreeMap<String, String>,
    /// The key wrapped again under a new passphrase, waiting to go to the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_out: Option<crate::exchange::sync::envelope::SyncMeta>,
    /// A person was deleted: once everything has gone, ask the server to drop old
    /// revisions' contents.
    #[serde(default)]
    pub compact: bool,
    /// Branches of a document the server held besides its winner, merged here: deleted on
    /// the server with the next push of that document.
    #[serde(default)]
    pub losers: BTreeMap<String, BTreeSet<String>>,
}

/// What to do with a document pulled from the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pulled {
    /// This PC already has exactly this version.
    Known,
    /// Newer, and nothing changed here since: take it.
    Take(Opened),
    /// Newer, and changed here too: merge (with the common version, if the server has it).
    Merge(Opened),
}

impl SyncState {
    /// A new state for a PC joining (or starting) sync.
    pub fn new(server: Server, secret: String, epoch: String, rng: &mut dyn Random) -> Self {
        let mut b = [0u8; 4];
        rng.fill(&mut b);
        let n = u32::from_le_bytes(b);
        // Parts 1..99,999 times the range: up to nine digits, clear of the shared parts.
        let first_part = (n % 99_998 + 1) * PARTS_PER_PC;
        Self {
            server,
            secret,
            epoch,
            device: format!("PC {:04X}", n >> 16),
            first_part,
            since: None,
            docs: BTreeMap::new(),
            pending: BTreeMap::new(),
            gone: BTreeSet::new(),
            last_synced: None,
            refused: BTreeMap::new(),
            meta_out: None,
            compact: false,
            losers: BTreeMap::new(),
        }
    }

    pub fn encode(&self) -> String {
        encode_doc(&SYNC_STATE_DOC, self)
    }

    pub fn decode(text: &str) -> Result<Self, FormatError> {
        decode(&SYNC_STATE_DOC, text)
    }

    /// Notes that a document changed here.
    pub fn changed(&mut self, key: SyncKey) {
        *self.pending.entry(key.id()).or_default() += 1;
    }

    /// Whether anything is waiting to go to the server.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Decides what to do with a pulled document, after opening it and checking that it is
    /// not older than what this PC has seen. A refusal is reported once per revision.
    pub fn pulled(
        &self,
        vault: &Vault,
        workspace: &str,
        doc: &ServerDoc,
    ) -> Result<Pulled, Refused> {
        let opened = open_doc(vault, workspace, doc)?;
        let seen = self.docs.get(&doc.id);
        if let Some(seen) = seen {
            let hash = text_hash(&opened.text);
            if opened.generation < seen.generation
                || (opened.generation == seen.generation && hash != seen.hash)
            {
                return Err(Refused::Replayed {
                    doc: crate::exchange::sync::envelope::describe_id(&doc.id),
                    got: opened.generation,
                    seen: seen.generation,
                });
            }
            if opened.generation == seen.generation {
                return Ok(Pulled::Known);
            }
        }
        Ok(if self.pending.contains_key(&doc.id) {
            Pulled::Merge(opened)
        } else {
            Pulled::Take(opened)
        })
    }

    /// Records a pulled version as seen. `now_here` is this PC's text after taking or
    /// merging it: the same as the server's means nothing is left to push.
    pub fn took(&mut self, id: &str, rev: &str, opened: &Opened, now_here: &str) {
        let hash = text_hash(&opened.text);
        if text_hash(now_here) == hash {
            self.pending.remove(id);
        } else {
            self.pending.entry(id.to_owned()).or_insert(1);
        }
        self.docs.insert(
            id.to_owned(),
            Seen {
                rev: rev.to_owned(),
                generation: opened.generation,
                hash,
            },
        );
    }

    /// A document sealed to push: the next generation, over the revision last seen. Gives
    /// the server document and the change count it carries.
    pub fn to_push(
        &self,
        vault: &Vault,
        workspace: &str,
        key: SyncKey,
        text: &str,
        rng: &mut dyn Random,
    ) -> (ServerDoc, u64) {
        let id = key.id();
        let seen = self.docs.get(&id);
        let generation = seen.map_or(0, |s| s.generation) + 1;
        let mut doc = seal_doc(vault, workspace, key, generation, text, rng);
        doc.rev = seen.map(|s| s.rev.clone()).filter(|r| !r.is_empty());
        (doc, self.pending.get(&id).copied().unwrap_or(0))
    }

    /// Records a push the server took: the new revision, and the change cleared if nothing
    /// changed here while it was on its way.
    pub fn pushed(&mut self, id: &str, rev: &str, generation: u64, text: &str, count: u64) {
        self.docs.insert(
            id.to_owned(),
            Seen {
                rev: rev.to_owned(),
                generation,
                hash: text_hash(text),
            },
        );
        if self.pending.get(id) == Some(&count) {
            self.pending.remove(id);
        }
    }

    /// Notes another branch of a document merged in here: it is deleted on the server with
    /// the next push, which carries a generation above every branch's.
    pub fn branch_merged(&mut self, id: &str, rev: &str, generation: u64) {
        self.losers
            .entry(id.to_owned())
            .or_default()
            .insert(rev.to_owned());
        if let Some(seen) = self.docs.get_mut(id) {
            seen.generation = seen.generation.max(generation);
        }
        self.pending.entry(id.to_owned()).or_insert(1);
    }

    /// Whether a branch was already merged here (and is waiting to be deleted).
    pub fn branch_known(&self, id: &str, rev: &str) -> bool {
        self.losers.get(id).is_some_and(|l| l.contains(rev))
    }

    /// The deletions of merged branches to send with a document's push.
    pub fn deletions(&self, id: &str) -> Vec<ServerDoc> {
        self.losers
            .get(id)
            .map(|l| l.iter().map(|rev| ServerDoc::deletion(id, rev)).collect())
            .unwrap_or_default()
    }

    /// A branch deleted on the server.
    pub fn deleted_branch(&mut self, id: &str, rev: &str) {
        if let Some(l) = self.losers.get_mut(id) {
            l.remove(rev);
            if l.is_empty() {
                self.losers.remove(id);
            }
        }
    }

    /// Notes a server revision refused (damaged, moved there, or an old version sent
    /// again). Where this PC has the document, its own copy is sent to replace the bad one
    /// (written over that revision, so no conflict blocks it); a document this PC never had
    /// is left alone. Gives whether it is the first time this revision was refused (to
    /// report it once).
    pub fn refuse(&mut self, id: &str, rev: &str) -> bool {
        let first = self.refused.get(id).is_none_or(|r| r != rev);
        self.refused.insert(id.to_owned(), rev.to_owned());
        if let Some(seen) = self.docs.get_mut(id) {
            seen.rev = rev.to_owned();
            self.pending.entry(id.to_owned()).or_insert(1);
        }
        first
    }
}
