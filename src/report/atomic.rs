//! Safe output: files written through exclusively created temporary files renamed into place
//! (a planted symlink is never followed, a reader or a crash never sees half a file); output
//! sets written into a fresh folder and swapped in whole (never a mix of two runs' files); a
//! lock that refuses a second writer of one folder; cleanup of what a killed run left; and
//! [`FolderSync`], which makes a folder's files durable on a background thread while the
//! writer goes on working.
//!
//! What syncing protects against: a file renamed into place is whole for every reader and
//! survives the writing process being killed (the kernel holds its data); only a crash of the
//! operating system or a power cut before the data reached the disk can leave it empty or
//! damaged. A file is therefore synced before anything announces it as a result: an output
//! set's files before the set is swapped in (a reader never finds the new set with a damaged
//! file in it), a sweep's point files before the sweep's final results are written.

use crate::error::{Error, Result};
use std::collections::{HashSet, VecDeque};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

/// Names of temporary files start with this, so a later run can clean them up.
pub const TMP_PREFIX: &str = ".tiersim-tmp-";
/// The file that marks a folder as a tiersim output set (safe to replace as a whole).
pub const SET_MARKER: &str = ".tiersim-output";

/// A temporary-name builder; on Unix the file or folder gets `mode` (less the umask) instead
/// of tempfile's owner-only default, since results are meant to be read by others.
fn builder(prefix: &str, mode: u32) -> tempfile::Builder<'_, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    b
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A new, exclusively created temporary file in `path`'s folder (created if needed).
pub fn temporary_in(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = parent_of(path);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    builder(TMP_PREFIX, 0o644)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))
}

/// Renames `tmp` to `path`, synced: now, or, in a folder a [`FolderSync`] watches (an output
/// set being staged, a sweep's points), on its background thread.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    if !FolderSync::watches(parent_of(path)) {
        tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
        tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
        return Ok(());
    }
    // Queued only once renamed, so that the background sync opens this file.
    let file = tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    if !FolderSync::queue(path) {
        file.sync_all().map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}

/// What a [`FolderSync`] shares with its background thread.
#[derive(Default)]
struct SyncQueue {
    state: Mutex<QueueState>,
    wake: Condvar,
}

#[derive(Default)]
struct QueueState {
    /// Files renamed into place, waiting for their sync.
    pending: VecDeque<PathBuf>,
    /// Files synced so far.
    synced: HashSet<PathBuf>,
    /// The first failure (reported by [`FolderSync::finish`]).
    error: Option<Error>,
    /// No more files: the thread stops once `pending` is empty (or at once if `abandon`).
    closed: bool,
    abandon: bool,
}

/// The folders being watched, each with its queue (a handful at most).
static WATCHED: Mutex<Vec<(PathBuf, Arc<SyncQueue>)>> = Mutex::new(Vec::new());

/// Syncs the files written directly into a folder on a background thread, as they are
/// written, so that the writer does not wait for the disk after each file. [`FolderSync::finish`]
/// waits for the files queued, syncs every other file in the folder (written by other means)
/// and the folder itself. Dropped unfinished (the writer failed), it stops without syncing the
/// rest. Files reach the queue through [`persist`] (so [`write_atomic`] too) and
/// [`FolderSync::queue`].
pub struct FolderSync {
    dir: PathBuf,
    queue: Arc<SyncQueue>,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl FolderSync {
    /// Starts watching `dir` (files are matched by their parent as spelt here).
    pub fn watch(dir: &Path) -> Self {
        let queue = Arc::new(SyncQueue::default());
        let q = Arc::clone(&queue);
        let worker = std::thread::Builder::new()
            .name("tiersim-sync".into())
            .spawn(move || sync_worker(&q))
            .ok();
        let mut watched = WATCHED.lock().unwrap_or_else(|e| e.into_inner());
        watched.push((dir.to_path_buf(), Arc::clone(&queue)));
        FolderSync {
            dir: dir.to_path_buf(),
            queue,
            worker,
        }
    }

    /// Whether files written into `dir` are synced by a [`FolderSync`].
    pub fn watches(dir: &Path) -> bool {
        let watched = WATCHED.lock().unwrap_or_else(|e| e.into_inner());
        watched.iter().any(|(d, _)| d == dir)
    }

    /// Queues `path`, a file already in its final place, for syncing if its folder is watched;
    /// false if it is not (the caller syncs it itself).
    pub fn queue(path: &Path) -> bool {
        let dir = parent_of(path);
        let watched = WATCHED.lock().unwrap_or_else(|e| e.into_inner());
        let Some((_, q)) = watched.iter().find(|(d, _)| d == dir) else {
            return false;
        };
        let mut st = q.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.closed {
            return false;
        }
        // Written again: an earlier sync no longer covers it.
        st.synced.remove(path);
        st.pending.push_back(path.to_path_buf());
        q.wake.notify_one();
        true
    }

    /// Stops watching; the queue is closed and later files are synced by their writers.
    fn close(&mut self, abandon: bool) -> QueueState {
        WATCHED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(_, q)| !Arc::ptr_eq(q, &self.queue));
        let rest = {
            let mut st = self.queue.state.lock().unwrap_or_else(|e| e.into_inner());
            st.closed = true;
            st.abandon = abandon;
            // The files still waiting are synced by the caller, side by side.
            std::mem::take(&mut st.pending)
        };
        self.queue.wake.notify_all();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        let mut st = self.queue.state.lock().unwrap_or_else(|e| e.into_inner());
        st.pending = rest;
        std::mem::take(&mut *st)
    }

