//! JBIG2 (ITU T.88): PDF `JBIG2Decode` streams (with their `/JBIG2Globals`) and the `.jb2`
//! images of OFD pages, fully decoded with `hayro-jbig2` (issue #19).
//!
//! Decoder choice: `hayro-jbig2` is pure, memory-safe Rust (`forbid(unsafe_code)`), from
//! the same family as the JPEG 2000 decoder already used, and covers generic, refinement,
//! text, symbol, halftone and pattern segments, MMR and arithmetic coding. Version 0.3:
//! 0.4 needs a newer Rust than this crate's `rust-version`. Its alternative, `jbig2dec`,
//! is C; it stays the reference of the differential suite (`tests/formats.rs`).
//!
//! Strictness: the decoder must hand out exactly the page's rows, and the pixel limit is
//! applied to the page size the page information segment declares, before any bitmap
//! is allocated. A segment whose data is cut short, or whose header lies, is the
//! decoder's error, reported as damage.

use super::reduce::{ReducedImage, Reducer};
use super::{InspectOptions, over_pixel_limit};

/// A decoded JBIG2 page: its size, and with `reduce` its 1/8-scale grey image.
pub(crate) struct Page {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) reduced: Option<ReducedImage>,
}

/// Where the segments come from: a stand-alone file (T.88 Annex D.1/D.2, with its
/// header) or an embedded stream (Annex D.3) with optional global segments.
pub(crate) enum Source<'a> {
    File(&'a [u8]),
    Embedded { data: &'a [u8], globals: Option<&'a [u8]> },
}

/// Parses the segments, checks the page size, and (with full depth) decodes every row.
pub(crate) fn decode(
    source: Source<'_>,
    opts: &InspectOptions,
    reduce: bool,
) -> Result<Page, String> {
    let corrupt = |e: hayro_jbig2::DecodeError| format!("JBIG2 data is corrupt or truncated: {e}");
    let image = match source {
        Source::File(data) => hayro_jbig2::Image::new(data),
        Source::Embedded { data, globals } => hayro_jbig2::Image::new_embedded(data, globals),
    }
    .map_err(corrupt)?;
    let (width, height) = (image.width(), image.height());
    if let Some(why) = over_pixel_limit("the JBIG2 page", width, height, opts) {
        return Err(why);
    }
    if !opts.pixels() {
        return Ok(Page { width, height, reduced: None });
    }
    let mut rows = Rows {
        width,
        row: Vec::with_capacity(width as usize),
        y: 0,
        reducer: reduce.then(|| Reducer::new(width, height)),
        overrun: false,
    };
    image.decode(&mut rows).map_err(corrupt)?;
    if rows.y != height || rows.overrun {
        return Err(format!(
            "JBIG2 data decoded to {} rows of the page's {height}: corrupt",
            rows.y
        ));
    }
    Ok(Page { width, height, reduced: rows.reducer.map(Reducer::finish) })
}

/// A stand-alone JBIG2 file: its (first) page decoded, bilevel, without resolution.
pub(crate) fn inspect(bytes: &[u8], opts: &InspectOptions) -> super::Decoded {
    let mut decoded = super::Decoded { page_count: Some(1), ..super::Decoded::default() };
    if !opts.decode {
        return decoded;
    }
    match decode(Source::File(bytes), opts, opts.reduced && opts.pixels()) {
        Ok(page) => {
            decoded.pages.push(crate::inspect::facts::PageFacts {
                page: 1,
                width: page.width,
                height: page.height,
                dpi: None,
                dpi_source: None,
                colour: crate::inspect::facts::ColourMode::Bilevel,
                bits_per_sample: 1,
                compression: "jbig2".into(),
                icc: false,
                quality: None,
            });
            decoded.reduced.extend(page.reduced.map(|r| (1, r)));
        }
        Err(why) => decoded.error = Some(why),
    }
    decoded
}

/// Counts the rows the decoder hands out, each exactly the page's width, and feeds them
/// to the reducer (black ink is 0, paper 255).
struct Rows {
    width: u32,
    row: Vec<u8>,
    y: u32,
    reducer: Option<Reducer>,
    overrun: bool,
}

impl Rows {
    fn push(&mut self, black: bool, n: usize) {
        if self.reducer.is_some() {
            self.row.extend(std::iter::repeat_n(if black { 0 } else { 255 }, n));
        } else {
            // Only the count matters: keep the length without the bytes' cost.
            self.row.resize(self.row.len() + n, 0);
        }
    }
}

