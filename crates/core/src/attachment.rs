//! Attachments an agent may send: the types and size the platforms accept.

use serde::Serialize;

/// Messenger's limit, which Switchboard applies to every platform.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

const ALLOWED: &[(&str, AttachmentKind)] = &[
    ("png", AttachmentKind::Image),
    ("jpg", AttachmentKind::Image),
    ("jpeg", AttachmentKind::Image),
    ("gif", AttachmentKind::Image),
    ("mp4", AttachmentKind::Video),
    ("mov", AttachmentKind::Video),
    ("pdf", AttachmentKind::File),
    ("doc", AttachmentKind::File),
    ("docx", AttachmentKind::File),
    ("xls", AttachmentKind::File),
    ("xlsx", AttachmentKind::File),
    ("ppt", AttachmentKind::File),
    ("pptx", AttachmentKind::File),
    ("csv", AttachmentKind::File),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Image,
    Video,
    Audio,
    File,
}

/// An attachment's metadata, checked before upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub file_name: String,
    pub kind: AttachmentKind,
    pub size_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttachmentError {
    #[error("\"{file_name}\" is empty.")]
    Empty { file_name: String },
    #[error(
        "\"{file_name}\" cannot be sent: allowed are images (png, jpg, gif), videos (mp4, mov) and pdf, doc(x), xls(x), ppt(x), csv files."
    )]
    UnsupportedType { file_name: String },
    #[error("\"{file_name}\" is {size_mb:.1} MB; attachments may be at most 25 MB.")]
    TooLarge { file_name: String, size_mb: f64 },
}

impl Attachment {
    pub fn parse(file_name: &str, size_bytes: u64) -> Result<Self, AttachmentError> {
        let file_name = file_name.to_owned();
        let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
        let Some(kind) = extension.and_then(|ext| ALLOWED.iter().find(|(e, _)| *e == ext).map(|(_, k)| *k))
        else {
            return Err(AttachmentError::UnsupportedType { file_name });
        };
        if size_bytes == 0 {
            return Err(AttachmentError::Empty { file_name });
        }
        if size_bytes > MAX_ATTACHMENT_BYTES {
            let size_mb = size_bytes as f64 / (1024.0 * 1024.0);
            return Err(AttachmentError::TooLarge { file_name, size_mb });
        }
        Ok(Self { file_name, kind, size_bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_types_up_to_25_mb_pass() {
        let photo = Attachment::parse("Receipt.JPG", MAX_ATTACHMENT_BYTES).unwrap();
        assert_eq!(photo.kind, AttachmentKind::Image, "extensions are case-insensitive");
        assert_eq!(Attachment::parse("invoice.pdf", 1).unwrap().kind, AttachmentKind::File);
    }

    #[test]
    fn larger_files_and_other_types_are_refused_with_the_reason() {
        let error = Attachment::parse("video.mp4", MAX_ATTACHMENT_BYTES + 1).unwrap_err();
        assert_eq!(error.to_string(), "\"video.mp4\" is 25.0 MB; attachments may be at most 25 MB.");
        assert!(matches!(Attachment::parse("setup.exe", 10), Err(AttachmentError::UnsupportedType { .. })));
        assert!(matches!(Attachment::parse("noextension", 10), Err(AttachmentError::UnsupportedType { .. })));
        assert!(matches!(Attachment::parse("empty.png", 0), Err(AttachmentError::Empty { .. })));
    }
}
