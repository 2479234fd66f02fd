//! Ctrl-C (SIGINT): a request to stop that every run and sweep honours at its
//! next check, so that what finished is kept and nothing half-written stays.
//! The binary installs the handler; as a library nothing changes unless asked.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The exit code of a command stopped by SIGINT (128 + 2, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Whether a stop was requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Requests a stop, as Ctrl-C does.
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Turns SIGINT into a stop request; a second one ends the process at once
/// (its working folders are collected by the next command on that folder).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::Relaxed) {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!("\ninterrupted: stopping (press Ctrl-C again to quit at once)");
    });
}
