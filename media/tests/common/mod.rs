//! The committed fixtures (scripts/make_media_fixtures.sh makes them).

use std::path::PathBuf;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Bytes no format can make sense of, the same every run.
#[allow(dead_code)] // not every test binary uses it
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            // xorshift64
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// How many cases a property test runs: `MEDIA_FUZZ_CASES` for a longer campaign (in
/// release: `MEDIA_FUZZ_CASES=1000000 cargo test --release -p natives-media`).
#[allow(dead_code)] // not every test binary uses it
pub fn fuzz_cases(default: u32) -> u32 {
    std::env::var("MEDIA_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}
