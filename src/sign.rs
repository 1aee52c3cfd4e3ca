//! Signing: minisign (Ed25519) keys and detached signatures of report.json.
//!
//! The signature must be checkable by a third party with a standard tool, years later,
//! without vouch (DESIGN.md "Report"): minisign's format is small, documented, and its
//! stock tool verifies it (`minisign -Vm report.json -p key.pub`). The crypto is the
//! `minisign` crate's, by minisign's author; nothing here is hand-rolled. Each party signs
//! the same report.json into its own file (`report.json.minisig`,
//! `report.json.NAME.minisig`, see [`crate::report::bundle::signature_name`]); a
//! signature file is never silently replaced by another key's.

use crate::report::bundle::{self, REPORT_JSON};
use anyhow::{Context, bail};
use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SignatureBox};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable a script sets to give the secret key's password.
pub const PASSWORD_ENV: &str = "VOUCH_KEY_PASSWORD";

/// The key id minisign prints: the 8-byte key number as 16 hex digits.
pub fn key_id(keynum: &[u8]) -> String {
    let mut n = [0u8; 8];
    n.copy_from_slice(&keynum[..8.min(keynum.len())]);
    format!("{:016X}", u64::from_le_bytes(n))
}

/// Files written by [`keygen`].
pub struct KeyFiles {
    /// The secret key (mode 0600).
    pub secret: PathBuf,
    /// The public key, to hand to whoever verifies.
    pub public: PathBuf,
    /// The key id.
    pub id: String,
}

