//! Queues: names and keywords an admin may give them, and the tree they form per experience.

use serde::{Deserialize, Serialize};

/// Words SMS carriers and Twilio act on themselves (opt-out, opt-in, help): a customer
/// sending one of them never reaches a menu, so no queue may be named or reached by one.
pub const PROTECTED_SMS_WORDS: [&str; 11] =
    ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "START", "YES", "UNSTOP", "HELP", "INFO"];

/// The words that move a customer up the menu or out of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuWords {
    pub back: Vec<String>,
    pub exit: Vec<String>,
}

impl Default for MenuWords {
    fn default() -> Self {
        Self { back: vec!["BACK".into()], exit: vec!["EXIT".into()] }
    }
}

impl MenuWords {
    pub fn is_back(&self, text: &str) -> bool {
        self.back.iter().any(|w| w.eq_ignore_ascii_case(text.trim()))
    }

    pub fn is_exit(&self, text: &str) -> bool {
        self.exit.iter().any(|w| w.eq_ignore_ascii_case(text.trim()))
    }

    /// BACK and EXIT words must not be protected SMS words themselves, nor blank or shared.
    pub fn check(&self) -> Result<(), QueueError> {
        for word in self.back.iter().chain(&self.exit) {
            let word = word.trim();
            if word.is_empty() || word.contains(char::is_whitespace) {
                return Err(QueueError::BadMenuWord { word: word.to_owned() });
            }
            if let Some(protected) = protected(word) {
                return Err(QueueError::Protected { word: word.to_owned(), reserved: protected });
            }
        }
        if let Some(both) = self.back.iter().find(|b| self.exit.iter().any(|e| e.eq_ignore_ascii_case(b))) {
            return Err(QueueError::BadMenuWord { word: both.clone() });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QueueError {
    #[error("A queue needs a name.")]
    EmptyName,
    #[error("A queue name has at most {limit} characters; this one has {length}.")]
    NameTooLong { limit: usize, length: usize },
    #[error("\"{word}\" is {reserved}: customers cannot choose a queue with it. Pick another word.")]
    Protected { word: String, reserved: &'static str },
    #[error("A keyword is one word of letters or digits; \"{word}\" is not.")]
    BadKeyword { word: String },
    #[error("\"{word}\" cannot be a BACK or EXIT word (blank, more than one word, or both at once).")]
    BadMenuWord { word: String },
    #[error("The keyword \"{word}\" already leads to the queue \"{queue}\".")]
    KeywordTaken { word: String, queue: String },
    #[error("Another queue at this level is already called \"{name}\".")]
    NameTaken { name: String },
    #[error("That queue does not exist.")]
    Unknown,
    #[error("A queue cannot move under itself or one of its own sub-queues.")]
    Cycle,
    #[error("The root queue of an experience cannot be removed or moved.")]
    Root,
    #[error("Agents work leaf queues only; \"{name}\" has sub-queues.")]
    NotLeaf { name: String },
}

/// Which reserved set a word is in, if any (case-insensitive).
fn protected(word: &str) -> Option<&'static str> {
    PROTECTED_SMS_WORDS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(word.trim()))
        .then_some("a word SMS carriers reserve (STOP, HELP, START …)")
}

fn menu_word(word: &str, words: &MenuWords) -> Option<&'static str> {
    if words.is_back(word) {
        Some("the BACK word")
    } else if words.is_exit(word) {
        Some("the EXIT word")
    } else {
        None
    }
}

/// A queue's name: not blank, at most 60 characters, and not a word the menu or SMS reserve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct QueueName(String);

impl QueueName {
    pub const LIMIT: usize = 60;

