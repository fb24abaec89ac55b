//! Encryption at rest for cloud SecretKeys (XChaCha20-Poly1305).
//!
//! The key comes from `CONSOLE_SECRET_KEY` (64 hex digits) or, failing that, from a key
//! file generated once under the data folder with mode 0600. Each ciphertext is bound to
//! the row it belongs to (associated data), so it cannot be moved to another team.
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{AeadCore, XChaCha20Poly1305, XNonce};

/// Why the key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("CONSOLE_SECRET_KEY must be 64 hex digits")]
    BadKey,
    #[error("key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Seals and opens secrets with the console's key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<key redacted>)")
    }
}

fn parse_hex_key(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(key)
}

impl SecretBox {
    /// From `env_key` when given, else from `<data_dir>/secret.key` (created if missing).
    ///
    /// # Errors
    /// A malformed key, or the key file not readable/writable.
    pub fn load(env_key: Option<&str>, data_dir: &Path) -> Result<Self, SecretsError> {
        let key = match env_key {
            Some(text) => parse_hex_key(text).ok_or(SecretsError::BadKey)?,
            None => Self::key_file(&data_dir.join("secret.key"))?,
        };
        Ok(Self {
            cipher: XChaCha20Poly1305::new(&key.into()),
        })
    }

    fn key_file(path: &Path) -> Result<[u8; 32], SecretsError> {
        let io = |source| SecretsError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Ok(text) = std::fs::read_to_string(path) {
            return parse_hex_key(&text).ok_or(SecretsError::BadKey);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let hex = cloud_wire::sign::hex(&key);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(io)?;
        std::io::Write::write_all(&mut file, hex.as_bytes()).map_err(io)?;
        tracing::info!(path = %path.display(), "generated the key that encrypts cloud secrets");
        Ok(key.into())
    }

    /// Encrypts `plaintext` for the row named by `context`: nonce || ciphertext.
    pub fn seal(&self, plaintext: &str, context: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context,
                },
            )
            // Encryption fails only for messages beyond ~256 GiB.
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// Decrypts what [`SecretBox::seal`] made for the same `context`; `None` when the
    /// data was tampered with, belongs elsewhere, or the key changed.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Option<String> {
        if sealed.len() < 24 {
            return None;
        }
        let (nonce, body) = sealed.split_at(24);
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context,
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_binds_to_context() {
        let dir = std::env::temp_dir().join(format!("secrets-{}", uuid::Uuid::new_v4()));
        let secrets = SecretBox::load(None, &dir).expect("key file created");
        let sealed = secrets.seal("my-secret-key", b"team-a");
        assert!(!sealed.windows(13).any(|w| w == b"my-secret-key"));
        assert_eq!(
            secrets.open(&sealed, b"team-a").as_deref(),
            Some("my-secret-key")
        );
        assert_eq!(secrets.open(&sealed, b"team-b"), None, "bound to its row");
        let mut tampered = sealed.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(secrets.open(&tampered, b"team-a"), None);

        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("secret.key"))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = SecretBox::load(None, &dir).expect("reloads the same key");
        assert_eq!(
            again.open(&sealed, b"team-a").as_deref(),
            Some("my-secret-key")
        );
        let other = SecretBox::load(Some(&"ab".repeat(32)), &dir).expect("env key");
        assert_eq!(other.open(&sealed, b"team-a"), None);
        assert!(SecretBox::load(Some("short"), &dir).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
