//! Active content (issue #20, `safety-active-content`): what makes a document do
//! something when it is opened instead of only showing pages — PDF JavaScript, launch
//! actions, embedded files, RichMedia and XFA forms; an OFD's attachments and any
//! script or program packed inside it. Each is named with where it sits (object number
//! and page), so the vendor can find and remove it.
//!
//! A PDF is parsed a second time (with lopdf, from the bytes already read) only when
//! its raw bytes could hold such a name: one of the names themselves, an object stream
//! (where objects hide compressed), or a `#xx` escape in a name (`/J#61vaScript`).

use crate::finding::Text;
use crate::finding::text::{Arg, IntoArg};
use crate::safety::programs;
use crate::text;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;

/// Most items named in one finding; the rest are counted.
const MAX_LISTED: usize = 12;

/// Active content of a PDF, as "what (object N, page P)" items.
pub fn pdf(bytes: &[u8]) -> Vec<String> {
    if !may_hold_active(bytes) {
        return Vec::new();
    }
    let Ok(Ok(doc)) = std::panic::catch_unwind(|| Document::load_mem(bytes)) else {
        return Vec::new(); // unparsable: the decoder's finding (format-unreadable)
    };
    let pages = page_of(&doc);
    let mut items = Vec::new();
    for (id, object) in &doc.objects {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        let mut found = Vec::new();
        walk(dict, 0, &mut found);
        found.sort_unstable();
        found.dedup();
        let page = pages.get(id).map_or(String::new(), |p| format!(", page {p}"));
        items.extend(found.into_iter().map(|what| format!("{what} (object {}{page})", id.0)));
    }
    items
}

/// What one dictionary (and the dictionaries written inside it) holds.
fn walk(d: &Dictionary, depth: u8, found: &mut Vec<&'static str>) {
    let name = |key: &[u8]| d.get(key).ok().and_then(|o| o.as_name().ok());
    match name(b"S") {
        Some(b"JavaScript") => found.push("JavaScript action"),
        Some(b"Launch") => found.push("Launch action (runs a program)"),
        _ if d.has(b"JS") => found.push("JavaScript action"),
        _ => {}
    }
    match name(b"Subtype") {
        Some(b"FileAttachment") => found.push("file attachment annotation"),
        Some(b"RichMedia") => found.push("RichMedia annotation (Flash, video)"),
        _ => {}
    }
    let keys: [(&[u8], &str); 5] = [
        (b"EmbeddedFiles", "embedded files (/EmbeddedFiles name tree)"),
        (b"EF", "embedded file (file specification /EF)"),
        (b"RichMediaContent", "RichMedia content"),
        (b"XFA", "XFA form"),
        (b"JavaScript", "document JavaScript (/Names /JavaScript tree)"),
    ];
    for (key, what) in keys {
        if d.has(key) {
            found.push(what);
        }
    }
    if depth >= 8 {
        return;
    }
    for (_, value) in d.iter() {
        match value {
            Object::Dictionary(inner) => walk(inner, depth + 1, found),
            Object::Array(a) => {
                a.iter().filter_map(|o| o.as_dict().ok()).for_each(|i| walk(i, depth + 1, found))
            }
            _ => {}
        }
    }
}

/// The page of every page object, of every annotation, and of the actions an
/// annotation or page refers to (`/A`, `/AA` entries).
fn page_of(doc: &Document) -> BTreeMap<ObjectId, u32> {
    let mut pages = BTreeMap::new();
    for (n, id) in doc.get_pages() {
        pages.insert(id, n);
        let Ok(page) = doc.get_dictionary(id) else { continue };
        let annots = page.get(b"Annots").ok().and_then(|a| match a {
            Object::Reference(r) => doc.get_object(*r).ok().and_then(|o| o.as_array().ok()),
            o => o.as_array().ok(),
        });
        let mut holders = vec![page];
        for r in annots.into_iter().flatten().filter_map(|o| o.as_reference().ok()) {
            pages.insert(r, n);
            holders.extend(doc.get_dictionary(r).ok());
        }
        for d in holders {
            for key in [b"A".as_slice(), b"AA"] {
                let Ok(v) = d.get(key) else { continue };
                let refs = match v {
                    Object::Reference(r) => vec![*r],
                    Object::Dictionary(aa) => {
                        aa.iter().filter_map(|(_, o)| o.as_reference().ok()).collect()
                    }
                    _ => Vec::new(),
                };
                refs.into_iter().for_each(|r| {
                    pages.entry(r).or_insert(n);
                });
            }
        }
    }
    pages
}

