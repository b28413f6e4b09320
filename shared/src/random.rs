//! Random bytes from the operating system (`getrandom`), for tokens, salts and jitter.
//! Not AWS-LC's generator: its first draw in a process costs ~30 ms of seeding, which
//! would land on the first request of every function that draws.

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes
}

#[cfg(test)]
mod tests {
    use super::random_bytes;

    #[test]
    fn draws_differ() {
        assert_ne!(random_bytes::<32>(), random_bytes::<32>());
    }
}
