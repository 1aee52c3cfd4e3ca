//! Digest throughput per algorithm over one in-memory buffer (issue #7): what a check
//! pays per byte for each manifest algorithm, single-threaded (a check runs one file per
//! worker). `cargo bench --bench digest`.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use vouch::digest::{Algorithm, digest_all};

fn digests(c: &mut Criterion) {
    // 4 MiB: a colour page and a half; pseudo-random so nothing is special-cased.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let data: Vec<u8> = (0..4 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let mut group = c.benchmark_group("digest");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(20);
    for alg in Algorithm::ALL {
        group.bench_with_input(BenchmarkId::from_parameter(alg.name()), &data, |b, d| {
            b.iter(|| digest_all(d, &[alg]))
        });
    }
    group.finish();
}

criterion_group!(benches, digests);
criterion_main!(benches);
