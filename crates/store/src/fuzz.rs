//! Fuzz target (`make fuzz`, not `make test`): the full-text query built from what an agent or
//! supervisor types. A million inputs by default (`FUZZ_CASES`), each checked to be only quoted
//! words (so that FTS5 syntax typed in means nothing), and a sample run against SQLite's FTS5.

use crate::search::fts_query;
use crate::{CacheKey, SearchQuery, Store};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use switchboard_core::Secret;
use switchboard_fuzzing::{cases, run, runner};

/// Only `"word"` tokens (quotes doubled inside), the last with a `*`.
fn only_quoted_words(query: &str) -> bool {
    let mut rest = query;
    loop {
        let Some(after) = rest.strip_prefix('"') else { return false };
        let mut chars = after.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().is_some_and(|(_, n)| *n == '"') {
                    chars.next();
                } else {
                    end = Some(i);
                    break;
                }
            }
        }
        let Some(end) = end else { return false };
        rest = &after[end + 1..];
        rest = rest.strip_prefix('*').unwrap_or(rest);
        if rest.is_empty() {
            return true;
        }
        let Some(next) = rest.strip_prefix(' ') else { return false };
        rest = next;
    }
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_search_queries() {
    let text =
        prop_oneof![".{0,48}", "[\"*():^a-zA-Z0-9 \\-]{0,32}", "(NEAR|AND|OR|NOT|body:|\\{|\\}| ){0,12}"];
    run("search queries", &text, |input| {
        if let Some(query) = fts_query(&input) {
            prop_assert!(only_quoted_words(&query), "{input:?} → {query:?}");
        }
        Ok(())
    });

    // A sample through SQLite itself: FTS5 accepts every query built (no syntax error).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("a folder");
        let key = CacheKey::from_secret(Secret::from("ab".repeat(32))).expect("a key");
        let store = Store::open(&dir.path().join("cache.sqlite3"), &key).await.expect("a store");
        let sample = (cases() / 100).max(100);
        let mut runner = runner(sample);
        let tree = &text;
        for _ in 0..sample {
            let input = tree.new_tree(&mut runner).expect("an input").current();
            let query = SearchQuery { text: input.clone(), limit: 5, ..SearchQuery::default() };
            if let Err(error) = store.search(&query).await {
                panic!("FTS5 refused the query built from {input:?}: {error}");
            }
        }
        println!("fuzz search queries through FTS5: {sample} inputs, 0 errors");
    });
}
