//! minisign (Ed25519) keys and detached signatures of report.json.
//!
//! The signature must be checkable by a third party with a standard tool, years later,
//! without vouch (DESIGN.md "Report"): minisign's format is small, documented, and its
//! stock tool verifies it (`minisign -Vm report.json -p key.pub`). The crypto is the
//! `minisign` crate's, by minisign's author; nothing here is hand-rolled. Each party signs
//! the same report.json into its own file (`report.json.minisig`,
//! `report.json.NAME.minisig`, named by the bundle); a
//! signature file is never silently replaced by another key's.

use super::{Algorithm, KeyFiles, new_password, password, write_new};
use anyhow::{Context, bail};
use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SignatureBox};
use std::path::{Path, PathBuf};

/// The key id minisign prints: the 8-byte key number as 16 hex digits.
pub fn key_id(keynum: &[u8]) -> String {
    let mut n = [0u8; 8];
    n.copy_from_slice(&keynum[..8.min(keynum.len())]);
    format!("{:016X}", u64::from_le_bytes(n))
}

/// Makes a key pair `DIR/NAME.key` + `DIR/NAME.pub`; never overwrites a file.
pub fn keygen(dir: &Path, name: &str, no_password: bool) -> anyhow::Result<KeyFiles> {
    let [secret, public] = super::new_key_paths(dir, name, ["key", "pub"])?;
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
    Ok(KeyFiles { secret, public, id, algorithm: Algorithm::Minisign })
}

/// Reads a minisign secret key, asking for its password if it has one (from
/// [`super::PASSWORD_ENV`] or the terminal). Called before any long work starts.
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
        SecretKey::from_box(sk_box, Some(password(path)?))
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

/// Signs `file` (the open `report`, read from its start, named `file` in the signed
/// comment) as `signer` and writes the signature to `path`. Refuses to replace that file
/// if another key signed it.
pub fn sign_into(
    path: &Path,
    (file, signer): (&str, Option<&str>),
    key: &SecretKey,
    report: &std::fs::File,
) -> anyhow::Result<PathBuf> {
    let id = key_id(key.keynum());
    if let Ok(old) = SignatureBox::from_file(path) {
        let old_id = key_id(old.keynum());
        if old_id != id {
            bail!(
                "'{}' holds a signature by key {old_id}, not this key ({id}): a second party \
                 signs into its own file with --signature-name NAME",
                path.display()
            );
        }
    }
    let comment = trusted_comment(file, signer, &verdict(super::from_start(report)?));
    let pk = PublicKey::from_secret_key(key).map_err(|e| anyhow::anyhow!("key: {e}"))?;
    let untrusted = format!("signature from vouch secret key {id}");
    // minisign signs the BLAKE2b-512 prehash of what the reader gives: streamed.
    let data = super::from_start(report)?;
    let sig = minisign::sign(Some(&pk), key, data, Some(&comment), Some(&untrusted))
        .map_err(|e| anyhow::anyhow!("signing '{}': {e}", path.display()))?;
    crate::output::write_atomic(path, sig.into_string().as_bytes())?;
    Ok(path.to_path_buf())
}

/// The report's `verdict`, or `unknown`; parsed by streaming, other fields skipped.
fn verdict(report: impl std::io::Read) -> String {
    #[derive(serde::Deserialize)]
    struct Verdict {
        verdict: Option<String>,
    }
    serde_json::from_reader::<_, Verdict>(report)
        .ok()
        .and_then(|v| v.verdict)
        .unwrap_or_else(|| "unknown".into())
}

/// The trusted comment (signed, printed by `minisign -V`): when, what, who, which verdict.
fn trusted_comment(file: &str, signer: Option<&str>, verdict: &str) -> String {
    let now = jiff::Timestamp::now();
    format!(
        "timestamp:{}\tfile:{file}\tsigner:{}\tverdict:{verdict}\ttime:{}",
        now.as_second(),
        signer.unwrap_or("first"),
        now.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_is_read_whatever_comes_around_it() {
        let json = br#"{"tool":"vouch","files":[{"a":[1,2,{"b":null}]}],"verdict":"accepted"}"#;
        assert_eq!(verdict(&json[..]), "accepted");
        assert_eq!(verdict(&br#"{"verdict":3}"#[..]), "unknown");
        assert_eq!(verdict(&b"{"[..]), "unknown");
        assert_eq!(verdict(&br#"{"x":1}"#[..]), "unknown");
    }
}
