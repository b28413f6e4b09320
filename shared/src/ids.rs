//! Opaque, time-sortable identifiers (ULIDs).

use ulid::Ulid;

pub fn new_id() -> String {
    Ulid::new().to_string()
}

/// A new id that sorts after `previous`, even when this machine's clock is behind the
/// one that made `previous` (ledger entries must be numbered in commit order).
pub fn new_id_after(previous: Option<&str>) -> String {
    let fresh = Ulid::new();
    let Some(previous) = previous.and_then(|p| Ulid::from_string(p).ok()) else {
        return fresh.to_string();
    };
    if fresh > previous {
        return fresh.to_string();
    }
    // The next ULID after `previous`, or (random part exhausted, never in practice)
    // the first one of the following millisecond.
    previous
        .increment()
        .unwrap_or_else(|| Ulid::from_parts(previous.timestamp_ms() + 1, 0))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_after_a_future_id_still_sort_after_it() {
        let future = Ulid::from_parts(Ulid::new().timestamp_ms() + 60_000, 7).to_string();
        let next = new_id_after(Some(&future));
        assert!(next > future, "{next} > {future}");
        assert_eq!(next.len(), 26);
        assert!(new_id_after(Some(&next)) > next);
    }

    #[test]
    fn ids_after_a_past_id_are_fresh() {
        let past = Ulid::from_parts(1, 0).to_string();
        let next = new_id_after(Some(&past));
        assert!(next > past);
        assert!(Ulid::from_string(&next).unwrap().timestamp_ms() > 1);
        assert!(new_id_after(None) > past);
    }
}
