//! Random tokens, their hashes, passwords.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 32 random bytes from the OS generator, base64url without padding (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored in place of a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `token` hashes to `stored`, compared in constant time.
pub fn token_matches(token: &str, stored: &str) -> bool {
    token_hash(token).as_bytes().ct_eq(stored.as_bytes()).into()
}

/// A token of the shape `new_token` makes: anything else is refused before any lookup.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub mod password {
    use argon2::Argon2;
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use std::sync::LazyLock;

    /// Verified against when the email is unknown, so both cases cost the same.
    static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_blocking("not a real password"));

    fn hash_blocking(password: &str) -> String {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 with default parameters cannot fail")
            .to_string()
    }

    /// argon2id (the crate's default, OWASP parameters), off the async threads.
    pub async fn hash(password: String) -> String {
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .expect("hashing task panicked")
    }

    /// Checks `password` against `stored`, or against a dummy when there is no account.
    pub async fn verify(password: String, stored: Option<String>) -> bool {
        tokio::task::spawn_blocking(move || {
            // An account without a password ("!") costs as much as any other.
            let usable = stored.filter(|s| PasswordHash::new(s).is_ok());
            let known = usable.is_some();
            let stored = usable.unwrap_or_else(|| DUMMY_HASH.clone());
            let ok = PasswordHash::new(&stored)
                .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
                .unwrap_or(false);
            known && ok
        })
        .await
        .expect("verification task panicked")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_unique() {
        let a = new_token();
        assert!(plausible_token(&a));
        assert_ne!(a, new_token());
    }

    #[test]
    fn hashes_match_only_their_token() {
        let t = new_token();
        let h = token_hash(&t);
        assert_eq!(h.len(), 64);
        assert!(token_matches(&t, &h));
        assert!(!token_matches(&new_token(), &h));
    }

    #[tokio::test]
    async fn passwords_verify_only_themselves() {
        let h = password::hash("correct horse".into()).await;
        assert!(h.starts_with("$argon2id$"));
        assert!(password::verify("correct horse".into(), Some(h.clone())).await);
        assert!(!password::verify("wrong horse".into(), Some(h)).await);
        assert!(!password::verify("anything".into(), None).await);
    }
}
