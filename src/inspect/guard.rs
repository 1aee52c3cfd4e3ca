//! Containment of panics in third-party decoders.
//!
//! Decoders are fed hostile input; a panic inside one must become a finding about that
//! file, not a crash of a run over terabytes, and must not spray a backtrace over the
//! progress bar. [`catch`] runs a closure with panics caught and marked as expected on
//! this thread; the hook installed by [`install_hook`] stays silent for those and prints
//! every other panic (a bug in vouch itself) as the default hook would.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Installs the panic hook that keeps caught decoder panics quiet. Call once, early.
pub fn install_hook() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !CATCHING.with(Cell::get) {
            default(info);
        }
    }));
}

/// Runs `f`, turning a panic into its message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let outer = CATCHING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(outer));
    result.map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic payload".to_string()
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_its_message() {
        let r: Result<(), String> = super::catch(|| panic!("bad strip {}", 3));
        assert_eq!(r.unwrap_err(), "bad strip 3");
        assert_eq!(super::catch(|| 7).unwrap(), 7);
    }
}
