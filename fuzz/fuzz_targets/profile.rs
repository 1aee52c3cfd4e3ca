//! Profiles: TOML parsing (strict, unknown keys refused) and validation (regexes, rule
//! ids, limits). A bad profile must be an error naming the problem, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vouch_fuzz::init();
    let Ok(src) = std::str::from_utf8(data) else { return };
    if let Err(e) = vouch::profile::Profile::parse(src, "fuzz.toml") {
        assert!(!e.to_string().is_empty());
    }
});
