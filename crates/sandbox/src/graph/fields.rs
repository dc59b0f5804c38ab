//! The `fields` parameter: `id,updated_time,messages{id,from,message}` → a tree of names.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Fields(Vec<(String, Fields)>);

impl Fields {
    pub fn parse(text: &str) -> Self {
        let mut fields = Vec::new();
        let mut depth = 0usize;
        let mut start = 0usize;
        for (i, c) in text.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    fields.extend(Self::field(&text[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        fields.extend(Self::field(&text[start..]));
        Self(fields)
    }

    fn field(text: &str) -> Option<(String, Fields)> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        // Modifiers such as `messages.limit(10){…}` are accepted and ignored.
        match text.find('{') {
            Some(open) => {
                let name = text[..open].split('.').next().unwrap_or_default().trim();
                let inner = text[open + 1..].strip_suffix('}').unwrap_or(&text[open + 1..]);
                Some((name.to_owned(), Fields::parse(inner)))
            }
            None => Some((text.split('.').next().unwrap_or_default().to_owned(), Fields::default())),
        }
    }

    /// The top-level names asked for.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(field, _)| field == name)
    }

    /// The sub-fields asked for `name`, or `default` when it was asked without braces.
    pub fn nested(&self, name: &str, default: &str) -> Option<Fields> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, sub)| if sub.0.is_empty() { Fields::parse(default) } else { sub.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_fields_are_parsed() {
        let fields = Fields::parse("id,updated_time,messages{id,from,message},participants");
        assert!(fields.has("id") && fields.has("participants"));
        let messages = fields.nested("messages", "id").unwrap();
        assert!(messages.has("from") && messages.has("message"));
        assert!(!messages.has("to"));
        assert!(fields.nested("participants", "id,name").unwrap().has("name"));
        assert_eq!(fields.nested("tags", "id"), None);
    }
}
