//! Exiting while a connection closes.
//!
//! SQLCipher frees its global state in an exit handler (atexit and `.fini_array`, with no
//! switch to turn it off). sqlx closes a dropped pool's connections on their worker threads,
//! a little later. A process that exits in between runs that close on freed state and dies
//! with SIGSEGV after its work is done: seen in CI after every test had passed, and reproduced
//! 36 times in 300 runs of a program that drops six stores and returns (a core dump showed
//! `sqlcipher_extra_shutdown` on the main thread and `sqlcipher_codec_ctx_free` on a worker).
//!
//! The app closes the cache before it exits (`Store::close`). For every other way out, an exit
//! handler registered after SQLCipher's (so that it runs first) waits, a few seconds at most,
//! until no connection worker is left: a worker thread ends only once its connection is closed.

#[cfg(target_os = "linux")]
pub(crate) fn wait_for_closing_connections() {
    static REGISTER: std::sync::Once = std::sync::Once::new();
    // SAFETY: `atexit` takes a plain function that lives as long as the program. The one
    // unsafe call in the workspace: no safe crate registers an exit handler.
    #[allow(unsafe_code)]
    REGISTER.call_once(|| unsafe {
        libc::atexit(wait_for_workers);
    });
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn wait_for_closing_connections() {
    // Elsewhere threads cannot be listed by name as cheaply; the app's explicit close covers it.
}

#[cfg(target_os = "linux")]
extern "C" fn wait_for_workers() {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while connection_workers() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// sqlx's SQLite worker threads ("sqlx-sqlite-worker-N", cut to 15 bytes by the kernel).
#[cfg(target_os = "linux")]
fn connection_workers() -> usize {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0 };
    tasks
        .filter_map(Result::ok)
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.starts_with("sqlx-sqlite-wor"))
        })
        .count()
}
