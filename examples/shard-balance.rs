//! Page balance of `vouch check --shard K/N` for a skewed catalogue, for
//! `benches/shards.sh` (issue #21): a few huge volumes among many small items.
//!
//! ```text
//! cargo run --release --example shard-balance -- [SHARDS] [SMALL] [HUGE] [HUGE_PAGES]
//! ```
//!
//! Writes the catalogue (SMALL items of 5 to 44 pages, HUGE volumes of HUGE_PAGES pages,
//! codes shuffled in) to a temporary CSV, reads it as `check` does (profile dat31), and
//! prints each shard's records and pages under vouch's assignment and under plain
//! rendezvous hashing (first choice only), the heaviest shard against the mean, and how
//! many records move to another shard when 1% more items are added.

use std::io::Write as _;

fn catalogue(
    small: usize,
    huge: usize,
    huge_pages: u32,
    extra: usize,
) -> anyhow::Result<(tempfile::NamedTempFile, Vec<u32>)> {
    let mut csv = tempfile::NamedTempFile::new()?;
    writeln!(csv, "dh,ys")?;
    let mut pages = Vec::new();
    let every = small / huge.max(1);
    for i in 0..small + extra {
        let p = if huge > 0 && i < small && i % every == every / 2 && i / every < huge {
            huge_pages
        } else {
            5 + (i as u32 * 7919) % 40
        };
        writeln!(csv, "R-{i:07},{p}")?;
        pages.push(p);
    }
    csv.flush()?;
    Ok((csv, pages))
}

fn read(csv: &std::path::Path) -> anyhow::Result<vouch::catalogue::Catalogue> {
    let profile = vouch::profile::Profile::load("dat31")?;
    Ok(vouch::catalogue::Catalogue::read(csv, &profile.catalogue, &Default::default())?)
}

fn report(name: &str, assignment: &[u32], pages: &[u32], n: usize) {
    let mut load = vec![(0u64, 0u64); n];
    for (r, s) in assignment.iter().enumerate() {
        load[*s as usize].0 += 1;
        load[*s as usize].1 += u64::from(pages[r].max(1));
    }
    let mean = load.iter().map(|l| l.1).sum::<u64>() as f64 / n as f64;
    let max = load.iter().map(|l| l.1).max().unwrap_or(0) as f64;
    let min = load.iter().map(|l| l.1).min().unwrap_or(0) as f64;
    println!("{name}: heaviest shard {:.3} × the mean, lightest {:.3}", max / mean, min / mean);
    for (s, (records, p)) in load.iter().enumerate() {
        println!("  shard {s:>2}: {records:>7} records {p:>9} pages");
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
    let arg = |i: usize, d: u64| args.get(i).copied().unwrap_or(d);
    let (n, small, huge, huge_pages) =
        (arg(0, 16) as usize, arg(1, 20_000) as usize, arg(2, 8) as usize, arg(3, 5_000) as u32);
    let (csv, pages) = catalogue(small, huge, huge_pages, 0)?;
    let cat = read(csv.path())?;
    println!(
        "{small} items of 5-44 pages and {huge} volumes of {huge_pages} pages over {n} shards"
    );
    let vouch_assignment = vouch::check::shard::assign(&cat, n as u32);
    report("vouch (bounded loads)", &vouch_assignment, &pages, n);
    let plain = vouch::check::shard::rendezvous(&cat, n as u32);
    report("plain rendezvous hashing", &plain, &pages, n);
    let (csv2, _) = catalogue(small, huge, huge_pages, small / 100)?;
    let more = vouch::check::shard::assign(&read(csv2.path())?, n as u32);
    let moved = vouch_assignment.iter().zip(&more).filter(|(a, b)| a != b).count();
    println!(
        "adding {} items (1%): {moved} of {} records move ({:.1}%)",
        small / 100,
        pages.len(),
        100.0 * moved as f64 / pages.len() as f64
    );
    Ok(())
}
