//! CPU work over many items, spread over the cores: validation,
//! canonical digests and signature checks take microseconds per object,
//! and a single client's bulk request would otherwise leave every core but
//! one idle.

/// Lists shorter than this are worked on one thread (spawning costs more).
const PARALLEL_MIN: usize = 64;

/// `items.iter().map(f).collect()`, in order, split into one chunk per
/// core when there are many items; the calling thread works the first
/// chunk. A panic in `f` is a bug and surfaces as it would on one thread.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < PARALLEL_MIN {
        return items.iter().map(f).collect();
    }
    let mut chunks = items.chunks(items.len().div_ceil(threads));
    let first = chunks.next().unwrap_or_default();
    let f = &f;
    std::thread::scope(|scope| {
        let others: Vec<_> = chunks
            .map(|c| scope.spawn(move || c.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut all = Vec::with_capacity(items.len());
        all.extend(first.iter().map(f));
        for other in others {
            match other.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_of_short_and_long_lists() {
        for n in [0, 1, PARALLEL_MIN - 1, PARALLEL_MIN, 1000, 1001] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                par_map(&items, |i| i * 2),
                (0..n).map(|i| i * 2).collect::<Vec<_>>()
            );
        }
    }
}
