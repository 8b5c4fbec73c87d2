//! Encryption at rest: Argon2id key derivation, AES-256-GCM sealing,
//! compression, and a compact text encoding for local storage.
//!
//! A sealed value is `E1:` followed by [`pack`]ed bytes: a fresh random
//! 96-bit nonce, then the AES-256-GCM ciphertext of the deflated plaintext.
//! The storage key is the associated data, so a value moved to another key
//! (or another workspace) fails its integrity check.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A source of random bytes (the browser's `crypto.getRandomValues` in the
/// app, a seeded generator in tests).
pub trait Random {
    /// Fills `out` with random bytes.
    fn fill(&mut self, out: &mut [u8]);

    /// 16 random bytes, for ids and salts.
    fn bytes16(&mut self) -> [u8; 16] {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        b
    }
}

/// The deflate level of sealed values: level 3 is nearly twice as quick as 6 on a records
/// part, for about 9% more stored characters (every save pays the time; the quota has room).
const SEAL_LEVEL: u8 = 3;

/// The prefix of a sealed value.
pub const SEALED_PREFIX: &str = "E1:";
/// Largest plaintext a sealed value may inflate to (guards against a
/// crafted value that decompresses without end).
pub const MAX_PLAINTEXT: usize = 64 << 20;

/// Why encryption or decryption failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the passphrase is not right, or the data was changed or damaged")]
    Integrity,
    #[error("it is not in Linkwork's encrypted form")]
    NotSealed,
    #[error("it uses key settings this browser cannot use ({0})")]
    BadParams(String),
    #[error("it is too large to open safely")]
    TooLarge,
}

/// Argon2id settings, stored with each workspace so they can be raised later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Always `argon2id`.
    pub algorithm: String,
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Lanes.
    pub p: u32,
    /// Random salt, hex.
    pub salt: String,
}

impl KdfParams {
    /// Bitwarden's default for Argon2id: 64 MiB, 3 iterations, 4 lanes (OWASP's minimum is
    /// 19 MiB, 2 iterations, 1 lane). In the browser the lanes run one after another.
    pub fn recommended(rng: &mut dyn Random) -> Self {
        Self {
            algorithm: "argon2id".into(),
            m_kib: 64 * 1024,
            t: 3,
            p: 4,
            salt: hex::encode(rng.bytes16()),
        }
    }

    /// Whether these settings cost less than `other` (memory times iterations): a workspace
    /// made under older settings is raised to today's when it is next unlocked.
    pub fn weaker_than(&self, other: &KdfParams) -> bool {
        u64::from(self.m_kib) * u64::from(self.t) < u64::from(other.m_kib) * u64::from(other.t)
    }

    /// Cheap settings, only for tests that derive many keys.
    pub fn for_tests(salt: [u8; 16]) -> Self {
        Self {
            algorithm: "argon2id".into(),
            m_kib: 64,
            t: 1,
            p: 1,
            salt: hex::encode(salt),
        }
    }
}

/// A 256-bit key, wiped from memory when dropped.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; 32]>);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A fresh random 256-bit key: a workspace's data key.
    pub fn random(rng: &mut dyn Random) -> Self {
        let mut out = Zeroizing::new([0u8; 32]);
        rng.fill(out.as_mut());
        Key(out)
    }

    /// The key's bytes, for handing it to another implementation of the same cipher (the
    /// benchmark's plain-JavaScript floor imports it into WebCrypto). The app never does.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Derives the workspace key from a passphrase.
pub fn derive_key(passphrase: &str, params: &KdfParams) -> Result<Key, CryptoError> {
    if params.algorithm != "argon2id" {
        return Err(CryptoError::BadParams(params.algorithm.clone()));
    }
    let salt = hex::decode(&params.salt).map_err(|e| CryptoError::BadParams(e.to_string()))?;
    let p = Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|e| CryptoError::BadParams(e.to_string()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into(passphrase.as_bytes(), &salt, out.as_mut())
        .map_err(|e| CryptoError::BadParams(e.to_string()))?;
    Ok(Key(out))
}

/// Seals and opens values with one key.
pub struct Vault {
    cipher: Aes256Gcm,
    /// The key itself, kept (wiped on drop) so that a workspace's data key can be wrapped
    /// again under a new passphrase without re-encrypting anything.
    key: Key,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Vault(…)")
    }
}

impl Vault {
    /// A vault for a derived key. The cipher's key schedule is wiped on drop.
    pub fn new(key: &Key) -> Self {
        Self {
            cipher: Aes256Gcm::new_from_slice(key.0.as_ref())
                .unwrap_or_else(|_| unreachable!("a 32-byte key is always the right length")),
            key: key.clone(),
        }
    }

    /// The key's bytes, for handing to another implementation of the same cipher (the
    /// benchmark's plain-JavaScript floor). The app never does.
    pub fn expose(&self) -> &[u8; 32] {
        self.key.expose()
    }

