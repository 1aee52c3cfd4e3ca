//! Image quality measured for accuracy (issue #10): the labelled set
//! (`support/quality_set.rs`) is generated, checked by the real binary with the `dat31`
//! profile, and every quality rule must reach precision and recall of 0.95 on it, the
//! skew measure a mean error of 0.2° at most. The clean deliveries of the other tests
//! raising no quality finding is asserted there (they expect exact findings).

use crate::support::quality_set::{self, Score, precision_recall};
use crate::util::vouch;

#[test]
fn the_quality_rules_meet_their_accuracy_targets_on_the_labelled_set() {
    let dir = tempfile::tempdir().unwrap();
    let set = quality_set::generate(dir.path(), &quality_set::specs()).unwrap();
    let mut args = vec!["check".into(), set.delivery.clone().into_os_string()];
    args.extend(["--catalogue".into(), set.catalogue.clone().into_os_string()]);
    args.extend(["--out".into(), dir.path().join("report").into_os_string()]);
    args.extend(["--profile", "dat31", "--format", "json"].map(Into::into));
    let run = vouch(args);
    let score = Score::of(&set, &run.json());
    let table = score.table();
    for (rule, tp, fp, fn_, misses) in &score.rules {
        let (precision, recall) = precision_recall(*tp, *fp, *fn_);
        assert!(tp + fn_ >= 5, "{rule}: too few labelled pages\n{table}");
        assert!(
            precision >= 0.95 && recall >= 0.95,
            "{rule}: precision {precision:.3}, recall {recall:.3}; misses {misses:?}\n{table}"
        );
    }
    let (mean, _) = score.skew();
    assert!(score.skew_errors.len() >= 40, "{table}");
    assert!(score.skew_unmeasured.is_empty(), "unmeasured: {:?}", score.skew_unmeasured);
    assert!(mean <= 0.2, "skew error mean {mean:.3}°\n{table}");
}

/// The held-out half (issue #15), which no threshold was fitted on: every quality rule
/// finds at least 95% of its pages, and is precise to 0.99 where dat31 makes it an error
/// (it blocks acceptance), to 0.95 where a warning; skew within 0.2° on average.
#[test]
fn the_quality_rules_hold_on_the_held_out_half() {
    let dir = tempfile::tempdir().unwrap();
    let set = quality_set::generate(dir.path(), &quality_set::held_out()).unwrap();
    let mut args = vec!["check".into(), set.delivery.clone().into_os_string()];
    args.extend(["--catalogue".into(), set.catalogue.clone().into_os_string()]);
    args.extend(["--profile", "dat31", "--format", "json"].map(Into::into));
    let report = vouch(args).json();
    let score = Score::of(&set, &report);
    let table = score.table();
    for (rule, tp, fp, fn_, misses) in &score.rules {
        let (precision, recall) = precision_recall(*tp, *fp, *fn_);
        let severity = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == *rule)
            .map(|f| f["severity"].as_str().unwrap().to_string());
        let floor = if severity.as_deref() == Some("error") { 0.99 } else { 0.95 };
        assert!(tp + fn_ >= 3, "{rule}: too few labelled pages\n{table}");
        assert!(
            precision >= floor && recall >= 0.95,
            "{rule} ({severity:?}): precision {precision:.3}, recall {recall:.3}; misses \
             {misses:?}\n{table}"
        );
    }
    let (mean, _) = score.skew();
    assert!(score.skew_errors.len() >= 30, "{table}");
    assert!(mean <= 0.2, "skew error mean {mean:.3}°\n{table}");
}

#[test]
fn the_labelled_set_is_what_it_claims() {
    let specs = quality_set::specs();
    let rotated = specs.iter().filter(|s| s.skew != 0.0).count();
    let angles = specs.iter().map(|s| s.skew.abs()).fold(0.0, f64::max);
    assert!(rotated >= 12 && angles == 6.0);
    // A near-duplicate is its original (same content and scan), at another quality.
    let dups: Vec<_> = specs.windows(2).filter(|w| w[1].again).collect();
    assert!(dups.len() >= 5);
    for pair in dups {
        let (a, b) = (&pair[0], &pair[1]);
        assert_ne!(a.quality, b.quality);
        assert_eq!(
            (a.seed, a.content, a.dpi, a.skew, a.blur),
            (b.seed, b.content, b.dpi, b.skew, b.blur)
        );
    }
}

