//! Spool: a list too long to keep in memory, written to an unnamed temporary file as the
//! check streams and read back in order when the report is rendered (issue #7: the
//! `files[]` and the sample of a million-file delivery, hundreds of megabytes, must not
//! be held while the check runs).
//!
//! One JSON value per line. The file has no name (it vanishes with the process, however
//! it ends), so nothing is left in a report folder or the temporary folder.

use anyhow::Context as _;
use serde::{Serialize, de::DeserializeOwned};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;

/// Appends values to a spool.
pub struct Writer<T> {
    out: BufWriter<File>,
    len: u64,
    kind: PhantomData<fn(&T)>,
}

impl<T: Serialize> Writer<T> {
    /// A new, empty spool in `dir` (a report folder, or the temporary folder).
    pub fn new(dir: &Path) -> anyhow::Result<Self> {
        let file = tempfile::tempfile_in(dir)
            .with_context(|| format!("creating a temporary file in '{}'", dir.display()))?;
        Ok(Writer { out: BufWriter::with_capacity(64 * 1024, file), len: 0, kind: PhantomData })
    }

    /// Appends one value.
    pub fn push(&mut self, value: &T) -> anyhow::Result<()> {
        serde_json::to_writer(&mut self.out, value).context("writing a spool")?;
        self.out.write_all(b"\n").context("writing a spool")?;
        self.len += 1;
        Ok(())
    }

    /// How many values were appended.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was appended.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The spool, for reading.
    pub fn finish(self) -> anyhow::Result<Spooled<T>> {
        let len = self.len;
        let file = self.out.into_inner().map_err(|e| e.into_error()).context("writing a spool")?;
        Ok(Spooled { file: Some(Arc::new(file)), len, kind: PhantomData })
    }
}

/// A finished spool: read as often as needed, each time from the start.
pub struct Spooled<T> {
    file: Option<Arc<File>>,
    len: u64,
    kind: PhantomData<fn() -> T>,
}

impl<T> Clone for Spooled<T> {
    fn clone(&self) -> Self {
        Spooled { file: self.file.clone(), len: self.len, kind: PhantomData }
    }
}

impl<T> Default for Spooled<T> {
    fn default() -> Self {
        Spooled { file: None, len: 0, kind: PhantomData }
    }
}

impl<T> std::fmt::Debug for Spooled<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spooled({} values)", self.len)
    }
}

impl<T: DeserializeOwned> Spooled<T> {
    /// How many values it holds.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The values in the order written. A read error ends the iteration with that error.
    pub fn iter(&self) -> impl Iterator<Item = anyhow::Result<T>> + '_ {
        let mut lines = self.file.as_ref().map(|f| BufReader::with_capacity(64 * 1024, At(f, 0)));
        let mut line = Vec::new();
        std::iter::from_fn(move || {
            let reader = lines.as_mut()?;
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => None,
                Ok(_) => Some(serde_json::from_slice(&line).context("reading back a spool")),
                Err(e) => {
                    lines = None;
                    Some(Err(e).context("reading back a spool"))
                }
            }
        })
    }
}

impl<T: Serialize + DeserializeOwned> Serialize for Spooled<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(usize::try_from(self.len).ok())?;
        for value in self.iter() {
            seq.serialize_element(&value.map_err(|e| S::Error::custom(format!("{e:#}")))?)?;
        }
        seq.end()
    }
}

/// Reads a shared file from its own position (positional reads), so two readers of one
/// spool never move each other's place.
struct At<'a>(&'a File, u64);

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.0, buf, self.1)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.0, buf, self.1)?;
        self.1 += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_in_order_as_often_as_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writer::new(dir.path()).unwrap();
        for i in 0..1000u32 {
            w.push(&(i, format!("p/{i}\n\"x\""))).unwrap();
        }
        let spool: Spooled<(u32, String)> = w.finish().unwrap();
        assert_eq!(spool.len(), 1000);
        let a: Vec<_> = spool.iter().map(Result::unwrap).collect();
        let mut twice = spool.iter().zip(spool.iter());
        assert!(twice.all(|(x, y)| x.unwrap() == y.unwrap()));
        assert_eq!(a[999], (999, "p/999\n\"x\"".to_string()));
        let json = serde_json::to_value(&spool).unwrap();
        assert_eq!(json[3][1], "p/3\n\"x\"");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no named file");
        assert_eq!(serde_json::to_string(&Spooled::<u8>::default()).unwrap(), "[]");
    }
}
