//! XML parts of a package (OFD), parsed with bounded work (issue #8).
//!
//! `roxmltree` never expands a DTD's entities (a DTD is refused outright, so a
//! "billion laughs" part fails at once), but it keeps every node in memory and gives each
//! element a copy of the namespaces in scope: a part nesting thousands of elements that
//! each declare a namespace costs minutes and gigabytes from a few hundred kilobytes. So a
//! linear pre-scan refuses nesting deeper than [`MAX_DEPTH`] and more than
//! [`MAX_NAMESPACES`] namespace declarations, and parsing stops at [`MAX_NODES`] nodes.
//! Every refusal names the limit. No recursion anywhere.

/// Elements nested deeper than this are refused; OFD parts nest about ten levels.
pub(crate) const MAX_DEPTH: usize = 256;
/// Namespace declarations (`xmlns`, `xmlns:p`) a part may make; OFD uses one or two.
pub(crate) const MAX_NAMESPACES: usize = 64;
/// Nodes (elements, text, attributes' owners) a part may hold: a page of OCR text has
/// tens of thousands, and a million keeps the tree near 100 MB.
pub(crate) const MAX_NODES: u32 = 1_000_000;

/// Parses `text`, the part named `path`, within the limits.
pub(crate) fn parse<'i>(text: &'i str, path: &str) -> Result<roxmltree::Document<'i>, String> {
    prescan(text.as_bytes()).map_err(|why| format!("'{path}' {why}; it was not parsed"))?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => format!(
            "'{path}' declares a DTD, which OFD parts never do; its entities are not \
             expanded (vouch's XML limit: no DTD) and it was not parsed"
        ),
        roxmltree::Error::NodesLimitReached => format!(
            "'{path}' holds more than {MAX_NODES} XML nodes, over vouch's XML node limit; it \
             was not parsed"
        ),
        e => format!("'{path}' is not well-formed XML: {e}"),
    })
}

/// Depth and namespace declarations, counted lexically (comments, CDATA, processing
/// instructions and quoted attribute values skipped).
fn prescan(b: &[u8]) -> Result<(), String> {
    let (mut depth, mut namespaces, mut at) = (0usize, 0usize, 0usize);
    let find = |from: usize, pat: &[u8]| {
        b.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map_or(b.len(), |i| from + i + pat.len())
    };
    while let Some(i) = b.get(at..).and_then(|rest| rest.iter().position(|&c| c == b'<')) {
        at += i;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            at = find(at + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            at = find(at + 9, b"]]>");
        } else if rest.starts_with(b"<?") {
            at = find(at + 2, b"?>");
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            at = find(at + 2, b">");
        } else if rest.starts_with(b"<!") {
            at = find(at + 2, b">"); // a DTD: roxmltree refuses it
        } else {
            // A start tag: to its `>`, outside quoted values.
            let (mut quote, mut j, mut prev_white) = (None, at + 1, false);
            while let Some(&c) = b.get(j) {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, b'"' | b'\'') => quote = Some(c),
                    (None, b'>') => break,
                    (None, b'x') if prev_white && b[j..].starts_with(b"xmlns") => {
                        if matches!(b.get(j + 5), Some(b'=' | b':' | b' ' | b'\t' | b'\n' | b'\r'))
                        {
                            namespaces += 1;
                        }
                    }
                    _ => {}
                }
                prev_white = quote.is_none() && c.is_ascii_whitespace();
                j += 1;
            }
            if b.get(j.saturating_sub(1)) != Some(&b'/') {
                depth += 1;
            }
            at = j + 1;
            if depth > MAX_DEPTH {
                return Err(format!(
                    "nests elements more than {MAX_DEPTH} deep, over vouch's XML nesting \
                     limit ({MAX_DEPTH} levels)"
                ));
            }
            if namespaces > MAX_NAMESPACES {
                return Err(format!(
                    "declares more than {MAX_NAMESPACES} XML namespaces, over vouch's XML \
                     namespace limit"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_parts_parse() {
        let text = r#"<?xml version="1.0"?><!-- <<< --><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" a="x>y"><ofd:DocBody><![CDATA[<<<]]><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><e/></ofd:DocBody></ofd:OFD>"#;
        let doc = parse(text, "OFD.xml").unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "OFD");
    }

    #[test]
    fn depth_namespaces_nodes_and_dtds_are_limited() {
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        let err = parse(&deep, "p.xml").unwrap_err();
        assert!(err.contains("XML nesting limit (256 levels)"), "{err}");
        let flat = format!("<r>{}</r>", "<a><b/></a>".repeat(MAX_DEPTH * 2));
        assert!(parse(&flat, "p.xml").is_ok());
        let ns: String =
            (0..=MAX_NAMESPACES).map(|i| format!("<a xmlns:p{i}=\"u{i}\"/>")).collect();
        let err = parse(&format!("<r>{ns}</r>"), "p.xml").unwrap_err();
        assert!(err.contains("namespace limit"), "{err}");
        let many = format!("<r>{}</r>", "<a/>".repeat(MAX_NODES as usize));
        assert!(parse(&many, "p.xml").unwrap_err().contains("node limit"));
        let dtd = "<!DOCTYPE r [<!ENTITY a \"aaaa\">]><r>&a;</r>";
        assert!(parse(dtd, "p.xml").unwrap_err().contains("no DTD"));
    }
}
