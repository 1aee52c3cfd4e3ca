//! Reading a file back from the medium itself, honestly, and never writing to it.
//!
//! A test that reads the page cache proves nothing about the medium, so before a file is
//! read its cached pages are dropped (`posix_fadvise(POSIX_FADV_DONTNEED)`), and whether
//! that worked is recorded per file; on an in-memory filesystem (tmpfs, ramfs) the data
//! *is* the cache, which is recorded too. (Caches below the kernel, in a drive or a RAID
//! controller, are out of any program's reach; docs/readback.md says so.) Files are opened
//! read-only, with `O_NOATIME` where the kernel permits it (only the owner or root may;
//! otherwise vouch opens without it), and `O_NONBLOCK` so a FIFO put in a file's place
//! cannot hang the test. Reading goes through the [`Medium`] trait so tests can inject a
//! medium that fails part-way; an error records the byte offset reached.

use crate::delivery::relpath::RelPath;
use crate::digest::{Algorithm, Hasher};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

/// Whether a file's cached pages were dropped before it was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cache {
    /// Dropped: the bytes came from the medium.
    Dropped,
    /// The filesystem lives in memory: there is no medium below the cache.
    InMemory,
    /// The kernel refused (the reason).
    NotDropped(String),
}

/// Why a file could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Not on the medium.
    Missing,
    /// Something else than a regular file is there (its kind); it is not opened.
    NotRegular(&'static str),
    /// The operating system's error.
    Io(std::io::Error),
}

/// A file opened for reading back.
pub struct Opened {
    /// Its bytes.
    pub reader: Box<dyn Read>,
    /// Its size when opened.
    pub size: u64,
    /// Whether its cached pages were dropped.
    pub cache: Cache,
    /// Whether it was opened with `O_NOATIME`.
    pub noatime: bool,
}

/// A medium to read files back from.
pub trait Medium {
    /// The size of a regular file, without reading it; `None` when there is none.
    fn size(&self, rel: &RelPath) -> Option<u64>;
    /// Opens a regular file for reading, read-only.
    fn open(&self, rel: &RelPath) -> Result<Opened, OpenError>;
}

/// What reading one file back found.
#[derive(Debug)]
pub struct FileRead {
    /// Bytes read.
    pub bytes: u64,
    /// Seconds from open to the last byte.
    pub seconds: f64,
    /// The outcome.
    pub outcome: Outcome,
    /// Size when opened.
    pub size: Option<u64>,
    /// Cache state, when the file was opened.
    pub cache: Option<Cache>,
    /// Whether `O_NOATIME` was used.
    pub noatime: bool,
}

/// How reading ended.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Read to the end: the digests.
    Read(BTreeMap<Algorithm, String>),
    /// The file is not there.
    Missing,
    /// Something else than a regular file is there.
    NotRegular(&'static str),
    /// Opening or reading failed at `offset`.
    IoError {
        /// Bytes read before the error.
        offset: u64,
        /// The operating system's message.
        error: String,
    },
}

/// Reads one file to its end in 1 MiB blocks, hashing with `algs`.
pub fn read_back(medium: &dyn Medium, rel: &RelPath, algs: &[Algorithm]) -> FileRead {
    let start = Instant::now();
    let done = |bytes, outcome, opened: Option<&Opened>| FileRead {
        bytes,
        seconds: start.elapsed().as_secs_f64(),
        outcome,
        size: opened.map(|o| o.size),
        cache: opened.map(|o| o.cache.clone()),
        noatime: opened.is_some_and(|o| o.noatime),
    };
    let mut opened = match medium.open(rel) {
        Ok(o) => o,
        Err(OpenError::Missing) => return done(0, Outcome::Missing, None),
        Err(OpenError::NotRegular(kind)) => return done(0, Outcome::NotRegular(kind), None),
        Err(OpenError::Io(e)) => {
            return done(0, Outcome::IoError { offset: 0, error: e.to_string() }, None);
        }
    };
    let mut hashers: Vec<(Algorithm, Hasher)> = algs.iter().map(|&a| (a, Hasher::new(a))).collect();
    let mut buf = vec![0u8; 1 << 20];
    let mut offset = 0u64;
    loop {
        match opened.reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                offset += n as u64;
                hashers.iter_mut().for_each(|(_, h)| h.update(&buf[..n]));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let outcome = Outcome::IoError { offset, error: e.to_string() };
                return done(offset, outcome, Some(&opened));
            }
        }
    }
    let digests = hashers.into_iter().map(|(a, h)| (a, h.finish())).collect();
    done(offset, Outcome::Read(digests), Some(&opened))
}

/// The real medium: a mounted filesystem below `root`.
pub struct Mount {
    /// The medium's root (the manifest's paths are relative to it).
    pub root: PathBuf,
}

impl Medium for Mount {
    fn size(&self, rel: &RelPath) -> Option<u64> {
        let meta = std::fs::symlink_metadata(self.root.join(rel.as_path())).ok()?;
        meta.is_file().then_some(meta.len())
    }

