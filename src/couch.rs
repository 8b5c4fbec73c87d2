//! The only code that talks to a sync server: CouchDB's HTTP API, through `gloo-net`
//! (fetch). Every failure becomes a [`CouchError`] with a plain message and a retry policy.
//! Nothing personal goes into an address: document ids are plain names, and the sign-in
//! travels in a header.

use base64::Engine as _;
use gloo_net::http::{Request, RequestBuilder, Response};
use linkwork_core::exchange::sync::envelope::ServerDoc;
use linkwork_core::exchange::sync::state::Server;
use serde::Deserialize;

/// Why the server could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CouchError {
    #[error("The sync server cannot be reached (no network, or the server is down). Your changes are kept on this PC and will go when it is back.")]
    Offline,
    #[error("The sync server did not accept the user name and password (they may have changed). Check them in Settings, under \u{201c}Sync between PCs\u{201d}.")]
    SignedOut,
    #[error("This user may not use that database on the sync server. Ask whoever runs the server to add you to it.")]
    Forbidden,
    #[error("The database is not on the sync server (a wrong name, or it was deleted). Nothing on this PC was changed. Check the name in Settings, under \u{201c}Sync between PCs\u{201d}, or ask whoever runs the server.")]
    NoDatabase,
    #[error("A document was too large for the sync server. Ask whoever runs the server to raise its size limits (max_document_size and max_http_request_size).")]
    TooLarge,
    #[error("The sync server had a problem (error {0}). Linkwork will try again shortly.")]
    Server(u16),
    #[error("The sync server is not answering (error {0}): it may be down or being restarted. Your changes are kept on this PC and will go when it is back.")]
    Down(u16),
    #[error("The sync server answered in a way Linkwork does not understand ({0}). Check the server address: it should be the CouchDB address, such as https://example.org/sync/.")]
    Unexpected(String),
}

impl CouchError {
    /// Whether trying again soon may help (rather than waiting for a person to act).
    pub fn transient(&self) -> bool {
        matches!(
            self,
            CouchError::Offline | CouchError::Server(_) | CouchError::Down(_)
        )
    }
}

/// The server's answer to a request that a document is missing (404) is often expected.
fn status_error(status: u16) -> CouchError {
    match status {
        401 => CouchError::SignedOut,
        403 => CouchError::Forbidden,
        404 => CouchError::NoDatabase,
        413 => CouchError::TooLarge,
        // From a proxy in front of the server: the server itself is not there.
        502..=504 => CouchError::Down(status),
        s if s >= 500 => CouchError::Server(s),
        s => CouchError::Unexpected(format!("status {s}")),
    }
}

/// A database on a server, with its sign-in.
#[derive(Clone, Debug)]
pub struct Couch {
    base: String,
    auth: String,
}

/// One change in the feed.
#[derive(Debug, Deserialize)]
pub struct Change {
    pub id: String,
    #[serde(default)]
    pub deleted: bool,
    /// The document's current revision (the first; there is one unless the server holds
    /// conflicting branches).
    #[serde(default)]
    pub changes: Vec<ChangedRev>,
}

/// A revision named in the change feed.
#[derive(Debug, Deserialize)]
pub struct ChangedRev {
    pub rev: String,
}

/// A page of the change feed.
#[derive(Debug, Deserialize)]
pub struct Changes {
    pub results: Vec<Change>,
    pub last_seq: serde_json::Value,
}

/// The outcome of one document in a bulk write.
#[derive(Debug, Deserialize)]
pub struct Written {
    pub id: String,
    #[serde(default)]
    pub rev: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// Whether an address may be used: https, or plain http on this computer only (for tests
/// and a server on the same PC). The address must end with `/`.
pub fn check_address(address: &str) -> Result<String, String> {
    let a = address.trim();
    let a = if a.ends_with('/') {
        a.to_owned()
    } else {
        format!("{a}/")
    };
    let local = ["http://localhost", "http://127.0.0.1"]
        .iter()
        .any(|p| a.starts_with(&format!("{p}:")) || a.starts_with(&format!("{p}/")));
    if !(a.starts_with("https://") || local) {
        return Err("Enter the server's address starting with https:// (such as https://example.org/sync/). Plain http is only allowed for a server on this PC.".into());
    }
    if a.contains(['?', '#', ' ', '@']) {
        return Err("Enter the server's address alone, without a user name, spaces or anything after ? or #.".into());
    }
    Ok(a)
}

/// Whether a database name is one CouchDB accepts.
pub fn check_database(name: &str) -> Result<String, String> {
    let n = name.trim();
    let ok = n.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_$()+-".contains(c))
        && n.len() <= 200;
    if ok {
        Ok(n.to_owned())
    } else {
        Err("Enter the database name you were given: small letters, digits, and _ $ ( ) + - only, starting with a letter.".into())
    }
}

impl Couch {
    pub fn new(server: &Server) -> Self {
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", server.user, server.password));
        Self {
            base: format!("{}{}/", server.address, server.database),
            auth: format!("Basic {token}"),
        }
    }

    fn get(&self, path: &str) -> RequestBuilder {
        Request::get(&format!("{}{path}", self.base))
            .header("Authorization", &self.auth)
            .header("Accept", "application/json")
            .cache(web_sys::RequestCache::NoStore)
    }