/// Whether the raw bytes could hold active content (else the PDF is not parsed again):
/// one pass over the names (`/` and what follows), looking for the names of active
/// content, an object stream (whose objects are compressed out of sight), or a `#xx`
/// escape in a name (`/J#61vaScript` hides from a plain search).
fn may_hold_active(b: &[u8]) -> bool {
    const NAMES: [&[u8]; 9] = [
        b"JavaScript",
        b"JS",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"EF",
        b"FileAttachment",
        b"RichMedia",
        b"XFA",
    ];
    let mut at = 0;
    while let Some(slash) = b[at..].iter().position(|&c| c == b'/') {
        let name = &b[at + slash + 1..];
        let len = name.iter().position(|c| !is_name_char(*c)).unwrap_or(name.len());
        let name = &name[..len];
        if NAMES.contains(&name) || name == b"ObjStm" || has_escape(name) {
            return true;
        }
        at += slash + 1;
    }
    false
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_graphic() && !b"/()<>[]{}%".contains(&c)
}

fn has_escape(name: &[u8]) -> bool {
    name.windows(3).any(|w| w[0] == b'#' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Attachments, scripts and programs inside an OFD package.
pub fn ofd(bytes: &[u8]) -> Vec<String> {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Vec::new(); // unreadable package: the decoder's finding
    };
    let mut items = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else { continue };
        let Ok(name) = entry.name().map(|n| n.to_string()) else { continue };
        let base = name.rsplit('/').next().unwrap_or(&name).to_ascii_lowercase();
        if base == "attachments.xml" {
            items.push(format!("attachments list ({name})"));
        }
        let ext = base.rsplit_once('.').map_or("", |(_, e)| e);
        if SCRIPT_EXTENSIONS.contains(&ext) {
            items.push(format!("script or program by name ({name})"));
            continue;
        }
        let mut head = Vec::with_capacity(64);
        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(&mut entry, 64), &mut head);
        if let Some(what) = programs::program(&head) {
            items.push(format!("{what} ({name})"));
        }
    }
    items
}

/// File name extensions of scripts and programs.
const SCRIPT_EXTENSIONS: [&str; 16] = [
    "js", "vbs", "vbe", "wsf", "ps1", "bat", "cmd", "sh", "exe", "dll", "com", "scr", "msi", "jar",
    "py", "hta",
];

