//! SM2 (GB/T 32918) signatures over SM3 (GB/T 32905) of report.json, for archives that
//! must use national algorithms (issue #5).
//!
//! Everything is in the formats OpenSSL 3 reads and writes, so a third party verifies
//! without vouch (DESIGN.md "Report"): keys are PEM, the secret key PKCS#8 (encrypted with
//! scrypt + AES-256-CBC unless `--no-password`), the public key SubjectPublicKeyInfo; the
//! signature file holds the DER `SEQUENCE { r, s }` over report.json's exact bytes. The
//! distinguishing ID is the standard default `1234567812345678` (GB/T 32918, GM/T 0009).
//! OpenSSL 3.0 does not use it by default, so its command needs
//! `-pkeyopt distid:1234567812345678` (README "The report bundle, signing and
//! verification"). A DER signature names no key, so verifying tries each given SM2 key.
//! The crypto is the RustCrypto `sm2` and `pkcs8` crates'; nothing here is hand-rolled.

use super::{Algorithm, KeyFiles, new_password, password, write_new};
use anyhow::{Context, bail};
use pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use sha2::{Digest, Sha256};
use sm2::dsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use sm2::dsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use sm2::elliptic_curve::Generate;
use sm2::{PublicKey, SecretKey};
use sm3::Sm3;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The distinguishing ID of the signer, the default of GB/T 32918 and GM/T 0009.
pub const DIST_ID: &str = "1234567812345678";

const ENCRYPTED_LABEL: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

/// The key id vouch prints for an SM2 key: the first 8 bytes of the SHA-256 of its
/// SubjectPublicKeyInfo DER, as 16 hex digits. Anyone recomputes it with
/// `openssl pkey -pubin -in KEY.pub.pem -outform DER | sha256sum`.
pub fn key_id(pk: &PublicKey) -> String {
    let der = pk.to_public_key_der().map(|d| d.as_bytes().to_vec()).unwrap_or_default();
    hex::encode_upper(&Sha256::digest(&der)[..8])
}

/// Makes an SM2 key pair `DIR/NAME.key.pem` + `DIR/NAME.pub.pem`; never overwrites a file.
pub fn keygen(dir: &Path, name: &str, no_password: bool) -> anyhow::Result<KeyFiles> {
    let [secret, public] = super::new_key_paths(dir, name, ["key.pem", "pub.pem"])?;
    let key = SecretKey::generate();
    let encoding = |e: pkcs8::Error| anyhow::anyhow!("encoding the SM2 key: {e}");
    let secret_pem = if no_password {
        key.to_pkcs8_pem(LineEnding::LF).map_err(encoding)?
    } else {
        let pw = new_password(&secret)?;
        key.to_pkcs8_encrypted_pem(pw, LineEnding::LF).map_err(encoding)?
    };
    let pk = key.public_key();
    let public_pem = pk
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("encoding the SM2 public key: {e}"))?;
    write_new(&secret, secret_pem.as_bytes(), 0o600)?;
    write_new(&public, public_pem.as_bytes(), 0o644)?;
    Ok(KeyFiles { secret, public, id: key_id(&pk), algorithm: Algorithm::Sm2 })
}

/// Reads an SM2 secret key: PKCS#8 PEM, encrypted (password from
/// [`super::PASSWORD_ENV`] or the terminal) or not, as vouch and `openssl genpkey` write it.
pub fn load_secret_key(path: &Path) -> anyhow::Result<SigningKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading secret key '{}'", path.display()))?;
    let key = if text.contains(ENCRYPTED_LABEL) {
        let pw = password(path)?;
        SecretKey::from_pkcs8_encrypted_pem(&text, pw).map_err(|e| {
            anyhow::anyhow!(
                "cannot decrypt SM2 secret key '{}' ({e}): wrong password? It is read from \
                 {} or the terminal",
                path.display(),
                super::PASSWORD_ENV
            )
        })?
    } else {
        SecretKey::from_pem(&text).map_err(|e| not_a_secret_key(path, &text, e))?
    };
    SigningKey::new(DIST_ID, &key)
        .map_err(|e| anyhow::anyhow!("SM2 secret key '{}': {e}", path.display()))
}

fn not_a_secret_key(path: &Path, text: &str, e: impl std::fmt::Display) -> anyhow::Error {
    if text.contains("PUBLIC KEY-----") {
        return anyhow::anyhow!(
            "'{}' is a public key: sign with the secret key (NAME.key.pem)",
            path.display()
        );
    }
    anyhow::anyhow!(
        "'{}' is a PEM file but not an SM2 secret key ({e}): make one with \
         `vouch keygen --algorithm sm2` or `openssl genpkey -algorithm SM2`",
        path.display()
    )
}

/// Reads an SM2 public key (SubjectPublicKeyInfo PEM, as `vouch keygen --algorithm sm2`
/// or `openssl pkey -pubout` write it).
pub fn load_public_key(path: &Path) -> anyhow::Result<PublicKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading public key '{}'", path.display()))?;
    PublicKey::from_public_key_pem(&text).map_err(|e| {
        let hint = if text.contains("PRIVATE KEY-----") {
            "it is a secret key: give its public key (`openssl pkey -in KEY -pubout`)"
        } else {
            "give an SM2 public key (PEM `BEGIN PUBLIC KEY`) or a minisign public key"
        };
        anyhow::anyhow!("'{}' is not an SM2 public key ({e}): {hint}", path.display())
    })
}

/// The DER signature of `report` (read to its end) by `key`.
pub fn sign(key: &SigningKey, report: impl Read) -> anyhow::Result<Vec<u8>> {
    let vk = key.verifying_key();
    let e = message_hash(vk.distid(), vk.as_affine(), report)?;
    let sig: Signature =
        key.sign_prehash(&e).map_err(|e| anyhow::anyhow!("SM2 signing failed: {e}"))?;
    Ok(DerSignature::from(sig).to_vec())
}

