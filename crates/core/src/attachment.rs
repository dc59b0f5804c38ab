//! Attachments an agent may send: the types and size the platforms accept.

use serde::Serialize;

/// Messenger's limit, which Switchboard applies to every platform.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

/// What may be sent: extension, kind, media type.
const ALLOWED: &[(&str, AttachmentKind, &str)] = &[
    ("png", AttachmentKind::Image, "image/png"),
    ("jpg", AttachmentKind::Image, "image/jpeg"),
    ("jpeg", AttachmentKind::Image, "image/jpeg"),
    ("gif", AttachmentKind::Image, "image/gif"),
    ("mp4", AttachmentKind::Video, "video/mp4"),
    ("mov", AttachmentKind::Video, "video/quicktime"),
    ("pdf", AttachmentKind::File, "application/pdf"),
    ("doc", AttachmentKind::File, "application/msword"),
    ("docx", AttachmentKind::File, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xls", AttachmentKind::File, "application/vnd.ms-excel"),
    ("xlsx", AttachmentKind::File, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt", AttachmentKind::File, "application/vnd.ms-powerpoint"),
    (
        "pptx",
        AttachmentKind::File,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("csv", AttachmentKind::File, "text/csv"),
];

/// Images the desk shows inline: raster formats only (an SVG can carry script, so it is a file).
const INLINE_IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Image,
    Video,
    Audio,
    File,
}

impl AttachmentKind {
    /// The kind of a file a customer sent, by its media type.
    pub fn of_media_type(media_type: &str) -> Self {
        match media_type.split('/').next().unwrap_or_default() {
            "image" => AttachmentKind::Image,
            "video" => AttachmentKind::Video,
            "audio" => AttachmentKind::Audio,
            _ => AttachmentKind::File,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Image => "image",
            AttachmentKind::Video => "video",
            AttachmentKind::Audio => "audio",
            AttachmentKind::File => "file",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [AttachmentKind::Image, AttachmentKind::Video, AttachmentKind::Audio, AttachmentKind::File]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// Whether the desk may show a file of this media type as an image.
/// The stored file a `media://localhost/{id}` (or `http://media.localhost/{id}`) request names:
/// the path must be exactly `/` and the id's canonical digits (no sign, no leading zero, no
/// query or extra segment), so one file has one address and nothing else reaches the cache.
pub fn media_id(path: &str) -> Option<i64> {
    let digits = path.strip_prefix('/')?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    digits.parse::<i64>().ok().filter(|id| *id > 0)
}

pub fn is_inline_image(media_type: &str) -> bool {
    INLINE_IMAGES.contains(&media_type)
}

/// A file name for a file that came without one (Twilio's media): its id and the extension its
/// media type usually has.
pub fn name_for(id: &str, media_type: &str) -> String {
    let extension = ALLOWED.iter().find(|(_, _, m)| *m == media_type).map_or("bin", |(e, _, _)| e);
    format!("{id}.{extension}")
}

/// An attachment's metadata, checked before upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub file_name: String,
    pub kind: AttachmentKind,
    pub size_bytes: u64,
    pub media_type: &'static str,
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
        let Some((_, kind, media_type)) =
            extension.and_then(|ext| ALLOWED.iter().find(|(e, _, _)| *e == ext))
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
        Ok(Self { file_name, kind: *kind, size_bytes, media_type })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_media_address_names_one_file_by_its_canonical_id() {
        assert_eq!(media_id("/42"), Some(42));
        assert_eq!(media_id("/9223372036854775807"), Some(i64::MAX));
        for refused in [
            "",
            "/",
            "42",
            "/042",
            "/+42",
            "/-42",
            "/0",
            "/4 2",
            "/42/",
            "/42?x=1",
            "/../42",
            "/9223372036854775808",
            "/٤٢",
        ] {
            assert_eq!(media_id(refused), None, "{refused:?}");
        }
    }

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

    #[test]
    fn received_files_are_classified_by_media_type_and_only_raster_images_shown_inline() {
        assert_eq!(AttachmentKind::of_media_type("image/png"), AttachmentKind::Image);
        assert_eq!(AttachmentKind::of_media_type("audio/ogg"), AttachmentKind::Audio);
        assert_eq!(AttachmentKind::of_media_type("application/pdf"), AttachmentKind::File);
        assert!(is_inline_image("image/jpeg"));
        assert!(!is_inline_image("image/svg+xml"), "an SVG can carry script: a file chip, not an image");
        assert_eq!(name_for("ME12", "image/jpeg"), "ME12.jpg");
        assert_eq!(name_for("ME12", "application/x-unknown"), "ME12.bin");
        assert_eq!(Attachment::parse("a.PDF", 3).unwrap().media_type, "application/pdf");
    }
}
