//! Signing report.json: key pairs, signing keys of either algorithm, and `vouch sign`.
//!
//! A report is signed with minisign (Ed25519) by default, or with SM2 over SM3
//! (GB/T 32918 / GB/T 32905) for archives that must use national algorithms (issue #5).
//! Both are detached signatures of report.json's exact bytes that a third party checks
//! with a stock tool: `minisign -V` for the one, OpenSSL 3 for the other. The key file
//! says which algorithm signs: a minisign secret key or a PEM (PKCS#8) SM2 key, so no
//! option can disagree with the key. Each algorithm has its own signature files
//! (`report.json[.NAME].minisig`, `report.json[.NAME].sm2.sig`), so one report can carry
//! signatures of both kinds, one per party. The crypto is the `minisign` and RustCrypto
//! `sm2` crates'; this module only picks, loads and writes.

pub mod minisign;
pub mod sm2;

pub use self::minisign::{key_id, load_public_key, load_secret_key, sign_into};
use anyhow::{Context, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable a script sets to give the secret key's password.
pub const PASSWORD_ENV: &str = "VOUCH_KEY_PASSWORD";

/// A signature algorithm vouch writes and verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Algorithm {
    /// minisign: Ed25519, verified by the stock `minisign` tool.
    Minisign,
    /// SM2 with SM3 (GB/T 32918, GB/T 32905), verified by OpenSSL 3.
    Sm2,
}

/// Files written by [`keygen`].
pub struct KeyFiles {
    /// The secret key (mode 0600).
    pub secret: PathBuf,
    /// The public key, to hand to whoever verifies.
    pub public: PathBuf,
    /// The key id.
    pub id: String,
    /// The algorithm of the key pair.
    pub algorithm: Algorithm,
}

/// Makes a key pair in `dir`: minisign's `NAME.key` + `NAME.pub`, or SM2's
/// `NAME.key.pem` + `NAME.pub.pem`. Never overwrites a file.
pub fn keygen(
    dir: &Path,
    name: &str,
    algorithm: Algorithm,
    no_password: bool,
) -> anyhow::Result<KeyFiles> {
    match algorithm {
        Algorithm::Minisign => minisign::keygen(dir, name, no_password),
        Algorithm::Sm2 => sm2::keygen(dir, name, no_password),
    }
}

/// The paths `DIR/NAME.EXT` of a new key pair: checks the name, that none exists, and
/// creates `dir`.
fn new_key_paths<const N: usize>(
    dir: &Path,
    name: &str,
    exts: [&str; N],
) -> anyhow::Result<[PathBuf; N]> {
    check_signer("key name", Some(name))?;
    let paths = exts.map(|ext| dir.join(format!("{name}.{ext}")));
    if let Some(p) = paths.iter().find(|p| p.exists()) {
        bail!("'{}' exists; vouch never overwrites a key: choose --name or --out-dir", p.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating '{}'", dir.display()))?;
    Ok(paths)
}

/// Writes a file that must not exist yet, with the given Unix mode, atomically.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".vouch-key-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in '{}'", dir.display()))?;
    set_mode(tmp.as_file(), mode).with_context(|| format!("protecting '{}'", path.display()))?;
    tmp.write_all(bytes).with_context(|| format!("writing '{}'", path.display()))?;
    tmp.as_file().sync_all().with_context(|| format!("flushing '{}'", path.display()))?;
    tmp.persist_noclobber(path).map_err(|e| {
        anyhow::anyhow!("writing '{}': {}; vouch never overwrites a key", path.display(), e.error)
    })?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// The password for a new key: from [`PASSWORD_ENV`], or asked twice on the terminal.
fn new_password(key: &Path) -> anyhow::Result<String> {
    let pw = match std::env::var(PASSWORD_ENV) {
        Ok(pw) => pw,
        Err(_) => {
            let first = ask(&format!("password for the new key '{}': ", key.display()))?;
            let again = ask("the same password again: ")?;
            if first != again {
                bail!("the two passwords differ; run `vouch keygen` again");
            }
            first
        }
    };
    if pw.is_empty() {
        bail!("empty password; choose one, or make an unprotected key with --no-password");
    }
    Ok(pw)
}

/// The password of an existing key: from [`PASSWORD_ENV`], or asked on the terminal.
fn password(key: &Path) -> anyhow::Result<String> {
    match std::env::var(PASSWORD_ENV) {
        Ok(pw) => Ok(pw),
        Err(_) => ask(&format!("password for '{}': ", key.display())),
    }
}

fn ask(prompt: &str) -> anyhow::Result<String> {
    rpassword::prompt_password(prompt).map_err(|e| {
        anyhow::anyhow!(
            "cannot ask for the key password ({e}): run in a terminal, or set {PASSWORD_ENV}"
        )
    })
}

/// A secret key of either algorithm, loaded (and decrypted) before any long work starts.
pub enum SigningKey {
    /// A minisign secret key.
    Minisign(::minisign::SecretKey),
    /// An SM2 secret key, with the default distinguishing ID.
    Sm2(Box<::sm2::dsa::SigningKey>),
}

impl SigningKey {
    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SigningKey::Minisign(_) => Algorithm::Minisign,
            SigningKey::Sm2(_) => Algorithm::Sm2,
        }
    }
}