    fn open(&self, rel: &RelPath) -> Result<Opened, OpenError> {
        let path = self.root.join(rel.as_path());
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(OpenError::Missing),
            Err(e) => return Err(OpenError::Io(e)),
        };
        if !meta.is_file() {
            return Err(OpenError::NotRegular(kind_of(&meta.file_type())));
        }
        let (file, noatime) = open_read_only(&path).map_err(OpenError::Io)?;
        // Checked again on the open descriptor: the entry may have changed since.
        let meta = file.metadata().map_err(OpenError::Io)?;
        if !meta.is_file() {
            return Err(OpenError::NotRegular(kind_of(&meta.file_type())));
        }
        let cache = drop_cache(&file);
        let reader = Box::new(Uncached(file));
        Ok(Opened { reader, size: meta.len(), cache, noatime })
    }
}

/// Opens read-only and non-blocking, with `O_NOATIME` unless the kernel says EPERM.
fn open_read_only(path: &std::path::Path) -> std::io::Result<(std::fs::File, bool)> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::OpenOptionsExt;
    let open = |flags: OFlags| {
        std::fs::OpenOptions::new().read(true).custom_flags(flags.bits() as i32).open(path)
    };
    match open(OFlags::NOATIME | OFlags::NONBLOCK) {
        Ok(f) => Ok((f, true)),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::PERM.raw_os_error()) => {
            open(OFlags::NONBLOCK).map(|f| (f, false))
        }
        Err(e) => Err(e),
    }
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// Linux `statfs` magic numbers of filesystems that live in memory.
const IN_MEMORY: [i64; 2] = [0x0102_1994 /* tmpfs */, 0x8584_58f6 /* ramfs */];

/// Drops the file's cached pages, saying whether that could be done.
fn drop_cache(file: &std::fs::File) -> Cache {
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    let in_memory = rustix::fs::fstatfs(file).is_ok_and(|s| IN_MEMORY.contains(&(s.f_type as i64)));
    if in_memory {
        return Cache::InMemory;
    }
    match rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed) {
        Ok(()) => Cache::Dropped,
        Err(e) => Cache::NotDropped(std::io::Error::from(e).to_string()),
    }
}

/// A file whose pages are dropped from the cache again when it is closed, so a test
/// leaves the cache as it found it and the next test reads the medium too.
struct Uncached(std::fs::File);

impl Read for Uncached {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Drop for Uncached {
    fn drop(&mut self) {
        let _ = rustix::fs::fadvise(&self.0, 0, None, rustix::fs::Advice::DontNeed);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A medium in memory; a file may fail with EIO after some bytes.
    #[derive(Default)]
    pub(crate) struct Fake {
        pub files: BTreeMap<String, (Vec<u8>, Option<u64>)>,
    }

    struct Failing {
        data: std::io::Cursor<Vec<u8>>,
        fail_at: Option<u64>,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let pos = self.data.position();
            if self.fail_at.is_some_and(|f| pos >= f) {
                return Err(std::io::Error::from_raw_os_error(5)); // EIO
            }
            let room = self.fail_at.map_or(buf.len() as u64, |f| (f - pos).min(buf.len() as u64));
            self.data.read(&mut buf[..room as usize])
        }
    }

    impl Medium for Fake {
        fn size(&self, rel: &RelPath) -> Option<u64> {
            self.files.get(&rel.escaped()).map(|(d, _)| d.len() as u64)
        }
        fn open(&self, rel: &RelPath) -> Result<Opened, OpenError> {
            let (data, fail_at) = self.files.get(&rel.escaped()).ok_or(OpenError::Missing)?;
            let reader =
                Box::new(Failing { data: std::io::Cursor::new(data.clone()), fail_at: *fail_at });
            Ok(Opened { reader, size: data.len() as u64, cache: Cache::Dropped, noatime: true })
        }
    }

    #[test]
    fn an_io_error_reports_the_offset_reached() {
        let mut m = Fake::default();
        m.files.insert("a/1".into(), (vec![7u8; 3 << 20], Some((2 << 20) + 5)));
        let r = read_back(&m, &RelPath::new("a/1"), &[Algorithm::Sha256]);
        assert_eq!(r.bytes, (2 << 20) + 5);
        match r.outcome {
            Outcome::IoError { offset, error } => {
                assert_eq!(offset, (2 << 20) + 5);
                assert!(error.contains("Input/output error"), "{error}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_good_file_gives_its_digest() {
        let mut m = Fake::default();
        m.files.insert("x".into(), (b"abc".to_vec(), None));
        let r = read_back(&m, &RelPath::new("x"), &[Algorithm::Sha256]);
        let want = crate::digest::digest_all(b"abc", &[Algorithm::Sha256]);
        assert_eq!(r.outcome, Outcome::Read(want));
        assert_eq!(read_back(&m, &RelPath::new("y"), &[]).outcome, Outcome::Missing);
    }

    #[test]
    fn the_real_medium_drops_the_cache_and_refuses_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), b"hello").unwrap();
        rustix::fs::mkfifoat(rustix::fs::CWD, dir.path().join("p"), rustix::fs::Mode::RUSR)
            .unwrap();
        let m = Mount { root: dir.path().to_path_buf() };
        let r = read_back(&m, &RelPath::new("f"), &[Algorithm::Sha256]);
        assert!(matches!(r.outcome, Outcome::Read(_)));
        assert!(matches!(r.cache, Some(Cache::Dropped | Cache::InMemory)), "{:?}", r.cache);
        let p = read_back(&m, &RelPath::new("p"), &[Algorithm::Sha256]);
        assert_eq!(p.outcome, Outcome::NotRegular("a FIFO"));
    }
}
