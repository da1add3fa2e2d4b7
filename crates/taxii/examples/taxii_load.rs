//! Load generator for `bench/taxii.sh`: TAXII 2.1 ingest and paginated reads
//! against any TAXII 2.1 server (Liaison, medallion), through this crate's
//! own client.
//!
//! ```text
//! cargo run --release -p liaison-taxii --example taxii_load -- ingest \
//!     --url http://127.0.0.1:8443/taxii2/ --api-root default --collection shared \
//!     --user admin --password secret [--token T] [--ca cert.pem] \
//!     --objects 20000 [--start 0] [--batch 1000] [--clients 1] [--slice 100000]
//! cargo run --release -p liaison-taxii --example taxii_load -- read \
//!     --url ... --api-root default --collection shared --user admin --password secret \
//!     [--clients 4] [--page 1000] [--expect 20000] [--max-requests N]
//! cargo run --release -p liaison-taxii --example taxii_load -- dump --objects 3
//! ```
//!
//! The objects are the ~1.2 KB indicators of
//! `crates/store/examples/raw_bench.rs`, byte for byte (object `n` is the same
//! in both), so the raw store rates and the TAXII rates are measured on the
//! same data. `bench/taxii.sh` checks that the two generators agree.
//!
//! - `ingest` posts envelopes of `--batch` objects numbered from `--start`,
//!   each followed by polling its status (every 10 ms) until `complete`, as
//!   taxii2-client does; with `--clients C`, C clients post envelopes in
//!   turn. `--slice S` reports the rate of every S objects.
//! - `read` runs `--clients` concurrent clients, each paging through the
//!   whole collection with `limit=--page`, following `next` (or
//!   `X-TAXII-Date-Added-Last` when a server gives no `next`), and times
//!   every request (sent until the body is received and decoded).
//! - `dump` prints objects one per line (for the generator check).
//! - `decode` times what the client does with a page once it has the bytes:
//!   decoding an envelope of `--page` objects into the client's `Envelope`
//!   (best of 20), to tell client cost from server cost in read latency.
//!
//! Plain `http://` URLs are allowed (loopback benchmarks); with `https://`,
//! `--ca` names the PEM certificate to trust (Liaison's self-signed one).
//! Output: one JSON object on stdout; progress on stderr.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use liaison_taxii::client::{Auth, Client, Filter};
use reqwest::Url;
use serde_json::json;

/// Time limit of one request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(600);
/// How often a pending status is polled.
const STATUS_INTERVAL: Duration = Duration::from_millis(10);

#[derive(Debug, Clone)]
struct Args {
    command: String,
    url: String,
    api_root: String,
    collection: String,
    user: Option<String>,
    password: Option<String>,
    token: Option<String>,
    ca: Option<PathBuf>,
    objects: usize,
    start: usize,
    batch: usize,
    clients: usize,
    slice: usize,
    page: u64,
    expect: Option<usize>,
    max_requests: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let command = it
        .next()
        .ok_or("usage: taxii_load ingest|read|dump|decode [flags]")?;
    let mut a = Args {
        command,
        url: "http://127.0.0.1:8443/taxii2/".into(),
        api_root: "default".into(),
        collection: "shared".into(),
        user: None,
        password: None,
        token: None,
        ca: None,
        objects: 20_000,
        start: 0,
        batch: 1_000,
        clients: 1,
        slice: 0,
        page: 1_000,
        expect: None,
        max_requests: None,
    };
    let number = |flag: &str, v: String| -> Result<usize, String> {
        v.parse().map_err(|e| format!("{flag}: {e}"))
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => a.url = value()?,
            "--api-root" => a.api_root = value()?,
            "--collection" => a.collection = value()?,
            "--user" => a.user = Some(value()?),
            "--password" => a.password = Some(value()?),
            "--token" => a.token = Some(value()?),
            "--ca" => a.ca = Some(PathBuf::from(value()?)),
            "--objects" => a.objects = number(&flag, value()?)?,
            "--start" => a.start = number(&flag, value()?)?,
            "--batch" => a.batch = number(&flag, value()?)?.max(1),
            "--clients" => a.clients = number(&flag, value()?)?.max(1),
            "--slice" => a.slice = number(&flag, value()?)?,
            "--page" => a.page = number(&flag, value()?)?.max(1) as u64,
            "--expect" => a.expect = Some(number(&flag, value()?)?),
            "--max-requests" => a.max_requests = Some(number(&flag, value()?)?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

/// Object `n`: the same bytes as `indicator(n).json` in
/// `crates/store/examples/raw_bench.rs` (keep the two in step).
fn indicator(n: usize) -> String {
    let id = format!("indicator--{:08x}-0000-4000-8000-{:012x}", n / 1_000_000, n);
    let modified = "2024-05-01T12:00:00.000Z";
    let padding = "x".repeat(820);
    format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"{id}","created":"2024-05-01T12:00:00.000Z","modified":"{modified}","name":"Malicious address {n}","description":"Seen in campaign {n}: {padding}","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.{}.{}']","pattern_type":"stix","valid_from":"2024-05-01T12:00:00Z","labels":["benchmark"]}}"#,
        (n / 256) % 256,
        n % 256
    )
}

