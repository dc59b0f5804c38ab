//! The baseline for the desk's memory figure: a bare Tauri 2 window (one webview on a page
//! with one line of text), built with the same Tauri, profile and WebKitGTK as the app.
//!
//!   cargo build --release --example bare-window

fn main() {
    let mut context = tauri::generate_context!("tauri.conf.json");
    // The app's own window is left out: this one shows a page of its own.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        // A page, not about:blank, for which WebKit starts no web process at all.
        .register_uri_scheme_protocol("bare", |_ctx, _request| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html")
                .body(b"<!doctype html><title>bare</title><p>A bare Tauri 2 window.</p>".to_vec())
                .expect("a static response")
        })
        .setup(|app| {
            let page = tauri::WebviewUrl::CustomProtocol("bare://localhost/".parse()?);
            tauri::WebviewWindowBuilder::new(app, "main", page)
                .title("bare")
                .inner_size(1200.0, 760.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("the bare window runs");
}
