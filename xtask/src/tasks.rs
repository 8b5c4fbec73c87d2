//! The `cargo xtask` commands: serve, dist, test and bench.

use crate::proc::{cmd, cmd_line, root, run};
use crate::sizes;
use crate::tooling::{self, CHROMEDRIVER, WASM_TARGET};
use crate::Result;
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Address of the development server (also in Trunk.toml).
const SERVE_ADDRESS: &str = "127.0.0.1";
/// Port of the development server (also in Trunk.toml).
const SERVE_PORT: &str = "8080";

/// Where `cargo xtask bench` writes the caseload fixtures and `bench.mjs` its results.
const BENCH_DIR: &str = "target/bench";

/// The caseloads `tests/e2e/bench.mjs` reads from [`BENCH_DIR`]: the size argument of the
/// `storage_fixture` example of linkwork-core, whether it is an encrypted workspace padded
/// to 5 contacts and 2 measure sets a referral, the file it writes, and whether the quick
/// run (`--quick`) uses it.
const BENCH_FIXTURES: [(&str, bool, &str, bool); 5] = [
    ("demo", false, "caseload-demo.json", false),
    ("1000", true, "sealed-1000.json", true),
    ("5000", true, "sealed-5000.json", false),
    ("20000", true, "sealed-20000.json", false),
    ("50000", true, "sealed-50000.json", false),
];

/// Passphrase of the benchmark's encrypted workspaces (also in bench.mjs).
const BENCH_PASSPHRASE: &str = "correct horse battery";

/// `cargo xtask serve`: builds and serves the app with live reload. The debug build goes to
/// `target/trunk-serve`, so `dist/` keeps holding the release build.
pub fn serve() -> Result {
    tooling::ensure_build_tools()?;
    run(&mut cmd_line("cargo fetch"))?;
    println!("\nserving Linkwork at http://{SERVE_ADDRESS}:{SERVE_PORT}/ (Ctrl-C to stop)\n");
    let args = format!(
        "trunk serve --offline --dist target/trunk-serve --address {SERVE_ADDRESS} --port {SERVE_PORT}"
    );
    run(&mut cmd_line(&args))
}

/// `cargo xtask dist`: the release build in `dist/`.
pub fn dist() -> Result {
    tooling::ensure_build_tools()?;
    build_dist().map(drop)
}

/// `cargo xtask bench [--quick]`: the release build and its sizes against the budgets, the
/// native benchmarks (criterion), the browser benchmarks beside their floor, sync, the first
/// visit on slow lines beside the network's floor, and Lighthouse. Tables are printed; JSON
/// goes to `target/bench/` (sizes.json, browser.json, sync.json, first_visit.json,
/// lighthouse.json) and criterion's own reports to `target/criterion/`. `--quick` (CI) runs 1,000 referrals only, with few runs,
/// and fails when a size budget is breached; timings are printed, never asserted.
pub fn bench(quick: bool) -> Result {
    tooling::ensure_build_tools()?;
    let measured = build_dist()?;
    benchmarks(quick, &measured)
}

/// The benchmarks of a release build already in `dist/`, whose sizes are `measured`.
fn benchmarks(quick: bool, measured: &[sizes::Size]) -> Result {
    let verdict = sizes::check(measured);
    for missed in &verdict.missed {
        println!("SIZE TARGET MISSED: {missed}");
    }
    for breach in &verdict.breached {
        println!("SIZE BUDGET BREACHED: {breach}");
    }

    let mut criterion = cmd(
        "cargo",
        &["bench", "-p", "linkwork-core", "--bench", "core"],
    );
    if quick {
        criterion
            .args(["--", "--quick"])
            .env("LINKWORK_BENCH_SIZES", "1000");
    }
    run(&mut criterion)?;
    // How much detail anonymised summaries keep, and their error (printed, not judged).
    run(&mut core_example("utility", &[]))?;

    tooling::ensure_browser()?;
    let dir = root().join(BENCH_DIR);
    fs::create_dir_all(&dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    for (size, sealed, file, in_quick) in BENCH_FIXTURES {
        if quick && !in_quick {
            continue;
        }
        let out = format!("{BENCH_DIR}/{file}");
        let mut args = vec![size, out.as_str()];
        if sealed {
            args.extend(["--sealed", BENCH_PASSPHRASE, "--pad"]);
        }
        run(&mut core_example("storage_fixture", &args))?;
    }
    if !quick {
        let summaries = format!("{BENCH_DIR}/summaries-200.json");
        run(&mut core_example("summary_fixture", &[summaries.as_str()]))?;
    }
    let mut browser = cmd("node", &["tests/e2e/bench.mjs", BENCH_DIR]);
    browser.env("LINKWORK_DIST", dist_dir());
    if quick {
        browser
            .env("LINKWORK_BENCH_RUNS", "2")
            .env("LINKWORK_BENCH_SWITCHES", "0")
            .env("LINKWORK_BENCH_ONLY", "1000");
    }
    run(&mut browser)?;
    // Sync with the local CouchDB-compatible server: the first sync of the largest caseload
    // that fits in local storage, and one edit each way.
    let synced = format!(
        "{BENCH_DIR}/{}",
        if quick {
            "sealed-1000.json"
        } else {
            "sealed-20000.json"
        }
    );
    let mut sync = cmd("node", &["tests/e2e/sync_bench.mjs", synced.as_str()]);
    sync.env("LINKWORK_DIST", dist_dir());
    run(&mut sync)?;
    // The first visit on a practice PC's line and a slow mobile one, beside the network's
    // floor, and the bytes it downloads (median of 3 runs, the quick run too).
    let mut first_visit = cmd("node", &["tests/e2e/first_visit_bench.mjs"]);
    first_visit.env("LINKWORK_DIST", dist_dir());
    run(&mut first_visit)?;
    // Lighthouse 12.2.3 (npm), desktop and mobile, on the build served compressed with its
    // `_headers`: scores and metrics printed, never asserted.
    let mut lighthouse = cmd("node", &["tests/e2e/lighthouse_bench.mjs"]);
    lighthouse.env("LINKWORK_DIST", dist_dir());
    if !quick {
        lighthouse.env("LINKWORK_LIGHTHOUSE_RUNS", "3");
    }
    run(&mut lighthouse)?;
    if verdict.breached.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "size budget breached: {}",
            verdict.breached.join("; ")
        ))
    }
}

