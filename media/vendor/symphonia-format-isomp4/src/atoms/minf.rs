// Symphonia
// Copyright (c) 2019-2026 The Project Symphonia Developers.
//
// This Source Code Form is subject to the terms of the Mozilla Public
// License, v. 2.0. If a copy of the MPL was not distributed with this
// file, You can obtain one at https://mozilla.org/MPL/2.0/.

use crate::atoms::{
    Atom, AtomHeader, AtomIterator, AtomType, ReadAtom, Result, SmhdAtom, StblAtom, decode_error,
};

/// Media information atom.
#[allow(dead_code)]
#[derive(Debug)]
pub struct MinfAtom {
    /// Sound media header atom.
    pub smhd: Option<SmhdAtom>,
    /// Sample table atom.
    pub stbl: StblAtom,
}

impl Atom for MinfAtom {
    fn read<R: ReadAtom>(it: &mut AtomIterator<R>, _header: &AtomHeader) -> Result<Self> {
        let mut smhd = None;
        let mut stbl = None;

        while let Some(header) = it.next_header()? {
            match header.atom_type {
                AtomType::SoundMediaHeader => {
                    smhd = Some(it.read_atom::<SmhdAtom>()?);
                }
                AtomType::SampleTable => {
                    stbl = Some(it.read_atom::<StblAtom>()?);
                }
                _ => (),
            }
        }

        let Some(stbl) = stbl
        else {
            return decode_error("isomp4 (minf): missing stbl atom");
        };

        Ok(MinfAtom { smhd, stbl })
    }
}
