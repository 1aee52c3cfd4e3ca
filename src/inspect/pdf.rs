//! PDF: parse the document with `lopdf`, count the pages in its page tree, and decode
//! every image XObject of every page.
//!
//! The page tree is the PDF's own statement of how many pages it holds, which is what
//! `page-count-mismatch` compares with the catalogue. Parsing also proves the cross
//! reference table and trailer are intact, which is where a truncated transfer shows.
//! An encrypted PDF that opens with the empty user password is decrypted and verified, its
//! encryption reported as a fact (PDF/A forbids encryption: a profile may too); one that
//! needs a password is `format-unsupported` (issue #19).
//!
//! Images (issue #3): every image XObject in a page's resources (and in the resources of
//! the forms it uses) is decoded through the same path as a file of its kind: DCTDecode
//! as a JPEG, JPXDecode as JPEG 2000, CCITTFaxDecode (G4) line by line, FlateDecode and
//! unfiltered samples inflated (within `limits.max_inflated_bytes`) and checked for
//! length and PNG-predictor row tags. Any other filter cannot be verified and is a decode
//! error. The content stream is interpreted just enough to know the size each image is
//! drawn at (`q`, `Q`, `cm`, `Do`), which gives its effective resolution; an image not
//! drawn but alone on its page is taken to fill the MediaBox. The page's facts are those
//! of its largest image; a page without any image has no facts. Inline images (`BI` ...
//! `EI`, found by [`pdf_inline`] since `lopdf` reads few of them) are decoded and checked
//! the same way, drawn where they stand (issue #19).

use super::pdf_filters::{self, Filter};
use super::reduce::{Colour, PixelFormat, ReducedImage, reduce_samples};
use super::{
    Decoded, InspectOptions, jp2, jpeg, over_pixel_limit, pdf_codecs, pdf_inline, pdf_repair,
    pdf_scan,
};
use crate::inspect::facts::{ColourMode, PageFacts};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{BTreeMap, HashSet};

/// Forms nested deeper than this are refused. Each form is walked once whatever its
/// depth (`seen`), so the work is bounded by the document's objects; the depth only
/// bounds recursion on a worker's 2 MiB stack. Producers nest forms more than 8 deep
/// (issue #19: files the references read were refused at 8).
const MAX_FORM_DEPTH: usize = 64;

/// PDF facts: the page count, and every page's images decoded if asked.
pub(crate) fn inspect(bytes: &[u8], opts: &InspectOptions) -> Decoded {
    let wrong_lengths = match pdf_scan::prescan(bytes, opts) {
        Ok(wrong) => wrong,
        Err(why) => return Decoded::failed(why),
    };
    let (doc, repaired) = match load(bytes, wrong_lengths) {
        Ok(read) => read,
        Err(why) => return Decoded::failed(why),
    };
    // `Encrypt` in the trailer, direct or by reference, is what makes a PDF encrypted.
    // `lopdf` decrypts on loading when the empty user password opens it (issue #19).
    let encryption = match doc.trailer.get(b"Encrypt") {
        Ok(_) if doc.encryption_state.is_none() => {
            return Decoded::failed(super::unsupported("encryption that needs a password"));
        }
        Ok(dict) => Some(encryption(&doc, dict)),
        Err(_) => None,
    };
    if let Err(why) = page_tree_count(&doc) {
        return Decoded::failed(why);
    }
    let page_ids = doc.get_pages();
    let pages = u32::try_from(page_ids.len()).unwrap_or(u32::MAX);
    let mut decoded =
        Decoded { page_count: Some(pages), encryption, repaired, ..Decoded::default() };
    if pages == 0 {
        decoded.error = Some("PDF has no pages: its page tree is empty or unreadable".into());
        return decoded;
    }
    if opts.decode {
        for (&n, &id) in &page_ids {
            match page(&doc, id, opts) {
                Ok(Some((mut facts, reduced))) => {
                    facts.page = n;
                    decoded.pages.push(facts);
                    decoded.reduced.extend(reduced.map(|r| (n, r)));
                }
                Ok(None) => {}
                Err(why) => {
                    decoded.error = Some(format!("PDF page {n} of {pages}: {why}"));
                    break;
                }
            }
        }
    }
    decoded
}

/// The document as written or, when its cross-reference structure is damaged, from a
/// table rebuilt by [`pdf_repair`], with what was repaired. A file the rebuild cannot read
/// keeps its first error. (Hybrid-reference files and cross-reference streams `lopdf`
/// reads as written.)
fn load(bytes: &[u8], wrong_lengths: bool) -> Result<(Document, Option<String>), String> {
    // Streams whose `/Length` misses their `endstream` are read as dictionaries by `lopdf`;
    // qpdf recovers their length (with a warning), and so does vouch.
    if wrong_lengths
        && let Some((fixed, n)) = pdf_repair::fix_stream_lengths(bytes)
        && let Ok(doc) = read_rebuilt(&fixed)
    {
        let what = format!(
            "{n} stream length{} corrected and the cross-reference table rebuilt by scanning \
             the file for objects, as qpdf does",
            if n == 1 { "" } else { "s" }
        );
        return Ok((doc, Some(what)));
    }
    let damage = match Document::load_mem(bytes) {
        Ok(doc) if doc.trailer.get(b"Encrypt").is_ok() => {
            // Not rebuilt: a password-protected file is unsupported whatever its table.
            if doc.encryption_state.is_some() {
                check_xref(&doc, bytes)?;
            }
            return Ok((doc, None));
        }
        Ok(doc) => match check_xref(&doc, bytes) {
            Ok(()) => return Ok((doc, None)),
            Err(why) => why,
        },
        Err(e) => format!("PDF cannot be parsed: {e}; the file is truncated or corrupt"),
    };
    match read_rebuilt(bytes) {
        Ok(doc) => Ok((
            doc,
            Some(format!(
                "the cross-reference table was rebuilt by scanning the file for objects, as \
                 qpdf does ({damage})"
            )),
        )),
        Err(why) => Err(format!("{damage}; it could not be rebuilt: {why}")),
    }
}

/// The root of the page tree must say how many pages it holds (`/Count`, required by ISO
/// 32000-1 §7.7.3.2): poppler refuses a file without it, and `lopdf` would count pages
/// through a tree that loops.
fn page_tree_count(doc: &Document) -> Result<(), String> {
    let root =
        doc.catalog().ok().and_then(|c| c.get(b"Pages").ok()).and_then(|o| deref_dict(doc, o));
    match root.map(|r| r.get(b"Count").map(|o| deref(doc, o).as_i64())) {
        Some(Ok(Ok(_))) => Ok(()),
        Some(_) => Err("PDF page tree has no page count (/Count): the file is corrupt".into()),
        None => Err("PDF has no pages: its page tree is empty or unreadable".into()),
    }
}

