//! SMS encoding and segments: GSM-7 when every character fits the GSM 03.38 alphabet
//! (extension characters count twice), UCS-2 otherwise.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Segments {
    pub encoding: Encoding,
    pub count: u32,
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{000C}";

/// How many segments `text` is sent as (0 for empty text).
pub fn segments(text: &str) -> Segments {
    let septets: Option<u32> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (encoding, units, single, multi) = match septets {
        Some(septets) => (Encoding::Gsm7, septets, 160, 153),
        // UCS-2 counts UTF-16 code units: an emoji takes two.
        None => (Encoding::Ucs2, text.encode_utf16().count() as u32, 70, 67),
    };
    let count = match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(multi),
    };
    Segments { encoding, count }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_gsm7_with_160_then_153_per_segment() {
        assert_eq!(segments(""), Segments { encoding: Encoding::Gsm7, count: 0 });
        assert_eq!(segments(&"a".repeat(160)).count, 1);
        assert_eq!(segments(&"a".repeat(161)).count, 2);
        assert_eq!(segments(&"a".repeat(306)).count, 2);
        assert_eq!(segments(&"a".repeat(307)).count, 3);
    }

    #[test]
    fn extension_characters_take_two_septets() {
        assert_eq!(segments(&"€".repeat(80)), Segments { encoding: Encoding::Gsm7, count: 1 });
        assert_eq!(segments(&"€".repeat(81)).count, 2);
    }

    #[test]
    fn anything_outside_gsm7_switches_to_ucs2() {
        assert_eq!(segments("Olá, Tomás"), Segments { encoding: Encoding::Ucs2, count: 1 });
        assert_eq!(segments(&"ł".repeat(70)).count, 1);
        assert_eq!(segments(&"ł".repeat(71)).count, 2);
        assert_eq!(segments(&"🚲".repeat(35)).count, 1, "an emoji is two UTF-16 units");
        assert_eq!(segments(&"🚲".repeat(36)).count, 2);
    }
}
