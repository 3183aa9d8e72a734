//! How the process asks the system for memory.
//!
//! The allocator (mimalloc) marks its heap for transparent huge pages, so the
//! system zeroes 2 MiB at each first touch. A long run that fills tens of
//! megabytes gains by it (about 15% of a 6,000-item Map run); a process that
//! checks one file and exits touches a few scattered megabytes, and zeroing
//! whole huge pages for them is an eighth of its time (4.7 ms against 4.1 ms
//! measured for `sfn validate` on a 50-state file).

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