/// The document read from `bytes` with its cross-reference table rebuilt.
fn read_rebuilt(bytes: &[u8]) -> Result<Document, String> {
    let read = pdf_repair::rebuild(bytes)?;
    let doc = Document::load_mem(&read).map_err(|e| format!("{e}"))?;
    check_xref(&doc, &read)?;
    Ok(doc)
}

/// The encryption a PDF opened with the empty user password uses, for a person.
fn encryption(doc: &Document, dict: &Object) -> String {
    let Some(d) = deref_dict(doc, dict) else { return "encrypted, empty user password".into() };
    let int = |k: &[u8]| d.get(k).ok().and_then(|o| deref(doc, o).as_i64().ok());
    let cfm = d
        .get(b"CF")
        .ok()
        .and_then(|o| deref_dict(doc, o))
        .and_then(|cf| cf.get(b"StdCF").ok())
        .and_then(|o| deref_dict(doc, o))
        .and_then(|f| f.get(b"CFM").ok())
        .and_then(|o| o.as_name().ok());
    let cipher = match (int(b"V"), cfm) {
        (_, Some(b"AESV3")) | (Some(5), _) => "AES-256".to_string(),
        (_, Some(b"AESV2")) => "AES-128".to_string(),
        _ => format!("RC4 {}-bit", int(b"Length").unwrap_or(40)),
    };
    format!("{cipher}, standard security handler R{}, empty user password", int(b"R").unwrap_or(0))
}

/// Every in-use cross-reference entry must point at its object's `N G obj` header.
/// `lopdf` reads objects leniently and may find one whose entry is wrong; a wrong offset
/// is damage all the same (qpdf reports it and rebuilds the table).
fn check_xref(doc: &Document, bytes: &[u8]) -> Result<(), String> {
    for (&id, entry) in &doc.reference_table.entries {
        let lopdf::xref::XrefEntry::Normal { offset, generation } = *entry else { continue };
        let at = offset as usize;
        let head = bytes.get(at..(at + 40).min(bytes.len())).unwrap_or(&[]);
        let words: Vec<&[u8]> =
            head.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).take(3).collect();
        let want = [id.to_string(), generation.to_string()];
        let ok = words.len() == 3
            && words[0] == want[0].as_bytes()
            && words[1] == want[1].as_bytes()
            && words[2].starts_with(b"obj");
        if !ok {
            return Err(format!(
                "PDF cross-reference table is corrupt: object {id} {generation} is not at \
                 byte {offset} where the table says it is"
            ));
        }
    }
    Ok(())
}

/// One image as decoded, with the largest size it is drawn at (points), if drawn.
struct Placed {
    facts: PageFacts,
    drawn: Option<(f64, f64)>,
    reduced: Option<ReducedImage>,
}

