//! Where a process's first TLS handshake goes, phase by phase, as the functions make it:
//! rustls on aws-lc-rs, a trust store of the five bundled AWS roots plus the bench's test
//! root, the bench's test CA chain (RSA-2048 root → intermediate → leaf, `test_ca.rs`)
//! on loopback. Each measurement is a fresh process (a cold start's first handshake).
//!
//!   target/release/tlsfirst [--runs 30] [client flags…]
//!
//! The parent serves TLS (its own first handshake done before any measurement) and starts
//! `--runs` clients one after another; each client times, in wall and on-CPU µs:
//!   seed     the first draw from AWS-LC's generator (its seeding; skipped with --no-seed,
//!            then the handshake pays it)
//!   config   parsing the roots and building the `ClientConfig` (the SDK's connector setup)
//!   hs1      TCP connect + the first handshake (key exchange, certificate verification)
//!   hs2      a second full handshake in the same process
//! Client flags: --kx x25519 (offer X25519 alone instead of the functions' groups, which
//! put X25519MLKEM768 first),
//! --bench-root-only (a trust store of the test root alone), --no-seed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_rustls::rustls;

#[path = "../stats.rs"]
mod stats;
use stats::percentile;
#[path = "../test_ca.rs"]
mod test_ca;

type Error = Box<dyn std::error::Error + Send + Sync>;

const AWS_ROOTS: &[u8] = include_bytes!("../../../shared/certs/aws-roots.pem");
const PHASES: [&str; 4] = ["seed", "config", "hs1", "hs2"];

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--client") {
        return client(&args[1], &args[2], &args[3..]);
    }
    let mut runs = 30;
    let mut client_flags = Vec::new();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => runs = it.next().ok_or("--runs N")?.parse()?,
            _ => client_flags.push(arg),
        }
    }
    let ca = test_ca::test_ca()?;
    let root = std::env::temp_dir().join(format!("tlsfirst-root-{}.pem", std::process::id()));
    std::fs::write(&root, &ca.root_pem)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?.to_string();
    let server = ca.server.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let server = server.clone();
            std::thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let Ok(connection) = rustls::ServerConnection::new(server) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(connection, stream);
                let mut byte = [0u8; 1];
                if tls.read_exact(&mut byte).is_ok() {
                    let _ = tls.write_all(b"!");
                }
            });
        }
    });
    // The server's own first handshake, before any measurement.
    client_output(&address, &root, &client_flags)?;

    let mut samples: Vec<Vec<(Duration, Duration)>> = vec![Vec::new(); PHASES.len()];
    let mut group = String::new();
    for _ in 0..runs {
        let output = client_output(&address, &root, &client_flags)?;
        for line in output.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if let [phase, wall, cpu] = fields[..]
                && let Some(i) = PHASES.iter().position(|p| *p == phase)
            {
                samples[i].push((
                    Duration::from_nanos(wall.parse()?),
                    Duration::from_nanos(cpu.parse()?),
                ));
            }
            if let Some(g) = line.strip_prefix("group ") {
                group = g.to_owned();
            }
        }
    }
    let _ = std::fs::remove_file(&root);
    println!(
        "tlsfirst {} ({runs} processes; key exchange negotiated: {group}); ms, p50 [p90]",
        client_flags.join(" ")
    );
    println!("| phase | wall p50 | wall p90 | on-CPU p50 | on-CPU p90 |");
    println!("|---|---:|---:|---:|---:|");
    for (phase, values) in PHASES.iter().zip(&samples) {
        if values.is_empty() {
            continue;
        }
        let wall: Vec<Duration> = values.iter().map(|v| v.0).collect();
        let cpu: Vec<Duration> = values.iter().map(|v| v.1).collect();
        println!(
            "| {phase} | {} | {} | {} | {} |",
            ms(percentile(&wall, 0.5)),
            ms(percentile(&wall, 0.9)),
            ms(percentile(&cpu, 0.5)),
            ms(percentile(&cpu, 0.9)),
        );
    }
    Ok(())
}