/// Whether a key file is PEM (an SM2 key) rather than minisign's text format.
fn is_pem(text: &str) -> bool {
    text.trim_start().starts_with("-----BEGIN ")
}

/// Reads a secret key of either algorithm; the file's format says which.
pub fn load_signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let text =
        std::fs::read(path).with_context(|| format!("reading secret key '{}'", path.display()))?;
    if is_pem(&String::from_utf8_lossy(&text)) {
        Ok(SigningKey::Sm2(Box::new(sm2::load_secret_key(path)?)))
    } else {
        Ok(SigningKey::Minisign(minisign::load_secret_key(path)?))
    }
}

/// A public key of either algorithm, as given to `vouch verify --public-key`.
pub enum PublicKey {
    /// A minisign public key.
    Minisign(::minisign::PublicKey),
    /// An SM2 public key.
    Sm2(Box<::sm2::PublicKey>),
}

impl PublicKey {
    /// The key id vouch prints: minisign's key id, or for SM2 the first 8 bytes of the
    /// SHA-256 of the SubjectPublicKeyInfo DER (see [`sm2::key_id`]).
    pub fn id(&self) -> String {
        match self {
            PublicKey::Minisign(pk) => key_id(pk.keynum()),
            PublicKey::Sm2(pk) => sm2::key_id(pk),
        }
    }
}

/// Reads a public key of either algorithm; the file's format says which.
pub fn load_verifying_key(path: &Path) -> anyhow::Result<PublicKey> {
    let text =
        std::fs::read(path).with_context(|| format!("reading public key '{}'", path.display()))?;
    if is_pem(&String::from_utf8_lossy(&text)) {
        Ok(PublicKey::Sm2(Box::new(sm2::load_public_key(path)?)))
    } else {
        Ok(PublicKey::Minisign(minisign::load_public_key(path)?))
    }
}

/// Reads an open report.json from its start, buffered; each signature or check streams
/// through it again (issue #7: never all in memory).
pub(crate) fn from_start(
    report: &std::fs::File,
) -> anyhow::Result<std::io::BufReader<&std::fs::File>> {
    let mut file = report;
    std::io::Seek::rewind(&mut file).context("rewinding report.json")?;
    Ok(std::io::BufReader::with_capacity(64 * 1024, file))
}

/// A signer name usable in a file name: 1–64 of `A-Z a-z 0-9 _ -`.
pub fn is_valid_signer(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Refuses a signer (or key) name that [`is_valid_signer`] refuses; `what` names it in
/// the error (`--signature-name`, `signature name`, `key name`).
pub fn check_signer(what: &str, name: Option<&str>) -> anyhow::Result<()> {
    match name.filter(|n| !is_valid_signer(n)) {
        Some(name) => anyhow::bail!("{what} '{name}' must be 1–64 of A-Z a-z 0-9 _ -"),
        None => Ok(()),
    }
}