/// `cargo run --release` of an example of linkwork-core, with its arguments.
fn core_example(name: &str, args: &[&str]) -> std::process::Command {
    let mut command = cmd(
        "cargo",
        &[
            "run",
            "--release",
            "--quiet",
            "-p",
            "linkwork-core",
            "--example",
            name,
            "--",
        ],
    );
    command.args(args);
    command
}

/// `cargo xtask test`: every check, in order, stopping at the first failure.
pub fn test() -> Result {
    let mut steps = Steps::default();
    let result = test_steps(&mut steps);
    steps.print_summary();
    result
}

/// The steps of `cargo xtask test`.
fn test_steps(steps: &mut Steps) -> Result {
    let fmt = "cargo fmt --all -- --check";
    let clippy = "cargo clippy --workspace --all-targets -- -D warnings";
    let clippy_wasm =
        format!("cargo clippy -p linkwork --all-targets --target {WASM_TARGET} -- -D warnings");
    // The app crate's tests only run in the browser (next step).
    let native_tests = "cargo test --workspace --exclude linkwork";
    let mut wasm_tests = cmd_line(&format!("cargo test -p linkwork --target {WASM_TARGET}"));
    wasm_tests
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");

    steps.run("tooling", tooling::ensure_build_tools)?;
    steps.run("browser", tooling::ensure_browser)?;
    steps.run("fmt", || run(&mut cmd_line(fmt)))?;
    steps.run("layers", || crate::layers::check(&crate::proc::root()))?;
    steps.run("clippy (native)", || run(&mut cmd_line(clippy)))?;
    steps.run("clippy (wasm)", || run(&mut cmd_line(&clippy_wasm)))?;
    steps.run("native tests", || run(&mut cmd_line(native_tests)))?;
    steps.run("wasm browser tests", || run(&mut wasm_tests))?;
    let mut measured = Vec::new();
    steps.run("release build", || {
        measured = build_dist()?;
        Ok(())
    })?;
    steps.run("end-to-end tests", e2e_tests)?;
    // Sizes fail the run when they grow past their budget; timings are printed only.
    steps.run("benchmarks (quick)", || benchmarks(true, &measured))
}

/// Builds the release app into `dist/` (tooling must be installed), prints its sizes and
/// writes them to `target/bench/sizes.json`; returns them.
fn build_dist() -> Result<Vec<sizes::Size>> {
    run(&mut cmd_line("cargo fetch"))?;
    run(&mut cmd_line("trunk build --release --offline"))?;
    let measured = sizes::measure(&dist_dir())?;
    sizes::report(&measured, &root().join(BENCH_DIR).join("sizes.json"))?;
    Ok(measured)
}

/// The absolute path of the release build.
fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// Runs the node test runner over `tests/e2e/*.test.mjs` against the built `dist/`.
fn e2e_tests() -> Result {
    let dir = root().join("tests/e2e");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .map_err(|err| format!("cannot list {}: {err}", dir.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("tests/e2e/{name}"))
        .collect();
    if files.is_empty() {
        println!("no tests/e2e/*.test.mjs files: nothing to run");
        return Ok(());
    }
    files.sort();
    let mut command = cmd("node", &["--test", "--test-reporter=spec"]);
    command.args(&files).env("LINKWORK_DIST", dist_dir());
    run(&mut command)
}

/// Names, durations and outcomes of the `test` steps run so far.
#[derive(Default)]
struct Steps(Vec<(&'static str, Duration, bool)>);

impl Steps {
    /// Runs one named step and records its duration; a failure names the step.
    fn run(&mut self, name: &'static str, step: impl FnOnce() -> Result) -> Result {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = step();
        self.0.push((name, start.elapsed(), result.is_ok()));
        result.map_err(|err| format!("step `{name}` failed: {err}"))
    }

    /// Prints every step run with its outcome and duration, and the total.
    fn print_summary(&self) {
        println!("\nsummary:");
        for (name, time, ok) in &self.0 {
            let outcome = if *ok { "ok" } else { "FAILED" };
            println!("  {outcome:<6} {name:<20} {:>7.1} s", time.as_secs_f64());
        }
        let total: Duration = self.0.iter().map(|(_, time, _)| *time).sum();
        println!("  {:<6} {:<20} {:>7.1} s", "", "total", total.as_secs_f64());
    }
}