/// The envelope of objects `from..to`, as sent.
fn envelope(from: usize, to: usize) -> Vec<u8> {
    let mut body = String::with_capacity((to - from) * 1_300 + 16);
    body.push_str(r#"{"objects":["#);
    for n in from..to {
        if n > from {
            body.push(',');
        }
        body.push_str(&indicator(n));
    }
    body.push_str("]}");
    body.into_bytes()
}

fn client(a: &Args) -> Result<Client, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    if let Some(ca) = &a.ca {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        for cert in
            CertificateDer::pem_file_iter(ca).map_err(|e| format!("{}: {e}", ca.display()))?
        {
            roots
                .add(cert.map_err(|e| format!("{}: {e}", ca.display()))?)
                .map_err(|e| format!("{}: {e}", ca.display()))?;
        }
    }
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let auth = match (&a.token, &a.user, &a.password) {
        (Some(token), _, _) => Auth::Bearer(token.clone()),
        (None, Some(user), Some(password)) => Auth::Basic {
            user: user.clone(),
            password: password.clone(),
        },
        _ => Auth::None,
    };
    Client::builder(a.url.clone())
        .auth(auth)
        .tls_config(tls)
        .allow_plain_http(true)
        .timeout(REQUEST_TIMEOUT)
        .user_agent("liaison-taxii-load")
        .build()
        .map_err(|e| e.to_string())
}

fn api_root_url(c: &Client, a: &Args) -> Result<Url, String> {
    c.api_root_url(&a.api_root).map_err(|e| e.to_string())
}

/// Latency percentiles (microseconds) of `samples`.
fn percentiles(samples: &mut [u64]) -> serde_json::Value {
    if samples.is_empty() {
        return json!(null);
    }
    samples.sort_unstable();
    let at = |p: f64| samples[(((samples.len() - 1) as f64) * p).round() as usize];
    json!({
        "p50_ms": at(0.50) as f64 / 1000.0,
        "p99_ms": at(0.99) as f64 / 1000.0,
        "max_ms": *samples.last().unwrap_or(&0) as f64 / 1000.0,
        "mean_ms": samples.iter().sum::<u64>() as f64 / samples.len() as f64 / 1000.0,
    })
}

/// One envelope posted and its status followed to `complete`.
struct Posted {
    latency_us: u64,
    successes: u64,
    failures: u64,
    polls: u64,
    done_at: Instant,
    first: usize,
}

async fn post_one(
    c: &Client,
    root: &Url,
    a: &Args,
    from: usize,
    to: usize,
) -> Result<Posted, String> {
    let body = envelope(from, to);
    let started = Instant::now();
    let status = c
        .add_envelope(root, &a.collection, body)
        .await
        .map_err(|e| format!("envelope {from}..{to}: {e}"))?;
    let mut polls = 0;
    let status = if status.is_complete() {
        status
    } else {
        polls += 1;
        c.wait_for_status(root, status, STATUS_INTERVAL, REQUEST_TIMEOUT)
            .await
            .map_err(|e| format!("status of envelope {from}..{to}: {e}"))?
    };
    Ok(Posted {
        latency_us: started.elapsed().as_micros() as u64,
        successes: status.success_count,
        failures: status.failure_count,
        polls,
        done_at: Instant::now(),
        first: from,
    })
}