/// Pages for the contrast test (issue #15), drawn here rather than by the labelled set's
/// generator: text as short strokes of a given width (2 px is a thin pen at 200 dpi) in
/// lines, on an evenly toned sheet; `lines` of them from the top (3 and a title: a sparse
/// page). (width, height) 960 × 1360 px, A5-ish at 200 dpi.
mod contrast_pages {
    use crate::support::generate::encode::Rng;

    pub const W: u32 = 960;
    pub const H: u32 = 1360;

    /// Grey pixels: paper `paper`, ink `ink`, strokes `stroke` px wide, `lines` lines.
    pub fn text(seed: u64, paper: u8, ink: u8, stroke: u32, lines: u32) -> Vec<u8> {
        let mut rng = Rng::new(seed);
        let mut px = vec![paper; (W * H) as usize];
        let mut put = |x: u32, y: u32| px[(y * W + x) as usize] = ink;
        for line in 0..lines {
            let top = 120 + line * 44;
            let mut x = 100;
            while x < W - 140 && top + 30 < H - 100 {
                // A character: a vertical stroke, a horizontal one, sometimes a diagonal.
                let (cw, ch) = (14 + rng.below(10) as u32, 24);
                for dy in 0..ch {
                    for dx in 0..stroke {
                        put(x + dx, top + dy);
                        put(x + cw - stroke + dx, top + dy * rng.below(2) as u32);
                    }
                }
                for dx in 0..cw {
                    for dy in 0..stroke {
                        put(x + dx, top + ch / 2 + dy);
                        put(x + dx, top + dy + rng.below(3) as u32 * 10);
                    }
                }
                x += cw + 8 + if rng.below(6) == 0 { 20 } else { 0 };
            }
        }
        px
    }

    /// Baseline JPEG (grey, or colour with a faint paper tint) at 200 dpi.
    pub fn jpeg(grey: &[u8], colour: bool, quality: u8) -> Vec<u8> {
        use image::codecs::jpeg::{JpegEncoder, PixelDensity};
        let mut out = Vec::new();
        let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
        enc.set_pixel_density(PixelDensity::dpi(200));
        let rgb: Vec<u8>;
        let (data, kind) = if colour {
            rgb = grey.iter().flat_map(|&v| [v, v, v.saturating_sub(8)]).collect();
            (&rgb[..], image::ExtendedColorType::Rgb8)
        } else {
            (grey, image::ExtendedColorType::L8)
        };
        enc.encode(data, W, H, kind).unwrap();
        out
    }
}

