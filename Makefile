# The two commands: `make run` and `make test`. Both set up a fresh Debian/Ubuntu machine first.
SHELL := /bin/bash
export CARGO_BUILD_JOBS ?= 2
export CARGO_TERM_COLOR ?= never

.PHONY: run test setup ui app demo lint ui-test rust-test package-test dist bench fuzz sqlx-prepare

run: demo
	scripts/run-demo.sh

test: setup ui lint ui-test app rust-test package-test

setup:
	scripts/setup.sh

# Tauri embeds ui/dist into the app at compile time, so the UI is built before any cargo step.
ui: setup
	cd ui && npm run build

# The app as installers ship it (no sandbox inside), and the demo, which embeds the sandbox.
app: ui
	cargo build --bin switchboard

demo: ui
	cargo build -p switchboard-demo

lint: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

ui-test: setup
	cd ui && npm test

# Every Rust test, end-to-end included, inside one private desktop session (Xvfb, D-Bus,
# gnome-keyring, dunst + dbus-monitor, tauri-driver started by the tests), beside a throw-away
# PostgreSQL for team mode's tests. No backtraces: a panic's message names its place, and CI
# shows only the head and tail of a long output, which a backtrace pushes the message out of.
rust-test: app
	RUST_BACKTRACE=0 scripts/postgres-session.sh scripts/desktop-session.sh cargo test --workspace

# The .deb made from the app just tested, installed with apt-get, started from /usr/bin under
# WebDriver against a sandbox, then removed.
package-test: app
	scripts/package-test.sh

TAURI := $(CURDIR)/ui/node_modules/.bin/tauri
# The Linux packages, release build: .deb, .rpm and .AppImage (see README, "Installing").
dist: setup ui
	$(TAURI) build --ci --bundles deb,rpm
	scripts/appimage.sh

# Figures for docs/PERFORMANCE.md: release builds, real encrypted files; not part of make test.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
bench: setup ui
	cargo bench -p switchboard-store --bench cache
	cargo bench -p switchboard-store --bench routing
	cargo bench -p switchboard-store --bench replica
	scripts/postgres-session.sh cargo bench -p switchboard-team --bench claims
	scripts/postgres-session.sh scripts/desktop-session.sh cargo bench -p switchboard-engine --bench team_delivery
	scripts/postgres-session.sh scripts/desktop-session.sh cargo bench -p switchboard-engine --bench team_failover
	scripts/desktop-session.sh cargo bench -p switchboard-engine --bench latency
	scripts/desktop-session.sh cargo bench -p switchboard-engine --bench backfill
	cargo bench -p switchboard-engine --bench wallboard
	scripts/desktop-session.sh cargo bench -p switchboard-e2e --bench monitor_memory
	cargo build --release --bin switchboard --example bare-window
	cargo build --release -p switchboard-demo
	@echo "release binaries: switchboard $$(stat -c %s $(TARGET_DIR)/release/switchboard) bytes (what installers ship)," \
	  "switchboard-demo $$(stat -c %s $(TARGET_DIR)/release/switchboard-demo) bytes (the same app with the sandbox)," \
	  "bare-window $$(stat -c %s $(TARGET_DIR)/release/examples/bare-window) bytes"
	SWITCHBOARD_APP=$(TARGET_DIR)/release/switchboard \
	  scripts/desktop-session.sh cargo bench -p switchboard-e2e --bench desk

# After changing a query or a migration: rebuild both schemas (SQLite for the cache, a throw-away
# PostgreSQL for team mode) and refresh .sqlx/, which holds both crates' offline query data.
SCHEMA_DB := $(CURDIR)/target/sqlx-schema.sqlite3
# Fuzz targets, not in `make test`: every parser of outside bytes, a million inputs each
# (FUZZ_CASES=n to change); docs/FUZZING.md has the last figures.
fuzz:
	cargo test --release -p switchboard-core -p switchboard-platforms -p switchboard-store -p switchboard-sandbox --lib fuzz -- --ignored --nocapture --test-threads 1

sqlx-prepare:
	rm -f $(SCHEMA_DB)* && mkdir -p target && rm -rf target/sqlx-new && mkdir -p target/sqlx-new
	for m in crates/store/migrations/*.sql; do sqlite3 $(SCHEMA_DB) < $$m; done
	touch crates/store/src/lib.rs crates/team/src/lib.rs
	SQLX_OFFLINE=false DATABASE_URL=sqlite://$(SCHEMA_DB) SQLX_OFFLINE_DIR=$(CURDIR)/target/sqlx-new \
	  cargo check -p switchboard-store
	# The team crate's address goes in its own .env (the store, which it uses, keeps the SQLite
	# data written above), and is removed after.
	scripts/postgres-session.sh bash -c 'for m in crates/team/migrations/*.sql; do psql -q -v ON_ERROR_STOP=1 "$$SWITCHBOARD_TEST_PG" -f $$m || exit 1; done && \
	  echo "DATABASE_URL=$$SWITCHBOARD_TEST_PG" > crates/team/.env && touch crates/team/src/lib.rs && \
	  SQLX_OFFLINE=false SQLX_OFFLINE_DIR=$(CURDIR)/target/sqlx-new cargo check -p switchboard-team; \
	  status=$$?; rm -f crates/team/.env; exit $$status'
	rm -rf .sqlx && cp -r target/sqlx-new .sqlx
