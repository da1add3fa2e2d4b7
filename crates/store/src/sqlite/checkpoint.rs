//! Checkpoints off the writer's path.
//!
//! In WAL mode a commit appends pages to the write-ahead log; a checkpoint
//! copies them back into the database file and syncs it. SQLite runs one
//! automatically inside the commit that takes the log past 1,000 pages, so
//! under a steady write load every few commits one of them also does the
//! checkpoint's copying and its fsync while holding the write lock, and
//! every other writer (a TAXII add, a share, a delivery being marked)
//! waits for it.
//!
//! Here a thread of the store does that work instead, with its own
//! connection, in `PASSIVE` mode (it never takes the write lock, so writes
//! go on while it copies). It runs when writes have committed, at most
//! every [`PAUSE`]. The writer keeps SQLite's automatic checkpoint only as a
//! backstop, at [`BACKSTOP_PAGES`], for a log the thread cannot keep up
//! with.
//!
//! Durability does not depend on any of this: a commit is on disk once its
//! log frames are synced (`synchronous=FULL`); a checkpoint only moves
//! committed pages, and an interrupted one is redone from the log on the
//! next open.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::Duration;

use super::schema;

/// The writer's own automatic checkpoint, in pages: a backstop only.
pub(super) const BACKSTOP_PAGES: i64 = 16_384;

/// Shortest time between two checkpoints: batches the commits of a burst
/// into one checkpoint.
const PAUSE: Duration = Duration::from_millis(20);

/// How long the thread waits for a commit before checkpointing anyway
/// (whatever another process, such as a CLI command, committed).
const IDLE: Duration = Duration::from_secs(5);

/// The handle the store keeps: tells the thread that writes committed.
/// Dropping it ends the thread after one last checkpoint.
pub(super) struct Checkpointer {
    wake: SyncSender<()>,
}

impl Checkpointer {
    /// Starts the thread for the database at `path`. Without a thread (the
    /// system refused one), SQLite's automatic checkpoint still runs, at
    /// the backstop size.
    pub(super) fn start(path: PathBuf) -> Checkpointer {
        let (wake, woken) = sync_channel(1);
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&path, &woken));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no checkpoint thread; checkpoints stay in the writer");
        }
        Checkpointer { wake }
    }

    /// Notes that a write committed.
    pub(super) fn committed(&self) {
        // A full channel already holds a wake-up; a gone thread is logged once.
        if let Err(TrySendError::Disconnected(())) = self.wake.try_send(()) {
            tracing::debug!("the checkpoint thread has stopped");
        }
    }
}

fn run(path: &Path, woken: &Receiver<()>) {
    let conn = match schema::connect(path, schema::Cache::Checkpoint) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, "the checkpoint thread could not open the database");
            return;
        }
    };
    loop {
        let last = match woken.recv_timeout(IDLE) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => true,
        };
        // Busy (another checkpoint, or a reader on the frames) is normal:
        // the next round copies what this one could not.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!(error = %e, "checkpoint deferred");
        }
        if last {
            return;
        }
        std::thread::sleep(PAUSE);
    }
}
