//! Files: checking and sending what the agent attaches, and saving a customer's file.

use crate::error::CommandError;
use percent_encoding::percent_decode_str;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use switchboard_engine::Engine;
use switchboard_store::MessageRecord;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager, State};

/// Whether a file of this name and size may be sent in the session (type, 25 MB, platform,
/// window): asked before the page reads the file.
#[tauri::command]
pub async fn attachment_check(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    file_name: String,
    size: u64,
) -> Result<(), CommandError> {
    engine.attachment_check(session_id, &file_name, size).await?;
    Ok(())
}

/// Sends a file. Its bytes are the raw IPC body (not JSON: up to 25 MB); the session and the
/// file's name (percent-encoded) come as the `x-session-id` and `x-file-name` headers.
#[tauri::command]
pub async fn attachment_send(
    engine: State<'_, Arc<Engine>>,
    request: Request<'_>,
) -> Result<MessageRecord, CommandError> {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let session_id = header("x-session-id")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| CommandError::invalid("The file's session is missing."))?;
    let file_name = header("x-file-name")
        .and_then(|v| percent_decode_str(v).decode_utf8().ok())
        .map(|name| name.into_owned())
        .ok_or_else(|| CommandError::invalid("The file's name is missing."))?;
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::invalid("The file must be sent as bytes."));
    };
    Ok(engine.session_send_attachment(session_id, &file_name, bytes.clone()).await?)
}

/// Where saved files go: the user's Downloads folder, or `Downloads` in the data folder when
/// SWITCHBOARD_DATA_DIR keeps everything the app writes in one place.
pub struct SaveFolder(pub Option<PathBuf>);

/// Saves a stored file in the Downloads folder (never over an existing file); answers where
/// it went.
#[tauri::command]
pub async fn attachment_save(
    app: AppHandle,
    engine: State<'_, Arc<Engine>>,
    folder: State<'_, SaveFolder>,
    attachment_id: i64,
) -> Result<String, CommandError> {
    let file = engine.attachment_content(attachment_id).await?;
    save_in_downloads(&app, &folder, &file.file_name, &file.bytes).await
}

/// Writes `bytes` as `name` in the Downloads folder, never over an existing file; answers where.
pub async fn save_in_downloads(
    app: &AppHandle,
    folder: &SaveFolder,
    name: &str,
    bytes: &[u8],
) -> Result<String, CommandError> {
    let folder = match &folder.0 {
        Some(folder) => folder.clone(),
        // Without an XDG user-dirs file there is no known Downloads folder: use ~/Downloads.
        None => match app.path().download_dir() {
            Ok(folder) => folder,
            Err(_) => app.path().home_dir().map_err(CommandError::shell)?.join("Downloads"),
        },
    };
    tokio::fs::create_dir_all(&folder)
        .await
        .map_err(|e| CommandError::unavailable(format!("Cannot create {}: {e}", folder.display())))?;
    let path = free_path(&folder, name);
    tokio::fs::write(&path, bytes)
        .await
        .map_err(|e| CommandError::unavailable(format!("Cannot save to {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

/// `folder/name`, or `name (2).ext`, `name (3).ext`… when taken. Only the name's last path
/// component is used: a customer's file name cannot point elsewhere.
fn free_path(folder: &Path, name: &str) -> PathBuf {
    let name =
        Path::new(name).file_name().and_then(|n| n.to_str()).filter(|n| !n.is_empty()).unwrap_or("file");
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (1..)
        .map(|n| if n == 1 { folder.join(name) } else { folder.join(format!("{stem} ({n}){extension}")) })
        .find(|path| !path.exists())
        .unwrap_or_else(|| folder.join(name))
}

#[cfg(test)]
mod tests {
    use super::free_path;

    #[test]
    fn a_saved_file_never_overwrites_and_never_leaves_the_folder() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let first = free_path(dir.path(), "receipt.pdf");
        assert_eq!(first, dir.path().join("receipt.pdf"));
        std::fs::write(&first, b"x").expect("written");
        assert_eq!(free_path(dir.path(), "receipt.pdf"), dir.path().join("receipt (2).pdf"));
        assert_eq!(free_path(dir.path(), "../../etc/passwd"), dir.path().join("passwd"));
        assert_eq!(free_path(dir.path(), ""), dir.path().join("file"));
    }
}
