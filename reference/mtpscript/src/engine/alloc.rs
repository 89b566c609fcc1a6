//! The VM heap: exact sizes, a hard byte budget and zero-on-free (MTP-091, MTP-092).
//!
//! This is the only module besides [`super::bytecode`] that contains `unsafe`: the engine's
//! allocator interface is a C ABI of raw pointers. Every block carries a 16-byte header with
//! its requested size; freeing (and moving, on reallocation) overwrites the whole block with
//! zeros through volatile writes before it returns to the process allocator, so a discarded
//! VM leaves nothing of its heap behind.
#![allow(unsafe_code)]

use std::alloc::{Layout, alloc, alloc_zeroed, dealloc};
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use rquickjs::allocator::Allocator;

/// Header size: keeps the payload 16-byte aligned (QuickJS needs `usize` alignment).
const HEADER: usize = 16;
const ALIGN: usize = 16;

/// Bookkeeping shared between an allocator and whoever watches its VM.
#[derive(Debug, Default)]
pub(crate) struct HeapStats {
    /// Bytes currently allocated (requested sizes).
    pub(crate) live: AtomicUsize,
    /// The highest `live` seen.
    pub(crate) peak: AtomicUsize,
    /// Set when a request was refused because it would exceed the budget.
    pub(crate) refused: AtomicBool,
    /// Bytes overwritten with zeros on free.
    pub(crate) wiped: AtomicU64,
    /// Test probe: a byte pattern looked for in every freed block, before and after wiping.
    pub(crate) probe: Option<Vec<u8>>,
    /// Blocks that held the probe when freed (before the wipe).
    pub(crate) probe_seen: AtomicU64,
    /// Blocks that still held the probe after the wipe (must stay 0).
    pub(crate) probe_left: AtomicU64,
}

/// The allocator of one VM.
#[derive(Debug)]
pub(crate) struct WipeAllocator {
    budget: usize,
    stats: Arc<HeapStats>,
}

impl WipeAllocator {
    pub(crate) fn new(budget: usize, stats: Arc<HeapStats>) -> Self {
        Self { budget, stats }
    }

    fn reserve(&self, size: usize) -> bool {
        let live = self.stats.live.load(Ordering::Relaxed);
        match live.checked_add(size) {
            Some(n) if n <= self.budget => {
                self.stats.live.store(n, Ordering::Relaxed);
                if n > self.stats.peak.load(Ordering::Relaxed) {
                    self.stats.peak.store(n, Ordering::Relaxed);
                }
                true
            }
            _ => {
                self.stats.refused.store(true, Ordering::Relaxed);
                false
            }
        }
    }

    fn release(&self, size: usize) {
        let live = self.stats.live.load(Ordering::Relaxed);
        self.stats
            .live
            .store(live.saturating_sub(size), Ordering::Relaxed);
    }

    fn layout(size: usize) -> Option<Layout> {
        let total = size.checked_add(HEADER)?.checked_next_multiple_of(ALIGN)?;
        Layout::from_size_align(total, ALIGN).ok()
    }

    fn raw_alloc(&self, size: usize, zeroed: bool) -> *mut u8 {
        if size == 0 || !self.reserve(size) {
            return ptr::null_mut();
        }
        let Some(layout) = Self::layout(size) else {
            self.release(size);
            return ptr::null_mut();
        };
        // SAFETY: `layout` has a non-zero size (at least HEADER) and a power-of-two alignment.
        let base = unsafe {
            if zeroed {
                alloc_zeroed(layout)
            } else {
                alloc(layout)
            }
        };
        if base.is_null() {
            self.release(size);
            return ptr::null_mut();
        }
        // SAFETY: `base` is valid for `layout.size() >= HEADER` bytes and 16-byte aligned.
        unsafe {
            base.cast::<usize>().write(size);
            base.add(HEADER)
        }
    }

    /// Zeroes and frees a block returned by `raw_alloc`.
    ///
    /// # Safety
    /// `payload` must come from `raw_alloc` of this allocator and not be freed yet.
    unsafe fn raw_free(&self, payload: *mut u8) {
        // SAFETY: the caller guarantees `payload` is `base + HEADER` of a live block.
        let base = unsafe { payload.sub(HEADER) };
        // SAFETY: the header was written by `raw_alloc`.
        let size = unsafe { base.cast::<usize>().read() };
        let Some(layout) = Self::layout(size) else {
            return;
        };
        // SAFETY: the payload is valid for `size` bytes.
        let block = unsafe { std::slice::from_raw_parts(payload, size) };
        let probed = self
            .stats
            .probe
            .as_deref()
            .is_some_and(|p| contains(block, p));
        // SAFETY: `base` is valid for `layout.size()` bytes, a multiple of 8, 16-byte aligned.
        unsafe { wipe(base, layout.size()) };
        if probed {
            self.stats.probe_seen.fetch_add(1, Ordering::Relaxed);
            // SAFETY: as above; the block is still allocated.
            let after = unsafe { std::slice::from_raw_parts(payload, size) };
            if let Some(p) = self.stats.probe.as_deref()
                && contains(after, p)
            {
                self.stats.probe_left.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.stats.wiped.fetch_add(size as u64, Ordering::Relaxed);
        self.release(size);
        // SAFETY: `base` was allocated with exactly `layout`.
        unsafe { dealloc(base, layout) };
    }

    fn size_of(payload: *mut u8) -> usize {
        // SAFETY: only called on live payloads handed out by `raw_alloc`.
        unsafe { payload.sub(HEADER).cast::<usize>().read() }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Overwrites `len` bytes (a multiple of 8, 8-aligned) with zeros that the compiler cannot elide.
///
/// # Safety
/// `base` must be valid for writes of `len` bytes and 8-byte aligned.
unsafe fn wipe(base: *mut u8, len: usize) {
    let words = base.cast::<u64>();
    for i in 0..len / 8 {
        // SAFETY: `i * 8 + 8 <= len`, inside the block, aligned.
        unsafe { ptr::write_volatile(words.add(i), 0) };
    }
}

// SAFETY: every pointer returned is null or a fresh block of at least the requested size,
// 16-byte aligned; `usable_size` reads the header written at allocation; blocks are only
// freed through this allocator (the engine owns one instance per runtime).
unsafe impl Allocator for WipeAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        self.raw_alloc(size, false)
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        match count.checked_mul(size) {
            Some(total) => self.raw_alloc(total, true),
            None => ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        if !ptr.is_null() {
            // SAFETY: the engine frees only pointers this allocator returned.
            unsafe { self.raw_free(ptr) };
        }
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        if ptr.is_null() {
            return self.raw_alloc(new_size, false);
        }
        if new_size == 0 {
            // SAFETY: as in `dealloc`.
            unsafe { self.raw_free(ptr) };
            return ptr::null_mut();
        }
        let old = Self::size_of(ptr);
        let fresh = self.raw_alloc(new_size, false);
        if fresh.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: both blocks are live, distinct, and at least `min(old, new_size)` long.
        unsafe {
            ptr::copy_nonoverlapping(ptr, fresh, old.min(new_size));
            self.raw_free(ptr);
        }
        fresh
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        if ptr.is_null() {
            return 0;
        }
        Self::size_of(ptr)
    }
}