/// Makes a key pair `DIR/NAME.key` + `DIR/NAME.pub`; never overwrites a file.
pub fn keygen(dir: &Path, name: &str, no_password: bool) -> anyhow::Result<KeyFiles> {
    if !bundle::is_valid_signer(name) {
        bail!("key name '{name}' must be 1–64 of A-Z a-z 0-9 _ -");
    }
    let secret = dir.join(format!("{name}.key"));
    let public = dir.join(format!("{name}.pub"));
    for p in [&secret, &public] {
        if p.exists() {
            bail!(
                "'{}' exists; vouch never overwrites a key: choose --name or --out-dir",
                p.display()
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating '{}'", dir.display()))?;
    let pair = if no_password {
        KeyPair::generate_unencrypted_keypair()
    } else {
        KeyPair::generate_encrypted_keypair(Some(new_password(&secret)?))
    }
    .map_err(|e| anyhow::anyhow!("generating a key pair: {e}"))?;
    let id = key_id(pair.pk.keynum());
    let comment = format!("vouch secret key {id}");
    let sk_box = pair.sk.to_box(Some(&comment)).map_err(|e| anyhow::anyhow!("encoding: {e}"))?;
    let pk_box = pair.pk.to_box().map_err(|e| anyhow::anyhow!("encoding: {e}"))?;
    write_new(&secret, sk_box.into_string().as_bytes(), 0o600)?;
    write_new(&public, pk_box.into_string().as_bytes(), 0o644)?;
    Ok(KeyFiles { secret, public, id })
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

fn ask(prompt: &str) -> anyhow::Result<String> {
    rpassword::prompt_password(prompt).map_err(|e| {
        anyhow::anyhow!(
            "cannot ask for the key password ({e}): run in a terminal, or set {PASSWORD_ENV}"
        )
    })
}

/// Reads a minisign secret key, asking for its password if it has one (from
/// [`PASSWORD_ENV`] or the terminal). Called before any long work starts.
pub fn load_secret_key(path: &Path) -> anyhow::Result<SecretKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading secret key '{}'", path.display()))?;
    let not_a_key = || {
        anyhow::anyhow!(
            "'{}' is not a minisign secret key (make one with `vouch keygen`)",
            path.display()
        )
    };
    let encoded = text.lines().nth(1).ok_or_else(not_a_key)?;
    use ct_codecs::Decoder;
    let raw = ct_codecs::Base64::decode_to_vec(encoded.trim(), None).map_err(|_| not_a_key())?;
    let probe = SecretKey::from_bytes(&raw).map_err(|_| not_a_key())?;
    let sk_box = minisign::SecretKeyBox::from_string(&text).map_err(|_| not_a_key())?;
    let key = if probe.is_encrypted() {
        let pw = match std::env::var(PASSWORD_ENV) {
            Ok(pw) => pw,
            Err(_) => ask(&format!("password for '{}': ", path.display()))?,
        };
        SecretKey::from_box(sk_box, Some(pw))
    } else {
        SecretKey::from_unencrypted_box(sk_box)
    };
    key.map_err(|e| anyhow::anyhow!("secret key '{}': {e}", path.display()))
}

/// Reads a minisign public key file (as `vouch keygen` or `minisign -G` write it).
pub fn load_public_key(path: &Path) -> anyhow::Result<PublicKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading public key '{}'", path.display()))?;
    let from_box = PublicKeyBox::from_string(&text).and_then(PublicKey::from_box);
    // A bare base64 line (as `minisign -P` takes) is accepted too.
    from_box
        .or_else(|_| PublicKey::from_base64(text.trim()))
        .map_err(|e| anyhow::anyhow!("'{}' is not a minisign public key: {e}", path.display()))
}

/// Signs `report` (report.json's bytes) and writes the signature into `dir` as the
/// file of `signer`. Refuses to replace that file if another key signed it.
pub fn sign_into(
    dir: &Path,
    signer: Option<&str>,
    key: &SecretKey,
    report: &[u8],
) -> anyhow::Result<PathBuf> {
    if let Some(name) = signer.filter(|n| !bundle::is_valid_signer(n)) {
        bail!("signature name '{name}' must be 1–64 of A-Z a-z 0-9 _ -");
    }
    let path = dir.join(bundle::signature_name(signer));
    let id = key_id(key.keynum());
    if let Ok(old) = SignatureBox::from_file(&path) {
        let old_id = key_id(old.keynum());
        if old_id != id {
            bail!(
                "'{}' holds a signature by key {old_id}, not this key ({id}): a second party \
                 signs into its own file with --signature-name NAME",
                path.display()
            );
        }
    }
    let comment = trusted_comment(signer, report);
    let pk = PublicKey::from_secret_key(key).map_err(|e| anyhow::anyhow!("key: {e}"))?;
    let untrusted = format!("signature from vouch secret key {id}");
    let sig = minisign::sign(Some(&pk), key, report, Some(&comment), Some(&untrusted))
        .map_err(|e| anyhow::anyhow!("signing '{}': {e}", path.display()))?;
    crate::output::write_atomic(&path, sig.into_string().as_bytes())?;
    Ok(path)
}

/// The trusted comment (signed, printed by `minisign -V`): when, what, who, which verdict.
fn trusted_comment(signer: Option<&str>, report: &[u8]) -> String {
    let verdict = serde_json::from_slice::<serde_json::Value>(report)
        .ok()
        .and_then(|v| v.get("verdict").and_then(|v| v.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "unknown".into());
    let now = jiff::Timestamp::now();
    format!(
        "timestamp:{}\tfile:{REPORT_JSON}\tsigner:{}\tverdict:{verdict}\ttime:{}",
        now.as_second(),
        signer.unwrap_or("first"),
        now.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
}

/// `vouch sign DIR`: signs an existing bundle after checking that every file still
/// matches report.json's hash list (a changed bundle is never signed).
pub fn sign_bundle(dir: &Path, key_path: &Path, signer: Option<&str>) -> anyhow::Result<PathBuf> {
    let report_path = dir.join(REPORT_JSON);
    let report = std::fs::read(&report_path).with_context(|| {
        format!("reading '{}': is this a vouch report folder?", report_path.display())
    })?;
    let failed: Vec<String> = crate::verify::check_hashes(dir, &report)
        .into_iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    if !failed.is_empty() {
        bail!(
            "refusing to sign '{}': the bundle does not match its hash list ({})",
            dir.display(),
            failed.join("; ")
        );
    }
    let key = load_secret_key(key_path)?;
    sign_into(dir, signer, &key, &report)
}