#[test]
fn thin_sparse_and_g4_pages_are_accepted_and_a_flat_or_grey_page_is_not() {
    use crate::support::generate::encode::g4_tiff_sized;
    use crate::util::{EXIT_ACCEPTED, findings};
    use contrast_pages::{H, W, jpeg, text};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("delivery");
    let pages: Vec<(&str, &str, Vec<u8>)> = vec![
        ("T-1", "jpg", jpeg(&text(1, 248, 22, 2, 24), false, 85)),
        ("T-2", "jpg", jpeg(&text(2, 245, 30, 3, 24), true, 75)),
        ("T-3", "jpg", jpeg(&text(3, 250, 20, 2, 4), false, 90)),
        ("T-4", "jpg", jpeg(&text(4, 240, 40, 4, 4), true, 80)),
        ("T-5", "tif", g4_tiff_sized(&text(5, 255, 0, 2, 24), (W, H), 200)),
        ("T-6", "tif", g4_tiff_sized(&text(6, 255, 0, 3, 4), (W, H), 200)),
        // Defects: a squeezed histogram (ink and paper within 150..205), grey paper.
        ("D-1", "jpg", jpeg(&text(7, 205, 150, 3, 24), false, 85)),
        ("D-2", "jpg", jpeg(&text(8, 120, 20, 2, 24), false, 85)),
    ];
    let mut catalogue = String::from("档号,题名,页数\n");
    for (code, ext, bytes) in &pages {
        std::fs::create_dir_all(root.join(code)).unwrap();
        std::fs::write(root.join(code).join(format!("001.{ext}")), bytes).unwrap();
        catalogue += &format!("{code},页,1\n");
    }
    let cat = dir.path().join("catalogue.csv");
    std::fs::write(&cat, catalogue).unwrap();
    let run = |skip_defects: bool| {
        if skip_defects {
            for d in ["D-1", "D-2"] {
                let _ = std::fs::rename(root.join(d), dir.path().join(d));
            }
        } else {
            for d in ["D-1", "D-2"] {
                let _ = std::fs::rename(dir.path().join(d), root.join(d));
            }
        }
        let cat_now = if skip_defects {
            let clean: String = std::fs::read_to_string(&cat)
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("D-"))
                .map(|l| format!("{l}\n"))
                .collect();
            let p = dir.path().join("clean.csv");
            std::fs::write(&p, clean).unwrap();
            p
        } else {
            cat.clone()
        };
        let mut args = vec!["check".into(), root.clone().into_os_string()];
        args.extend(["--catalogue".into(), cat_now.into_os_string()]);
        args.extend(["--profile", "dat31", "--format", "json"].map(Into::into));
        vouch(args)
    };
    let clean = run(true);
    clean.assert_code(EXIT_ACCEPTED);
    let report = clean.json();
    let got: Vec<String> =
        findings(&report).iter().map(|f| format!("{} {:?}", f.rule, f.path)).collect();
    let quality: Vec<&String> = got.iter().filter(|f| f.starts_with("image-")).collect();
    assert!(quality.is_empty(), "clean pages raised {quality:?}\n{}", clean.stdout);
    // Every clean page was measured; a dense page (T-1, T-2, T-5) with its full contrast
    // whatever the stroke width, a sparse one with full contrast or none.
    for f in report["files"].as_array().unwrap() {
        let q = &f["page_facts"][0]["quality"];
        let (path, c) = (f["path"].as_str().unwrap(), q["contrast"].as_u64());
        let dense = ["T-1/", "T-2/", "T-5/"].iter().any(|p| path.starts_with(p));
        assert!(q["paper"].as_u64().is_some(), "{path}: not measured");
        assert!(if dense { c >= Some(150) } else { c.is_none_or(|c| c >= 150) }, "{path}: {q}");
    }
    let defects = run(false);
    let report = defects.json();
    let exposure: Vec<String> = findings(&report)
        .into_iter()
        .filter(|f| f.rule == "image-exposure")
        .map(|f| f.path.unwrap_or_default())
        .collect();
    assert_eq!(exposure, ["D-1/001.jpg", "D-2/001.jpg"], "{}", defects.stdout);
}

#[test]
fn the_held_out_half_is_apart_from_the_fitted_one_and_varied() {
    use quality_set::{Content, Mode};
    let (fit, held) = (quality_set::specs(), quality_set::held_out());
    assert!(held.iter().all(|h| fit.iter().all(|f| f.seed != h.seed)), "a seed is shared");
    for mode in [Mode::GreyJpeg, Mode::ColourJpeg, Mode::G4Tiff, Mode::GreyTiff] {
        assert!(held.iter().any(|s| s.mode == mode), "{mode:?} missing");
    }
    for content in [Content::Title, Content::Sparse] {
        assert!(held.iter().any(|s| s.content == content), "{content:?} missing");
    }
    let dpis: Vec<u32> = held.iter().map(|s| s.dpi).collect();
    assert!(dpis.contains(&150) && dpis.contains(&600), "{dpis:?}");
    let fonts = held.iter().map(|s| s.font_mm);
    let (small, large) = fonts.fold((f64::MAX, 0.0f64), |(a, b), f| (a.min(f), b.max(f)));
    assert!(small <= 2.1 && large >= 5.6, "fonts {small}–{large} mm");
    assert!(held.iter().any(|s| s.bleed) && held.iter().any(|s| s.paper == Some(218)));
    // Blur is labelled where it is measured: baseline JPEG (coefficients) and greyscale
    // TIFF (pixels); a bilevel page's edges are sharp by construction. Both are there.
    let blurred: Vec<Mode> = held.iter().filter(|s| s.blur > 0.0).map(|s| s.mode).collect();
    assert!(blurred.iter().all(|m| *m != Mode::G4Tiff), "{blurred:?}");
    assert!(blurred.contains(&Mode::GreyTiff) && blurred.contains(&Mode::GreyJpeg), "{blurred:?}");
}
