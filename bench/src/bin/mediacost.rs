//! CPU, wall time and peak memory of the media checks (`media/`, natives-media), built with
//! the functions' release profile: the recording probe per format, and the photo pipeline
//! (docs/performance.md, "Media checks"). `./media.sh` makes the inputs and runs it.
//!
//! Usage:
//!   target/release/mediacost audio <content type> <file>... [--iterations N, default 200]
//!   target/release/mediacost photo <content type> <file>      (one run: a process per photo,
//!                                                              so its peak RSS is the photo's)

use std::time::{Duration, Instant};

use natives_media::{
    AudioLimits, PhotoContentType, PhotoLimits, VoiceContentType, probe_recording, process_photo,
};

const MIB: usize = 1024 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (iterations, args) = match args.iter().position(|a| a == "--iterations") {
        Some(at) => {
            let n = args[at + 1].parse().expect("--iterations N");
            let mut rest = args.clone();
            rest.drain(at..at + 2);
            (n, rest)
        }
        None => (200, args),
    };
    match args.first().map(String::as_str) {
        Some("audio") if args.len() >= 3 => audio(&args[1], &args[2..], iterations),
        Some("photo") if args.len() == 3 => photo(&args[1], &args[2]),
        _ => {
            eprintln!("usage: mediacost audio <content type> <file>... [--iterations N]");
            eprintln!("       mediacost photo <content type> <file>");
            std::process::exit(2);
        }
    }
}

fn audio(content_type: &str, files: &[String], iterations: usize) {
    let declared = VoiceContentType::parse(content_type).expect("a voice content type");
    let limits = AudioLimits::new(10 * MIB, Duration::from_secs(300));
    println!(
        "| file | bytes | duration (s) | first probe CPU (ms) | CPU p50 (ms) | CPU p95 (ms) | wall p50 (ms) | SHA-256 CPU p50 (ms) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for file in files {
        let bytes = std::fs::read(file).expect("the recording");
        let (first, recording) = on_cpu(|| probe_recording(&bytes, declared, &limits));
        let recording = recording.unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut cpu = Vec::with_capacity(iterations);
        let mut wall = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            let started = Instant::now();
            let (spent, result) = on_cpu(|| probe_recording(&bytes, declared, &limits));
            wall.push(started.elapsed());
            assert_eq!(result, Ok(recording));
            cpu.push(spent);
        }
        // Posting also hashes the bytes it read against the SHA-256 S3 verified.
        let mut hashing: Vec<Duration> = (0..iterations)
            .map(|_| on_cpu(|| aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes)).0)
            .collect();
        cpu.sort();
        wall.sort();
        hashing.sort();
        println!(
            "| {} | {} | {:.2} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
            file.rsplit('/').next().unwrap_or(file),
            bytes.len(),
            recording.duration.as_secs_f64(),
            ms(first),
            ms(cpu[cpu.len() / 2]),
            ms(cpu[cpu.len() * 95 / 100]),
            ms(wall[wall.len() / 2]),
            ms(hashing[hashing.len() / 2]),
        );
    }
}

fn photo(content_type: &str, file: &str) {
    let declared = PhotoContentType::parse(content_type).expect("a photo content type");
    let limits = PhotoLimits::new(5 * MIB);
    let bytes = std::fs::read(file).expect("the photo");
    let rss_before = peak_rss_kib();
    let started = Instant::now();
    let (cpu, processed) = on_cpu(|| process_photo(&bytes, declared, &limits));
    let wall = started.elapsed();
    let processed = processed.unwrap_or_else(|e| panic!("{file}: {e}"));
    let rss_after = peak_rss_kib();
    println!(
        "{}: {} bytes → photo {}x{} ({} bytes), thumbnail {}x{} ({} bytes); wall {:.1} ms, CPU {:.1} ms; peak RSS {:.1} MiB before reading, {:.1} MiB after",
        file.rsplit('/').next().unwrap_or(file),
        bytes.len(),
        processed.photo.width,
        processed.photo.height,
        processed.photo.bytes.len(),
        processed.thumbnail.width,
        processed.thumbnail.height,
        processed.thumbnail.bytes.len(),
        ms(wall),
        ms(cpu),
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
    );
}

/// `run`'s time on this thread's CPU (`CLOCK_THREAD_CPUTIME_ID`): no waits, no other thread.
fn on_cpu<T>(run: impl FnOnce() -> T) -> (Duration, T) {
    let before = thread_cpu();
    let result = run();
    (thread_cpu().saturating_sub(before), result)
}

fn thread_cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a pointer to a timespec we own.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0);
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// The process's peak resident set so far (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")
                    .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
