//! The standard PDF stream filters that only transform bytes (ISO 32000-1 §7.4): ASCIIHex,
//! ASCII85, RunLength, LZW (with EarlyChange) and Flate, alone or chained (issue #19).
//!
//! Producers write what the specification allows: an image may be `[/ASCII85Decode
//! /FlateDecode]`, `/LZWDecode`, or `[/ASCIIHexDecode /DCTDecode]`. These filters are
//! decoded here, in order, each within `limits.max_inflated_bytes`; what is left (an image
//! codec: DCT, JPX, CCITTFax, JBIG2) is the caller's. A predictor (`/Predictor` in the
//! parameters of Flate or LZW) is left in the bytes for the caller when that filter is the
//! last byte filter, as the image path checks PNG predictor tags itself; a predictor in
//! the middle of a chain is undone nowhere, so it is unsupported by name.

use super::{InspectOptions, over_inflate_limit, unsupported};
use std::borrow::Cow;

/// One filter of a stream's chain, with the parameters it needs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Filter {
    /// The filter's name without the slash (`FlateDecode`; abbreviations expanded).
    pub(crate) name: String,
    /// `/Predictor`, 1 when absent.
    pub(crate) predictor: i64,
    /// `/EarlyChange` of LZWDecode, 1 when absent.
    pub(crate) early_change: i64,
}

impl Filter {
    /// The filter `name` (as written, abbreviations allowed) with default parameters.
    pub(crate) fn named(name: &[u8]) -> Filter {
        let name = match name {
            b"AHx" => "ASCIIHexDecode".to_string(),
            b"A85" => "ASCII85Decode".into(),
            b"LZW" => "LZWDecode".into(),
            b"Fl" => "FlateDecode".into(),
            b"RL" => "RunLengthDecode".into(),
            b"CCF" => "CCITTFaxDecode".into(),
            b"DCT" => "DCTDecode".into(),
            other => String::from_utf8_lossy(other).into_owned(),
        };
        Filter { name, predictor: 1, early_change: 1 }
    }

    /// True for the filters this module decodes.
    pub(crate) fn is_bytes(&self) -> bool {
        matches!(
            self.name.as_str(),
            "ASCIIHexDecode" | "ASCII85Decode" | "LZWDecode" | "FlateDecode" | "RunLengthDecode"
        )
    }

    /// The compression name a page reports when this filter is the stream's last.
    pub(crate) fn compression(&self) -> Option<&'static str> {
        match self.name.as_str() {
            "FlateDecode" => Some("deflate"),
            "LZWDecode" => Some("lzw"),
            "RunLengthDecode" => Some("runlength"),
            _ => None,
        }
    }
}

/// Decodes the byte filters at the head of `chain`; returns the bytes and the rest of the
/// chain (at most one image codec, else unsupported). `what` names the stream in errors.
pub(crate) fn decode_bytes<'d, 'c>(
    data: &'d [u8],
    chain: &'c [Filter],
    what: &str,
    opts: &InspectOptions,
) -> Result<(Cow<'d, [u8]>, &'c [Filter]), String> {
    let split = chain.iter().position(|f| !f.is_bytes()).unwrap_or(chain.len());
    let (bytes, rest) = chain.split_at(split);
    if rest.len() > 1 {
        let names: Vec<String> = rest.iter().map(|f| format!("/{}", f.name)).collect();
        return Err(unsupported(&format!("the filter chain {}", names.join(" "))));
    }
    let mut out = Cow::Borrowed(data);
    for (i, f) in bytes.iter().enumerate() {
        if f.predictor > 1 && i + 1 < bytes.len() {
            let p = f.predictor;
            return Err(unsupported(&format!("a predictor ({p}) inside a filter chain")));
        }
        let limit = opts.max_inflated_bytes;
        let decoded = match f.name.as_str() {
            "ASCIIHexDecode" => ascii_hex(&out),
            "ASCII85Decode" => ascii85(&out),
            "RunLengthDecode" => run_length(&out, limit),
            "LZWDecode" => lzw(&out, f.early_change != 0, limit),
            // Its errors already name the stream.
            _ => Ok(super::inflate(&out, true, what, opts)?),
        };
        out = Cow::Owned(decoded.map_err(|e| format!("{what} ({}): {e}", f.name))?);
        if out.len() as u64 > limit {
            return Err(over_inflate_limit(what, opts));
        }
    }
    Ok((out, rest))
}

/// ASCIIHexDecode: hex digit pairs, white space ignored, `>` ends the data; an odd last
/// digit is followed by 0.
fn ascii_hex(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(data.len() / 2);
    let mut high: Option<u8> = None;
    for (at, &b) in data.iter().enumerate() {
        let digit = match b {
            b'>' => break,
            b if b.is_ascii_whitespace() || b == 0 => continue,
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return Err(format!("byte {at} ({b:#04x}) is not a hex digit: corrupt")),
        };
        match high.take() {
            Some(h) => out.push(h << 4 | digit),
            None => high = Some(digit),
        }
    }
    out.extend(high.map(|h| h << 4));
    Ok(out)
}

