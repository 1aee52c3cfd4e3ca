//! Where the delivery is on disk, for the record a printed report keeps: its absolute
//! path, the mount point and device of the file system it is on, and that volume's
//! label and UUID where the platform names them (Linux: `/proc/self/mountinfo` and the
//! `/dev/disk/by-label`, `/dev/disk/by-uuid` links). A drive handed over is then
//! identified on paper by more than the folder name someone typed.

use serde::Serialize;
use std::path::{Path, PathBuf};

/// The delivery's place on disk.
#[derive(Clone, Debug, Serialize)]
pub struct Volume {
    /// The delivery root, absolute and with links resolved.
    pub path: String,
    /// The mount point of the file system holding it.
    pub mount: String,
    /// The device (or remote source) mounted there.
    pub device: String,
    /// The volume's label, where one is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The volume's UUID or serial, where one is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

/// The volume of the canonical delivery root `root`; `None` where the platform does not
/// say (the report then holds the path as typed only).
pub fn of(root: &Path) -> Option<Volume> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    // The longest mount point that is a prefix of the root is the one it is on.
    let (mount, device) = info
        .lines()
        .filter_map(parse_line)
        .filter(|(mount, _)| root.starts_with(mount))
        .max_by_key(|(mount, _)| mount.as_os_str().len())?;
    let named = |dir: &str| link_to(Path::new(dir), &device);
    Some(Volume {
        path: root.display().to_string(),
        mount: mount.display().to_string(),
        label: named("/dev/disk/by-label"),
        uuid: named("/dev/disk/by-uuid"),
        device,
    })
}

/// (mount point, source) of one mountinfo line: fields 5 and, after the ` - ` separator,
/// the second (octal escapes such as `\040` undone in the mount point).
fn parse_line(line: &str) -> Option<(PathBuf, String)> {
    let (left, right) = line.split_once(" - ")?;
    let mount = left.split(' ').nth(4)?;
    let source = right.split(' ').nth(1)?;
    Some((PathBuf::from(unescape(mount)), source.to_string()))
}

fn unescape(text: &str) -> String {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let octal = b
            .get(i + 1..i + 4)
            .filter(|d| b[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal.and_then(|d| u8::from_str_radix(std::str::from_utf8(d).ok()?, 8).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// udev's `\xHH` escapes in `/dev/disk/by-label` names undone (`My\x20Drive`).
fn udev_unescape(text: &str) -> String {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let hex = b.get(i + 2..i + 4).filter(|_| b[i..].starts_with(b"\\x"));
        match hex.and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name of the link in `dir` that points at `device`, if any.
fn link_to(dir: &Path, device: &str) -> Option<String> {
    let device = std::fs::canonicalize(device).ok()?;
    std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
        let target = std::fs::canonicalize(e.path()).ok()?;
        (target == device).then(|| udev_unescape(&e.file_name().to_string_lossy()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_mountinfo_line_with_an_escaped_mount_point() {
        let line = "36 35 98:0 / /mnt/My\\040Drive rw,noatime master:1 - ext4 /dev/sdb1 rw";
        assert_eq!(parse_line(line), Some((PathBuf::from("/mnt/My Drive"), "/dev/sdb1".into())));
    }

    #[test]
    fn the_root_file_system_holds_the_temporary_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let v = of(&root).expect("Linux names the mount");
        assert!(root.starts_with(&v.mount), "{v:?}");
        assert_eq!(v.path, root.display().to_string());
    }
}
