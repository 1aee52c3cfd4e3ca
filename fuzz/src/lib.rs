//! Shared harness of vouch's fuzz targets (issue #8).
//!
//! Every target feeds untrusted bytes to the same public entry point the `vouch` binary
//! uses, so what the fuzzer finds is what a hostile delivery drive could do. Three things
//! are common and live here:
//!
//! - **Panics.** `inspect_bytes` contains decoder panics on purpose (`vouch::inspect::guard`): a
//!   panicking third-party decoder becomes a `decode_error`, which is the designed outcome.
//!   libFuzzer's panic hook would abort on those too, so [`init`] installs a hook that lets
//!   a panic raised inside a dependency unwind to vouch's guard (and says so on stderr),
//!   and aborts on every panic raised in vouch's own code. `VOUCH_FUZZ_STRICT_PANICS=1`
//!   aborts on dependency panics as well, to hunt them.
//! - **Stack.** `vouch check` inspects files on rayon worker threads, whose stacks are
//!   2 MiB, not the 8 MiB of a main thread. Inspection here runs on a thread of that size,
//!   so unbounded recursion shows up as the crash it would be in production.
//! - **Limits.** The inspector targets run with limits far below the defaults
//!   ([`options`]): then any allocation near libFuzzer's `-malloc_limit_mb=1024` is one
//!   no profile limit governs, which is exactly the bug to find.

use std::io::Write;
use std::sync::Once;
use vouch::inspect::facts::Inspection;
use vouch::inspect::{InspectOptions, inspect_bytes};

/// Stack of a rayon worker thread (Rust's default for spawned threads).
pub const WORKER_STACK: usize = 2 << 20;

static HOOK: Once = Once::new();

/// Installs the panic policy described in the module documentation. Call first in every
/// target body (libFuzzer's own hook is installed before the first input, so this wraps it).
pub fn init() {
    HOOK.call_once(|| {
        let strict = std::env::var_os("VOUCH_FUZZ_STRICT_PANICS").is_some_and(|v| v == "1");
        let abort_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map_or("", |l| l.file());
            let in_dependency = file.contains("/registry/src/") || file.contains("/rustc/");
            if in_dependency && !strict {
                eprintln!("fuzz: dependency panic left to vouch's guard: {info}");
                return;
            }
            abort_hook(info);
        }));
    });
}

/// The limits every inspector target runs with: 16 Mpixel pages and 64 MiB inflated
/// streams, so a legitimate allocation stays far below libFuzzer's malloc limit.
pub fn options() -> InspectOptions {
    InspectOptions { max_pixels: 1 << 24, max_inflated_bytes: 64 << 20, ..Default::default() }
}

/// Inspects `bytes` with decoding on, on a worker-sized stack, and checks the outcome is
/// coherent: a panic in vouch's own code aborts (see [`init`]), a contained one is only
/// acceptable from a dependency, and a file that decoded has one fact per page at most.
pub fn inspect(bytes: &[u8]) -> Inspection {
    init();
    let data = bytes.to_vec();
    let inspection = std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(move || inspect_bytes(&data, &options()))
        .expect("spawning the inspection thread")
        .join()
        .unwrap_or_else(|_| panic!("inspect_bytes panicked outside its guard"));
    assert_eq!(inspection.size, bytes.len() as u64);
    if !bytes.is_empty() {
        assert!(inspection.format.is_some(), "a non-empty file has a format");
    }
    if let Some(count) = inspection.page_count {
        assert!(inspection.pages.len() <= count as usize, "more decoded pages than pages");
    }
    if let Some(e) = &inspection.decode_error {
        assert!(!e.is_empty(), "an empty decode_error explains nothing");
        if e.starts_with("decoder panicked") {
            let _ = writeln!(std::io::stderr(), "fuzz: contained panic: {e}");
        }
    }
    inspection
}

/// `bytes`, starting with `magic` (prepended unless already there), so a per-format
/// target reaches that format's decoder instead of the "unknown format" answer.
pub fn with_magic(magic: &[u8], bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(magic) { bytes.to_vec() } else { [magic, bytes].concat() }
}

/// Splits fuzz input into at most `n` parts at `\0\xFF` separators (the last part keeps
/// the rest), for targets that assemble a ZIP package from parts.
pub fn parts(bytes: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(n);
    let mut rest = bytes;
    while out.len() + 1 < n {
        match rest.windows(2).position(|w| w == b"\0\xFF") {
            Some(at) => {
                out.push(&rest[..at]);
                rest = &rest[at + 2..];
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

/// A ZIP package of `entries` (name, content), deflated or stored.
pub fn zip_of(entries: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let method =
        if deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    let options = SimpleFileOptions::default().compression_method(method);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        w.start_file(*name, options).expect("zip entry");
        w.write_all(content).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// A one-page PDF whose page draws one image XObject (`dict` entries and stream `data`),
/// cross-reference offsets right, so a target reaches the image's filters and codec.
pub fn image_pdf(dict: &str, data: &[u8]) -> Vec<u8> {
    pdf_with_content(b"q 72 0 0 72 0 0 cm /Im0 Do Q", dict, data)
}

/// [`image_pdf`] whose page content is `content` (inline images, operators), with an
/// image XObject `/Im0` of `dict` and `data` in its resources.
pub fn pdf_with_content(content: &[u8], dict: &str, data: &[u8]) -> Vec<u8> {
    let stream = |d: &str, body: &[u8]| {
        [format!("<< {d} /Length {} >>\nstream\n", body.len()).as_bytes(), body, b"\nendstream"]
            .concat()
    };
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Contents 4 0 R \
          /Resources << /XObject << /Im0 5 0 R >> /ColorSpace << /P0 [/Indexed /DeviceRGB 1 <000000FFFFFF>] >> >> >>"
            .to_vec(),
        stream("", content),
        stream(&format!("/Type /XObject /Subtype /Image {dict}"), data),
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}