    /// Seals another vault's key under this one (the envelope: a passphrase's key wraps
    /// the workspace's random data key). `name` binds it to where it is stored.
    pub fn wrap(&self, name: &str, inner: &Vault, rng: &mut dyn Random) -> String {
        self.seal(name, &hex::encode(inner.key.0.as_ref()), rng)
    }

    /// Opens a key sealed by [`Vault::wrap`]: a vault for it.
    pub fn unwrap(&self, name: &str, wrapped: &str) -> Result<Vault, CryptoError> {
        let text = Zeroizing::new(self.open(name, wrapped)?);
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.as_bytes(), bytes.as_mut())
            .map_err(|_| CryptoError::Integrity)?;
        Ok(Vault::new(&Key(bytes)))
    }

    /// Compresses, encrypts (fresh random nonce) and encodes a value to be
    /// stored under `key_name`.
    pub fn seal(&self, key_name: &str, plaintext: &str, rng: &mut dyn Random) -> String {
        let mut out = String::from(SEALED_PREFIX);
        out.push_str(&pack(&self.seal_bytes(key_name, plaintext, rng)));
        out
    }

    /// Compresses and encrypts a value (fresh random nonce) for a file: the nonce, then the
    /// ciphertext. `key_name` binds it to its use.
    pub fn seal_bytes(&self, key_name: &str, plaintext: &str, rng: &mut dyn Random) -> Vec<u8> {
        let compressed = miniz_oxide::deflate::compress_to_vec(plaintext.as_bytes(), SEAL_LEVEL);
        let mut nonce = [0u8; 12];
        rng.fill(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &compressed,
                    aad: key_name.as_bytes(),
                },
            )
            .unwrap_or_else(|_| unreachable!("AES-GCM encrypts any message under 64 GiB"));
        let mut bytes = Vec::with_capacity(12 + ciphertext.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&ciphertext);
        bytes
    }

    /// Decodes, decrypts and inflates a value stored under `key_name`.
    pub fn open(&self, key_name: &str, stored: &str) -> Result<String, CryptoError> {
        let packed = stored
            .strip_prefix(SEALED_PREFIX)
            .ok_or(CryptoError::NotSealed)?;
        let bytes = unpack(packed).ok_or(CryptoError::Integrity)?;
        self.open_bytes(key_name, &bytes)
    }

    /// Decrypts and inflates bytes made by [`Vault::seal_bytes`].
    pub fn open_bytes(&self, key_name: &str, bytes: &[u8]) -> Result<String, CryptoError> {
        if bytes.len() < 12 + 16 {
            return Err(CryptoError::Integrity);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let compressed = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: key_name.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Integrity)?;
        let plain = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_PLAINTEXT)
            .map_err(|_| CryptoError::TooLarge)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Integrity)
    }
}

/// Compresses text for storage (not encrypted): deflate, packed by [`pack`].
/// For anonymised data only, such as a manager's imported summaries.
pub fn squeeze(text: &str) -> String {
    pack(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 6))
}

/// Reverses [`squeeze`]; `None` if the text was not made by it.
pub fn unsqueeze(stored: &str) -> Option<String> {
    let bytes = unpack(stored)?;
    let plain = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_PLAINTEXT).ok()?;
    String::from_utf8(plain).ok()
}

/// The first code point used by [`pack`]: 15 bits per UTF-16 code unit,
/// all below the surrogate range, so every character is one code unit.
const PACK_BASE: u32 = 0x4000;

/// Encodes bytes as text at 15 bits per character. Local storage quotas are
/// counted in UTF-16 code units, so this stores 1.875 bytes per unit where
/// base64 stores 0.75. The first two characters hold the byte count.
pub fn pack(bytes: &[u8]) -> String {
    let len = bytes.len() as u32;
    let mut out = String::with_capacity(bytes.len() * 3 / 5 + 4);
    let push = |out: &mut String, v: u32| {
        out.push(char::from_u32(PACK_BASE + v).unwrap_or_else(|| unreachable!("below 0xC000")));
    };
    push(&mut out, len >> 15 & 0x7fff);
    push(&mut out, len & 0x7fff);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        if bits >= 15 {
            bits -= 15;
            push(&mut out, (acc >> bits) & 0x7fff);
        }
    }
    if bits > 0 {
        push(&mut out, (acc << (15 - bits)) & 0x7fff);
    }
    out
}