fn client_output(address: &str, root: &std::path::Path, flags: &[String]) -> Result<String, Error> {
    let child = Command::new(std::env::current_exe()?)
        .arg("--client")
        .arg(address)
        .arg(root)
        .args(flags)
        .stdout(Stdio::piped())
        .spawn()?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        return Err(format!("client failed: {}", String::from_utf8_lossy(&output.stdout)).into());
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// One process's first handshake, phase by phase (stdout: `phase wall_ns cpu_ns`).
fn client(address: &str, root: &str, flags: &[String]) -> Result<(), Error> {
    let flag = |name: &str| flags.iter().any(|f| f == name);
    let x25519_only = flags.windows(2).any(|w| w[0] == "--kx" && w[1] == "x25519");
    let mut out = String::new();
    let mut phase = |name: &str, f: &mut dyn FnMut() -> Result<(), Error>| -> Result<(), Error> {
        let (wall, cpu) = (Instant::now(), thread_cpu());
        f()?;
        let (wall, cpu) = (wall.elapsed(), thread_cpu().saturating_sub(cpu));
        out.push_str(&format!("{name} {} {}\n", wall.as_nanos(), cpu.as_nanos()));
        Ok(())
    };
    if !flag("--no-seed") {
        phase("seed", &mut || {
            let mut draw = [0u8; 32];
            aws_lc_rs::rand::fill(&mut draw).map_err(|_| "no random")?;
            Ok(())
        })?;
    }
    let mut config = None;
    let bench_root = std::fs::read(root)?;
    phase("config", &mut || {
        // As aws-smithy-http-client builds it: the provider, the PEM roots, the config.
        // The functions' rustls has `prefer-post-quantum` (a default feature some crate
        // of the SDK's tree turns on): X25519MLKEM768 first, with an X25519 share beside
        // it. The bench's server prefers X25519, as a server without ML-KEM would.
        use rustls::crypto::aws_lc_rs::kx_group;
        let mut provider = rustls::crypto::aws_lc_rs::default_provider();
        provider.kx_groups = if x25519_only {
            vec![kx_group::X25519]
        } else {
            vec![
                kx_group::X25519MLKEM768,
                kx_group::X25519,
                kx_group::SECP256R1,
                kx_group::SECP384R1,
            ]
        };
        let mut roots = rustls::RootCertStore::empty();
        let pems: Vec<&[u8]> = if flag("--bench-root-only") {
            vec![&bench_root]
        } else {
            vec![AWS_ROOTS, &bench_root]
        };
        for pem in pems {
            for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(pem) {
                roots.add(cert?)?;
            }
        }
        config = Some(Arc::new(
            rustls::ClientConfig::builder_with_provider(Arc::new(provider))
                .with_safe_default_protocol_versions()?
                .with_root_certificates(roots)
                .with_no_client_auth(),
        ));
        Ok(())
    })?;
    let config = config.ok_or("no config")?;
    let mut group = String::new();
    for name in ["hs1", "hs2"] {
        phase(name, &mut || {
            let stream = TcpStream::connect(address)?;
            stream.set_nodelay(true)?;
            let server = rustls::pki_types::ServerName::try_from("127.0.0.1")?.to_owned();
            let connection = rustls::ClientConnection::new(config.clone(), server)?;
            let mut tls = rustls::StreamOwned::new(connection, stream);
            tls.write_all(b"?")?; // completes the handshake (verifying the chain)
            let mut answer = [0u8; 1];
            tls.read_exact(&mut answer)?;
            group = format!(
                "{:?}",
                tls.conn.negotiated_key_exchange_group().map(|g| g.name())
            );
            Ok(())
        })?;
    }
    out.push_str(&format!("group {group}\n"));
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(())
}

/// This thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`: exact, unlike schedstat, which a
/// running thread only updates at the next tick).
fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a valid pointer to a timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}
