//! The raw-chunk decoders of TIFF's own decoding path ([`super::tiff`]): LZW, Deflate
//! and PackBits chunks decoded from the file's bytes, counting what they produce (a chunk
//! must produce every byte of its rows, as libtiff requires) and, when the page is being
//! reduced ([`super::tiff_reduce`]), keeping the bytes too.

/// A chunk must hold at least the `expected` bytes of samples.
pub(crate) fn expect_len(got: u64, expected: u64) -> Result<(), String> {
    if got >= expected {
        Ok(())
    } else {
        Err(format!(
            "holds {got} bytes of samples, fewer than the {expected} it must: truncated or corrupt"
        ))
    }
}

/// Bytes an LZW chunk decodes to, stopping once `expected` are out (as libtiff does);
/// with `keep`, the bytes too.
pub(crate) fn lzw_len(
    data: &[u8],
    expected: u64,
    mut keep: Option<&mut Vec<u8>>,
) -> Result<u64, String> {
    let mut decoder =
        weezl::decode::Configuration::with_tiff_size_switch(weezl::BitOrder::Msb, 8).build();
    let (mut buf, mut input, mut out) = (vec![0u8; 1 << 16], data, 0u64);
    while out < expected {
        let r = decoder.decode_bytes(input, &mut buf);
        input = &input[r.consumed_in..];
        if let Some(k) = keep.as_mut() {
            k.extend_from_slice(&buf[..r.consumed_out]);
        }
        out += r.consumed_out as u64;
        match r.status {
            Ok(weezl::LzwStatus::Ok) => {}
            Ok(weezl::LzwStatus::Done | weezl::LzwStatus::NoProgress) => break,
            Err(e) => return Err(format!("LZW data is corrupt: {e}")),
        }
    }
    Ok(out)
}

/// Bytes a Deflate (zlib) chunk decodes to, up to `expected`; with `keep`, the bytes too.
pub(crate) fn deflate_len(
    data: &[u8],
    expected: u64,
    keep: Option<&mut Vec<u8>>,
) -> Result<u64, String> {
    use std::io::Read;
    let mut reader = flate2::read::ZlibDecoder::new(data).take(expected);
    let copied = match keep {
        Some(k) => reader.read_to_end(k).map(|n| n as u64),
        None => std::io::copy(&mut reader, &mut std::io::sink()),
    };
    copied.map_err(|e| format!("Deflate data is corrupt: {e}"))
}

/// Bytes a PackBits chunk decodes to, up to `expected`; with `keep`, the bytes too.
pub(crate) fn packbits_len(
    data: &[u8],
    expected: u64,
    mut keep: Option<&mut Vec<u8>>,
) -> Result<u64, String> {
    let (mut at, mut out) = (0usize, 0u64);
    while out < expected {
        let Some(&n) = data.get(at) else { break };
        let n = n as i8;
        at += 1;
        if n >= 0 {
            let len = n as usize + 1;
            if at + len > data.len() {
                break;
            }
            if let Some(k) = keep.as_mut() {
                k.extend_from_slice(&data[at..at + len]);
            }
            at += len;
            out += len as u64;
        } else if n != -128 {
            if at >= data.len() {
                break;
            }
            if let Some(k) = keep.as_mut() {
                k.resize(k.len() + (1 - i64::from(n)) as usize, data[at]);
            }
            at += 1;
            out += (1 - i64::from(n)) as u64;
        }
    }
    Ok(out)
}
