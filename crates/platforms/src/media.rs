//! Downloading the files customers send, from where the platform keeps them: read in chunks and
//! given up as soon as they pass the 25 MB limit, so a hostile or broken URL cannot fill memory.

use crate::PlatformError;
use switchboard_core::attachment::MAX_ATTACHMENT_BYTES;

/// A downloaded file.
#[derive(Debug, Clone)]
pub struct Download {
    pub bytes: Vec<u8>,
    /// The media type the host gave, if any.
    pub media_type: Option<String>,
}

pub(crate) async fn download(
    platform: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<Download, PlatformError> {
    let mut response = request.send().await.map_err(|e| PlatformError::transport(platform, e))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(PlatformError::File {
            platform,
            status,
            detail: "the file could not be downloaded".into(),
        });
    }
    let too_large = || PlatformError::File {
        platform,
        status,
        detail: format!("the file is larger than {} MB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
    };
    if response.content_length().is_some_and(|length| length > MAX_ATTACHMENT_BYTES) {
        return Err(too_large());
    }
    let media_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_owned());
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| PlatformError::transport(platform, e))? {
        if (bytes.len() + chunk.len()) as u64 > MAX_ATTACHMENT_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Download { bytes, media_type })
}
