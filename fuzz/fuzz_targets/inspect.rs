//! Any bytes, as a delivered file: format sniffing, then the decoder it picks, decoding on.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vouch_fuzz::inspect(data);
});