/// One finding's message from the items found, at most [`MAX_LISTED`] named.
pub fn message(kind: Text, items: &[String]) -> Text {
    let listed: Vec<&str> = items.iter().take(MAX_LISTED).map(String::as_str).collect();
    let more = items.len().saturating_sub(MAX_LISTED);
    let more = match more > 0 {
        true => text!("phrase.and-n-more", n = more).into_arg(),
        false => Arg::Plain(String::new()),
    };
    text!("safety-active-content", kind = kind, items = listed.join("; "), more = more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_sees_names_and_escapes() {
        assert!(may_hold_active(b"<< /S /JavaScript /JS (app.alert(1)) >>"));
        assert!(may_hold_active(b"<< /S /J#61vaScript >>"));
        assert!(may_hold_active(b"<</Type/ObjStm/N 3>>"));
        assert!(may_hold_active(b"<< /EF << /F 4 0 R >> >>"));
        assert!(!may_hold_active(b"<< /Type /Page /MediaBox [0 0 10 10] /JSX 1 >> #41"));
    }

    /// A one-page PDF whose catalog gets `catalog` entries and whose page gets `annot`.
    fn pdf_with(catalog: Vec<(&str, Object)>, annot: Option<Dictionary>) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Parent", Object::Reference(pages_id));
        page.set("MediaBox", vec![0.into(), 0.into(), 10.into(), 10.into()]);
        if let Some(a) = annot {
            let a = doc.add_object(a);
            page.set("Annots", vec![Object::Reference(a)]);
        }
        let page = doc.add_object(page);
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set("Kids", vec![Object::Reference(page)]);
        pages.set("Count", 1);
        doc.objects.insert(pages_id, Object::Dictionary(pages));
        let mut cat = Dictionary::new();
        cat.set("Type", Object::Name(b"Catalog".to_vec()));
        cat.set("Pages", Object::Reference(pages_id));
        for (k, v) in catalog {
            cat.set(k, v);
        }
        let cat = doc.add_object(cat);
        doc.trailer.set("Root", Object::Reference(cat));
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn dict(entries: &[(&str, Object)]) -> Dictionary {
        let mut d = Dictionary::new();
        entries.iter().for_each(|(k, v)| d.set(*k, v.clone()));
        d
    }

    fn name(n: &str) -> Object {
        Object::Name(n.as_bytes().to_vec())
    }

    #[test]
    fn pdf_active_content_is_named_with_object_and_page() {
        assert_eq!(pdf(&pdf_with(vec![], None)), Vec::<String>::new(), "a plain page");
        let launch = dict(&[("S", name("Launch")), ("F", Object::string_literal("cmd.exe"))]);
        let link = dict(&[("Subtype", name("Link")), ("A", Object::Dictionary(launch))]);
        let found = pdf(&pdf_with(vec![], Some(link)));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("Launch action") && found[0].ends_with(", page 1)"));
        let files = dict(&[("EmbeddedFiles", Object::Dictionary(dict(&[])))]);
        let xfa = dict(&[("XFA", Object::string_literal("<xdp/>"))]);
        let js = dict(&[("S", name("JavaScript")), ("JS", Object::string_literal("1"))]);
        let catalog = vec![
            ("Names", Object::Dictionary(files)),
            ("AcroForm", Object::Dictionary(xfa)),
            ("OpenAction", Object::Dictionary(js)),
        ];
        let found = pdf(&pdf_with(catalog, None)).join("; ");
        for what in ["embedded files", "XFA form", "JavaScript action"] {
            assert!(found.contains(what), "{what} in {found}");
        }
        let rich = dict(&[("Subtype", name("RichMedia"))]);
        let found = pdf(&pdf_with(vec![], Some(rich))).join("; ");
        assert!(found.contains("RichMedia annotation") && found.contains("page 1"), "{found}");
    }

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write as _;
        let options = zip::write::SimpleFileOptions::default();
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, content) in entries {
            w.start_file(*name, options).unwrap();
            w.write_all(content).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn ofd_attachments_scripts_and_programs() {
        let plain = zip(&[("OFD.xml", b"<ofd:OFD/>"), ("Doc_0/Pages/Page_0/Content.xml", b"<x/>")]);
        assert_eq!(ofd(&plain), Vec::<String>::new());
        let bad = zip(&[
            ("OFD.xml", b"<ofd:OFD/>"),
            ("Doc_0/Attachs/Attachments.xml", b"<ofd:Attachments/>"),
            ("Doc_0/Attachs/run.js", b"app.alert(1)"),
            ("Doc_0/Res/image.png", b"\x7fELF\x02\x01"),
        ]);
        let found = ofd(&bad).join("; ");
        for what in ["attachments list", "script or program by name", "an ELF program"] {
            assert!(found.contains(what), "{what} in {found}");
        }
    }

    #[test]
    fn message_caps_the_list() {
        let items: Vec<String> = (0..15).map(|i| format!("x{i}")).collect();
        let m = message(crate::text!("phrase.the-pdf"), &items).render(crate::finding::Lang::En);
        assert!(m.contains("x11") && !m.contains("x12") && m.contains("and 3 more"), "{m}");
    }
}
