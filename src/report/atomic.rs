//! Safe output: files written through exclusively created temporary files renamed into place
//! (a planted symlink is never followed, a reader or a crash never sees half a file); output
//! sets written into a fresh folder and swapped in whole (never a mix of two runs' files); a
//! lock that refuses a second writer of one folder; and cleanup of what a killed run left.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Syncs `tmp` and renames it to `path`. In an output set's staging folder the sync waits for
/// [`OutputSet::commit`], which syncs the whole set at once before swapping it in.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    if !staged(path) {
        tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Whether `path` is a file directly in an output set's staging folder (`.NAME.new-*`, marked
/// as a set): nobody reads it before the set is committed, and the commit syncs it.
fn staged(path: &Path) -> bool {
    let dir = parent_of(path);
    dir.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with('.') && n.contains(".new-"))
        && dir.join(SET_MARKER).is_file()
}

/// Syncs every file directly in `dir`, then `dir` itself. The files' syncs run side by side
/// (a few threads), so the file system commits them together instead of one after another.
fn sync_folder(dir: &Path) -> Result<()> {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    let sync = |p: &Path| {
        File::open(p)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(p, e))
    };
    let per_thread = files.len().div_ceil(8).max(1);
    std::thread::scope(|s| {
        let jobs: Vec<_> = files
            .chunks(per_thread)
            .map(|chunk| s.spawn(move || chunk.iter().try_for_each(|p| sync(p))))
            .collect();
        jobs.into_iter()
            .try_for_each(|j| j.join().expect("a sync thread panicked"))
    })?;
    sync(dir)
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
        sync_folder(self.staging.path())?;
        let target = self.target.clone();
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
        let staged = self.staging.keep();
        std::fs::rename(&staged, &target).map_err(|e| Error::io(&target, e))?;
        if let Some(old) = old {
            let _ = std::fs::remove_dir_all(old);
        }
        Ok(target)
    }
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
    fn an_output_set_replaces_the_old_one_whole() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        for (round, files) in [["a.csv", "b.csv"], ["b.csv", "c.csv"]].iter().enumerate() {
            let set = OutputSet::begin(&out).unwrap();
            // Writes into the staging folder wait for the commit's sync; others do not.
            assert!(staged(&set.dir().join("x.csv")));
            assert!(!staged(&d.path().join("x.csv")));
            for f in files {
                write_atomic(&set.dir().join(f), round.to_string().as_bytes()).unwrap();
            }
            set.commit().unwrap();
        }
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [SET_MARKER, "b.csv", "c.csv"]);
        // Files in the committed folder are no longer staged (each write syncs again).
        assert!(!staged(&out.join("b.csv")));
        assert_eq!(std::fs::read(out.join("b.csv")).unwrap(), b"1");
        // Nothing is left beside it: no staging folder, no old set, no lock file.
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
