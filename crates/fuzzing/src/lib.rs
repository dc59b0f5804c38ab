//! The runner every fuzz target shares (`make fuzz`, docs/FUZZING.md): proptest's runner with no
//! failure files, as many inputs as `FUZZ_CASES` says (a million by default), and one line of
//! figures per target. A dev-dependency only: nothing the app ships links it.

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// How many inputs each target tries: `FUZZ_CASES`, or a million.
pub fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000_000)
}

/// A runner for `cases` inputs that writes no regression files (a failure is printed whole).
pub fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

/// Runs `test` on `cases()` inputs drawn from `strategy`; panics with the smallest failing
/// input, or prints the target's figures.
pub fn run<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let cases = cases();
    let started = std::time::Instant::now();
    if let Err(failure) = runner(cases).run(&strategy, test) {
        panic!("fuzz target {name} failed: {failure}");
    }
    println!("fuzz {name}: {cases} inputs, 0 crashes, {:.1} s", started.elapsed().as_secs_f64());
}