/// ASCII85Decode: groups of five `!`..`u` digits to four bytes, `z` for four zeros, white
/// space ignored, `~>` ends the data; a last group of n digits gives n - 1 bytes.
fn ascii85(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(data.len() / 5 * 4);
    let (mut group, mut n) = (0u64, 0usize);
    for (at, &b) in data.iter().enumerate() {
        match b {
            b'~' => break,
            b if b.is_ascii_whitespace() || b == 0 => continue,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group = group * 85 + u64::from(b - b'!');
                n += 1;
                if n == 5 {
                    let v = u32::try_from(group)
                        .map_err(|_| format!("group ending at byte {at} overflows: corrupt"))?;
                    out.extend_from_slice(&v.to_be_bytes());
                    (group, n) = (0, 0);
                }
            }
            _ => return Err(format!("byte {at} ({b:#04x}) is not base-85: corrupt")),
        }
    }
    if n == 1 {
        return Err("the last group has a single digit: corrupt".into());
    }
    if n > 1 {
        for _ in n..5 {
            group = group * 85 + 84;
        }
        let v = u32::try_from(group).map_err(|_| "the last group overflows: corrupt")?;
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    Ok(out)
}

/// RunLengthDecode (PackBits with 128 as end of data), stopping past `limit` bytes.
fn run_length(data: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(&len) = data.get(at) {
        match len {
            128 => break,
            0..=127 => {
                let n = usize::from(len) + 1;
                let run = data.get(at + 1..at + 1 + n).ok_or("a literal run is cut short")?;
                out.extend_from_slice(run);
                at += 1 + n;
            }
            _ => {
                let b = *data.get(at + 1).ok_or("a repeat run is cut short")?;
                out.resize(out.len() + 257 - usize::from(len), b);
                at += 2;
            }
        }
        if out.len() as u64 > limit {
            break;
        }
    }
    Ok(out)
}

/// LZWDecode, MSB first from 9-bit codes; `early` is EarlyChange 1 (the code width grows
/// one code early, as TIFF's LZW does).
fn lzw(data: &[u8], early: bool, limit: u64) -> Result<Vec<u8>, String> {
    use weezl::{BitOrder, LzwStatus, decode::Configuration};
    let config = if early {
        Configuration::with_tiff_size_switch(BitOrder::Msb, 8)
    } else {
        Configuration::new(BitOrder::Msb, 8)
    };
    let mut decoder = config.build();
    let (mut buf, mut input, mut out) = (vec![0u8; 1 << 16], data, Vec::new());
    loop {
        let r = decoder.decode_bytes(input, &mut buf);
        input = &input[r.consumed_in..];
        out.extend_from_slice(&buf[..r.consumed_out]);
        match r.status {
            Ok(LzwStatus::Ok) if out.len() as u64 <= limit => {}
            Ok(_) => return Ok(out),
            Err(e) => return Err(format!("LZW data is corrupt: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(names: &[&str]) -> Vec<Filter> {
        names.iter().map(|n| Filter::named(n.as_bytes())).collect()
    }

    fn decode(data: &[u8], names: &[&str]) -> Result<Vec<u8>, String> {
        let c = chain(names);
        decode_bytes(data, &c, "stream", &InspectOptions::default()).map(|(b, _)| b.into_owned())
    }

    #[test]
    fn ascii_hex_and_ascii85_read_as_the_specification_writes() {
        assert_eq!(decode(b"48 65 6c6C6f>", &["AHx"]).unwrap(), b"Hello");
        assert_eq!(decode(b"414>", &["ASCIIHexDecode"]).unwrap(), b"A@");
        assert_eq!(decode(b"87cURD]i,\"Ebo80~>", &["A85"]).unwrap(), b"Hello World!");
        assert_eq!(decode(b"z!!~>", &["ASCII85Decode"]).unwrap(), [0, 0, 0, 0, 0]);
        assert!(decode(b"4G>", &["AHx"]).unwrap_err().contains("corrupt"));
        assert!(decode(b"87c{~>", &["A85"]).unwrap_err().contains("corrupt"));
    }

    #[test]
    fn run_length_and_lzw_decode() {
        assert_eq!(decode(&[2, b'a', b'b', b'c', 254, b'x', 128], &["RL"]).unwrap(), b"abcxxx");
        assert!(decode(&[5, b'a'], &["RunLengthDecode"]).is_err());
        // "-----A---B" from ISO 32000-1 §7.4.4.2's example, EarlyChange 1.
        let lzw = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
        assert_eq!(decode(&lzw, &["LZWDecode"]).unwrap(), b"-----A---B");
    }

    #[test]
    fn chains_decode_in_order_and_leave_the_codec() {
        // "x\x9c" zlib of "hi", hex encoded.
        let mut z = Vec::new();
        {
            use std::io::Write;
            let mut e = flate2::write::ZlibEncoder::new(&mut z, flate2::Compression::fast());
            e.write_all(b"hi").unwrap();
        }
        let hex: String = z.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(decode(hex.as_bytes(), &["AHx", "Fl"]).unwrap(), b"hi");
        let c = chain(&["AHx", "DCTDecode"]);
        let (bytes, rest) = decode_bytes(b"FFD8>", &c, "s", &InspectOptions::default()).unwrap();
        assert_eq!((&bytes[..], rest), (&[0xFF, 0xD8][..], &c[1..]));
        let two = chain(&["DCTDecode", "JPXDecode"]);
        let err = decode_bytes(b"", &two, "s", &InspectOptions::default()).unwrap_err();
        assert!(super::super::unsupported_feature(&err).is_some(), "{err}");
    }

    #[test]
    fn the_byte_limit_holds() {
        let opts = InspectOptions { max_inflated_bytes: 100, ..InspectOptions::default() };
        let bomb = [129u8, 0].repeat(10);
        let err = decode_bytes(&bomb, &chain(&["RL"]), "s", &opts).unwrap_err();
        assert!(err.contains("limits.max_inflated_bytes"), "{err}");
    }
}