    /// Waits until every file in the folder and the folder itself are synced.
    pub fn finish(mut self) -> Result<()> {
        let st = self.close(false);
        if let Some(e) = st.error {
            return Err(e);
        }
        let entries = match std::fs::read_dir(&self.dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            r => r.map_err(|e| Error::io(&self.dir, e))?,
        };
        let mut rest = Vec::new();
        let mut folders = Vec::new();
        for e in entries {
            let e = e.map_err(|e| Error::io(&self.dir, e))?;
            let t = e.file_type().map_err(|err| Error::io(e.path(), err))?;
            if t.is_file() && !st.synced.contains(&e.path()) {
                rest.push(e.path());
            } else if t.is_dir() {
                folders.push(e.path());
            }
        }
        // Folders inside (compare's designs/NAME/): their files, then themselves.
        while let Some(dir) = folders.pop() {
            for e in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
                let e = e.map_err(|e| Error::io(&dir, e))?;
                let t = e.file_type().map_err(|err| Error::io(e.path(), err))?;
                if t.is_file() {
                    rest.push(e.path());
                } else if t.is_dir() {
                    folders.push(e.path());
                }
            }
            rest.push(dir);
        }
        sync_all_of(&rest)?;
        sync_path(&self.dir)
    }
}

impl Drop for FolderSync {
    fn drop(&mut self) {
        // Stops watching in every case (after `finish`, a no-op).
        self.close(true);
    }
}

/// The background thread: syncs queued files one after another until the queue is closed.
fn sync_worker(q: &SyncQueue) {
    loop {
        let next = {
            let mut st = q.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if st.abandon {
                    return;
                }
                if let Some(p) = st.pending.pop_front() {
                    break p;
                }
                if st.closed {
                    return;
                }
                st = q.wake.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        let r = File::open(&next).and_then(|f| f.sync_all());
        let mut st = q.state.lock().unwrap_or_else(|e| e.into_inner());
        match r {
            // Queued again while being synced: the sync may have caught the old file, so
            // it counts only once the later entry is synced too.
            Ok(()) if st.pending.contains(&next) => {}
            Ok(()) => {
                st.synced.insert(next);
            }
            // Removed since it was written: nothing left to make durable.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                st.error.get_or_insert(Error::io(&next, e));
            }
        }
    }
}

fn sync_path(p: &Path) -> Result<()> {
    File::open(p)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(p, e))
}

/// Syncs `files` side by side (a few threads), so that the file system commits them together
/// instead of one after another.
fn sync_all_of(files: &[PathBuf]) -> Result<()> {
    match files {
        [] => Ok(()),
        [one] => sync_path(one),
        _ => {
            let per_thread = files.len().div_ceil(8).max(1);
            let sync_chunk = |chunk: &[PathBuf]| chunk.iter().try_for_each(|p| sync_path(p));
            std::thread::scope(|s| {
                // A chunk whose thread the system refuses is synced here, in turn.
                let jobs: Vec<_> = files
                    .chunks(per_thread)
                    .map(|chunk| {
                        std::thread::Builder::new()
                            .spawn_scoped(s, move || sync_chunk(chunk))
                            .map_err(|_| chunk)
                    })
                    .collect();
                jobs.into_iter().try_for_each(|j| match j {
                    Ok(handle) => handle
                        .join()
                        .unwrap_or_else(|_| Err(Error::Invariant("a sync thread panicked".into()))),
                    Err(chunk) => sync_chunk(chunk),
                })
            })
        }
    }
}