impl hayro_jbig2::Decoder for Rows {
    fn push_pixel(&mut self, black: bool) {
        self.push(black, 1);
    }

    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        self.push(black, chunk_count as usize * 8);
    }

    fn next_line(&mut self) {
        if self.row.len() != self.width as usize {
            self.overrun = true;
        }
        if let Some(r) = self.reducer.as_mut() {
            self.row.resize(self.width as usize, 255);
            r.add_row(0, 1, self.y, &self.row);
        }
        self.row.clear();
        self.y += 1;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One JBIG2 segment header and data (T.88 7.2): number, type, no referred-to
    /// segments, page association `page`, data length.
    fn segment(number: u32, kind: u8, page: u8, data: &[u8]) -> Vec<u8> {
        let mut s = number.to_be_bytes().to_vec();
        s.extend_from_slice(&[kind, 0, page]);
        s.extend_from_slice(&(data.len() as u32).to_be_bytes());
        s.extend_from_slice(data);
        s
    }

    /// `pixels` (0 black, else white; `width` per row) as an embedded JBIG2 stream: page
    /// information, one immediate lossless generic region coded with MMR (CCITT G4, which
    /// `fax` encodes), end of page. With `split`, the page information is returned apart,
    /// as a `/JBIG2Globals`-style stream would carry shared segments.
    pub(crate) fn mmr_stream(pixels: &[u8], width: u32, split: bool) -> (Vec<u8>, Vec<u8>) {
        let height = (pixels.len() / width as usize) as u32;
        let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
        for row in pixels.chunks(width as usize) {
            let pels =
                row.iter().map(|&p| if p == 0 { fax::Color::Black } else { fax::Color::White });
            enc.encode_line(pels, width as u16).unwrap();
        }
        let mmr = enc.finish().unwrap().finish();
        let mut info = Vec::new();
        for v in [width, height, 0, 0] {
            info.extend_from_slice(&v.to_be_bytes());
        }
        info.extend_from_slice(&[0, 0, 0]); // flags, no striping
        let mut region = Vec::new();
        for v in [width, height, 0, 0] {
            region.extend_from_slice(&v.to_be_bytes());
        }
        region.push(0); // external combination operator OR
        region.push(1); // generic region flags: MMR
        region.extend_from_slice(&mmr);
        let page_info = segment(0, 48, if split { 0 } else { 1 }, &info);
        let body = [segment(1, 38, 1, &region), segment(2, 49, 1, &[])].concat();
        if split { (body, page_info) } else { ([page_info, body].concat(), Vec::new()) }
    }

    /// `mmr_stream` as a stand-alone JBIG2 file (T.88 D.4: id string, sequential
    /// organisation, one page).
    pub(crate) fn mmr_file(pixels: &[u8], width: u32) -> Vec<u8> {
        let head = [0x97, 0x4A, 0x42, 0x32, 0x0D, 0x0A, 0x1A, 0x0A, 0x01, 0, 0, 0, 1];
        [&head[..], &mmr_stream(pixels, width, false).0].concat()
    }

    #[test]
    fn a_stand_alone_file_is_one_bilevel_page() {
        let mut px = vec![255u8; 96 * 48];
        px[96 * 10..96 * 30].fill(0);
        let file = mmr_file(&px, 96);
        let i = crate::inspect::inspect_bytes(&file, &InspectOptions::default());
        assert_eq!(i.format, Some(crate::inspect::facts::Format::Jbig2));
        assert_eq!((i.decode_error, i.page_count, i.pages[0].width), (None, Some(1), 96));
        // The committed sample of the differential suite is this file.
        assert_eq!(crate::inspect::testutil::fixture("jbig2-mmr-96x48.jb2"), file);
    }

    fn full() -> InspectOptions {
        InspectOptions { reduced: true, ..InspectOptions::default() }
    }

    #[test]
    fn an_mmr_page_decodes_row_for_row_with_its_reduced_image() {
        let (w, h) = (64u32, 40u32);
        let mut px = vec![255u8; (w * h) as usize];
        for y in 8..32 {
            px[(y * w) as usize..(y * w + 32) as usize].fill(0);
        }
        let (data, _) = mmr_stream(&px, w, false);
        let page = decode(Source::Embedded { data: &data, globals: None }, &full(), true).unwrap();
        assert_eq!((page.width, page.height), (64, 40));
        let r = page.reduced.unwrap();
        assert_eq!((r.width, r.height), (8, 5));
        assert_eq!((r.pixels[8], r.pixels[12], r.pixels[0]), (0, 255, 255), "{:?}", r.pixels);
        let (body, globals) = mmr_stream(&px, w, true);
        let split = Source::Embedded { data: &body, globals: Some(&globals) };
        assert_eq!(decode(split, &full(), false).unwrap().height, 40);
    }

    #[test]
    fn cut_short_or_over_the_limit_is_refused() {
        let px = vec![0u8; 32 * 16];
        let (data, _) = mmr_stream(&px, 32, false);
        // Inside the page information, inside the region's header, inside its MMR data.
        // (Cut right after the page information, the stream is a blank page, as jbig2dec
        // reads it too: an embedded stream needs no end-of-page segment.)
        for cut in [20, 36, data.len() - 12] {
            let s = Source::Embedded { data: &data[..cut], globals: None };
            assert!(decode(s, &full(), false).is_err(), "cut at {cut}");
        }
        let small = InspectOptions { max_pixels: 100, ..full() };
        let err = decode(Source::Embedded { data: &data, globals: None }, &small, false);
        assert!(err.err().unwrap().contains("limits.max_pixels"));
    }
}