    pub fn parse(name: &str, words: &MenuWords) -> Result<Self, QueueError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(QueueError::EmptyName);
        }
        let length = name.chars().count();
        if length > Self::LIMIT {
            return Err(QueueError::NameTooLong { limit: Self::LIMIT, length });
        }
        if let Some(reserved) = protected(name).or_else(|| menu_word(name, words)) {
            return Err(QueueError::Protected { word: name.to_owned(), reserved });
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A word that takes a customer straight to a queue ("pay" → Payments), kept lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Keyword(String);

impl Keyword {
    pub fn parse(word: &str, words: &MenuWords) -> Result<Self, QueueError> {
        let word = word.trim();
        if word.is_empty() || word.chars().count() > 30 || !word.chars().all(char::is_alphanumeric) {
            return Err(QueueError::BadKeyword { word: word.to_owned() });
        }
        if let Some(reserved) = protected(word).or_else(|| menu_word(word, words)) {
            return Err(QueueError::Protected { word: word.to_owned(), reserved });
        }
        Ok(Self(word.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn matches(&self, text: &str) -> bool {
        self.0 == text.trim().to_lowercase()
    }
}

/// How a queue chooses among its eligible agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Distribution {
    /// The agent idle longest.
    #[default]
    LongestIdle,
    /// The first eligible agent in this order (an ordered group).
    Cascade { order: Vec<String> },
    /// Each agent's share of today's assignments (percent; agents not listed get none).
    Percent { shares: Vec<(String, u8)> },
}

/// One node of an experience's queue tree, as routing reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueNode {
    pub id: i64,
    pub parent: Option<i64>,
    pub position: i64,
    pub name: String,
    pub keywords: Vec<String>,
    /// Higher is served first.
    pub priority: i64,
}

/// An experience's queues: one root, children in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueTree {
    nodes: Vec<QueueNode>,
}

impl QueueTree {
    pub fn new(mut nodes: Vec<QueueNode>) -> Self {
        nodes.sort_by_key(|n| (n.parent, n.position, n.id));
        Self { nodes }
    }

    pub fn root(&self) -> Option<&QueueNode> {
        self.nodes.iter().find(|n| n.parent.is_none())
    }

    pub fn get(&self, id: i64) -> Option<&QueueNode> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// A node's children, in the admin's order.
    pub fn children(&self, id: i64) -> impl Iterator<Item = &QueueNode> {
        self.nodes.iter().filter(move |n| n.parent == Some(id))
    }

    pub fn is_leaf(&self, id: i64) -> bool {
        self.children(id).next().is_none()
    }

    pub fn leaves(&self) -> impl Iterator<Item = &QueueNode> {
        self.nodes.iter().filter(|n| self.is_leaf(n.id))
    }

    /// The node and its ancestors up to the root ("Support › English › Payments").
    pub fn path(&self, id: i64) -> Vec<&QueueNode> {
        let mut path = Vec::new();
        let mut at = self.get(id);
        while let Some(node) = at {
            if path.iter().any(|n: &&QueueNode| n.id == node.id) {
                break;
            }
            path.push(node);
            at = node.parent.and_then(|p| self.get(p));
        }
        path.reverse();
        path
    }

    /// Whether `descendant` is `ancestor` or below it.
    pub fn is_within(&self, descendant: i64, ancestor: i64) -> bool {
        self.path(descendant).iter().any(|n| n.id == ancestor)
    }

    /// The queue a keyword leads to, anywhere in the tree.
    pub fn by_keyword(&self, text: &str) -> Option<&QueueNode> {
        let text = text.trim().to_lowercase();
        self.nodes.iter().find(|n| n.keywords.contains(&text))
    }

    /// Checks that a keyword is not already another queue's.
    pub fn check_keyword(&self, queue: i64, keyword: &Keyword) -> Result<(), QueueError> {
        match self.by_keyword(keyword.as_str()) {
            Some(other) if other.id != queue => {
                Err(QueueError::KeywordTaken { word: keyword.as_str().into(), queue: other.name.clone() })
            }
            _ => Ok(()),
        }
    }

    /// Checks that moving `queue` under `parent` keeps a tree.
    pub fn check_move(&self, queue: i64, parent: i64) -> Result<(), QueueError> {
        let node = self.get(queue).ok_or(QueueError::Unknown)?;
        if node.parent.is_none() {
            return Err(QueueError::Root);
        }
        self.get(parent).ok_or(QueueError::Unknown)?;
        if self.is_within(parent, queue) {
            return Err(QueueError::Cycle);
        }
        Ok(())
    }

    pub fn nodes(&self) -> &[QueueNode] {
        &self.nodes
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn node(
        id: i64,
        parent: Option<i64>,
        position: i64,
        name: &str,
        keywords: &[&str],
    ) -> QueueNode {
        QueueNode {
            id,
            parent,
            position,
            name: name.into(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            priority: 0,
        }
    }

    #[test]
    fn protected_words_are_refused_whatever_their_case() {
        let words = MenuWords::default();
        for word in PROTECTED_SMS_WORDS.iter().chain(&["back", "Exit"]) {
            let refused = QueueName::parse(&word.to_lowercase(), &words).unwrap_err();
            assert!(matches!(refused, QueueError::Protected { .. }), "{word} is reserved");
            assert!(Keyword::parse(word, &words).is_err(), "{word} cannot be a keyword either");
        }
        assert_eq!(QueueName::parse("  Payments ", &words).unwrap().as_str(), "Payments");
        assert_eq!(Keyword::parse("PAY", &words).unwrap().as_str(), "pay");
        assert!(QueueName::parse("Stop orders", &words).is_ok(), "only the whole word is reserved");
    }

    #[test]
    fn configured_menu_words_are_reserved_and_checked() {
        let words = MenuWords { back: vec!["atras".into()], exit: vec!["salir".into()] };
        assert!(QueueName::parse("Salir", &words).is_err());
        assert!(QueueName::parse("Back", &words).is_ok(), "BACK is only reserved when configured");
        let clash = MenuWords { back: vec!["STOP".into()], exit: vec!["EXIT".into()] };
        assert!(clash.check().is_err(), "a BACK word must not be a carrier word");
        let both = MenuWords { back: vec!["out".into()], exit: vec!["OUT".into()] };
        assert!(both.check().is_err());
    }

    #[test]
    fn the_tree_knows_its_paths_keywords_and_cycles() {
        let tree = QueueTree::new(vec![
            node(1, None, 0, "Support", &[]),
            node(3, Some(1), 1, "Español", &[]),
            node(2, Some(1), 0, "English", &[]),
            node(4, Some(2), 0, "Payments", &["pay"]),
        ]);
        let names: Vec<_> = tree.children(1).map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["English", "Español"], "children in the admin's order");
        assert_eq!(tree.path(4).iter().map(|n| n.id).collect::<Vec<_>>(), [1, 2, 4]);
        assert_eq!(tree.by_keyword(" PAY ").map(|n| n.id), Some(4));
        assert!(tree.is_leaf(4) && !tree.is_leaf(2));
        assert_eq!(tree.check_move(2, 4), Err(QueueError::Cycle));
        assert_eq!(tree.check_move(1, 2), Err(QueueError::Root));
        assert!(tree.check_move(4, 3).is_ok());
        let pay = Keyword::parse("pay", &MenuWords::default()).unwrap();
        assert!(matches!(tree.check_keyword(3, &pay), Err(QueueError::KeywordTaken { .. })));
    }

    proptest! {
        #[test]
        fn a_name_is_accepted_only_when_it_is_no_reserved_word(name in "[A-Za-z]{1,12}") {
            let words = MenuWords::default();
            let reserved = PROTECTED_SMS_WORDS.iter().any(|p| p.eq_ignore_ascii_case(&name))
                || words.is_back(&name) || words.is_exit(&name);
            prop_assert_eq!(QueueName::parse(&name, &words).is_err(), reserved);
        }
    }
}
