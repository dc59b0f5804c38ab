//! One engine per data folder: an exclusive OS file lock on `switchboard.lock` in the folder.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows), held by an
//! open file: it goes when the process goes, however it goes, so a `kill -9` never leaves a
//! stale lock behind. The file also holds the holder's process id, so that a second engine can
//! say which process has the folder.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// The lock file's name inside the data folder.
const LOCK_FILE: &str = "switchboard.lock";

/// Held while the folder is in use; the lock goes with it.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

/// Why a folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum FolderLockError {
    #[error(
        "the data folder {folder} is in use by another Switchboard ({holder}); close it first, or use another data folder"
    )]
    InUse { folder: String, holder: String },
    #[error("cannot lock the data folder {folder}: {source}")]
    Io { folder: String, source: std::io::Error },
}

impl FolderLock {
    /// Takes the folder, creating it if needed, or says who has it. Never waits.
    pub fn acquire(folder: &Path) -> Result<Self, FolderLockError> {
        let io = |source| FolderLockError::Io { folder: folder.display().to_string(), source };
        std::fs::create_dir_all(folder).map_err(io)?;
        // Not truncated on open: the holder's pid must still be readable by a refused opener.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(folder.join(LOCK_FILE))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim().parse::<u32>() {
                    Ok(pid) => format!("process {pid}"),
                    Err(_) => "a process that is starting".to_owned(),
                };
                return Err(FolderLockError::InUse { folder: folder.display().to_string(), holder });
            }
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_folder_is_refused_naming_the_holder() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let first = FolderLock::acquire(dir.path()).expect("the first lock is free");
        let error = FolderLock::acquire(dir.path()).expect_err("the folder is held");
        let message = error.to_string();
        assert!(
            message.contains(&dir.path().display().to_string())
                && message.contains(&std::process::id().to_string()),
            "the refusal names the folder and the holding process: {message}"
        );
        drop(first);
        FolderLock::acquire(dir.path()).expect("dropping the lock frees the folder");
    }
}
