//! Switchboard in demo and training mode: the app, with the sandbox (a local imitation of
//! Facebook and Twilio, with scripted customers) started beside it on 127.0.0.1. The sandbox
//! lives in this binary only: the app an installer ships (`switchboard`) does not link it.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use switchboard_sandbox::{Sandbox, Script};

fn main() {
    // One runtime for the sandbox and the app, so the sandbox's server runs as long as the app.
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => fail(&format!("cannot start the async runtime: {error}")),
    };
    tauri::async_runtime::set(runtime.handle().clone());
    let sandbox = match runtime.block_on(Sandbox::start(Script::demo())) {
        Ok(sandbox) => sandbox,
        Err(error) => fail(&format!("cannot start the sandbox on 127.0.0.1: {error}")),
    };
    let url = match sandbox.base_url().parse::<url::Url>() {
        Ok(url) => url,
        Err(error) => fail(&format!("the sandbox's address is not a URL: {error}")),
    };
    eprintln!("switchboard-demo: the sandbox answers at {url}");
    switchboard_app::run_demo(url);
    drop(sandbox);
}

fn fail(message: &str) -> ! {
    eprintln!("switchboard-demo: {message}");
    std::process::exit(2);
}
