//! `--io-threads N`: reading apart from decoding. N reader threads read a chunk's files in
//! inode order (one reader: strictly in that order, so a hard disk's heads or an optical
//! drive's laser move forward instead of seeking) into a queue bounded by bytes, and the
//! `--jobs` workers decode from it. Every file is still read once, whole.

use super::journal;
use super::worker::Inspector;
use crate::delivery::plan::{self};
use crate::inspect::facts::Inspection;
use std::path::Path;

/// `--io-threads`: `readers` threads read the files to inspect in inode order (one
/// reader: strictly in that order, which keeps a hard disk's heads or an optical drive's
/// laser moving forward instead of seeking between files) into a queue bounded by bytes,
/// and the `--jobs` workers decode from it: read concurrency apart from decode
/// concurrency, reading overlapped with decoding. Every file is still read once, whole.
pub(super) fn read_ahead(
    root: &Path,
    items: &[Option<&plan::Item>],
    inspector: &Inspector,
    previous: &journal::Previous,
    readers: usize,
) -> anyhow::Result<Vec<Option<Inspection>>> {
    let mut facts: Vec<Option<Inspection>> = (0..items.len()).map(|_| None).collect();
    let mut order = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(item) = item else { continue };
        match inspector.previous(item, previous) {
            Some(done) => facts[i] = Some(done),
            None => order.push((i, *item)),
        }
    }
    order.sort_by_key(|(_, item)| item.ino); // stable: equal inodes keep walk order
    let largest = order.iter().map(|(_, item)| item.size).max().unwrap_or(0);
    let queue = Queue::new(read_budget(inspector.cfg.jobs, largest), readers);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..readers {
            s.spawn(|| {
                let _done = ReaderDone(&queue);
                while !crate::interrupt::requested() {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(i, item)) = order.get(k) else { break };
                    queue.admit(item.size);
                    queue.push(i, std::fs::read(root.join(item.rel.as_path())), item.size);
                }
            });
        }
        for _ in 0..inspector.cfg.jobs {
            let tx = tx.clone();
            let queue = &queue;
            s.spawn(move || {
                while let Some((i, read)) = queue.pop() {
                    let len = read.as_ref().map_or(0, |b| b.len() as u64);
                    let f = items[i].map(|item| inspector.inspect(item, read));
                    queue.release(len);
                    if let Some(f) = f {
                        let _ = tx.send((i, f));
                    }
                }
            });
        }
        drop(tx);
        for (i, f) in rx {
            facts[i] = Some(f);
        }
    });
    Ok(facts)
}

/// Bytes read but not yet decoded, at most: the workers' own files (what the default
/// path holds too: jobs × the largest file) or 64 MiB of read-ahead, whichever is more.
/// A file larger than the whole budget is still read, alone.
fn read_budget(jobs: usize, largest: u64) -> u64 {
    (jobs as u64).saturating_mul(largest).max(64 << 20)
}

/// Files read and waiting for a worker, bounded by bytes held (waiting or decoding).
struct Queue {
    state: std::sync::Mutex<QueueState>,
    changed: std::sync::Condvar,
    budget: u64,
}

struct QueueState {
    ready: std::collections::VecDeque<(usize, std::io::Result<Vec<u8>>)>,
    held: u64,
    readers_left: usize,
}

impl Queue {
    fn new(budget: u64, readers: usize) -> Queue {
        let ready = std::collections::VecDeque::new();
        let state = QueueState { ready, held: 0, readers_left: readers };
        Queue { state: std::sync::Mutex::new(state), changed: std::sync::Condvar::new(), budget }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait<'a>(
        &self,
        g: std::sync::MutexGuard<'a, QueueState>,
    ) -> std::sync::MutexGuard<'a, QueueState> {
        self.changed.wait(g).unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until `size` more bytes fit (or nothing is held), and reserves them.
    fn admit(&self, size: u64) {
        let mut g = self.lock();
        while g.held > 0 && g.held.saturating_add(size) > self.budget {
            g = self.wait(g);
        }
        g.held = g.held.saturating_add(size);
    }

    /// Queues a file's read, `reserved` bytes having been admitted for it.
    fn push(&self, i: usize, read: std::io::Result<Vec<u8>>, reserved: u64) {
        let mut g = self.lock();
        let len = read.as_ref().map_or(0, |b| b.len() as u64);
        g.held = g.held.saturating_sub(reserved).saturating_add(len);
        g.ready.push_back((i, read));
        self.changed.notify_all();
    }

    /// The next file read, or `None` once every reader has stopped and all are taken.
    fn pop(&self) -> Option<(usize, std::io::Result<Vec<u8>>)> {
        let mut g = self.lock();
        loop {
            if let Some(next) = g.ready.pop_front() {
                return Some(next);
            }
            if g.readers_left == 0 {
                return None;
            }
            g = self.wait(g);
        }
    }

    /// A worker is done with `len` bytes.
    fn release(&self, len: u64) {
        let mut g = self.lock();
        g.held = g.held.saturating_sub(len);
        self.changed.notify_all();
    }
}

/// Counts a reader out when it stops, however it stops, so workers never wait forever.
struct ReaderDone<'a>(&'a Queue);

impl Drop for ReaderDone<'_> {
    fn drop(&mut self) {
        let mut g = self.0.lock();
        g.readers_left = g.readers_left.saturating_sub(1);
        self.0.changed.notify_all();
    }
}
