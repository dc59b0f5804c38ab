//! WhatsApp templates: approved texts with `{{1}}`-style variables, the only messages WhatsApp
//! allows outside the 24-hour window.

use std::collections::BTreeMap;

/// The variables a template's body uses, in order: `"1"`, `"2"`…
pub fn variables(body: &str) -> Vec<String> {
    let mut found: Vec<String> = body
        .split("{{")
        .skip(1)
        .filter_map(|after| after.split_once("}}").map(|(name, _)| name))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_owned)
        .collect();
    found.sort_by(|a, b| a.parse::<u32>().ok().cmp(&b.parse::<u32>().ok()).then(a.cmp(b)));
    found.dedup();
    found
}

/// The body with each `{{name}}` replaced by its value, as the customer will read it.
pub fn fill(body: &str, values: &BTreeMap<String, String>) -> String {
    values.iter().fold(body.to_owned(), |text, (name, value)| text.replace(&format!("{{{{{name}}}}}"), value))
}

/// The variables left without a value.
pub fn missing(body: &str, values: &BTreeMap<String, String>) -> Vec<String> {
    variables(body).into_iter().filter(|v| values.get(v).is_none_or(|x| x.trim().is_empty())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_found_in_order_and_filled() {
        let body = "Hi {{1}}, order {{2}} is ready. {{1}}, see you at {{10}}!";
        assert_eq!(variables(body), ["1", "2", "10"]);
        let values: BTreeMap<String, String> =
            [("1", "Lukas"), ("2", "#4821")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(fill("Hi {{1}}, order {{2}} is ready.", &values), "Hi Lukas, order #4821 is ready.");
        assert_eq!(missing(body, &values), ["10"]);
        assert_eq!(variables("No {{}} or {{ 1 }} variables {here}"), Vec::<String>::new());
    }
}