    /// A request that sends JSON, signed in.
    fn sending(&self, request: RequestBuilder) -> RequestBuilder {
        request
            .header("Authorization", &self.auth)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .cache(web_sys::RequestCache::NoStore)
    }

    async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, CouchError> {
        let request = request.map_err(|e| CouchError::Unexpected(e.to_string()))?;
        request.send().await.map_err(|_| CouchError::Offline)
    }

    async fn text(response: Response) -> Result<String, CouchError> {
        response.text().await.map_err(|_| CouchError::Offline)
    }

    /// Checks that the database is there and this user may read it.
    pub async fn check(&self) -> Result<(), CouchError> {
        let r = Self::send(self.get("").build()).await?;
        if r.ok() {
            Ok(())
        } else {
            Err(status_error(r.status()))
        }
    }

    /// A document's JSON (a given revision, or the current one), or `None` if the database
    /// has no such document or no longer has that revision. Asked in ways that answer 200
    /// either way, so a missing document is an answer, not an error in the browser's log.
    pub async fn document(
        &self,
        id: &str,
        rev: Option<&str>,
    ) -> Result<Option<String>, CouchError> {
        let quoted = serde_json::Value::from(id).to_string();
        let path = match rev {
            Some(rev) => format!(
                "{id}?open_revs={}",
                js_sys::encode_uri_component(&serde_json::json!([rev]).to_string())
            ),
            None => format!(
                "_all_docs?include_docs=true&key={}",
                js_sys::encode_uri_component(&quoted)
            ),
        };
        let r = Self::send(self.get(&path).build()).await?;
        if !r.ok() {
            return Err(status_error(r.status()));
        }
        let body = Self::text(r).await?;
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| CouchError::Unexpected(e.to_string()))?;
        let doc = match rev {
            // `[{"ok": doc}]`, or `[{"missing": rev}]` once it is compacted away.
            Some(_) => value.get(0).and_then(|v| v.get("ok")).cloned(),
            // `{"rows": [{"id", "doc"}]}`, or a row with an error, or none.
            None => value
                .get("rows")
                .and_then(|rows| rows.get(0))
                .and_then(|row| row.get("doc"))
                .filter(|d| d.is_object())
                .cloned(),
        };
        Ok(doc.map(|d| d.to_string()))
    }

    /// Writes one document (the meta document); gives its new revision.
    pub async fn put(&self, id: &str, json: String) -> Result<String, CouchError> {
        let r = Self::send(
            self.sending(Request::put(&format!("{}{id}", self.base)))
                .body(json),
        )
        .await?;
        let status = r.status();
        let body = Self::text(r).await?;
        if !(200..300).contains(&status) {
            return Err(status_error(status));
        }
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("rev")?.as_str().map(str::to_owned))
            .ok_or_else(|| CouchError::Unexpected("no revision in the answer".into()))
    }

    /// A page of changes since `since`, with the documents.
    pub async fn changes(
        &self,
        since: Option<&serde_json::Value>,
        limit: usize,
    ) -> Result<Changes, CouchError> {
        let since = match since {
            None => "0".to_owned(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        };
        let path = format!(
            "_changes?limit={limit}&since={}",
            js_sys::encode_uri_component(&since)
        );
        let r = Self::send(self.get(&path).build()).await?;
        if !r.ok() {
            return Err(status_error(r.status()));
        }
        let body = Self::text(r).await?;
        serde_json::from_str(&body).map_err(|e| CouchError::Unexpected(e.to_string()))
    }

    /// The current versions of documents, by id (those missing are left out).
    pub async fn fetch(&self, ids: &[String]) -> Result<Vec<serde_json::Value>, CouchError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let body = serde_json::json!({ "keys": ids }).to_string();
        let r = Self::send(
            self.sending(Request::post(&format!(
                "{}_all_docs?include_docs=true&conflicts=true",
                self.base
            )))
            .body(body),
        )
        .await?;
        if !r.ok() {
            return Err(status_error(r.status()));
        }
        let body = Self::text(r).await?;
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| CouchError::Unexpected(e.to_string()))?;
        Ok(value
            .get("rows")
            .and_then(serde_json::Value::as_array)
            .map(|rows| {
                rows.iter()
                    .filter_map(|row| row.get("doc").filter(|d| d.is_object()).cloned())
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Writes documents, each over the revision it names (a stale one is refused with a
    /// conflict, never written over).
    pub async fn bulk(&self, docs: &[ServerDoc]) -> Result<Vec<Written>, CouchError> {
        let body = serde_json::json!({ "docs": docs }).to_string();
        let r = Self::send(
            self.sending(Request::post(&format!("{}_bulk_docs", self.base)))
                .body(body),
        )
        .await?;
        let status = r.status();
        let body = Self::text(r).await?;
        if !(200..300).contains(&status) {
            return Err(status_error(status));
        }
        serde_json::from_str(&body).map_err(|e| CouchError::Unexpected(e.to_string()))
    }

    /// Asks the server to drop old revisions' contents (after a deletion under the
    /// data-rights feature). Only a database admin may; a refusal is not a problem.
    pub async fn compact(&self) {
        let _ = Self::send(
            self.sending(Request::post(&format!("{}_compact", self.base)))
                .body("{}"),
        )
        .await;
    }
}
