//! Sync between PCs through a CouchDB server the organisation runs: optional, and end to end
//! encrypted. The server only ever holds ciphertext under plain document names.
//!
//! - [`envelope`]: what a server document holds (a format marker and ciphertext bound to its
//!   name, with a generation number inside), the meta document with the data key wrapped
//!   under the passphrase *and* a random sync secret, and the tombstones of deleted people.
//! - [`merge`]: two copies of one document changed on two PCs, merged record by record and
//!   field by field (the handover merge), deletions under the data-rights feature winning.
//! - [`state`]: what a PC remembers between syncs (sealed under the data key): the server,
//!   the sign-in, each document's revision and generation, and what is waiting to go.
//!
//! The network itself is the app's: this module decides, it never waits.

pub mod envelope;
pub mod merge;
pub mod state;

#[cfg(test)]
mod tests;