async fn ingest(a: Args) -> Result<serde_json::Value, String> {
    let envelopes: Vec<(usize, usize)> = (a.start..a.start + a.objects)
        .step_by(a.batch)
        .map(|from| (from, (from + a.batch).min(a.start + a.objects)))
        .collect();
    let envelopes = Arc::new(envelopes);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..a.clients {
        let (a, envelopes) = (a.clone(), envelopes.clone());
        let c = client(&a)?;
        let root = api_root_url(&c, &a)?;
        tasks.push(tokio::spawn(async move {
            let mut done = Vec::new();
            for &(from, to) in envelopes.iter().skip(k).step_by(a.clients) {
                done.push(post_one(&c, &root, &a, from, to).await?);
            }
            Ok::<_, String>(done)
        }));
    }
    let mut posted = Vec::new();
    for t in tasks {
        posted.extend(t.await.map_err(|e| e.to_string())??);
    }
    let wall = started.elapsed().as_secs_f64();
    posted.sort_by_key(|p| p.first);
    let successes: u64 = posted.iter().map(|p| p.successes).sum();
    let failures: u64 = posted.iter().map(|p| p.failures).sum();
    let polls: u64 = posted.iter().map(|p| p.polls).sum();
    // Rate of each slice of `slice` objects, from when the previous slice's
    // last envelope completed (one client: the envelopes complete in order).
    let mut slices = Vec::new();
    if a.slice > 0 {
        let mut from_time = started;
        let mut from_count = 0usize;
        let mut count = 0usize;
        let mut by_time: Vec<&Posted> = posted.iter().collect();
        by_time.sort_by_key(|p| p.done_at);
        for p in by_time {
            count += a.batch;
            if count - from_count >= a.slice {
                let secs = p.done_at.duration_since(from_time).as_secs_f64();
                slices.push(json!({
                    "upto": a.start + count,
                    "objects_per_s": (count - from_count) as f64 / secs.max(1e-9),
                }));
                eprintln!(
                    "taxii_load: {} objects stored, {:.0} objects/s over the last {}",
                    a.start + count,
                    (count - from_count) as f64 / secs.max(1e-9),
                    count - from_count
                );
                from_time = p.done_at;
                from_count = count;
            }
        }
    }
    let mut latencies: Vec<u64> = posted.iter().map(|p| p.latency_us).collect();
    Ok(json!({
        "objects": a.objects,
        "envelopes": posted.len(),
        "clients": a.clients,
        "seconds": wall,
        "objects_per_s": a.objects as f64 / wall.max(1e-9),
        "successes": successes,
        "failures": failures,
        "status_polls": polls,
        "latency": percentiles(&mut latencies),
        "slices": slices,
    }))
}

/// One client paging through the collection; latencies in microseconds.
async fn read_all(a: Args) -> Result<(usize, usize, Vec<u64>), String> {
    let c = client(&a)?;
    let root = api_root_url(&c, &a)?;
    let mut filter = Filter {
        limit: Some(a.page),
        ..Filter::default()
    };
    let (mut objects, mut requests, mut latencies) = (0usize, 0usize, Vec::new());
    loop {
        let started = Instant::now();
        let page = c
            .get_objects(&root, &a.collection, &filter)
            .await
            .map_err(|e| format!("page {requests}: {e}"))?;
        latencies.push(started.elapsed().as_micros() as u64);
        requests += 1;
        objects += page.body.objects.len();
        if !page.body.more || a.max_requests.is_some_and(|m| requests >= m) {
            return Ok((objects, requests, latencies));
        }
        match (page.body.next, page.date_added_last) {
            (Some(next), _) => filter.next = Some(next),
            (None, Some(last)) => filter.added_after = Some(last),
            (None, None) => return Err("more=true without next or X-TAXII-Date-Added-Last".into()),
        }
    }
}

async fn read(a: Args) -> Result<serde_json::Value, String> {
    let started = Instant::now();
    let tasks: Vec<_> = (0..a.clients)
        .map(|_| tokio::spawn(read_all(a.clone())))
        .collect();
    let (mut objects, mut requests, mut latencies) = (0, 0, Vec::new());
    let mut per_client = Vec::new();
    for t in tasks {
        let (o, r, mut l) = t.await.map_err(|e| e.to_string())??;
        per_client.push(o);
        objects += o;
        requests += r;
        latencies.append(&mut l);
    }
    let wall = started.elapsed().as_secs_f64();
    if let Some(expect) = a.expect
        && a.max_requests.is_none()
        && per_client.iter().any(|&o| o != expect)
    {
        return Err(format!(
            "a client read {per_client:?} objects, expected {expect} each"
        ));
    }
    Ok(json!({
        "clients": a.clients,
        "page": a.page,
        "objects": objects,
        "requests": requests,
        "seconds": wall,
        "objects_per_s": objects as f64 / wall.max(1e-9),
        "requests_per_s": requests as f64 / wall.max(1e-9),
        "latency": percentiles(&mut latencies),
    }))
}

fn main() {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("taxii_load: {e}");
            std::process::exit(2);
        }
    };
    if a.command == "dump" {
        for n in a.start..a.start + a.objects {
            println!("{}", indicator(n));
        }
        return;
    }
    if a.command == "decode" {
        let page = envelope(0, a.page as usize);
        let best = (0..20)
            .map(|_| {
                let started = Instant::now();
                let decoded: liaison_taxii::resources::Envelope =
                    serde_json::from_slice(&page).expect("a valid envelope");
                assert_eq!(decoded.objects.len(), a.page as usize);
                started.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min);
        println!(
            "{}",
            json!({"page": a.page, "bytes": page.len(), "decode_ms": best * 1000.0,
                   "mb_per_s": page.len() as f64 / best / 1e6})
        );
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(async move {
        match a.command.as_str() {
            "ingest" => ingest(a).await,
            "read" => read(a).await,
            other => Err(format!(
                "unknown command {other} (ingest, read, dump, decode)"
            )),
        }
    });
    match result {
        Ok(v) => println!("{v}"),
        Err(e) => {
            eprintln!("taxii_load: {e}");
            std::process::exit(1);
        }
    }
}