/// Writes `bytes` to `path` atomically in an existing folder (missing folders are an error),
/// synced as [`persist`] does; I/O errors as they are, for callers with their own error type.
pub fn write_in_folder(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = builder(TMP_PREFIX, 0o644)
        .suffix(".tmp")
        .tempfile_in(parent_of(path))?;
    tmp.write_all(bytes)?;
    persist(tmp, path).map_err(|e| match e {
        Error::Io { cause, .. } => cause,
        e => std::io::Error::other(e.to_string()),
    })
}

/// Writes `bytes` to `path` atomically, creating the folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = temporary_in(path)?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    persist(tmp, path)
}

/// Removes the temporary files a killed run left in `dir`; returns how many.
pub fn clean_temporaries(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(TMP_PREFIX))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// An exclusive lock on an output folder, held while writing it: a second tiersim writing the
/// same folder is refused with a clear message. The lock is an OS file lock on
/// `.NAME.tiersim-lock` beside the folder, released even if the process is killed; the file
/// is removed when the lock is dropped.
pub struct DirLock {
    path: PathBuf,
    _file: File,
}

impl DirLock {
    /// Locks `dir` (an absolute path), or says who holds it.
    pub fn acquire(dir: &Path) -> Result<Self> {
        let name = dir
            .file_name()
            .ok_or_else(|| Error::Usage(format!("{}: not a folder name", dir.display())))?;
        let parent = parent_of(dir);
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let path = parent.join(format!(".{}.tiersim-lock", name.to_string_lossy()));
        // A lock file removed by its previous holder between our open and our lock is retried,
        // so two processes can never hold locks on different files for one folder.
        for _ in 0..100 {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Usage(format!(
                        "{} is being written by another tiersim (it holds {}): wait for it to finish, or use another --out folder",
                        dir.display(),
                        path.display()
                    )));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            if same_file(&file, &path) {
                return Ok(DirLock { path, _file: file });
            }
        }
        Err(Error::Usage(format!(
            "cannot lock {}: its lock file keeps changing",
            dir.display()
        )))
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Output files a folder may hold to count as an earlier tiersim set (from before the marker).
/// Images count only under the names tiersim gives them (`compare_*`): a folder of a user's
/// own pictures is never taken for an output set.
fn known_output(name: &str) -> bool {
    [
        "summary.json",
        "kpis.csv",
        "intervals.csv",
        "trace.csv",
        "compare.csv",
        "compare.json",
    ]
    .contains(&name)
        || name.ends_with("-staffed.ron")
        || (name.starts_with("compare_") && (name.ends_with(".png") || name.ends_with(".svg")))
        || name.starts_with(TMP_PREFIX)
        || name == SET_MARKER
}

/// A set of output files (a run, a comparison, a staffing result) written together: files go
/// into a fresh hidden folder beside the target, and [`OutputSet::commit`] swaps it in for the
/// target as a whole. Readers see the old set or the new one, never a mix; a killed run leaves
/// the old set (or, killed mid-swap, none) and a hidden folder the next run removes. The target
/// is locked from [`OutputSet::begin`] to the end of the commit.
pub struct OutputSet {
    target: PathBuf,
    /// The target as the user gave it, for messages.
    shown: PathBuf,
    /// Syncs the staged files as they are written (dropped before `staging` is removed).
    sync: FolderSync,
    staging: tempfile::TempDir,
    _lock: DirLock,
}

impl OutputSet {
    /// Prepares to replace `target`: refuses a folder holding files tiersim did not write.
    pub fn begin(target: &Path) -> Result<Self> {
        let shown = target.to_path_buf();
        let target = std::path::absolute(target).map_err(|e| Error::io(target, e))?;
        let lock = DirLock::acquire(&target)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = parent_of(&target).to_path_buf();
        if target.exists() {
            let entries: Vec<String> = std::fs::read_dir(&target)
                .map_err(|e| Error::io(&target, e))?
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            let marked = entries.iter().any(|n| n == SET_MARKER);
            if let Some(foreign) = entries.iter().find(|n| !known_output(n))
                && !marked
            {
                return Err(Error::Usage(format!(
                    "{} holds files tiersim did not write (such as `{}`): results replace the whole folder, so give a new or empty folder",
                    target.display(),
                    foreign.escape_debug()
                )));
            }
        }
        // Folders left by a run killed before or during its swap.
        for stale in [format!(".{name}.new-"), format!(".{name}.old-")] {
            if let Ok(entries) = std::fs::read_dir(&parent) {
                for e in entries.flatten() {
                    if e.file_name().to_string_lossy().starts_with(&stale) {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        let prefix = format!(".{name}.new-");
        let staging = builder(&prefix, 0o755)
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        // Created directly (the fresh staging folder is private): synced with the set.
        let marker = staging.path().join(SET_MARKER);
        File::create_new(&marker).map_err(|e| Error::io(&marker, e))?;
        Ok(OutputSet {
            target,
            shown,
            sync: FolderSync::watch(staging.path()),
            staging,
            _lock: lock,
        })
    }

    /// The folder to write the set's files into.
    pub fn dir(&self) -> &Path {
        self.staging.path()
    }

    /// Where a file written under [`OutputSet::dir`] will be once committed.
    pub fn final_path(&self, staged: &Path) -> PathBuf {
        staged
            .strip_prefix(self.staging.path())
            .map_or_else(|_| staged.to_path_buf(), |rel| self.shown.join(rel))
    }

    /// Swaps the new set in for the old one; returns the target folder.
    pub fn commit(self) -> Result<PathBuf> {
        let OutputSet {
            target,
            sync,
            staging,
            _lock,
            ..
        } = self;
        // Every file is synced before the set is swapped in: a crash of the machine never
        // leaves the new set in place with a file missing its data.
        sync.finish()?;
        let parent = parent_of(&target).to_path_buf();
        let old = if target.exists() {
            let name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let old = tempfile::Builder::new()
                .prefix(&format!(".{name}.old-"))
                .tempdir_in(&parent)
                .map_err(|e| Error::io(&parent, e))?
                .keep();
            // Renaming onto the empty placeholder moves the old set out of the way.
            std::fs::rename(&target, &old).map_err(|e| Error::io(&target, e))?;
            Some(old)
        } else {
            None
        };
        let staged = staging.keep();
        std::fs::rename(&staged, &target).map_err(|e| Error::io(&target, e))?;
        // The swap itself is made durable too (best effort: not every file system syncs a
        // folder).
        let _ = File::open(&parent).and_then(|f| f.sync_all());
        if let Some(old) = old {
            remove_side_by_side(&old);
        }
        Ok(target)
    }
}

/// Removes the folder `dir` and everything in it (best effort), its entries side by side on a
/// few threads: where the file system discards freed blocks as files are removed (a `discard`
/// mount), each removal waits for the disk, and a busy disk makes one after another slow.
fn remove_side_by_side(dir: &Path) {
    let entries: Vec<(PathBuf, bool)> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect(),
        Err(_) => Vec::new(),
    };
    let per_thread = entries.len().div_ceil(8).max(1);
    let remove = |chunk: &[(PathBuf, bool)]| {
        for (p, is_dir) in chunk {
            let _ = if *is_dir {
                std::fs::remove_dir_all(p)
            } else {
                std::fs::remove_file(p)
            };
        }
    };
    std::thread::scope(|s| {
        for chunk in entries.chunks(per_thread) {
            // Where the system refuses a thread, the rest is removed below.
            if std::thread::Builder::new()
                .spawn_scoped(s, move || remove(chunk))
                .is_err()
            {
                break;
            }
        }
    });
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub/out.csv");
        write_atomic(&p, b"a,b\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"a,b\n");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn a_second_lock_on_a_folder_is_refused_until_the_first_is_dropped() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let first = DirLock::acquire(&out).unwrap();
        let e = DirLock::acquire(&out).err().unwrap().to_string();
        assert!(e.contains("being written by another tiersim"), "{e}");
        drop(first);
        DirLock::acquire(&out).unwrap();
    }

    #[test]
    fn a_watched_folder_gets_whole_files_at_once_and_is_synced_on_finish() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("points");
        let sync = FolderSync::watch(&dir);
        assert!(FolderSync::watches(&dir));
        // Writers on several threads, as a sweep's workers are.
        std::thread::scope(|s| {
            for t in 0..4 {
                let dir = &dir;
                s.spawn(move || {
                    for i in 0..25 {
                        let p = dir.join(format!("p-{t}-{i}.json"));
                        write_atomic(&p, format!("{t} {i}").as_bytes()).unwrap();
                        // Renamed into place whole before the sync, not after it.
                        assert_eq!(std::fs::read(&p).unwrap(), format!("{t} {i}").as_bytes());
                    }
                });
            }
        });
        // A file written by other means is synced by `finish` too.
        std::fs::write(dir.join("other"), b"x").unwrap();
        sync.finish().unwrap();
        assert!(!FolderSync::watches(&dir));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 101);
        // Unwatched again: writes sync at once.
        write_atomic(&dir.join("after.json"), b"y").unwrap();
        assert_eq!(std::fs::read(dir.join("after.json")).unwrap(), b"y");
    }

    #[test]
    fn a_file_written_again_is_not_counted_as_synced_by_its_first_sync() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().to_path_buf();
        let sync = FolderSync::watch(&dir);
        let x = dir.join("x");
        write_atomic(&x, b"a").unwrap();
        // Wait (at most 10 s) until the worker has synced the first version.
        let synced = |p: &Path| sync.queue.state.lock().unwrap().synced.contains(p);
        let t0 = std::time::Instant::now();
        while !synced(&x) && t0.elapsed().as_secs() < 10 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(synced(&x), "the worker never synced the first version");
        write_atomic(&x, b"b").unwrap();
        // Now queued again: the first sync no longer counts for it (before the fix it still
        // did, and `finish` skipped the second version if its sync had not run yet).
        {
            let st = sync.queue.state.lock().unwrap();
            assert!(!(st.synced.contains(&x) && st.pending.contains(&x)));
        }
        sync.finish().unwrap();
        assert_eq!(std::fs::read(&x).unwrap(), b"b");
    }

