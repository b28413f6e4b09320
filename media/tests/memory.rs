//! Hostile files cost memory in proportion to their bytes, not to what their headers
//! claim: the largest single allocation while refusing them is measured by this test
//! binary's allocator (one test, so nothing else allocates meanwhile).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::fixture;
use natives_media::{
    AudioLimits, PhotoContentType, PhotoLimits, VoiceContentType, probe_recording, process_photo,
};

struct LargestAllocation;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

fn largest_allocation_of(run: impl FnOnce() -> bool) -> usize {
    LARGEST.store(0, Ordering::Relaxed);
    assert!(run(), "refused");
    LARGEST.load(Ordering::Relaxed)
}

#[test]
fn hostile_headers_do_not_allocate_what_they_claim() {
    const MIB: usize = 1024 * 1024;
    let photo_limits = PhotoLimits::new(5 * MIB);
    for bomb in ["bomb-100000x100000.png", "bomb-45mp.png"] {
        let bytes = fixture(bomb);
        let largest = largest_allocation_of(|| {
            process_photo(&bytes, PhotoContentType::Png, &photo_limits).is_err()
        });
        // A pixel buffer would be 30 GB and 121 MB.
        assert!(largest < MIB, "{bomb}: {largest} bytes at once");
    }

    // An MP4 whose one box claims 4 GiB: its reader must not reserve it.
    let mut mp4 = fixture("sentence.m4a");
    let moov = mp4.windows(4).position(|w| w == b"moov").unwrap() - 4;
    mp4[moov..moov + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    let audio_limits = AudioLimits::new(10 * MIB, std::time::Duration::from_secs(300));
    let largest = largest_allocation_of(|| {
        probe_recording(&mp4, VoiceContentType::Mp4, &audio_limits).is_err()
    });
    assert!(
        largest < MIB,
        "mp4 with a 4 GiB box: {largest} bytes at once"
    );
}
