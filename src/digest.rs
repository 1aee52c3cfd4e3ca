//! Digests: every algorithm a manifest may need, computed from the one read of a file.
//!
//! Vendors hand over manifests in whatever their tools write: SHA-256 mostly, MD5 and
//! SHA-1 from legacy tools, SHA-512, SM3 (GB/T 32905, required by many Chinese archives)
//! and BLAKE3. The inspect stage computes every algorithm any supplied manifest needs over
//! the same bytes, so no file is read twice however many manifests are given.

use serde::Serialize;
use sha2::Digest as _;
use std::collections::BTreeMap;
use std::fmt;

/// A digest algorithm.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// MD5 (legacy manifests only; not collision resistant).
    Md5,
    /// SHA-1 (legacy manifests only; not collision resistant).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
    /// SM3, GB/T 32905-2016.
    Sm3,
    /// BLAKE3.
    Blake3,
}

impl Algorithm {
    /// Every algorithm, in report order.
    pub const ALL: [Algorithm; 6] = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Sm3,
        Algorithm::Blake3,
    ];

    /// Lowercase name as in `manifest-<name>.txt` and reports.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
            Algorithm::Sm3 => "sm3",
            Algorithm::Blake3 => "blake3",
        }
    }

    /// Parses a name as tools write it (`SHA256`, `sha-256`, `md5`, `b3`...).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        let n: String =
            name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        match n.as_str() {
            "md5" => Some(Algorithm::Md5),
            "sha1" => Some(Algorithm::Sha1),
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            "sm3" => Some(Algorithm::Sm3),
            "blake3" | "b3" => Some(Algorithm::Blake3),
            _ => None,
        }
    }

    /// Length of the digest in hex digits.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha1 => 40,
            Algorithm::Sha256 | Algorithm::Sm3 | Algorithm::Blake3 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An incremental hasher for one algorithm.
pub enum Hasher {
    /// MD5.
    Md5(md5::Md5),
    /// SHA-1.
    Sha1(sha1::Sha1),
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-512.
    Sha512(sha2::Sha512),
    /// SM3.
    Sm3(sm3::Sm3),
    /// BLAKE3.
    Blake3(Box<blake3::Hasher>),
}

impl Hasher {
    /// A fresh hasher.
    pub fn new(alg: Algorithm) -> Hasher {
        match alg {
            Algorithm::Md5 => Hasher::Md5(md5::Md5::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
            Algorithm::Sm3 => Hasher::Sm3(sm3::Sm3::new()),
            Algorithm::Blake3 => Hasher::Blake3(Box::new(blake3::Hasher::new())),
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
            Hasher::Sm3(h) => h.update(bytes),
            Hasher::Blake3(h) => {
                h.update(bytes);
            }
        }
    }

    /// Lowercase hex digest.
    pub fn finish(self) -> String {
        match self {
            Hasher::Md5(h) => hex::encode(h.finalize()),
            Hasher::Sha1(h) => hex::encode(h.finalize()),
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha512(h) => hex::encode(h.finalize()),
            Hasher::Sm3(h) => hex::encode(h.finalize()),
            Hasher::Blake3(h) => h.finalize().to_hex().to_string(),
        }
    }
}

/// Digests of `bytes` for each algorithm, as lowercase hex.
pub fn digest_all(bytes: &[u8], algs: &[Algorithm]) -> BTreeMap<Algorithm, String> {
    algs.iter()
        .map(|&a| {
            let mut h = Hasher::new(a);
            h.update(bytes);
            (a, h.finish())
        })
        .collect()
}

/// Digests of everything `reader` yields, read in 1 MiB blocks: for fixity work that
/// needs no decode, so memory stays flat whatever the file size.
pub fn digest_reader(
    mut reader: impl std::io::Read,
    algs: &[Algorithm],
) -> std::io::Result<(u64, BTreeMap<Algorithm, String>)> {
    let mut hashers: Vec<(Algorithm, Hasher)> = algs.iter().map(|&a| (a, Hasher::new(a))).collect();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64;
        for (_, h) in &mut hashers {
            h.update(&buf[..n]);
        }
    }
    Ok((total, hashers.into_iter().map(|(a, h)| (a, h.finish())).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published test vectors for the message "abc": RFC 1321 (MD5), FIPS 180-4
    /// examples (SHA-1, SHA-256, SHA-512), GB/T 32905-2016 appendix A (SM3), and the
    /// BLAKE3 reference implementation's test vectors.
    #[test]
    fn abc_test_vectors() {
        let got = digest_all(b"abc", &Algorithm::ALL);
        let want = [
            (Algorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (Algorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (Algorithm::Sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                Algorithm::Sha512,
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                 2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
            (Algorithm::Sm3, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
            (Algorithm::Blake3, "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"),
        ];
        for (alg, hex) in want {
            assert_eq!(got[&alg], hex, "{alg}");
            assert_eq!(hex.len(), alg.hex_len(), "{alg}");
        }
    }

    #[test]
    fn empty_input_vectors() {
        let got = digest_all(b"", &[Algorithm::Sha256, Algorithm::Blake3, Algorithm::Sm3]);
        assert_eq!(
            got[&Algorithm::Sha256],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            got[&Algorithm::Blake3],
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
        assert_eq!(
            got[&Algorithm::Sm3],
            "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
        );
    }

    #[test]
    fn streaming_equals_one_shot() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let (n, streamed) = digest_reader(&data[..], &Algorithm::ALL).unwrap();
        assert_eq!(n, data.len() as u64);
        assert_eq!(streamed, digest_all(&data, &Algorithm::ALL));
    }

    #[test]
    fn names_as_tools_write_them() {
        assert_eq!(Algorithm::from_name("SHA-256"), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::from_name("b3"), Some(Algorithm::Blake3));
        assert_eq!(Algorithm::from_name("crc32"), None);
    }
}