/// Whether `der` is a valid SM2 signature of `report` (read to its end) by `pk`; `Err`
/// says why not.
pub fn verify(pk: &PublicKey, report: impl Read, der: &[u8]) -> Result<(), String> {
    let der = DerSignature::from_bytes(der)
        .map_err(|_| "not a DER-encoded SM2 signature (SEQUENCE { r, s })".to_string())?;
    let sig = Signature::try_from(der).map_err(|e| format!("malformed SM2 signature: {e}"))?;
    let vk = VerifyingKey::new(DIST_ID, *pk).map_err(|e| format!("unusable SM2 key: {e}"))?;
    let e = message_hash(DIST_ID, pk.as_affine(), report).map_err(|e| format!("{e:#}"))?;
    vk.verify_prehash(&e, &sig).map_err(|_| "the signature does not match".to_string())
}

/// The curve's `a`, `b`, `xG`, `yG` (GB/T 32918.5), as hashed into `Z`.
const CURVE: [&str; 4] = [
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC",
    "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93",
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7",
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0",
];

/// `e = SM3(Z ‖ M)` (GB/T 32918.2 A1–A2) with `Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖
/// xA ‖ yA)`, the message streamed in 64 KiB pieces: the `sm2` crate hashes only a
/// message held in memory, and report.json can be hundreds of megabytes (issue #7).
/// Signing the prehash gives the same signature as the crate's `Signer` (a unit test
/// proves it).
fn message_hash(
    id: &str,
    pk: &sm2::AffinePoint,
    mut report: impl Read,
) -> anyhow::Result<[u8; 32]> {
    use sm2::elliptic_curve::sec1::ToSec1Point;
    let point = pk.to_sec1_point(false);
    let xy = point.as_bytes().get(1..).context("an SM2 public key at infinity")?;
    let mut z = Sm3::new();
    let entl = u16::try_from(id.len() * 8).context("an SM2 distinguishing ID too long")?;
    z.update(entl.to_be_bytes());
    z.update(id.as_bytes());
    for hex_value in CURVE {
        z.update(hex::decode(hex_value).expect("a constant in hex"));
    }
    z.update(xy);
    let mut e = Sm3::new();
    e.update(z.finalize());
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match report.read(&mut buf) {
            Ok(0) => return Ok(e.finalize().into()),
            Ok(n) => e.update(&buf[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(anyhow::Error::new(err).context("reading report.json")),
        }
    }
}

/// Signs report.json (the open `report`) into the SM2 signature file `path`. An
/// existing file there is replaced only if this key signed this report.json in it;
/// anything else (another party's signature, a stale one) is refused, never overwritten
/// silently.
pub fn sign_into(path: &Path, key: &SigningKey, report: &std::fs::File) -> anyhow::Result<PathBuf> {
    let pk = PublicKey::from(key.verifying_key());
    if let Ok(old) = std::fs::read(path)
        && verify(&pk, super::from_start(report)?, &old).is_err()
    {
        bail!(
            "'{}' holds a signature that this key ({}) did not make over this report.json: \
             a second party signs into its own file with --signature-name NAME; remove the \
             file first if it is stale",
            path.display(),
            key_id(&pk)
        );
    }
    let sig = sign(key, super::from_start(report)?)
        .with_context(|| format!("signing '{}'", path.display()))?;
    crate::output::write_atomic(path, &sig)?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_der_and_bound_to_key_and_bytes() {
        let key = SigningKey::new(DIST_ID, &SecretKey::generate()).unwrap();
        let pk = PublicKey::from(key.verifying_key());
        let sig = sign(&key, &b"report"[..]).unwrap();
        assert_eq!(sig[0], 0x30, "a DER SEQUENCE");
        assert_eq!(verify(&pk, &b"report"[..], &sig), Ok(()));
        assert!(verify(&pk, &b"repors"[..], &sig).is_err());
        let other = SigningKey::new(DIST_ID, &SecretKey::generate()).unwrap();
        assert!(verify(&PublicKey::from(other.verifying_key()), &b"report"[..], &sig).is_err());
        assert!(verify(&pk, &b"report"[..], b"\x30\x00").is_err());
        assert_eq!(key_id(&pk).len(), 16);
    }

    #[test]
    fn the_distinguishing_id_is_part_of_the_signature() {
        let secret = SecretKey::generate();
        let other_id = SigningKey::new("ALICE123@YAHOO.COM", &secret).unwrap();
        let sig = sign(&other_id, &b"report"[..]).unwrap();
        let pk = secret.public_key();
        assert!(verify(&pk, &b"report"[..], &sig).is_err(), "only {DIST_ID} is accepted");
    }

    #[test]
    fn streamed_signatures_are_the_crates_own() {
        use sm2::dsa::signature::{Signer, Verifier};
        let key = SigningKey::new(DIST_ID, &SecretKey::generate()).unwrap();
        let pk = PublicKey::from(key.verifying_key());
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        for msg in [&b""[..], b"report", &big] {
            let ours = sign(&key, msg).unwrap();
            let theirs: Signature = key.try_sign(msg).unwrap();
            assert_eq!(ours, DerSignature::from(theirs).to_vec(), "{} bytes", msg.len());
            let sig = Signature::try_from(DerSignature::from_bytes(&ours).unwrap()).unwrap();
            assert!(key.verifying_key().verify(msg, &sig).is_ok());
            assert_eq!(verify(&pk, msg, &ours), Ok(()));
        }
    }
}
