//! CPU cost of checking one access token the way `shared/src/auth/access_token.rs` does
//! (jsonwebtoken 10 on aws-lc-rs, EdDSA/Ed25519, claims into a struct), to split the
//! authenticated routes' per-invocation CPU time (docs/performance.md).
//!
//! Usage: target/release/tokencost [iterations, default 20000]

use std::time::Instant;

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

#[derive(serde::Serialize, serde::Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    iat: i64,
    exp: i64,
    token_use: String,
    sid: String,
    generation: u64,
    roles: Vec<String>,
}

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims = Claims {
        iss: "natives.chat".into(),
        aud: "natives.chat/api".into(),
        sub: "01M8H2Z4RHYFDJF6JDQJ311D3C".into(),
        iat: now,
        exp: now + 900,
        token_use: "access".into(),
        sid: "01M8H2Z4RHYFDJF6JDQJ311D3D".into(),
        generation: 0,
        roles: vec!["user".into()],
    };
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::EdDSA),
        &claims,
        &EncodingKey::from_ed_der(pkcs8.as_ref()),
    )
    .unwrap();
    let key = DecodingKey::from_ed_der(pair.public_key().as_ref());
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&["natives.chat"]);
    validation.set_audience(&["natives.chat/api"]);
    validation.leeway = 30;

    let check = || jsonwebtoken::decode::<Claims>(&token, &key, &validation).unwrap();
    let first = Instant::now();
    check();
    let first = first.elapsed();
    let start = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(check());
    }
    let each = start.elapsed() / iterations;
    println!("first check {first:?}; then {each:?} per check over {iterations}");
}
