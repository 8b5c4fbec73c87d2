//! Developer tasks for Linkwork, run as `cargo xtask <command>` from anywhere in the repository.
//!
//! Every command first installs the tooling it needs (skipping what is already there), so a
//! fresh machine with only rustup, node and npm can build and test the app.
//! It shells out to cargo, rustup, trunk, npm, node and apt-get; its own dependencies are
//! sha2 and base64 for the build hooks (site.rs), flate2 and brotli for sizes (sizes.rs).

mod layers;
mod proc;
mod site;
mod sizes;
mod tasks;
mod tooling;

use std::process::ExitCode;

/// Result of an xtask operation; the error is a message for the user.
pub type Result<T = ()> = std::result::Result<T, String>;

/// Usage text printed by `cargo xtask help` and on unknown commands.
const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve   install tooling, then `trunk serve` the app at http://127.0.0.1:8080/
  dist    install tooling, then build the release app into dist/ and print asset sizes
  layers  the architecture check: no import cycle between modules, no import up a layer
          of the core (model < store < work < views < exchange)
  test    the full check: fmt, layers, clippy (native + wasm), native tests, wasm browser tests,
          release build, end-to-end browser tests (tests/e2e/*.test.mjs), then the
          quick benchmarks on that build (bench --quick)
  bench [--quick]
          release build and its sizes against the budgets; native benchmarks (criterion,
          crates/core/benches) at 1,000 / 5,000 / 20,000 / 50,000 referrals; browser
          benchmarks beside the plain-JavaScript floor (tests/e2e/bench.mjs). --quick: 1,000
          referrals only, few runs; fails if the download grows past its size budget
  bundle-echarts
          Trunk's pre-build hook: ECharts with only what Linkwork draws (public/echarts.mjs)
  finish-build [dir]
          Trunk's post-build hook (Trunk.toml): content security policy, service worker,
          _headers; run by every Trunk build, not by hand
  help    print this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => tasks::serve(),
        Some("dist") => tasks::dist(),
        Some("test") => tasks::test(),
        Some("bench") => tasks::bench(args.iter().any(|a| a == "--quick")),
        Some("layers") => layers::check(&proc::root()),
        Some("finish-build") => site::finish_build(args.get(1).map(String::as_str)),
        Some("bundle-echarts") => site::bundle_echarts(),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
