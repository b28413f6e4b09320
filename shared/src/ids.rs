//! Opaque, time-sortable identifiers (ULIDs).

pub fn new_id() -> String {
    ulid::Ulid::new().to_string()
}
