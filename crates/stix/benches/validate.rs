//! Parse and validate throughput (MB/s) on one bundle of the benchmark corpus.
//!
//! `bench/validate.sh` generates the corpus into `target/bench-corpus`; this
//! benchmark reads `target/bench-corpus/bundles/bundle-0000.json` (about
//! 1,000 objects), or the file named by `LIAISON_BENCH_FILE`, and skips with a
//! message when there is none. Run: `cargo bench -p liaison-stix`.

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::BytesCount;
use liaison_stix::json;

static CORPUS: OnceLock<Vec<u8>> = OnceLock::new();

fn corpus_file() -> PathBuf {
    std::env::var_os("LIAISON_BENCH_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/bench-corpus/bundles/bundle-0000.json")
        })
}

fn main() {
    let file = corpus_file();
    match std::fs::read(&file) {
        Ok(bytes) => {
            eprintln!(
                "benchmark corpus: {} ({} bytes)",
                file.display(),
                bytes.len()
            );
            let _ = CORPUS.set(bytes);
            divan::main();
        }
        Err(e) => eprintln!(
            "skipping the validate benchmark: cannot read {} ({e}); run bench/validate.sh once to generate the corpus",
            file.display()
        ),
    }
}

fn corpus() -> &'static [u8] {
    CORPUS.get().map(Vec::as_slice).unwrap_or_default()
}

/// JSON parsing alone (the lossless DOM).
#[divan::bench]
fn parse(bencher: Bencher<'_, '_>) {
    let bytes = corpus();
    bencher
        .counter(BytesCount::of_slice(bytes))
        .bench(|| json::parse_bytes(divan::black_box(bytes)));
}

/// Parsing the whole document, then validating every object.
#[divan::bench]
fn parse_and_validate(bencher: Bencher<'_, '_>) {
    let bytes = corpus();
    bencher.counter(BytesCount::of_slice(bytes)).bench(|| {
        let document = json::parse_bytes(divan::black_box(bytes)).ok()?;
        Some(liaison_stix::validate_document(&document).len())
    });
}

/// Parsing and validating in one pass, each object checked as soon as it is
/// read: what `liaison validate` does.
#[divan::bench]
fn validate_bytes(bencher: Bencher<'_, '_>) {
    let bytes = corpus();
    bencher.counter(BytesCount::of_slice(bytes)).bench(|| {
        liaison_stix::validate_bytes(divan::black_box(bytes), &mut |_| {})
            .map(|validated| validated.findings.len())
    });
}