/// Decodes [`pack`]ed text; `None` if it is not well formed.
pub fn unpack(text: &str) -> Option<Vec<u8>> {
    let mut values = text.chars().map(|c| {
        let v = u32::from(c).checked_sub(PACK_BASE)?;
        (v <= 0x7fff).then_some(v)
    });
    let high = values.next()??;
    let low = values.next()??;
    let len = ((high << 15) | low) as usize;
    let mut out = Vec::with_capacity(len);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for v in values {
        acc = (acc << 15) | v?;
        bits += 15;
        while bits >= 8 && out.len() < len {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    // Padding bits must be zero, so every text decodes from exactly one input.
    (out.len() == len && bits < 15 && acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::SeqRandom;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn vault(pass: &str) -> Vault {
        Vault::new(&derive_key(pass, &KdfParams::for_tests([5; 16])).expect("derives"))
    }

    proptest! {
        #[test]
        fn pack_round_trips_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let text = pack(&bytes);
            prop_assert!(text.chars().all(|c| (0x4000..0xC000).contains(&u32::from(c))));
            prop_assert_eq!(text.chars().count(), 2 + (bytes.len() * 8).div_ceil(15));
            prop_assert_eq!(unpack(&text), Some(bytes));
        }

        #[test]
        fn sealing_round_trips_any_text(text in ".{0,3000}", key in "[a-z/0-9]{1,30}") {
            let v = vault("correct horse");
            let sealed = v.seal(&key, &text, &mut SeqRandom::default());
            prop_assert_eq!(v.open(&key, &sealed), Ok(text));
        }
    }

    #[test]
    fn unpack_refuses_malformed_text() {
        assert_eq!(unpack(""), None);
        assert_eq!(unpack("ab"), None);
        let good = pack(b"hello");
        let truncated: String = good.chars().take(good.chars().count() - 1).collect();
        assert_eq!(unpack(&truncated), None);
        let extra = format!("{good}{}", char::from_u32(0x4001).expect("valid"));
        assert_eq!(unpack(&extra), None);
    }

    #[test]
    fn compact_encoding_beats_base64_by_far() {
        let bytes = vec![0xA5u8; 30_000];
        let packed = pack(&bytes).encode_utf16().count();
        let base64 = bytes.len().div_ceil(3) * 4;
        assert!(packed * 2 < base64, "{packed} UTF-16 units vs {base64}");
    }

    #[test]
    fn a_wrong_passphrase_cannot_open() {
        let sealed = vault("correct horse").seal("k", "secret", &mut SeqRandom::default());
        assert_eq!(
            vault("wrong horse").open("k", &sealed),
            Err(CryptoError::Integrity)
        );
    }

    #[test]
    fn tampering_anywhere_is_detected() {
        let v = vault("correct horse");
        let sealed = v.seal("k", "the quick brown fox", &mut SeqRandom::default());
        let chars: Vec<char> = sealed.chars().collect();
        for i in SEALED_PREFIX.len() + 2..chars.len() {
            let mut changed = chars.clone();
            let c = u32::from(changed[i]);
            changed[i] = char::from_u32(if c == 0x4000 { 0x4001 } else { c - 1 }).expect("valid");
            let text: String = changed.into_iter().collect();
            assert_eq!(
                v.open("k", &text),
                Err(CryptoError::Integrity),
                "change at {i}"
            );
        }
    }

    #[test]
    fn a_value_moved_to_another_key_fails() {
        let v = vault("correct horse");
        let sealed = v.seal("linkwork/ws/a/records/0", "x", &mut SeqRandom::default());
        assert_eq!(
            v.open("linkwork/ws/a/records/1", &sealed),
            Err(CryptoError::Integrity)
        );
    }

    #[test]
    fn every_write_uses_a_fresh_nonce() {
        let v = vault("correct horse");
        let mut rng = SeqRandom::default();
        let mut nonces = BTreeSet::new();
        for _ in 0..2000 {
            let sealed = v.seal("k", "same text every time", &mut rng);
            let bytes =
                unpack(sealed.strip_prefix(SEALED_PREFIX).expect("prefix")).expect("packed");
            assert!(nonces.insert(bytes[..12].to_vec()), "nonce reused");
        }
    }

    #[test]
    fn plaintext_never_appears_in_the_sealed_value() {
        let v = vault("correct horse");
        let sealed = v.seal("k", "RV-0412 loneliness", &mut SeqRandom::default());
        assert!(!sealed.contains("RV-0412"));
        assert!(!sealed.contains("loneliness"));
    }

    #[test]
    fn recommended_parameters_meet_owasp() {
        let p = KdfParams::recommended(&mut SeqRandom::default());
        assert!(p.m_kib >= 19 * 1024 && p.t >= 2 && p.p >= 1);
        assert_eq!(hex::decode(&p.salt).expect("hex").len(), 16);
        let q = KdfParams::recommended(&mut SeqRandom::default());
        assert_eq!(p, q, "a seeded source gives the same salt");
    }

    #[test]
    fn key_derivation_depends_on_passphrase_and_salt() {
        let a = derive_key("one", &KdfParams::for_tests([1; 16])).expect("derives");
        let b = derive_key("two", &KdfParams::for_tests([1; 16])).expect("derives");
        let c = derive_key("one", &KdfParams::for_tests([2; 16])).expect("derives");
        assert_ne!(a.0.as_ref(), b.0.as_ref());
        assert_ne!(a.0.as_ref(), c.0.as_ref());
        let mut bad = KdfParams::for_tests([1; 16]);
        bad.algorithm = "md5".into();
        assert!(matches!(
            derive_key("x", &bad),
            Err(CryptoError::BadParams(_))
        ));
    }
}
