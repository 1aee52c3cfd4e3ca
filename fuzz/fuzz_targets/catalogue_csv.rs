//! Catalogue as text: encoding and delimiter detection, CSV parsing, header mapping and
//! record validation under the built-in profile. A bad catalogue must be an error, never
//! a panic.
#![no_main]
use std::path::Path;
use vouch::catalogue::{Catalogue, Options};
use vouch::profile::Profile;
/// The built-in profile, parsed once (its regexes are costly to compile per input).
fn profile() -> &'static Profile {
    static PROFILE: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
    PROFILE.get_or_init(|| Profile::load("dat31").expect("built-in profile"))
}
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vouch_fuzz::init();
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"\xD0\xCF\x11\xE0") {
        return; // spreadsheets are catalogue_xlsx's
    }
    let _ = Catalogue::from_bytes(
        Path::new("catalogue.csv"),
        data,
        &profile().catalogue,
        &Options::default(),
    );
});