    #[test]
    fn finishing_a_folder_with_folders_inside_succeeds() {
        let d = tempfile::tempdir().unwrap();
        let sync = FolderSync::watch(d.path());
        std::fs::create_dir_all(d.path().join("designs/a")).unwrap();
        std::fs::write(d.path().join("designs/a/kpis.csv"), b"k").unwrap();
        sync.finish().unwrap();
    }

    #[test]
    fn a_folder_sync_dropped_unfinished_stops_watching() {
        let d = tempfile::tempdir().unwrap();
        let sync = FolderSync::watch(d.path());
        write_atomic(&d.path().join("a"), b"a").unwrap();
        drop(sync);
        assert!(!FolderSync::watches(d.path()));
        assert_eq!(std::fs::read(d.path().join("a")).unwrap(), b"a");
        // Nothing written: finishing is a no-op, even for a folder that does not exist.
        FolderSync::watch(&d.path().join("none")).finish().unwrap();
    }

    #[test]
    fn an_output_set_replaces_the_old_one_whole() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        for (round, files) in [["a.csv", "b.csv"], ["b.csv", "c.csv"]].iter().enumerate() {
            let set = OutputSet::begin(&out).unwrap();
            // Writes into the staging folder are synced in the background; others at once.
            assert!(FolderSync::watches(set.dir()));
            assert!(!FolderSync::watches(d.path()));
            for f in files {
                write_atomic(&set.dir().join(f), round.to_string().as_bytes()).unwrap();
            }
            if round == 0 {
                // A subfolder (a comparison's designs/) goes with the old set too.
                write_atomic(&set.dir().join("designs/a/kpis.csv"), b"x").unwrap();
            }
            set.commit().unwrap();
        }
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [SET_MARKER, "b.csv", "c.csv"]);
        // The committed folder is not watched (each write syncs again).
        assert!(!FolderSync::watches(&out));
        assert_eq!(std::fs::read(out.join("b.csv")).unwrap(), b"1");
        // Nothing is left beside it: no staging folder, no old set, no lock file.
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
