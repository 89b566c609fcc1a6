//! A value read from the database and kept in memory until the rows it was read from change.
//! A generation counter keeps a reader that read before a change from storing what it read
//! after the change invalidated the cache.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// A cached value with its generation.
#[derive(Debug)]
pub(crate) struct Cached<T> {
    inner: Mutex<(u64, Option<T>)>,
}

impl<T> Default for Cached<T> {
    fn default() -> Self {
        Self {
            inner: Mutex::new((0, None)),
        }
    }
}

impl<T: Clone> Cached<T> {
    fn lock(&self) -> MutexGuard<'_, (u64, Option<T>)> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value if cached, else the generation to [`Cached::store`] a value read now under.
    pub(crate) fn get(&self) -> Result<T, u64> {
        let inner = self.lock();
        inner.1.clone().ok_or(inner.0)
    }

    /// Keeps `value`, read at `generation`, unless the cache was invalidated since.
    pub(crate) fn store(&self, generation: u64, value: T) {
        let mut inner = self.lock();
        if inner.0 == generation {
            inner.1 = Some(value);
        }
    }

    /// Forgets the value: the rows it was read from changed.
    pub(crate) fn invalidate(&self) {
        let mut inner = self.lock();
        inner.0 = inner.0.wrapping_add(1);
        inner.1 = None;
    }
}