/// Decodes every image of the page; the facts (and reduced image) of its largest one.
fn page(
    doc: &Document,
    id: ObjectId,
    opts: &InspectOptions,
) -> Result<Option<(PageFacts, Option<ReducedImage>)>, String> {
    let dict = doc.get_dictionary(id).map_err(|e| format!("page object: {e}"))?;
    let media = inherited(doc, dict, b"MediaBox").and_then(|o| rect(doc, o));
    let unit = dict.get(b"UserUnit").ok().and_then(|o| number(doc, o)).unwrap_or(1.0);
    let resources = inherited(doc, dict, b"Resources").and_then(|o| deref_dict(doc, o));
    let content = page_content(doc, dict, opts)?;
    let mut found = Found::default();
    if let Some(res) = resources {
        let mut walker = Walker { doc, opts, found: &mut found };
        walker.walk(res, &content, IDENTITY, 0)?;
    }
    // The inline images count one each, though only the best of them is kept.
    let count = found.images.len() + found.inline.saturating_sub(1);
    let best = found.images.into_values().max_by(better);
    let Some(Placed { mut facts, drawn, reduced }) = best else { return Ok(None) };
    let (size, source) = match (drawn, media) {
        (Some((w, h)), Some((mw, mh))) if close(w, mw) && close(h, mh) => {
            (Some((mw, mh)), "pdf-page")
        }
        (Some(d), _) => (Some(d), "pdf-drawn"),
        (None, Some(m)) if count == 1 => (Some(m), "pdf-page"),
        _ => (None, ""),
    };
    facts.dpi = size.and_then(|(w, h)| {
        let inches = |pt: f64| pt * unit / 72.0;
        super::dots_per_inch(
            f64::from(facts.width) / inches(w),
            f64::from(facts.height) / inches(h),
            1.0,
        )
    });
    facts.dpi_source = facts.dpi.map(|_| source.to_string());
    Ok(Some((facts, reduced)))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.01 * b.abs().max(1.0)
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (PDF row-vector convention: `m × n`).
fn concat(m: Matrix, n: Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Which of two images stands for the page: the one drawn larger, then the one with more
/// pixels.
fn better(a: &Placed, b: &Placed) -> std::cmp::Ordering {
    let area = |p: &Placed| p.drawn.map_or(0.0, |(w, h)| w * h);
    let pixels = |p: &Placed| u64::from(p.facts.width) * u64::from(p.facts.height);
    area(a).total_cmp(&area(b)).then(pixels(a).cmp(&pixels(b)))
}

/// An image of a page: an XObject, or the best of its inline images so far (inline images
/// are drawn once, where they stand, so only the best need be kept however many there are).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Object(ObjectId),
    Inline,
}

/// What walking a page found: its images, the forms already walked, and how many inline
/// images it draws.
#[derive(Default)]
struct Found {
    images: BTreeMap<Key, Placed>,
    seen: HashSet<ObjectId>,
    inline: usize,
}

/// Walks a page's content and forms, decoding every image once.
struct Walker<'a, 'f> {
    doc: &'a Document,
    opts: &'a InspectOptions,
    found: &'f mut Found,
}

impl Walker<'_, '_> {
    /// Decodes every image XObject of `res`, then follows the content (its operators and
    /// inline images) to learn the size each image is drawn at.
    fn walk(
        &mut self,
        res: &Dictionary,
        content: &[u8],
        base: Matrix,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_FORM_DEPTH {
            return Err(format!(
                "forms nested more than {MAX_FORM_DEPTH} deep: the page was not decoded (a \
                 limit of vouch's, not damage)"
            ));
        }
        let names = self.xobjects(res)?;
        pdf_scan::content_nesting(content).map_err(|e| format!("content stream: {e}"))?;
        let (mut ctm, mut stack) = (base, Vec::new());
        for piece in pdf_inline::split(content).map_err(|e| format!("content stream: {e}"))? {
            match piece {
                pdf_inline::Piece::Ops(ops) => {
                    let ops = Content::decode(ops).map_err(|e| format!("content stream: {e}"))?;
                    for op in ops.operations {
                        self.operator(&op, res, &names, (&mut ctm, &mut stack, base), depth)?;
                    }
                }
                pdf_inline::Piece::Image(dict, data) => self.inline(res, dict, data, ctm)?,
            }
        }
        Ok(())
    }

    /// Decodes the image XObjects of `res` not yet decoded; every XObject's id by name.
    fn xobjects(&mut self, res: &Dictionary) -> Result<BTreeMap<Vec<u8>, ObjectId>, String> {
        let doc = self.doc;
        let xobjects = res.get(b"XObject").ok().and_then(|o| deref_dict(doc, o));
        let mut names = BTreeMap::new();
        for (name, obj) in xobjects.into_iter().flat_map(|d| d.iter()) {
            let Ok(id) = obj.as_reference() else { continue };
            names.insert(name.clone(), id);
            let stream = doc
                .get_object(id)
                .and_then(Object::as_stream)
                .map_err(|e| format!("XObject /{} ({} {} R): {e}", lossy(name), id.0, id.1))?;
            let subtype = stream.dict.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
            if subtype == b"Image" && !self.found.images.contains_key(&Key::Object(id)) {
                let (facts, reduced) = image(doc, stream, self.opts)
                    .map_err(|e| format!("image /{} ({} {} R): {e}", lossy(name), id.0, id.1))?;
                self.found.images.insert(Key::Object(id), Placed { facts, drawn: None, reduced });
            }
        }
        Ok(names)
    }

    /// One content operator: the graphics state's matrix (`q`, `Q`, `cm`) and `Do`.
    fn operator(
        &mut self,
        op: &lopdf::content::Operation,
        res: &Dictionary,
        names: &BTreeMap<Vec<u8>, ObjectId>,
        (ctm, stack, base): (&mut Matrix, &mut Vec<Matrix>, Matrix),
        depth: usize,
    ) -> Result<(), String> {
        let doc = self.doc;
        match op.operator.as_str() {
            "q" => stack.push(*ctm),
            "Q" => *ctm = stack.pop().unwrap_or(base),
            "cm" => {
                let v: Vec<f64> = op.operands.iter().filter_map(|o| number(doc, o)).collect();
                if let [a, b, c, d, e, f] = v[..] {
                    *ctm = concat([a, b, c, d, e, f], *ctm);
                }
            }
            "Do" => {
                let name = op.operands.first().and_then(|o| o.as_name().ok());
                if let Some(&id) = name.and_then(|n| names.get(n)) {
                    self.draw(id, res, *ctm, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `Do` of XObject `id`: an image is drawn at the matrix's size, a form walked once.
    fn draw(
        &mut self,
        id: ObjectId,
        res: &Dictionary,
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), String> {
        let doc = self.doc;
        if let Some(placed) = self.found.images.get_mut(&Key::Object(id)) {
            let size = drawn_size(ctm);
            if placed.drawn.is_none_or(|(w, h)| size.0 * size.1 > w * h) {
                placed.drawn = Some(size);
            }
            return Ok(());
        }
        if !self.found.seen.insert(id) {
            return Ok(());
        }
        let Ok(form) = doc.get_object(id).and_then(Object::as_stream) else { return Ok(()) };
        let matrix = form
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| deref(doc, o).as_array().ok())
            .map(|a| a.iter().filter_map(|o| number(doc, o)).collect::<Vec<_>>());
        let m = match matrix.as_deref() {
            Some(&[a, b, c, d, e, f]) => [a, b, c, d, e, f],
            _ => IDENTITY,
        };
        let body = stream_bytes(doc, form, "form", self.opts)?;
        let form_res = form.dict.get(b"Resources").ok().and_then(|o| deref_dict(doc, o));
        self.walk(form_res.unwrap_or(res), &body, concat(m, ctm), depth + 1)
    }

    /// An inline image, decoded like an XObject and drawn where it stands; kept if it is
    /// the best inline image so far.
    fn inline(
        &mut self,
        res: &Dictionary,
        mut dict: Dictionary,
        data: &[u8],
        ctm: Matrix,
    ) -> Result<(), String> {
        self.found.inline += 1;
        let n = self.found.inline;
        // A colour space may be named in the resources (`/CS /CS0`).
        let named = dict.get(b"ColorSpace").ok().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec);
        let spaces = res.get(b"ColorSpace").ok().and_then(|o| deref_dict(self.doc, o));
        if let Some(space) = named.and_then(|n| spaces.and_then(|d| d.get(&n).ok())) {
            dict.set("ColorSpace", deref(self.doc, space).clone());
        }
        let stream = Stream::new(dict, data.to_vec());
        let (facts, reduced) =
            image(self.doc, &stream, self.opts).map_err(|e| format!("inline image {n}: {e}"))?;
        let placed = Placed { facts, drawn: Some(drawn_size(ctm)), reduced };
        let best = self.found.images.get(&Key::Inline);
        if best.is_none_or(|b| better(&placed, b).is_gt()) {
            self.found.images.insert(Key::Inline, placed);
        }
        Ok(())
    }
}

/// The size (points) the unit square is drawn at under `ctm`.
fn drawn_size(ctm: Matrix) -> (f64, f64) {
    (ctm[0].hypot(ctm[1]), ctm[2].hypot(ctm[3]))
}

/// Decodes one image XObject and describes it (resolution is the page's business); with
/// [`InspectOptions::reduced`], also at 1/8 scale (DCT from its DC image, CCITT, Flate and
/// raw samples by the downscaler; indexed and other colour spaces give none).
fn image(
    doc: &Document,
    s: &Stream,
    opts: &InspectOptions,
) -> Result<(PageFacts, Option<ReducedImage>), String> {
    let d = &s.dict;
    let int = |key: &[u8]| d.get(key).ok().and_then(|o| deref(doc, o).as_i64().ok());
    let (w, h) = (int(b"Width").unwrap_or(0), int(b"Height").unwrap_or(0));
    let (Ok(width), Ok(height)) = (u32::try_from(w), u32::try_from(h)) else {
        return Err(format!("bad size {w} × {h}"));
    };
    if width == 0 || height == 0 {
        return Err(format!("bad size {w} × {h}"));
    }
    if let Some(why) = over_pixel_limit("the image", width, height, opts) {
        return Err(why);
    }
    let mask = d.get(b"ImageMask").ok().and_then(|o| deref(doc, o).as_bool().ok()) == Some(true);
    let bpc = if mask { 1 } else { int(b"BitsPerComponent").unwrap_or(8) };
    let space = colour_space(doc, d.get(b"ColorSpace").ok(), mask);
    let (chain, parms) = filter_chain(doc, d)?;
    let codec_parms = parms.get(chain.iter().position(|f| !f.is_bytes()).unwrap_or(0));
    let bits = u16::try_from(bpc).map_err(|_| format!("bad BitsPerComponent {bpc}"))?;
    let mut facts = PageFacts {
        page: 1,
        width,
        height,
        dpi: None,
        dpi_source: None,
        colour: if space.colour == ColourMode::Grey && bits == 1 {
            ColourMode::Bilevel
        } else {
            space.colour
        },
        bits_per_sample: bits,
        compression: "none".into(),
        icc: space.icc,
        quality: None,
    };
    let reducing = opts.reduced && opts.pixels();
    let mut reduced = None;
    let format = reducing.then(|| samples_format(&space, bpc)).flatten();
    let bytes_only = chain.iter().all(Filter::is_bytes);
    if bytes_only && !opts.pixels() {
        // --depth quick: what the samples are stored as, without decoding them.
        facts.compression = compression_of(&chain).into();
        return Ok((facts, None));
    }
    let (data, codec) = pdf_filters::decode_bytes(&s.content, &chain, "the image stream", opts)?;
    match codec.first().map(|f| f.name.as_str()) {
        Some("DCTDecode") => {
            let data = pdf_codecs::trim_after_eoi(&data);
            let j = if reducing {
                let (j, r) = jpeg::decode_reduced(data, opts)?;
                reduced = Some(r);
                j
            } else {
                jpeg::decode(data, opts)?
            };
            facts = PageFacts { icc: j.icc || space.icc, ..j };
            check_size(&facts, width, height)?;
        }
        Some("JPXDecode") => {
            let (j, r) = jp2::decode_stream(&data, opts)?;
            (facts, reduced) = (PageFacts { icc: j.icc || space.icc, ..j }, r);
            check_size(&facts, width, height)?;
        }
        Some("CCITTFaxDecode") => {
            let codec = pdf_codecs::Codec { doc, parms: codec_parms.copied().flatten(), opts };
            reduced = pdf_codecs::ccitt(&codec, &data, h, &mut facts, reducing)?;
        }
        Some("JBIG2Decode") => {
            let codec = pdf_codecs::Codec { doc, parms: codec_parms.copied().flatten(), opts };
            reduced = pdf_codecs::jbig2(&codec, &data, &mut facts, reducing)?;
        }
        Some(other) => return Err(super::unsupported(&format!("the filter /{other}"))),
        None => {
            facts.compression = compression_of(&chain).into();
            let last = chain.len().checked_sub(1).and_then(|i| parms.get(i).copied().flatten());
            reduced = samples(doc, &data, last, &facts, (&space, bpc), format)?;
        }
    }
    Ok((facts, reduced))
}

/// Raw samples after the byte filters: enough for every row, valid PNG predictor tags;
/// the predictor is the last byte filter's (`parms`: Flate or LZW), left in the bytes.
fn samples(
    doc: &Document,
    data: &[u8],
    parms: Option<&Dictionary>,
    facts: &PageFacts,
    (space, bpc): (&Space, i64),
    format: Option<PixelFormat>,
) -> Result<Option<ReducedImage>, String> {
    let parm =
        |key: &[u8]| parms.and_then(|p| p.get(key).ok()).and_then(|o| deref(doc, o).as_i64().ok());
    let predictor = parm(b"Predictor").unwrap_or(1);
    let row_bits = parm(b"Colors").unwrap_or(1)
        * parm(b"BitsPerComponent").unwrap_or(8)
        * parm(b"Columns").unwrap_or(1);
    let (width, height) = (facts.width, facts.height);
    check_samples(data, width, height, space.channels * bpc, predictor, row_bits)?;
    Ok(format.map(|f| reduce_samples(data, (width, height), &f, predictor >= 10)))
}

/// The stream's filters, with each one's parameters (`DecodeParms`, a dictionary or an
/// array matching `Filter`; `None` where absent).
fn filter_chain<'a>(
    doc: &'a Document,
    d: &'a Dictionary,
) -> Result<(Vec<Filter>, Vec<Option<&'a Dictionary>>), String> {
    let names: Vec<Vec<u8>> = match d.get(b"Filter").ok().map(|o| deref(doc, o)) {
        None => Vec::new(),
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => {
            a.iter().filter_map(|o| deref(doc, o).as_name().ok().map(<[u8]>::to_vec)).collect()
        }
        Some(_) => return Err("bad /Filter".into()),
    };
    let parms: Vec<Option<&Dictionary>> = match d.get(b"DecodeParms").ok().map(|o| deref(doc, o)) {
        Some(Object::Array(a)) => {
            (0..names.len()).map(|i| a.get(i).and_then(|o| deref_dict(doc, o))).collect()
        }
        Some(o) => vec![o.as_dict().ok(); names.len()],
        None => vec![None; names.len()],
    };
    let chain = names
        .iter()
        .zip(&parms)
        .map(|(n, p)| {
            let int =
                |k: &[u8]| p.and_then(|p| p.get(k).ok()).and_then(|o| deref(doc, o).as_i64().ok());
            Filter {
                predictor: int(b"Predictor").unwrap_or(1),
                early_change: int(b"EarlyChange").unwrap_or(1),
                ..Filter::named(n)
            }
        })
        .collect();
    Ok((chain, parms))
}

/// The compression a chain of byte filters stores samples with: its last compressing
/// filter's, `none` for plain or only ASCII-encoded samples.
fn compression_of(chain: &[Filter]) -> &'static str {
    chain.iter().rev().find_map(Filter::compression).unwrap_or("none")
}

/// How raw samples of this colour space turn grey, if vouch knows.
fn samples_format(space: &Space, bpc: i64) -> Option<PixelFormat> {
    let colour = match space.colour {
        ColourMode::Grey | ColourMode::Bilevel => Colour::Grey { white_is_zero: false },
        ColourMode::Rgb => Colour::Rgb,
        ColourMode::Cmyk => Colour::Cmyk,
        _ => return None,
    };
    let bits = u32::try_from(bpc).ok().filter(|b| matches!(b, 1 | 2 | 4 | 8 | 16))?;
    let samples = u32::try_from(space.channels).ok()?;
    Some(PixelFormat { bits, samples, colour, little_endian: false })
}

/// The codestream's size must be the XObject's.
fn check_size(facts: &PageFacts, width: u32, height: u32) -> Result<(), String> {
    if (facts.width, facts.height) == (width, height) {
        Ok(())
    } else {
        Err(format!(
            "the image data is {} × {} but the XObject says {width} × {height}",
            facts.width, facts.height
        ))
    }
}

/// Raw samples: enough bytes for every row, and valid PNG predictor tags.
fn check_samples(
    data: &[u8],
    width: u32,
    height: u32,
    bits_per_pixel: i64,
    predictor: i64,
    predictor_row_bits: i64,
) -> Result<(), String> {
    let row_bits = if predictor >= 10 && predictor_row_bits > 0 {
        predictor_row_bits
    } else {
        i64::from(width) * bits_per_pixel
    };
    let row = usize::try_from(row_bits.max(0)).unwrap_or(usize::MAX).div_ceil(8);
    let tagged = predictor >= 10;
    let stride = row + usize::from(tagged);
    let need = stride.saturating_mul(height as usize);
    if data.len() < need {
        return Err(format!(
            "the image data holds {} bytes, fewer than the {need} its size needs: truncated",
            data.len()
        ));
    }
    if let Some(r) = (0..height as usize).find(|r| tagged && data[r * stride] > 4) {
        return Err(format!("row {r} has an invalid PNG predictor tag: corrupt"));
    }
    Ok(())
}

struct Space {
    colour: ColourMode,
    channels: i64,
    icc: bool,
}

fn colour_space(doc: &Document, obj: Option<&Object>, mask: bool) -> Space {
    let plain = |colour, channels| Space { colour, channels, icc: false };
    if mask {
        return plain(ColourMode::Bilevel, 1);
    }
    let Some(obj) = obj.map(|o| deref(doc, o)) else { return plain(ColourMode::Other, 1) };
    let name = |o: &Object| deref(doc, o).as_name().ok().map(<[u8]>::to_vec);
    let (family, arg) = match obj {
        Object::Name(n) => (n.clone(), None),
        Object::Array(a) => (a.first().and_then(name).unwrap_or_default(), a.get(1)),
        _ => (Vec::new(), None),
    };
    match family.as_slice() {
        b"DeviceGray" | b"CalGray" | b"G" => plain(ColourMode::Grey, 1),
        b"DeviceRGB" | b"CalRGB" | b"RGB" => plain(ColourMode::Rgb, 3),
        b"DeviceCMYK" | b"CMYK" => plain(ColourMode::Cmyk, 4),
        b"Indexed" | b"I" => plain(ColourMode::Palette, 1),
        b"ICCBased" => {
            let n = arg
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_stream().ok())
                .and_then(|s| s.dict.get(b"N").ok().and_then(|o| o.as_i64().ok()))
                .unwrap_or(0);
            let colour = match n {
                1 => ColourMode::Grey,
                3 => ColourMode::Rgb,
                4 => ColourMode::Cmyk,
                _ => ColourMode::Other,
            };
            Space { colour, channels: n.max(1), icc: true }
        }
        _ => plain(ColourMode::Other, 1),
    }
}

/// The page's content streams, inflated within the limit and joined.
fn page_content(
    doc: &Document,
    page: &Dictionary,
    opts: &InspectOptions,
) -> Result<Vec<u8>, String> {
    let streams: Vec<&Object> = match page.get(b"Contents").ok().map(|o| deref(doc, o)) {
        None => Vec::new(),
        Some(Object::Array(a)) => a.iter().map(|o| deref(doc, o)).collect(),
        Some(o) => vec![o],
    };
    let mut out = Vec::new();
    for obj in streams {
        let s = obj.as_stream().map_err(|e| format!("content stream: {e}"))?;
        out.extend(stream_bytes(doc, s, "content stream", opts)?);
        out.push(b'\n');
    }
    Ok(out)
}

/// A content or form stream's bytes, through its byte filters within the limit.
pub(super) fn stream_bytes(
    doc: &Document,
    s: &Stream,
    what: &str,
    opts: &InspectOptions,
) -> Result<Vec<u8>, String> {
    let (chain, _) = filter_chain(doc, &s.dict).map_err(|e| format!("{what}: {e}"))?;
    let (data, codec) = pdf_filters::decode_bytes(&s.content, &chain, what, opts)?;
    if let Some(f) = codec.first() {
        let feature = format!("the filter /{} on a {what}", f.name);
        return Err(super::unsupported(&feature));
    }
    Ok(data.into_owned())
}

/// A page attribute, from the page or the nearest ancestor that has it.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Ok(v) = node.get(key) {
            return Some(v);
        }
        node = node.get(b"Parent").ok().and_then(|p| deref_dict(doc, p))?;
    }
    None
}

