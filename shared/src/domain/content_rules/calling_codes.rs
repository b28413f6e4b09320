//! E.164 country calling codes and the lengths of the national numbers behind each,
//! taken from libphonenumber's metadata (the `phonenumber` crate). A test compares this
//! table with the crate and prints a fresh one when the metadata changes; the crate
//! itself stays out of the binary (see the module doc for its size and start-up cost).

/// `(calling code, possible national number lengths)`, sorted by code. The lengths are
/// the union over every region sharing the code and every number type.
pub(super) const CALLING_CODES: &[(u16, &[u8])] = &[
    (1, &[7, 10]),
    (7, &[10, 14]),
    (20, &[8, 9, 10]),
    (27, &[5, 6, 7, 8, 9, 10]),
    (30, &[10, 11, 12]),
    (31, &[5, 6, 7, 8, 9, 10, 11]),
    (32, &[8, 9]),
    (33, &[9]),
    (34, &[9]),
    (36, &[8, 9]),
    (39, &[6, 7, 8, 9, 10, 11, 12]),
    (40, &[6, 9]),
    (41, &[9, 12]),
    (43, &[4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
    (44, &[7, 9, 10]),
    (45, &[8]),
    (46, &[6, 7, 8, 9, 10, 12]),
    (47, &[5, 8]),
    (48, &[6, 7, 8, 9, 10]),
    (49, &[4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
    (51, &[8, 9]),
    (52, &[10]),
    (53, &[6, 7, 8, 10]),
    (54, &[10, 11]),
    (55, &[8, 9, 10, 11]),
    (56, &[9, 10, 11]),
    (57, &[8, 10, 11]),
    (58, &[10]),
    (60, &[8, 9, 10]),
    (61, &[5, 6, 7, 8, 9, 10, 12]),
    (62, &[7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]),
    (63, &[6, 8, 9, 10, 11, 12, 13]),
    (64, &[5, 6, 7, 8, 9, 10]),
    (65, &[8, 10, 11]),
    (66, &[8, 9, 10, 13]),
    (81, &[8, 9, 10, 11, 12, 13, 14, 15, 16, 17]),
    (82, &[5, 6, 8, 9, 10, 11, 12, 13, 14]),
    (84, &[7, 8, 9, 10]),
    (86, &[7, 8, 9, 10, 11, 12]),
    (90, &[7, 10, 12, 13]),
    (91, &[8, 9, 10, 11, 12, 13]),
    (92, &[8, 9, 10, 11, 12]),
    (93, &[9]),
    (94, &[9]),
    (95, &[6, 7, 8, 9, 10]),
    (98, &[4, 5, 6, 7, 10]),
    (211, &[9]),
    (212, &[9]),
    (213, &[8, 9]),
    (216, &[8]),
    (218, &[9]),
    (220, &[7]),
    (221, &[9]),
    (222, &[8]),
    (223, &[8]),
    (224, &[8, 9]),
    (225, &[10]),
    (226, &[8]),
    (227, &[8]),
    (228, &[8]),
    (229, &[8, 10]),
    (230, &[7, 8, 10]),
    (231, &[7, 8, 9]),
    (232, &[8]),
    (233, &[8, 9]),
    (234, &[10, 11, 12, 13, 14]),
    (235, &[8]),
    (236, &[8]),
    (237, &[8, 9]),
    (238, &[7]),
    (239, &[7]),
    (240, &[9]),
    (241, &[7, 8]),
    (242, &[9]),
    (243, &[7, 8, 9, 10]),
    (244, &[9]),
    (245, &[7, 9]),
    (246, &[7]),
    (247, &[5, 6]),
    (248, &[7]),
    (249, &[9]),
    (250, &[8, 9]),
    (251, &[9]),
    (252, &[6, 7, 8, 9]),
    (253, &[8]),
    (254, &[7, 8, 9, 10]),
    (255, &[9]),
    (256, &[9]),
    (257, &[8]),
    (258, &[8, 9]),
    (260, &[9]),
    (261, &[9]),
    (262, &[9]),
    (263, &[5, 6, 7, 8, 9, 10]),
    (264, &[8, 9]),
    (265, &[7, 9]),
    (266, &[8]),
    (267, &[7, 8, 10]),
    (268, &[8, 9]),
    (269, &[7]),
    (290, &[4, 5]),
    (291, &[7]),
    (297, &[7]),
    (298, &[6]),
    (299, &[6]),
    (350, &[8]),
    (351, &[9]),
    (352, &[4, 5, 6, 7, 8, 9, 10, 11]),
    (353, &[7, 8, 9, 10]),
    (354, &[7, 9]),
    (355, &[6, 7, 8, 9]),
    (356, &[8]),
    (357, &[8]),
    (358, &[5, 6, 7, 8, 9, 10, 11, 12]),
    (359, &[6, 7, 8, 9, 12]),
    (370, &[8]),
    (371, &[8]),
    (372, &[7, 8, 10]),
    (373, &[8]),
    (374, &[8]),
    (375, &[6, 7, 8, 9, 10, 11]),
    (376, &[6, 8, 9]),
    (377, &[8, 9]),
    (378, &[8, 10]),
    (380, &[9, 10]),
    (381, &[6, 7, 8, 9, 10, 11, 12]),
    (382, &[8, 9]),
    (383, &[8, 9, 10, 11, 12]),
    (385, &[7, 8, 9]),
    (386, &[5, 6, 7, 8]),
    (387, &[8, 9]),
    (389, &[8]),
    (420, &[9, 10, 11, 12]),
    (421, &[6, 7, 9]),
    (423, &[7, 9]),
    (500, &[5]),
    (501, &[7, 11]),
    (502, &[8, 11]),
    (503, &[7, 8, 11]),
    (504, &[8, 11]),
    (505, &[8]),
    (506, &[8, 10]),
    (507, &[7, 8, 10, 11]),
    (508, &[6, 9]),
    (509, &[8]),
    (590, &[9]),
    (591, &[8, 9]),
    (592, &[7]),
    (593, &[8, 9, 10, 11]),
    (594, &[9]),
    (595, &[6, 7, 8, 9, 10, 11]),
    (596, &[9]),
    (597, &[6, 7]),
    (598, &[4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
    (599, &[7, 8]),
    (670, &[7, 8]),
    (672, &[6]),
    (673, &[7]),
    (674, &[7]),
    (675, &[7, 8]),
    (676, &[5, 7]),
    (677, &[5, 7]),
    (678, &[5, 7]),
    (679, &[7, 11]),
    (680, &[7]),
    (681, &[6, 9]),
    (682, &[5]),
    (683, &[4, 7]),
    (685, &[5, 6, 7, 10]),
    (686, &[5, 8]),
    (687, &[6]),
    (688, &[5, 6, 7]),
    (689, &[6, 8, 9]),
    (690, &[4, 5, 6, 7]),
    (691, &[7]),
    (692, &[7]),
    (800, &[8]),
    (808, &[8]),
    (850, &[8, 10]),
    (852, &[5, 6, 7, 8, 9, 11]),
    (853, &[7, 8]),
    (855, &[8, 9, 10]),
    (856, &[8, 9, 10]),
    (870, &[9, 12]),
    (878, &[12]),
    (880, &[6, 7, 8, 9, 10]),
    (881, &[9, 10]),
    (882, &[7, 8, 9, 10, 11, 12]),
    (883, &[8, 9, 10, 11, 12]),
    (886, &[7, 8, 9, 10, 11]),
    (888, &[11]),
    (960, &[7, 10]),
    (961, &[7, 8]),
    (962, &[8, 9]),
    (963, &[8, 9]),
    (964, &[8, 9, 10]),
    (965, &[7, 8]),
    (966, &[9, 10]),
    (967, &[7, 8, 9]),
    (968, &[7, 8, 9]),
    (970, &[8, 9, 10]),
    (971, &[5, 6, 7, 8, 9, 10, 11, 12]),
    (972, &[7, 8, 9, 10, 11, 12]),
    (973, &[8]),
    (974, &[7, 8, 9, 11]),
    (975, &[7, 8]),
    (976, &[8, 9, 10]),
    (977, &[8, 10, 11]),
    (979, &[9]),
    (992, &[9]),
    (993, &[8]),
    (994, &[9]),
    (995, &[9]),
    (996, &[9, 10]),
    (998, &[9]),
];

/// The possible national number lengths behind `code`, if it is a calling code.
pub(super) fn national_lengths(code: u16) -> Option<&'static [u8]> {
    CALLING_CODES
        .binary_search_by_key(&code, |(known, _)| *known)
        .ok()
        .map(|index| CALLING_CODES[index].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// The table as libphonenumber's metadata gives it: for each calling code, the union
    /// of the possible lengths of every number type of every region sharing it.
    fn from_libphonenumber() -> Vec<(u16, Vec<u8>)> {
        let database = &*phonenumber::metadata::DATABASE;
        let mut table: BTreeMap<u16, BTreeSet<u8>> = BTreeMap::new();
        for code in 1..1000u16 {
            for region in database.by_code(&code).into_iter().flatten() {
                let types = region.descriptors();
                let lengths = table.entry(code).or_default();
                for descriptor in [
                    types.fixed_line(),
                    types.mobile(),
                    types.toll_free(),
                    types.premium_rate(),
                    types.shared_cost(),
                    types.personal_number(),
                    types.voip(),
                    types.pager(),
                    types.uan(),
                    types.voicemail(),
                ]
                .into_iter()
                .flatten()
                {
                    lengths.extend(descriptor.possible_length().iter().map(|len| *len as u8));
                }
            }
        }
        table
            .into_iter()
            .map(|(code, lengths)| (code, lengths.into_iter().collect()))
            .collect()
    }

    #[test]
    fn matches_libphonenumber_metadata() {
        let fresh = from_libphonenumber();
        let ours: Vec<(u16, Vec<u8>)> = CALLING_CODES
            .iter()
            .map(|(code, lengths)| (*code, lengths.to_vec()))
            .collect();
        let listing: String = fresh
            .iter()
            .map(|(code, lengths)| format!("    ({code}, &{lengths:?}),\n"))
            .collect();
        assert!(
            ours == fresh,
            "the metadata changed; the table is now:\n{listing}"
        );
    }

    #[test]
    fn looks_up_codes() {
        assert_eq!(national_lengths(44), Some(&[7, 9, 10][..]));
        assert_eq!(national_lengths(1), Some(&[7, 10][..]));
        assert_eq!(national_lengths(999), None);
        assert_eq!(national_lengths(0), None);
    }
}
