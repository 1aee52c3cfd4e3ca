//! The site's ClamAV daemon (issue #20, `safety-malware`, `safety-not-scanned`): the
//! bytes a worker already read for digests and decoding go to clamd's `INSTREAM`, so
//! the delivery is still read once. Each worker keeps one connection (a clamd
//! `IDSESSION`, thread-local) for all its files; a connection that broke is opened once
//! more before the file is given up as not scanned. Every failure is a file not scanned:
//! fail closed, never "clean".

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// Bytes sent per INSTREAM chunk (clamd's StreamMaxLength bounds the total, not chunks).
const CHUNK: usize = 256 << 10;
/// How long a reply may take: a scan of a large file on a busy daemon, with margin.
const REPLY_TIMEOUT: Duration = Duration::from_secs(600);

/// Where clamd listens: a unix socket path, or `host:port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A unix socket.
    Unix(std::path::PathBuf),
    /// A TCP `host:port`.
    Tcp(String),
}

impl Address {
    /// `host:port` when the text ends in `:` and digits and holds no `/`, else a socket path.
    pub fn parse(text: &str) -> Address {
        let tcp = text.rsplit_once(':').is_some_and(|(host, port)| {
            !host.is_empty() && !port.is_empty() && port.bytes().all(|c| c.is_ascii_digit())
        });
        match tcp && !text.contains('/') {
            true => Address::Tcp(text.to_string()),
            false => Address::Unix(text.into()),
        }
    }

    /// As the user wrote it.
    pub fn display(&self) -> String {
        match self {
            Address::Unix(p) => p.display().to_string(),
            Address::Tcp(a) => a.clone(),
        }
    }

    fn connect(&self) -> std::io::Result<Conn> {
        let conn = match self {
            Address::Unix(p) => Conn::Unix(UnixStream::connect(p)?),
            Address::Tcp(a) => Conn::Tcp(TcpStream::connect(a)?),
        };
        conn.set_timeout(Some(REPLY_TIMEOUT))?;
        Ok(conn)
    }
}

enum Conn {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Conn {
    fn set_timeout(&self, t: Option<Duration>) -> std::io::Result<()> {
        match self {
            Conn::Unix(s) => s.set_read_timeout(t).and(s.set_write_timeout(t)),
            Conn::Tcp(s) => s.set_read_timeout(t).and(s.set_write_timeout(t)),
        }
    }

    fn stream(&mut self) -> &mut dyn ReadWrite {
        match self {
            Conn::Unix(s) => s,
            Conn::Tcp(s) => s,
        }
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// Reads one NUL-terminated reply.
fn reply(s: &mut dyn ReadWrite) -> std::io::Result<String> {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match s.read(&mut byte)? {
            0 if out.is_empty() => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "clamd closed the connection without a reply",
                ));
            }
            0 => break,
            _ if byte[0] == 0 => break,
            _ => out.push(byte[0]),
        }
    }
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// clamd's `VERSION`: `ClamAV 1.4.3/27520/Mon Jan  5 09:31:02 2026`.
pub fn version(addr: &Address) -> std::io::Result<String> {
    let mut conn = addr.connect()?;
    let s = conn.stream();
    s.write_all(b"zVERSION\0")?;
    reply(s)
}

/// What clamd said of one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Scan {
    /// `stream: OK`.
    Clean,
    /// `stream: NAME FOUND`: the signature's name.
    Found(String),
    /// The file could not be scanned: why.
    Failed(String),
}

thread_local! {
    /// This worker's session with clamd, opened at its first file.
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

struct Session {
    addr: Address,
    conn: Conn,
    next_id: u64,
}

/// Scans `bytes` on this worker's connection to `addr` (opened, or opened again once
/// when it broke).
pub fn scan(addr: &Address, bytes: &[u8]) -> Scan {
    SESSION.with(|cell| {
        let mut slot = cell.borrow_mut();
        for attempt in 0..2 {
            if slot.as_ref().is_none_or(|s| &s.addr != addr) {
                match open(addr) {
                    Ok(s) => *slot = Some(s),
                    Err(e) => return Scan::Failed(format!("clamd at {}: {e}", addr.display())),
                }
            }
            let Some(session) = slot.as_mut() else { unreachable!("opened above") };
            match session.instream(bytes) {
                Ok(answer) => {
                    // clamd ends a session after an error reply (size limit exceeded).
                    if answer.ends_with("ERROR") {
                        *slot = None;
                    }
                    return parse(&answer);
                }
                Err(e) => {
                    *slot = None;
                    if attempt == 1 {
                        return Scan::Failed(format!("clamd at {}: {e}", addr.display()));
                    }
                }
            }
        }
        unreachable!("the second attempt returns")
    })
}

fn open(addr: &Address) -> std::io::Result<Session> {
    let mut conn = addr.connect()?;
    conn.stream().write_all(b"zIDSESSION\0")?;
    Ok(Session { addr: addr.clone(), conn, next_id: 1 })
}

impl Session {
    /// One `INSTREAM` in the session: the reply without its `N: ` request id.
    fn instream(&mut self, bytes: &[u8]) -> std::io::Result<String> {
        let id = self.next_id;
        self.next_id += 1;
        let s = self.conn.stream();
        let sent = send(s, bytes);
        // A daemon that stopped reading (size limit) has replied: read that first.
        let answer = match (sent, reply(s)) {
            (_, Ok(a)) => a,
            (Err(e), Err(_)) | (Ok(()), Err(e)) => return Err(e),
        };
        Ok(match answer.split_once(": ") {
            Some((n, rest)) if n == id.to_string() => rest.to_string(),
            _ => answer,
        })
    }
}

fn send(s: &mut dyn ReadWrite, bytes: &[u8]) -> std::io::Result<()> {
    s.write_all(b"zINSTREAM\0")?;
    for chunk in bytes.chunks(CHUNK) {
        s.write_all(&(chunk.len() as u32).to_be_bytes())?;
        s.write_all(chunk)?;
    }
    s.write_all(&[0, 0, 0, 0])?;
    s.flush()
}

/// `stream: OK`, `stream: Eicar-Test-Signature FOUND`, or anything else (an error).
fn parse(answer: &str) -> Scan {
    let body = answer.strip_prefix("stream: ").unwrap_or(answer);
    if body == "OK" {
        return Scan::Clean;
    }
    if let Some(name) = body.strip_suffix(" FOUND") {
        return Scan::Found(name.to_string());
    }
    Scan::Failed(format!("clamd answered '{answer}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(Address::parse("127.0.0.1:3310"), Address::Tcp("127.0.0.1:3310".into()));
        assert_eq!(Address::parse("clamav:3310"), Address::Tcp("clamav:3310".into()));
        assert_eq!(
            Address::parse("/run/clamav/clamd.ctl"),
            Address::Unix("/run/clamav/clamd.ctl".into())
        );
        assert_eq!(Address::parse("clamd.sock"), Address::Unix("clamd.sock".into()));
    }

    #[test]
    fn replies() {
        assert_eq!(parse("stream: OK"), Scan::Clean);
        assert_eq!(
            parse("stream: Eicar-Test-Signature FOUND"),
            Scan::Found("Eicar-Test-Signature".into())
        );
        assert!(matches!(parse("INSTREAM size limit exceeded. ERROR"), Scan::Failed(_)));
    }
}
