//! File plumbing for every stage: atomic writes (a unique temporary file in the same folder,
//! synced to disk — an fsync each, or one syncfs for a large batch — then renamed, and the
//! folder synced), sorted folder listings, and removal of the temporary files a killed run
//! left behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};

/// The marker in every temporary file name: `.NAME.tmp-PID-N`.
const TEMP_MARKER: &str = ".tmp-";

/// Temporary files per process, so two writes of the same file in one process never share a
/// temporary name.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: readers see the old content or the new, never a part.
/// Returns `false` without touching the file when it already holds exactly `bytes`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<bool> {
    match stage(path, bytes)? {
        Some(staged) => {
            commit(vec![staged])?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// A file written in full beside its destination under a temporary name, put in place by
/// [`commit`] or thrown away by [`discard`]: many files can be prepared before any changes.
#[derive(Debug)]
pub(crate) struct Staged {
    temp: PathBuf,
    path: PathBuf,
}

/// Writes `bytes` to a temporary file beside `path` (synced to disk by [`commit`], before it
/// moves into place); `None` when `path` already holds exactly `bytes`.
pub(crate) fn stage(path: &Path, bytes: &[u8]) -> Result<Option<Staged>> {
    if holds_exactly(path, bytes) {
        return Ok(None);
    }
    let folder = path
        .parent()
        .with_context(|| format!("{} has no parent folder", path.display()))?;
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create folder {}", folder.display()))?;
    let file_name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    let temp = folder.join(format!(
        ".{}{TEMP_MARKER}{}-{}",
        file_name.to_string_lossy(),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    if let Err(error) = write_file(&temp, bytes) {
        let _ = std::fs::remove_file(&temp);
        return Err(error);
    }
    Ok(Some(Staged {
        temp,
        path: path.to_path_buf(),
    }))
}

/// Whether the file at `path` holds exactly `bytes`. Its size is compared first, so a file
/// that changed length is not read, and the rest through a buffer: a build compares every page
/// it makes, 500 MB for ten years, and reading each whole into memory cost more than the
/// comparison.
fn holds_exactly(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|metadata| metadata.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut buffer = vec![0u8; COMPARE_BUFFER_BYTES.min(bytes.len().max(1))];
    let mut rest = bytes;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return rest.is_empty(),
            Ok(read) if read <= rest.len() && buffer[..read] == rest[..read] => {
                rest = &rest[read..];
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            _ => return false,
        }
    }
}

/// The most of an existing file [`holds_exactly`] reads at a time.
const COMPARE_BUFFER_BYTES: usize = 64 * 1024;

/// Syncs staged files to disk, moves them into place (each rename is atomic), then syncs each
/// folder once. On an error the files not yet moved are removed.
pub(crate) fn commit(staged: Vec<Staged>) -> Result<()> {
    if let Err(error) = sync_staged(&staged) {
        discard(staged);
        return Err(error);
    }
    let mut folders = std::collections::BTreeSet::new();
    let mut pending = staged.into_iter();
    while let Some(file) = pending.next() {
        if let Err(error) = std::fs::rename(&file.temp, &file.path) {
            let _ = std::fs::remove_file(&file.temp);
            discard(pending.collect());
            return Err(error).with_context(|| {
                format!(
                    "cannot move {} into place at {}",
                    file.temp.display(),
                    file.path.display()
                )
            });
        }
        if let Some(folder) = file.path.parent() {
            folders.insert(folder.to_path_buf());
        }
    }
    for folder in folders {
        sync_folder(&folder);
    }
    Ok(())
}

/// Removes staged files that will not be committed.
pub(crate) fn discard(staged: Vec<Staged>) {
    for file in staged {
        let _ = std::fs::remove_file(&file.temp);
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Threads that wait on the disk at once while staged files are synced: syncing thousands of
/// files one after another costs a full build seconds, and disks take many requests at a time.
const SYNC_THREADS: usize = 16;

/// Staged files from which one `syncfs` of their file system is cheaper than an fsync each: a
/// full build stages thousands, and each fsync waits for a journal commit of its own.
#[cfg(target_os = "linux")]
const SYNC_WHOLE_FILE_SYSTEM_FROM: usize = 64;

/// Syncs every staged file's content to disk: many at once by syncing their file systems
/// (Linux), a few by an fsync each, several at a time.
fn sync_staged(staged: &[Staged]) -> Result<()> {
    #[cfg(target_os = "linux")]
    if staged.len() >= SYNC_WHOLE_FILE_SYSTEM_FROM {
        return sync_file_systems(staged);
    }
    let chunk = staged.len().div_ceil(SYNC_THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = staged
            .chunks(chunk)
            .map(|files| {
                scope.spawn(move || {
                    files.iter().try_for_each(|file| {
                        std::fs::File::open(&file.temp)
                            .and_then(|handle| handle.sync_all())
                            .with_context(|| format!("cannot write {}", file.temp.display()))
                    })
                })
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|worker| worker.join().expect("a sync thread never panics"))
    })
}

/// `syncfs` once for each file system the staged files are on (almost always one).
#[cfg(target_os = "linux")]
fn sync_file_systems(staged: &[Staged]) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut synced = std::collections::BTreeSet::new();
    for file in staged {
        let metadata = std::fs::metadata(&file.temp)
            .with_context(|| format!("cannot write {}", file.temp.display()))?;
        if synced.insert(metadata.dev()) {
            let handle = std::fs::File::open(&file.temp)
                .with_context(|| format!("cannot write {}", file.temp.display()))?;
            rustix::fs::syncfs(&handle).with_context(|| {
                format!("cannot sync the file system of {}", file.temp.display())
            })?;
        }
    }
    Ok(())
}

/// Makes the rename durable. Best effort: some file systems refuse to open a folder for sync,
/// and the file's own content is synced already.
fn sync_folder(folder: &Path) {
    if let Ok(handle) = std::fs::File::open(folder) {
        let _ = handle.sync_all();
    }
}

/// Whether `name` is a temporary file of [`write_atomic`].
fn is_temp_file(name: &str) -> bool {
    name.starts_with('.') && name.contains(TEMP_MARKER)
}

/// Whether a temporary file's name says this process is writing it (`.NAME.tmp-PID-N`): such
/// a file is a write under way (the scanned-text store is written on a thread of its own while
/// the pages render), never a killed run's leftover.
fn is_own_temp_file(name: &str) -> bool {
    name.rsplit(TEMP_MARKER)
        .next()
        .and_then(|tail| tail.split('-').next())
        .is_some_and(|pid| pid == std::process::id().to_string())
}

/// Removes the temporary files a killed run left anywhere below `dir` (this process's own
/// writes under way are left alone) and returns how many it removed.
pub(crate) fn remove_stale_temp_files(dir: &Path) -> Result<usize> {
    let mut removed = 0;
    if !dir.is_dir() {
        return Ok(0);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot inspect {}", path.display()))?;
        if kind.is_dir() {
            removed += remove_stale_temp_files(&path)?;
        } else if is_temp_file(&entry.file_name().to_string_lossy())
            && !is_own_temp_file(&entry.file_name().to_string_lossy())
        {
            std::fs::remove_file(&path).with_context(|| {
                format!("cannot remove stale temporary file {}", path.display())
            })?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The lock file's name inside the folder it guards.
pub(crate) const LOCK_FILE: &str = ".papersift.lock";

/// An exclusive lock on a folder, held until dropped. The operating system releases it when
/// the process ends, however it ends, so a killed run never leaves a stale lock behind.
#[derive(Debug)]
pub(crate) struct FolderLock {
    _file: std::fs::File,
}

/// Takes the exclusive lock of `dir` (creating the folder and its lock file if needed),
/// waiting up to `wait` for another holder; `Ok(None)` when it is still held then.
pub(crate) fn lock_folder(dir: &Path, wait: std::time::Duration) -> Result<Option<FolderLock>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    let deadline = std::time::Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(FolderLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(error)) => {
                return Err(error).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
    }
}

/// The children of `dir` whose names `accept` takes, sorted by name; none when `dir` is absent.
pub(crate) fn sorted_children(dir: &Path, accept: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if accept(&entry.file_name().to_string_lossy()) {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.json");
        assert!(write_atomic(&path, b"one").unwrap());
        assert!(write_atomic(&path, b"two").unwrap());
        assert!(
            !write_atomic(&path, b"two").unwrap(),
            "same bytes: no write"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(names(&dir.path().join("a")), ["b.json"]);
    }

    #[test]
    fn many_staged_files_are_committed_with_one_sync_and_leave_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("0.txt"), b"old").unwrap();
        let staged: Vec<Staged> = (0..100)
            .map(|n| {
                let path = dir.path().join(format!("{}/{n}.txt", n % 3));
                stage(&path, format!("file {n}").as_bytes())
                    .unwrap()
                    .unwrap()
            })
            .collect();
        commit(staged).unwrap();
        for n in 0..100 {
            let path = dir.path().join(format!("{}/{n}.txt", n % 3));
            assert_eq!(std::fs::read_to_string(path).unwrap(), format!("file {n}"));
        }
        assert_eq!(std::fs::read(dir.path().join("0.txt")).unwrap(), b"old");
        assert_eq!(remove_stale_temp_files(dir.path()).unwrap(), 0);
    }

    #[test]
    fn a_file_of_another_length_is_staged_and_one_of_the_same_bytes_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        std::fs::write(&path, b"abc").unwrap();
        assert!(stage(&path, b"abc").unwrap().is_none());
        let staged = stage(&path, b"abcd")
            .unwrap()
            .expect("a longer file is new");
        discard(vec![staged]);
        let staged = stage(&path, b"abd")
            .unwrap()
            .expect("same length, other bytes");
        discard(vec![staged]);
        assert_eq!(std::fs::read(&path).unwrap(), b"abc");

        // Larger than the comparison buffer: read in parts, the last byte still counts.
        let large: Vec<u8> = (0..3 * COMPARE_BUFFER_BYTES + 7).map(|n| n as u8).collect();
        std::fs::write(&path, &large).unwrap();
        assert!(stage(&path, &large).unwrap().is_none());
        let mut last_differs = large.clone();
        *last_differs.last_mut().unwrap() ^= 1;
        let staged = stage(&path, &last_differs)
            .unwrap()
            .expect("the last byte differs");
        discard(vec![staged]);
    }

    #[test]
    fn stale_temp_files_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("2026/03")).unwrap();
        for name in [
            "index.html",
            ".index.html.tmp-4242",
            "2026/03/.index.html.tmp-17-3",
            "2026/03/index.html",
            ".nojekyll",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        assert_eq!(remove_stale_temp_files(dir.path()).unwrap(), 2);
        assert_eq!(names(dir.path()), [".nojekyll", "2026", "index.html"]);
        assert_eq!(names(&dir.path().join("2026/03")), ["index.html"]);
        assert_eq!(
            remove_stale_temp_files(&dir.path().join("absent")).unwrap(),
            0
        );
        // A write of this process under way is not a leftover.
        let own = format!(".day.json.zst.tmp-{}-0", std::process::id());
        std::fs::write(dir.path().join(&own), "x").unwrap();
        assert_eq!(remove_stale_temp_files(dir.path()).unwrap(), 0);
        assert!(dir.path().join(&own).exists());
    }

    #[test]
    fn children_are_sorted_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["10.json", "02.json", "notes.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let found = sorted_children(dir.path(), |n| n.ends_with(".json")).unwrap();
        let found: Vec<_> = found.iter().map(|p| p.file_name().unwrap()).collect();
        assert_eq!(found, ["02.json", "10.json"]);
        assert!(
            sorted_children(&dir.path().join("none"), |_| true)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_folder_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let wait = std::time::Duration::from_millis(200);
        let held = lock_folder(dir.path(), wait)
            .unwrap()
            .expect("free at first");
        let started = std::time::Instant::now();
        assert!(
            lock_folder(dir.path(), wait).unwrap().is_none(),
            "taken twice"
        );
        assert!(started.elapsed() >= wait, "did not wait");
        drop(held);
        assert!(
            lock_folder(dir.path(), wait).unwrap().is_some(),
            "not released"
        );
    }
}
