//! argon2id at the OWASP minimum (m = 19 MiB, t = 2, p = 1), PHC strings.

use crate::random::random_bytes;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes make a valid salt");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2id hashing with valid parameters cannot fail")
        .to_string()
}

/// Verifies with the parameters recorded in the PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// What a login to an unknown e-mail verifies the password against: a hash made once,
/// ahead of time, at the parameters of [`hash_password`] (a test holds it to them).
/// Being a constant, it costs nothing at cold start and, unlike a hash made on first
/// use, the first unknown e-mail of a sandbox does not take twice as long as a wrong
/// password.
const DUMMY_PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$Q0l8WYkZyWltpWoYVCrniQ$9QYNfCaFrZ5sJSXf8r8mfpnab54RWM400s+azon/ngg";

/// Spends the same time as a real verification, so an unknown e-mail cannot be told
/// apart from a wrong password by timing.
pub fn verify_against_dummy(password: &str) {
    let _ = verify_password(password, DUMMY_PHC);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_strings_at_owasp_parameters() {
        let phc = hash_password("correct horse battery");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterz", &phc));
        assert_ne!(phc, hash_password("correct horse battery"), "salted");
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash_password("correct horse battery");
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(DUMMY_PHC).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params, "memory, iterations, lanes");
        assert_eq!(dummy.salt.map(|s| s.len()), real.salt.map(|s| s.len()));
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        assert!(verify_password("dummy password for timing", DUMMY_PHC));
    }
}
