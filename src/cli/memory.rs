//! How the process asks the system for memory.
//!
//! The allocator (mimalloc) marks its heap for transparent huge pages, so the
//! system zeroes 2 MiB at each first touch of a region, and each thread's
//! allocations start a region of their own. Most commands touch a few
//! scattered megabytes and exit: zeroing whole huge pages for them costs more
//! than it saves, and made run times erratic (page faults of tens of
//! milliseconds at times). Small pages from the first allocation on (main.rs),
//! measured against huge pages, alternating run by run: `sfn --version` 2.35 ->
//! 2.00 ms, `sfn validate` of a 50-state file 4.29 -> 3.94 ms, the README's
//! order run 5.67 -> 4.67 ms, the 6,000-item Map run (history stored) median
//! 40.4 -> 19.4 ms and mean 40.0 -> 19.9 ms, the 6,000-iteration loop 14.0 ->
//! 12.2 ms. Validating hundreds of files, which fills tens of megabytes on every
//! core, turns huge pages back on (about 5% faster with them).

/// Whether memory touched from now on may come in huge pages (Linux only; the
/// setting is the process's, so it holds for every thread).
pub fn huge_pages(allowed: bool) {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only changes the page size of later faults.
    unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            libc::c_ulong::from(!allowed),
            0,
            0,
            0,
        );
    }
    #[cfg(not(target_os = "linux"))]
    let _ = allowed;
}
