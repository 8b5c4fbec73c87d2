//! Layer 2, store: versioned documents, migrations and the one decode path, crypto, workspaces and backups. Uses `model` only.

pub mod crypto;
pub mod format;
pub mod vault_store;
