//! SM2 signatures of the report bundle (issue #5), end to end through the real binary:
//! `keygen --algorithm sm2`, signing by `check --sign-key` and `sign`, `verify` failing
//! closed on a changed byte or a swapped signature, minisign and SM2 signers on one report,
//! and interoperability with the stock OpenSSL 3 CLI both ways (OpenSSL verifies vouch's
//! signatures, vouch verifies OpenSSL's). The delivery fixture is shared with report.rs (`util::Fixture`).

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::util::{Fixture, code, copy_dir, text};
const PASSWORD: &str = "国密 correct horse";
/// The default distinguishing ID (GB/T 32918); OpenSSL 3.0 must be told it.
const DISTID: &str = "distid:1234567812345678";

/// sm2.rs's own helpers on the shared fixture.
impl Fixture {
    /// `vouch check` into `out`, with extra arguments; the fixture is rejected (exit 1).
    fn check_rejected(&self, out: &str, extra: &[&str], env: &[(&str, &str)]) {
        let mut args = vec!["check", "delivery", "-c", "cat.csv", "--out", out];
        args.extend_from_slice(extra);
        let o = self.run(&args, env);
        assert_eq!(code(&o), 1, "the fixture is rejected: {}", text(&o));
    }

    /// An unprotected SM2 key pair `keys/NAME.key.pem` + `keys/NAME.pub.pem`.
    fn sm2_key(&self, name: &str) {
        let args = ["keygen", "--algorithm", "sm2", "--out-dir", "keys", "--name", name];
        let o = self.run(&[&args[..], &["--no-password"]].concat(), &[]);
        assert_eq!(code(&o), 0, "{}", text(&o));
    }

    /// Runs the stock `openssl` in the fixture's folder.
    fn openssl(&self, args: &[&str]) -> Output {
        Command::new(openssl()).args(args).current_dir(self.dir.path()).output().unwrap()
    }
}

/// The stock OpenSSL CLI; a missing one fails the test with the fix (CI installs it).
fn openssl() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("openssl"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("openssl is not installed: `apt-get install -y openssl` (.ci/run installs it)")
        })
}

/// OpenSSL's own verification of `report` against `sig` with `public`, as the README says.
fn openssl_verifies(f: &Fixture, public: &str, report: &str, sig: &str) -> Output {
    f.openssl(&[
        "pkeyutl", "-verify", "-pubin", "-inkey", public, "-rawin", "-in", report, "-sigfile", sig,
        "-digest", "sm3", "-pkeyopt", DISTID,
    ])
}

#[test]
fn keygen_check_and_verify_with_a_password_protected_sm2_key() {
    let f = Fixture::new();
    let pw = [("VOUCH_KEY_PASSWORD", PASSWORD)];
    let o = f.run(&["keygen", "--algorithm", "sm2", "--out-dir", "keys", "--name", "archive"], &pw);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("keys/archive.key.pem"), "{}", text(&o));
    let secret = std::fs::read_to_string(f.path("keys/archive.key.pem")).unwrap();
    assert!(secret.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "{secret}");
    let public = std::fs::read_to_string(f.path("keys/archive.pub.pem")).unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"), "{public}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| std::fs::metadata(f.path(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("keys/archive.key.pem"), 0o600);
        assert_eq!(mode("keys/archive.pub.pem"), 0o644);
    }
    let again =
        f.run(&["keygen", "--algorithm", "sm2", "--out-dir", "keys", "--name", "archive"], &pw);
    assert_eq!(code(&again), 2, "never overwrites a key: {}", text(&again));
    let sign =
        ["check", "delivery", "-c", "cat.csv", "-o", "out", "--sign-key", "keys/archive.key.pem"];
    let o = f.run(&sign, &[("VOUCH_KEY_PASSWORD", "wrong")]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("password") && text(&o).contains("archive.key.pem"), "{}", text(&o));
    f.check_rejected("out", &["--sign-key", "keys/archive.key.pem"], &pw);
    let der = std::fs::read(f.path("out/report.json.sm2.sig")).unwrap();
    assert_eq!(der[0], 0x30, "a DER SEQUENCE {{ r, s }}");
    assert!(!f.path("out/report.json.minisig").exists());
    let o = f.verify("out", &["keys/archive.pub.pem"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("report.json.sm2.sig: OK (SM2/SM3 signature by key"), "{}", text(&o));
}