pub(super) fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn deref_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    deref(doc, o).as_dict().ok()
}

fn number(doc: &Document, o: &Object) -> Option<f64> {
    match deref(doc, o) {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// Width and height (points) of a rectangle.
fn rect(doc: &Document, o: &Object) -> Option<(f64, f64)> {
    let v: Vec<f64> =
        deref(doc, o).as_array().ok()?.iter().filter_map(|o| number(doc, o)).collect();
    let [x0, y0, x1, y1] = v[..] else { return None };
    Some(((x1 - x0).abs(), (y1 - y0).abs()))
}

fn lossy(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::super::testutil::{decode, fixture, no_decode, pattern, pdf, regression};
    use crate::inspect::facts::{ColourMode, Format};

    #[test]
    fn counts_pages_in_the_page_tree() {
        let i = inspect_bytes(&pdf(3, false), &no_decode());
        assert_eq!(i.decode_error, None);
        assert_eq!((i.format, i.page_count, i.pages.len()), (Some(Format::Pdf), Some(3), 0));
        // Pages without images decode to no facts.
        let i = inspect_bytes(&pdf(3, false), &decode());
        assert_eq!((i.decode_error, i.pages.len()), (None, 0));
    }

    #[test]
    fn truncated_pdf_is_a_decode_error() {
        let bytes = pdf(3, false);
        for opts in [decode(), no_decode()] {
            let i = inspect_bytes(&bytes[..bytes.len() * 2 / 3], &opts);
            let err = i.decode_error.unwrap();
            assert!(err.starts_with("PDF cannot be parsed"), "{err}");
            assert_eq!(i.page_count, None);
        }
    }

    #[test]
    fn zero_pages_is_a_decode_error() {
        let i = inspect_bytes(&pdf(0, false), &decode());
        assert_eq!(i.page_count, Some(0));
        assert!(i.decode_error.unwrap().contains("no pages"));
    }

    #[test]
    fn a_pdf_needing_a_password_is_unsupported() {
        for bytes in [pdf(2, true), regression("pdf-encrypted-user-password.pdf")] {
            let i = inspect_bytes(&bytes, &decode());
            assert_eq!(i.unsupported.as_deref(), Some("encryption that needs a password"));
            assert_eq!((i.page_count, i.encryption), (None, None));
        }
    }

    /// qpdf's encryption with the empty user password (RC4 128, AES-256): decrypted,
    /// verified, and the encryption reported (issue #19).
    #[test]
    fn a_pdf_opening_with_the_empty_password_is_decrypted_and_verified() {
        for (name, cipher) in [
            ("pdf-encrypted-rc4-empty-password.pdf", "RC4 128-bit"),
            ("pdf-encrypted-aes256-empty-password.pdf", "AES-256"),
        ] {
            let i = inspect_bytes(&regression(name), &decode());
            assert_eq!(i.decode_error, None, "{name}");
            assert_eq!((i.pages.len(), i.pages[0].compression.as_str()), (1, "ccitt-g4"));
            let e = i.encryption.unwrap();
            assert!(e.starts_with(cipher) && e.ends_with("empty user password"), "{e}");
        }
        assert_eq!(inspect_bytes(&fixture("img2pdf-g4-300dpi.pdf"), &decode()).encryption, None);
    }

    /// A one-page PDF whose page draws one image XObject (`dict` and `data`) over its
    /// 72 × 72 pt MediaBox.
    fn image_pdf(dict: &str, data: &[u8]) -> Vec<u8> {
        image_pdf_with(dict, data, None)
    }

    /// A PDF of `objects` (object n is `objects[n - 1]`, 1 the catalog), offsets right.
    fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
        let n = objects.len() + 1;
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {n}\n0000000000 65535 f \n").as_bytes());
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        let trailer = format!("trailer\n<< /Size {n} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        out.extend_from_slice(trailer.as_bytes());
        out
    }

    /// A page whose image sits at the bottom of `depth` nested forms (each drawing the
    /// next), on a worker-sized stack.
    fn nested_forms(depth: usize) -> super::super::facts::Inspection {
        let stream = |dict: &str, body: &[u8]| {
            [
                format!("<< {dict} /Length {} >>\nstream\n", body.len()).as_bytes(),
                body,
                b"\nendstream",
            ]
            .concat()
        };
        let form = |i: usize| 4 + i; // object number of form i (0-based)
        let image = form(depth);
        let mut objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Contents {} 0 R \
                 /Resources << /XObject << /F {} 0 R >> >> >>",
                image + 1,
                form(0)
            )
            .into_bytes(),
        ];
        for i in 0..depth {
            let next = if i + 1 == depth {
                format!("/Im {image} 0 R")
            } else {
                format!("/F {} 0 R", form(i + 1))
            };
            let draw: &[u8] =
                if i + 1 == depth { b"q 72 0 0 72 0 0 cm /Im Do Q" } else { b"/F Do" };
            let dict = format!(
                "/Type /XObject /Subtype /Form /BBox [0 0 72 72] /Resources << /XObject << {next} >> >>"
            );
            objects.push(stream(&dict, draw));
        }
        objects.push(stream(&format!("/Type /XObject /Subtype /Image {GREY}"), &[128; 128]));
        objects.push(stream("", b"/F Do"));
        let bytes = pdf_of(&objects);
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || inspect_bytes(&bytes, &decode()))
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn forms_nest_deep_but_not_without_bound() {
        for depth in [1, 12, 64] {
            let i = nested_forms(depth);
            assert_eq!((i.decode_error.as_deref(), i.pages.len()), (None, 1), "{depth}");
            assert!((i.pages[0].dpi.unwrap().x - 16.0).abs() < 0.01, "{depth}");
        }
        let err = nested_forms(66).decode_error.unwrap();
        assert!(err.contains("nested more than 64 deep"), "{err}");
    }

    /// [`image_pdf`] with a sixth object: a stream holding `globals` (`6 0 R`).
    fn image_pdf_with(dict: &str, data: &[u8], globals: Option<&[u8]>) -> Vec<u8> {
        let content = b"q 72 0 0 72 0 0 cm /Im0 Do Q";
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Contents 4 0 R \
              /Resources << /XObject << /Im0 5 0 R >> >> >>"
                .to_vec(),
            [
                format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(),
                content,
                b"\nendstream",
            ]
            .concat(),
            [
                format!(
                    "<< /Type /XObject /Subtype /Image {dict} /Length {} >>\nstream\n",
                    data.len()
                )
                .as_bytes(),
                data,
                b"\nendstream",
            ]
            .concat(),
        ];
        if let Some(g) = globals {
            let head = format!("<< /Length {} >>\nstream\n", g.len());
            objects.push([head.as_bytes(), g, b"\nendstream"].concat());
        }
        pdf_of(&objects)
    }

    const GREY: &str = "/Width 16 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8";

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn hex(data: &[u8]) -> Vec<u8> {
        let mut s: String = data.iter().map(|b| format!("{b:02X}")).collect();
        s.push('>');
        s.into_bytes()
    }

    /// Every standard byte filter and a chain of them, as producers write them (issue #19).
    #[test]
    fn standard_filters_and_chains_decode() {
        let samples = pattern(16 * 8);
        let mut lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
        let literal: Vec<u8> =
            samples.chunks(128).flat_map(|c| [&[c.len() as u8 - 1][..], c].concat()).collect();
        let cases: [(&str, Vec<u8>, &str); 4] = [
            ("/Filter [/ASCIIHexDecode /FlateDecode]", hex(&zlib(&samples)), "deflate"),
            ("/Filter /LZWDecode", lzw.encode(&samples).unwrap(), "lzw"),
            ("/Filter /RunLengthDecode", [&literal[..], &[128]].concat(), "runlength"),
            ("/Filter /AHx", hex(&samples), "none"),
        ];
        for (filter, data, compression) in cases {
            let bytes = image_pdf(&format!("{GREY} {filter}"), &data);
            let i = inspect_bytes(&bytes, &decode());
            assert_eq!(i.decode_error, None, "{filter}");
            let p = &i.pages[0];
            assert_eq!((p.width, p.height, p.compression.as_str()), (16, 8, compression));
            // Cut short, the samples are too few: damage, not unsupported.
            let cut = image_pdf(&format!("{GREY} {filter}"), &data[..data.len() / 3]);
            let i = inspect_bytes(&cut, &decode());
            assert!(i.decode_error.is_some() && i.unsupported.is_none(), "{filter}");
        }
    }

    /// A DCT stream with a newline after its end-of-image marker is whole, as libjpeg
    /// reads it; other bytes there are still refused (issue #19).
    #[test]
    fn white_space_after_a_dct_end_of_image_is_accepted() {
        let jpeg = super::super::testutil::jpeg(16, 8, true, (1, 72, 72));
        let dict = format!("{GREY} /Filter /DCTDecode");
        let ok = inspect_bytes(&image_pdf(&dict, &[&jpeg[..], b"\n\r\n"].concat()), &decode());
        assert_eq!(ok.decode_error, None);
        let junk = inspect_bytes(&image_pdf(&dict, &[&jpeg[..], b"\nxyz"].concat()), &decode());
        assert!(junk.decode_error.is_some() && junk.unsupported.is_none());
    }

    /// JBIG2 images, with and without `/JBIG2Globals`, decode; a cut one is damage
    /// (issue #19).
    #[test]
    fn jbig2_images_decode_with_and_without_globals() {
        let mut px = vec![255u8; 64 * 32];
        px[64 * 8..64 * 24].fill(0);
        let dict = "/Width 64 /Height 32 /ImageMask true /Filter /JBIG2Decode";
        let (data, _) = super::super::jbig2::tests::mmr_stream(&px, 64, false);
        let opts = super::InspectOptions { reduced: true, ..decode() };
        let i = inspect_bytes(&image_pdf(dict, &data), &opts);
        assert_eq!(i.decode_error, None);
        let p = &i.pages[0];
        assert_eq!((p.width, p.colour, p.compression.as_str()), (64, ColourMode::Bilevel, "jbig2"));
        assert_eq!(i.reduced.len(), 1);
        let (body, globals) = super::super::jbig2::tests::mmr_stream(&px, 64, true);
        let with = format!("{dict} /DecodeParms << /JBIG2Globals 6 0 R >>");
        let i = inspect_bytes(&image_pdf_with(&with, &body, Some(&globals)), &decode());
        assert_eq!((i.decode_error, i.pages.len()), (None, 1));
        // Without its globals the page information is missing: damage.
        let i = inspect_bytes(&image_pdf(dict, &body), &decode());
        assert!(i.decode_error.is_some() && i.unsupported.is_none());
        let cut = inspect_bytes(&image_pdf(dict, &data[..data.len() - 12]), &decode());
        assert!(cut.decode_error.unwrap().contains("JBIG2"));
        let wrong = inspect_bytes(&image_pdf(&dict.replace("64", "65"), &data), &decode());
        assert!(wrong.decode_error.unwrap().contains("XObject says 65"));
    }

    /// CCITT Group 3 (K = 0) in a PDF: libtiff's G3 strip, decoded, and damage caught
    /// (issue #19).
    #[test]
    fn ccitt_group_3_images_decode() {
        let tiff = regression("g3-1d-2page.tif");
        let strip = &tiff[8..8 + 2040]; // page 1: 200 × 120 (tiffdump)
        let dict = "/Width 200 /Height 120 /ImageMask true /Filter /CCITTFaxDecode \
                    /DecodeParms << /K 0 /Columns 200 /Rows 120 /EndOfLine true >>";
        let i = inspect_bytes(&image_pdf(dict, strip), &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!(i.pages[0].compression, "ccitt-g3");
        let mut bad = strip.to_vec();
        bad[1000..].fill(0xFF);
        let i = inspect_bytes(&image_pdf(dict, &bad), &decode());
        assert!(i.decode_error.unwrap().contains("CCITT G3"));
    }

    /// A one-page PDF (72 × 72 pt) whose content is `content`, with `resources`.
    fn content_pdf(content: &[u8], resources: &str) -> Vec<u8> {
        let page = format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Contents 4 0 R \
             /Resources << {resources} >> >>"
        );
        pdf_of(&[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            page.into_bytes(),
            [
                format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(),
                content,
                b"\nendstream",
            ]
            .concat(),
        ])
    }

    /// `BI dict ID data EI` drawn over the whole page.
    fn inline(dict: &str, data: &[u8]) -> Vec<u8> {
        [format!("q 72 0 0 72 0 0 cm BI {dict} ID ").as_bytes(), data, b"\nEI Q\n"].concat()
    }

    /// Inline images with abbreviated keys and filters, as producers write them, decode
    /// like XObjects; their resolution is the size they are drawn at (issue #19).
    #[test]
    fn inline_images_decode_like_xobjects() {
        let samples = pattern(16 * 8);
        let jpeg = super::super::testutil::jpeg(16, 8, true, (1, 72, 72));
        let grey = "/W 16 /H 8 /CS /G /BPC 8";
        let cases: [(String, Vec<u8>, &str, ColourMode); 5] = [
            (grey.into(), samples.clone(), "none", ColourMode::Grey),
            (format!("{grey} /F [/AHx /Fl]"), hex(&zlib(&samples)), "deflate", ColourMode::Grey),
            (format!("{grey} /F /DCT"), jpeg.clone(), "jpeg", ColourMode::Grey),
            (format!("{grey} /F /DCT /DP null"), jpeg, "jpeg", ColourMode::Grey),
            ("/W 16 /H 8 /CS /P0 /BPC 8".into(), samples.clone(), "none", ColourMode::Palette),
        ];
        let res = "/ColorSpace << /P0 [/Indexed /DeviceRGB 255 <00>] >>";
        let opts = super::InspectOptions { reduced: true, ..decode() };
        for (dict, data, compression, colour) in cases {
            let i = inspect_bytes(&content_pdf(&inline(&dict, &data), res), &opts);
            assert_eq!(i.decode_error, None, "{dict}");
            let p = &i.pages[0];
            assert_eq!((p.width, p.compression.as_str(), p.colour), (16, compression, colour));
            assert!((p.dpi.unwrap().x - 16.0).abs() < 0.01, "{dict}");
            assert_eq!(i.reduced.len(), usize::from(colour == ColourMode::Grey), "{dict}");
        }
        // Of two inline images the one drawn larger stands for the page.
        let small = b"q 9 0 0 9 0 0 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x01\x02\x03\x04 EI Q ";
        let both = [&small[..], &inline(grey, &samples)].concat();
        let i = inspect_bytes(&content_pdf(&both, ""), &decode());
        assert_eq!((i.pages.len(), i.pages[0].width), (1, 16));
    }

    /// A damaged inline image is damage, named as an inline image (issue #19).
    #[test]
    fn a_damaged_inline_image_is_a_decode_error() {
        let samples = pattern(16 * 8);
        let jpeg = super::super::testutil::jpeg(16, 8, true, (1, 72, 72));
        let grey = "/W 16 /H 8 /CS /G /BPC 8";
        let cases = [
            inline(&format!("{grey} /F /DCT"), &jpeg[..jpeg.len() - 40]),
            inline(&format!("{grey} /F /Fl"), &zlib(&samples)[..20]),
            inline(grey, &samples[..100]),
            b"q BI /W 16 /H 8 /CS /G /BPC 8 ID \x01\x02".to_vec(),
        ];
        for content in cases {
            let err = inspect_bytes(&content_pdf(&content, ""), &decode()).decode_error.unwrap();
            assert!(err.contains("inline image"), "{err}");
        }
    }

    #[test]
    fn a_filter_vouch_lacks_is_unsupported_by_name() {
        let i = inspect_bytes(&image_pdf(&format!("{GREY} /Filter /Crypt"), b"x"), &decode());
        assert_eq!(i.unsupported.as_deref(), Some("the filter /Crypt"));
    }

    /// (file, pages, colour, compression, dpi) of the img2pdf samples.
    #[test]
    fn img2pdf_samples_decode_every_image() {
        let cases = [
            ("img2pdf-jpeg-2page.pdf", 2, ColourMode::Grey, "jpeg", 300.0),
            ("img2pdf-g4-300dpi.pdf", 1, ColourMode::Bilevel, "ccitt-g4", 300.0),
            ("img2pdf-flate-grey.pdf", 1, ColourMode::Grey, "deflate", 300.0),
            ("img2pdf-jpx-300dpi.pdf", 1, ColourMode::Grey, "jpeg2000", 300.0),
        ];
        for (name, pages, colour, compression, dpi) in cases {
            let i = inspect_bytes(&fixture(name), &decode());
            assert_eq!(i.decode_error, None, "{name}");
            assert_eq!((i.page_count, i.pages.len()), (Some(pages), pages as usize), "{name}");
            let p = &i.pages[0];
            assert_eq!((p.colour, p.compression.as_str()), (colour, compression), "{name}");
            let d = p.dpi.unwrap();
            assert!((d.x - dpi).abs() < 0.5 && (d.y - dpi).abs() < 0.5, "{name}: {d:?}");
        }
        let two = inspect_bytes(&fixture("img2pdf-jpeg-2page.pdf"), &decode());
        let p2 = &two.pages[1];
        assert_eq!((p2.page, p2.colour), (2, ColourMode::Rgb));
        assert!((p2.dpi.unwrap().x - 200.0).abs() < 0.5, "{:?}", p2.dpi);
    }

    #[test]
    fn flate_image_over_the_inflate_limit_names_the_limit() {
        let opts = super::InspectOptions { max_inflated_bytes: 1000, ..decode() };
        let err = inspect_bytes(&fixture("img2pdf-flate-grey.pdf"), &opts).decode_error.unwrap();
        assert!(err.contains("limits.max_inflated_bytes (1000 bytes)"), "{err}");
    }

    #[test]
    fn a_wrong_xref_offset_is_repaired() {
        let mut bytes = fixture("img2pdf-jpx-300dpi.pdf");
        // Object 2's entry in the main table: make its offset point one byte late.
        let at = bytes.windows(13).rposition(|w| w == b"0000000815 00").unwrap();
        bytes[at + 9] = b'6';
        let i = inspect_bytes(&bytes, &decode());
        assert_eq!((i.decode_error, i.pages.len()), (None, 1));
        let what = i.repaired.unwrap();
        assert!(what.contains("rebuilt by scanning") && what.contains("not at byte"), "{what}");
    }

    /// Damaged cross-reference tables as qpdf 11 and poppler judge them: rebuilt when a
    /// `trailer` remains (repaired), unreadable when it does not (issue #19).
    #[test]
    fn damaged_cross_reference_tables_are_rebuilt_when_a_trailer_remains() {
        let good = image_pdf(GREY, &pattern(16 * 8));
        let xref = good.windows(6).rposition(|w| w == b"\nxref\n").unwrap() + 1;
        let trailer = good.windows(7).rposition(|w| w == b"trailer").unwrap();
        let startxref = good.windows(9).rposition(|w| w == b"startxref").unwrap();
        let shifted: Vec<u8> = String::from_utf8(good[xref..trailer].to_vec())
            .unwrap()
            .split('\n')
            .map(|l| match l.strip_suffix(" 00000 n ") {
                Some(o) => format!("{:010} 00000 n ", o.parse::<u64>().unwrap() + 3),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes();
        let repaired = [
            [&good[..xref], &shifted, &good[trailer..]].concat(),
            [&good[..startxref], b"startxref\n999\n%%EOF\n"].concat(),
            // A later definition of object 4 (an incremental update without its table).
            [&good[..startxref], &b"4 0 obj\n<< /Length 26 >>\nstream\nq 9 0 0 9 0 0 cm /Im0 Do Q\nendstream\nendobj\n"[..]].concat(),
        ];
        for (n, bytes) in repaired.iter().enumerate() {
            let i = inspect_bytes(bytes, &decode());
            assert_eq!((i.decode_error.as_deref(), i.pages.len()), (None, 1), "{n}");
            assert!(i.repaired.unwrap().contains("rebuilt by scanning"), "{n}");
        }
        // The later definition is the one read: the image is drawn 9 pt wide.
        let dpi = inspect_bytes(&repaired[2], &decode()).pages[0].dpi.unwrap();
        assert!((dpi.x - 128.0).abs() < 0.01, "{dpi:?}");
        // Without a trailer (cut in the table, or the trailer gone): unreadable.
        let unreadable = [
            good[..xref + 40].to_vec(),
            [&good[..trailer], &good[startxref..]].concat(),
            // Rebuilt, but object 5 is then not an image stream: the page does not decode.
            [&good[..startxref], b"5 0 obj\n<< /Subtype /Image /Width 9 >>\nendobj\n"].concat(),
        ];
        for (n, bytes) in unreadable.iter().enumerate() {
            let i = inspect_bytes(bytes, &decode());
            assert!(i.decode_error.is_some() && i.repaired.is_none(), "{n}");
        }
    }

    /// A stream whose `/Length` misses its `endstream` is read at its true length, as qpdf
    /// recovers it (repaired); a page tree without `/Count` is refused, as poppler refuses
    /// it (issue #19).
    #[test]
    fn stream_lengths_are_recovered_and_a_page_tree_needs_a_count() {
        let good = image_pdf(GREY, &pattern(16 * 8));
        let swap = |from: &[u8], to: &[u8]| {
            let at = good.windows(from.len()).position(|w| w == from).unwrap();
            [&good[..at], to, &good[at + from.len()..]].concat()
        };
        let i = inspect_bytes(&swap(b"/Length 128", b"/Length 9999"), &decode());
        assert_eq!((i.decode_error.as_deref(), i.pages.len()), (None, 1));
        assert!(i.repaired.unwrap().starts_with("1 stream length corrected"));
        let err = inspect_bytes(&swap(b" /Count 1", b""), &decode()).decode_error.unwrap();
        assert!(err.contains("no page count (/Count)"), "{err}");
    }

    /// A reused entry (object 5 freed and reused at generation 1) reads as written, as
    /// qpdf and poppler read it (issue #19).
    #[test]
    fn a_reused_cross_reference_entry_reads() {
        let good = image_pdf(GREY, &pattern(16 * 8));
        let text = |b: &[u8]| b.iter().map(|&c| char::from(c)).collect::<String>();
        let mut s = text(&good).replace("5 0 obj", "5 1 obj").replace("5 0 R", "5 1 R");
        let xref = s.rfind("\nxref\n").unwrap();
        let entry = xref + "\nxref\n0 6\n".len() + 5 * 20;
        s.replace_range(entry + 11..entry + 16, "00001");
        let bytes: Vec<u8> = s.chars().map(|c| c as u8).collect();
        let i = inspect_bytes(&bytes, &decode());
        assert_eq!((i.decode_error.as_deref(), i.repaired, i.pages.len()), (None, None, 1));
    }

    /// A huge object number costs the rebuilt table one entry, not four billion.
    #[test]
    fn a_rebuilt_table_lists_only_the_objects_found() {
        let good = image_pdf(GREY, &pattern(16 * 8));
        let startxref = good.windows(9).rposition(|w| w == b"startxref").unwrap();
        let bytes = [&good[..startxref], b"4000000000 0 obj\nnull\nendobj\n"].concat();
        let rebuilt = super::pdf_repair::rebuild(&bytes).unwrap();
        assert!(rebuilt.len() < bytes.len() + 400, "{}", rebuilt.len());
    }

    #[test]
    fn a_damaged_image_inside_a_pdf_is_a_decode_error() {
        let mut bytes = fixture("img2pdf-g4-300dpi.pdf");
        // Zero the CCITT data: the structure still parses, the image does not decode.
        let image = bytes.windows(15).position(|w| w == b"/CCITTFaxDecode").unwrap();
        let at = image + bytes[image..].windows(6).position(|w| w == b"stream").unwrap() + 8;
        bytes[at..at + 40].fill(0);
        let err = inspect_bytes(&bytes, &decode()).decode_error.unwrap();
        assert!(err.starts_with("PDF page 1 of 1: image"), "{err}");
    }
}
