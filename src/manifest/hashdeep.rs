//! hashdeep / md5deep audit files: a `%%%% HASHDEEP-1.0` header, a `%%%% size,md5,
//! sha256,filename` column line, `##` comments (one names the folder hashdeep was
//! invoked from), then `size,hash,...,filename` per file, several digests per line.

use super::{Parsed, split_lines};
use crate::digest::Algorithm;

/// Whether the bytes start like a hashdeep file.
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%%%% HASHDEEP")
}

/// A column of the file.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Column {
    Size,
    Digest(Algorithm),
    /// A digest vouch cannot compute (tiger, whirlpool): skipped.
    Other,
    Name,
}

/// Parses the whole file into (line, result) pairs for its data lines.
pub fn parse(bytes: &[u8]) -> impl Iterator<Item = (u64, Result<Parsed, String>)> + '_ {
    let mut columns: Option<Vec<Column>> = None;
    let mut invoked_from: Option<Vec<u8>> = None;
    split_lines(bytes).filter_map(move |(line, raw)| {
        if let Some(spec) = raw.strip_prefix(b"%%%% ") {
            if !spec.starts_with(b"HASHDEEP") {
                columns = Some(parse_columns(spec));
            }
            None
        } else if let Some(comment) = raw.strip_prefix(b"##") {
            if let Some(dir) = comment.trim_ascii().strip_prefix(b"Invoked from: ") {
                invoked_from = Some(dir.trim_ascii().to_vec());
            }
            None
        } else {
            let result = match &columns {
                Some(cols) => parse_data(raw, cols, invoked_from.as_deref()),
                None => Err("a data line before the `%%%% size,...,filename` column line".into()),
            };
            Some((line, result))
        }
    })
}

fn parse_columns(spec: &[u8]) -> Vec<Column> {
    String::from_utf8_lossy(spec)
        .split(',')
        .map(|c| match c.trim() {
            "size" => Column::Size,
            "filename" => Column::Name,
            other => Algorithm::from_name(other).map_or(Column::Other, Column::Digest),
        })
        .collect()
}

fn parse_data(raw: &[u8], cols: &[Column], invoked_from: Option<&[u8]>) -> Result<Parsed, String> {
    // The file name is the last column and may itself hold commas.
    let fields: Vec<&[u8]> = raw.splitn(cols.len(), |&b| b == b',').collect();
    if fields.len() != cols.len() {
        return Err(format!(
            "{} comma-separated fields expected, {} found",
            cols.len(),
            fields.len()
        ));
    }
    let mut parsed = Parsed { name: Vec::new(), digests: Vec::new(), size: None };
    for (col, field) in cols.iter().zip(fields) {
        let text = String::from_utf8_lossy(field);
        match col {
            Column::Size => {
                parsed.size =
                    Some(text.parse().map_err(|_| format!("size '{text}' is not a number"))?)
            }
            Column::Digest(alg)
                if text.len() == alg.hex_len() && text.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                parsed.digests.push((*alg, text.to_ascii_lowercase()))
            }
            Column::Digest(alg) => {
                return Err(format!("the {alg} column '{text}' is not a {alg} digest"));
            }
            Column::Other => {}
            Column::Name => parsed.name = relative_to(field, invoked_from),
        }
    }
    if parsed.digests.is_empty() {
        return Err("no digest vouch can compute (md5, sha1, sha256, sha512) on the line".into());
    }
    Ok(parsed)
}

/// hashdeep writes paths as given on its command line; an absolute path under the folder
/// it was invoked from is taken relative to that folder.
fn relative_to(name: &[u8], invoked_from: Option<&[u8]>) -> Vec<u8> {
    let stripped = invoked_from.and_then(|dir| {
        let dir = dir.strip_suffix(b"/").unwrap_or(dir);
        name.strip_prefix(dir)?.strip_prefix(b"/")
    });
    stripped.unwrap_or(name).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n\
        ## Invoked from: /home/v/delivery\n## $ hashdeep -r /home/v/delivery\n##\n\
        3,900150983cd24fb0d6963f7d28e17f72,ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,/home/v/delivery/a,b.jpg\n\
        3,zz,ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,c.jpg\n";

    #[test]
    fn reads_sizes_several_digests_and_relative_names() {
        let lines: Vec<_> = parse(FILE.as_bytes()).collect();
        let (line, first) = &lines[0];
        let first = first.as_ref().unwrap();
        assert_eq!(*line, 6);
        assert_eq!(first.name, b"a,b.jpg");
        assert_eq!(first.size, Some(3));
        assert_eq!(first.digests.len(), 2);
        assert!(lines[1].1.as_ref().unwrap_err().contains("md5"));
    }
}
