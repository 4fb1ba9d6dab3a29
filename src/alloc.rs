//! The memory allocator: glibc's for searching, mimalloc's while indexing.
//!
//! Indexing allocates tens of millions of small, short-lived strings and
//! vectors on every core, and tantivy's indexing threads free documents
//! that the tagging threads built. Under glibc every such free on another
//! thread takes the owner's arena lock, and on a shared 2-core machine a
//! descheduled lock holder turns into futex waits and wake-ups (80,000 to
//! 300,000 a full AllSides build): the same build took 11 to 19 s. mimalloc
//! frees across threads without locks: the full build is ~20% faster and
//! steady from run to run.
//!
//! A search is a short process that allocates little. There mimalloc's
//! set-up and fresh pages made the 40 benchmark queries 32% slower and a
//! search's peak memory 2.4x larger, so searching stays on glibc.
//! mimalloc still initialises itself when a process starts, linked in
//! whether used or not: its version 2 (the `v2` feature) in ~10 µs,
//! version 3 in 50-90 µs (more page faults), a few percent of a search.
//!
//! [`NewsgrepAlloc`] therefore hands out memory from glibc until
//! [`indexing`] switches it to mimalloc; every block goes back to the
//! allocator it came from, which mimalloc can tell by address.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

/// Whether new blocks come from mimalloc.
static USE_MIMALLOC: AtomicBool = AtomicBool::new(false);
/// Whether mimalloc ever handed out a block: until then every block is
/// glibc's and frees need not ask.
static MIMALLOC_USED: AtomicBool = AtomicBool::new(false);

/// From now on, new memory comes from mimalloc (see the module docs). Call
/// it before indexing; it lasts for the rest of the process.
pub fn indexing() {
    MIMALLOC_USED.store(true, Ordering::SeqCst);
    USE_MIMALLOC.store(true, Ordering::SeqCst);
}

/// Back to glibc for new memory (for measuring searches in the same
/// process as a build); blocks from mimalloc still go back to it.
pub fn searching() {
    USE_MIMALLOC.store(false, Ordering::SeqCst);
}

/// glibc or mimalloc, per block; see the module docs.
pub struct NewsgrepAlloc;

/// Did this block come from mimalloc?
fn from_mimalloc(ptr: *mut u8) -> bool {
    // SAFETY: only reads mimalloc's map of the address ranges it reserved;
    // any pointer may be asked about.
    MIMALLOC_USED.load(Ordering::Relaxed)
        && unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast()) }
}

// SAFETY: each block is allocated by exactly one of two allocators that
// both implement `GlobalAlloc`, and freed or resized by the same one: a
// block is mimalloc's if and only if it lies in a region mimalloc reserved,
// and glibc never hands out memory inside those regions.
unsafe impl GlobalAlloc for NewsgrepAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if USE_MIMALLOC.load(Ordering::Relaxed) {
            unsafe { MiMalloc.alloc(layout) }
        } else {
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if USE_MIMALLOC.load(Ordering::Relaxed) {
            unsafe { MiMalloc.alloc_zeroed(layout) }
        } else {
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if from_mimalloc(ptr) {
            unsafe { MiMalloc.dealloc(ptr, layout) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if from_mimalloc(ptr) {
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        } else {
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_go_back_to_the_allocator_they_came_from() {
        // Tests share the process: switch only the allocator object used
        // here, through the same entry points.
        let a = NewsgrepAlloc;
        let layout = Layout::from_size_align(100, 8).expect("layout");
        // SAFETY: each block is used within its layout and freed once by
        // the allocator that made it (the point of the test).
        unsafe {
            let glibc = System.alloc(layout);
            let mi = MiMalloc.alloc(layout);
            MIMALLOC_USED.store(true, Ordering::SeqCst);
            assert!(from_mimalloc(mi));
            assert!(!from_mimalloc(glibc));
            let mi = a.realloc(mi, layout, 5000);
            assert!(from_mimalloc(mi));
            let glibc = a.realloc(glibc, layout, 5000);
            assert!(!from_mimalloc(glibc));
            let grown = Layout::from_size_align(5000, 8).expect("layout");
            a.dealloc(mi, grown);
            a.dealloc(glibc, grown);
        }
    }
}
