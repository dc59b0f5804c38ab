//! The files a scripted or test customer can send: a photo and a PDF receipt, bundled so that the
//! sandbox serves real bytes of real formats (the desk shows the photo inline, the PDF as a chip).

/// A bundled file: its name, media type and content.
pub(crate) struct Sample {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

const SAMPLES: &[Sample] = &[
    Sample { name: "bike.png", content_type: "image/png", bytes: include_bytes!("../samples/bike.png") },
    Sample {
        name: "receipt.pdf",
        content_type: "application/pdf",
        bytes: include_bytes!("../samples/receipt.pdf"),
    },
];

/// The sample of that name, if the sandbox bundles one.
pub(crate) fn sample(name: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.name == name)
}

/// The names of every sample, for error messages.
pub(crate) fn names() -> String {
    SAMPLES.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}