#[test]
fn a_changed_byte_or_a_swapped_signature_fails_naming_it() {
    let f = Fixture::new();
    f.sm2_key("archive");
    f.check_rejected("out", &["--sign-key", "keys/archive.key.pem"], &[]);
    copy_dir(&f.path("out"), &f.path("flipped"));
    let report = f.path("flipped/report.json");
    let mut bytes = std::fs::read(&report).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    std::fs::write(&report, bytes).unwrap();
    let o = f.verify("flipped", &["keys/archive.pub.pem"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        text(&o).contains("report.json.sm2.sig: FAILED (report.json does not match"),
        "{}",
        text(&o)
    );
    // The same key's signature of another report (a later run, on a delivery that has
    // changed since) is not this report's. The change makes the report differ even when
    // both runs fall in the same second (SM2 signatures here are deterministic).
    std::fs::write(f.path("delivery/later.txt"), "x").unwrap();
    f.check_rejected("later", &["--sign-key", "keys/archive.key.pem"], &[]);
    copy_dir(&f.path("out"), &f.path("swapped"));
    std::fs::copy(f.path("later/report.json.sm2.sig"), f.path("swapped/report.json.sm2.sig"))
        .unwrap();
    let o = f.verify("swapped", &["keys/archive.pub.pem"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("report.json.sm2.sig: FAILED"), "{}", text(&o));
    // Another key's signature of this very report: neither trusted nor the archive's.
    f.sm2_key("mallory");
    copy_dir(&f.path("out"), &f.path("forged"));
    let o = f.run(&["sign", "forged", "--sign-key", "keys/mallory.key.pem"], &[]);
    assert_eq!(code(&o), 2, "another key's file is not replaced: {}", text(&o));
    assert!(text(&o).contains("--signature-name"), "{}", text(&o));
    std::fs::remove_file(f.path("forged/report.json.sm2.sig")).unwrap();
    let o = f.run(&["sign", "forged", "--sign-key", "keys/mallory.key.pem"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = f.verify("forged", &["keys/archive.pub.pem"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("report.json.sm2.sig: FAILED"), "{}", text(&o));
    assert!(text(&o).contains("keys/archive.pub.pem: FAILED (key"), "signed nothing: {}", text(&o));
    assert_eq!(code(&f.verify("forged", &["keys/mallory.pub.pem"])), 0, "mallory's is valid");
}

#[test]
fn minisign_and_sm2_signers_on_one_report() {
    let f = Fixture::new();
    let o = f.run(&["keygen", "--out-dir", "keys", "--name", "archive", "--no-password"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    f.sm2_key("vendor");
    f.check_rejected("out", &["--sign-key", "keys/archive.key"], &[]);
    let vendor = ["sign", "out", "--sign-key", "keys/vendor.key.pem", "--signature-name", "vendor"];
    let o = f.run(&vendor, &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(f.path("out/report.json.minisig").is_file());
    assert!(f.path("out/report.json.vendor.sm2.sig").is_file());
    let o = f.verify("out", &["keys/archive.pub", "keys/vendor.pub.pem"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("report.json.minisig: OK"), "{}", text(&o));
    assert!(text(&o).contains("report.json.vendor.sm2.sig: OK"), "{}", text(&o));
    let o = f.verify("out", &["keys/archive.pub"]);
    assert_eq!(code(&o), 1, "an SM2 signature without its key is not trusted: {}", text(&o));
    assert!(text(&o).contains("report.json.vendor.sm2.sig: FAILED (an SM2 signature, but no SM2"));
    let o = f.verify("out", &["keys/vendor.pub.pem"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("report.json.minisig: FAILED"), "{}", text(&o));
    // A new report in the folder removes both stale signatures, whatever their algorithm.
    let o = f.run(&["check", "delivery", "-c", "cat.csv", "--out", "out"], &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("removed 'report.json.vendor.sm2.sig'"), "{}", text(&o));
    assert!(!f.path("out/report.json.vendor.sm2.sig").exists());
    assert!(!f.path("out/report.json.minisig").exists());
}

#[test]
fn openssl_verifies_a_vouch_sm2_signature_and_rejects_a_tampered_report() {
    let f = Fixture::new();
    let pw = [("VOUCH_KEY_PASSWORD", PASSWORD)];
    let o = f.run(&["keygen", "--algorithm", "sm2", "--out-dir", "keys", "--name", "archive"], &pw);
    assert_eq!(code(&o), 0, "{}", text(&o));
    f.check_rejected("out", &["--sign-key", "keys/archive.key.pem"], &pw);
    let sig = "out/report.json.sm2.sig";
    let o = openssl_verifies(&f, "keys/archive.pub.pem", "out/report.json", sig);
    assert!(o.status.success(), "{}", text(&o));
    let dgst = ["dgst", "-sm3", "-verify", "keys/archive.pub.pem", "-signature", sig, "-sigopt"];
    let o = f.openssl(&[&dgst[..], &[DISTID, "out/report.json"]].concat());
    assert!(o.status.success(), "openssl dgst: {}", text(&o));
    copy_dir(&f.path("out"), &f.path("tampered"));
    let report = f.path("tampered/report.json");
    let edited = std::fs::read_to_string(&report).unwrap().replace("rejected", "accepted");
    std::fs::write(&report, edited).unwrap();
    let o = openssl_verifies(&f, "keys/archive.pub.pem", "tampered/report.json", sig);
    assert!(!o.status.success(), "openssl accepted a tampered report: {}", text(&o));
    // The encrypted secret key is standard PKCS#8 too: OpenSSL opens it with the password.
    let pass = format!("pass:{PASSWORD}");
    let args = ["pkey", "-in", "keys/archive.key.pem", "-passin", &pass, "-pubout"];
    let o = f.openssl(&args);
    assert!(o.status.success(), "{}", text(&o));
    let public = std::fs::read(f.path("keys/archive.pub.pem")).unwrap();
    assert_eq!(o.stdout, public, "OpenSSL derives the same public key");
}

#[test]
fn a_signature_made_by_openssl_verifies_with_vouch() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path("keys")).unwrap();
    let ok = |o: Output| assert!(o.status.success(), "{}", text(&o));
    ok(f.openssl(&["genpkey", "-algorithm", "SM2", "-out", "keys/ossl.key.pem"]));
    ok(f.openssl(&["pkey", "-in", "keys/ossl.key.pem", "-pubout", "-out", "keys/ossl.pub.pem"]));
    f.check_rejected("out", &[], &[]);
    let sign = |key: &str, id: &[&str], sig: &str| {
        let args = ["pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", "out/report.json"];
        let rest = ["-digest", "sm3", "-out", sig];
        ok(f.openssl(&[&args[..], &rest, id].concat()));
    };
    sign("keys/ossl.key.pem", &["-pkeyopt", DISTID], "out/report.json.sm2.sig");
    let o = f.verify("out", &["keys/ossl.pub.pem"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    // vouch signs with OpenSSL's key as well, PBKDF2-encrypted or not.
    let args = ["pkey", "-in", "keys/ossl.key.pem", "-aes-256-cbc", "-passout", "pass:secret"];
    ok(f.openssl(&[&args[..], &["-out", "keys/ossl-enc.key.pem"]].concat()));
    let pw = [("VOUCH_KEY_PASSWORD", "secret")];
    let vendor = ["sign", "out", "--sign-key", "keys/ossl-enc.key.pem", "--signature-name", "v"];
    let o = f.run(&vendor, &pw);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(code(&f.verify("out", &["keys/ossl.pub.pem"])), 0);
    // OpenSSL 3.0's default ID is empty, not GB/T 32918's: such a signature is refused.
    sign("keys/ossl.key.pem", &[], "out/report.json.sm2.sig");
    let o = f.verify("out", &["keys/ossl.pub.pem"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("report.json.sm2.sig: FAILED"), "{}", text(&o));
}
