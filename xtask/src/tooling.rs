//! Installing the build and test tools. Each check prints one line and installs only what
//! is missing, so the commands also work on a fresh machine.

use crate::proc::{cmd, output, root, run};
use crate::Result;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

/// The Rust target of the app.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The Trunk release used (0.22 needs a newer rustc than the pinned 1.95.0).
const TRUNK_VERSION: &str = "0.21.14";
/// Chromium, used by the end-to-end tests (Debian package `chromium`).
const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver for the wasm browser tests (Debian package `chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Prints the one-line outcome of a tooling check.
fn status(what: &str, state: &str) {
    println!("[tooling] {what}: {state}");
}

/// Makes sure everything a release build needs is installed: the wasm target, Trunk, the
/// wasm-bindgen CLI matching `Cargo.lock` and the npm packages (binaryen's `wasm-opt`).
pub fn ensure_build_tools() -> Result {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_npm_packages()
}

/// Adds the wasm target to the active (pinned) toolchain when it is missing.
fn ensure_wasm_target() -> Result {
    let what = format!("rust target {WASM_TARGET}");
    let Some(installed) = output(&mut cmd("rustup", &["target", "list", "--installed"])) else {
        status(&what, "rustup not found, assuming the target is installed");
        return Ok(());
    };
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        status(&what, "installed");
        return Ok(());
    }
    status(&what, "missing, installing");
    run(&mut cmd("rustup", &["target", "add", WASM_TARGET]))
}

/// Installs Trunk unless `trunk --version` reports exactly [`TRUNK_VERSION`].
fn ensure_trunk() -> Result {
    let what = format!("trunk {TRUNK_VERSION}");
    let found = output(&mut cmd("trunk", &["--version"]));
    if found.as_deref().and_then(second_word) == Some(TRUNK_VERSION) {
        status(&what, "installed");
        return Ok(());
    }
    let found = found.unwrap_or_else(|| "not found".into());
    status(&what, &format!("{found}, installing (several minutes)"));
    run(&mut cmd(
        "cargo",
        &["install", "--locked", "trunk", "--version", TRUNK_VERSION],
    ))
}

/// Installs the wasm-bindgen CLI (and test runner) of exactly the `wasm-bindgen` version in
/// `Cargo.lock`, after checking that `Trunk.toml` pins the same version.
fn ensure_wasm_bindgen() -> Result {
    let lock = read(&root().join("Cargo.lock"))?;
    let version = locked_version(&lock, "wasm-bindgen")
        .ok_or("Cargo.lock has no `wasm-bindgen` package: run `cargo generate-lockfile`")?;
    let trunk_toml = read(&root().join("Trunk.toml"))?;
    if toml_string(&trunk_toml, "wasm_bindgen") != Some(version) {
        return Err(format!(
            "Trunk.toml must pin `[tools] wasm_bindgen = \"{version}\"` (the version in Cargo.lock)"
        ));
    }
    let what = format!("wasm-bindgen-cli {version}");
    let found = output(&mut cmd("wasm-bindgen", &["--version"]));
    if found.as_deref().and_then(second_word) == Some(version) {
        status(&what, "installed");
        return Ok(());
    }
    let found = found.unwrap_or_else(|| "not found".into());
    status(&what, &format!("{found}, installing (a few minutes)"));
    let install = |locked: bool| {
        let mut command = cmd(
            "cargo",
            &["install", "wasm-bindgen-cli", "--version", version],
        );
        if locked {
            command.arg("--locked");
        }
        run(&mut command)
    };
    install(true).or_else(|err| {
        status(&what, &format!("{err}; retrying without --locked"));
        install(false)
    })
}

/// Requires node and npm, then runs `npm ci` unless `node_modules` is newer than
/// `package-lock.json`.
fn ensure_npm_packages() -> Result {
    for tool in ["node", "npm"] {
        if output(&mut cmd(tool, &["--version"])).is_none() {
            return Err(format!(
                "`{tool}` not found: install Node.js 20 or newer with npm, then retry"
            ));
        }
    }
    let installed = modified(&root().join("node_modules/.package-lock.json"));
    let locked = modified(&root().join("package-lock.json"));
    if matches!((installed, locked), (Some(installed), Some(locked)) if installed >= locked) {
        status("npm packages", "installed");
        return Ok(());
    }
    status("npm packages", "missing or outdated, running npm ci");
    run(cmd("npm", &["ci", "--no-audit", "--no-fund"]).env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}

/// Makes sure Chromium and chromedriver of the same major version are installed, with
/// apt-get when running as root.
pub fn ensure_browser() -> Result {
    const WHAT: &str = "chromium + chromium-driver";
    const INSTALL: [&str; 4] = ["install", "-y", "chromium", "chromium-driver"];
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        status(WHAT, "installed");
    } else if output(&mut cmd("id", &["-u"])).as_deref() == Some("0") {
        status(WHAT, "missing, installing with apt-get");
        let apt =
            |args: &[&str]| run(cmd("apt-get", args).env("DEBIAN_FRONTEND", "noninteractive"));
        apt(&["update"])?;
        apt(&INSTALL)?;
    } else {
        return Err(format!(
            "{CHROMIUM} and {CHROMEDRIVER} are required: run `sudo apt-get {}`, then retry",
            INSTALL.join(" ")
        ));
    }
    let major = |program: &str| {
        let version = output(&mut cmd(program, &["--version"]))?;
        Some(second_word(&version)?.split('.').next()?.to_string())
    };
    match (major(CHROMIUM), major(CHROMEDRIVER)) {
        (Some(browser), Some(driver)) if browser == driver => Ok(()),
        (browser, driver) => Err(format!(
            "chromium ({browser:?}) and chromedriver ({driver:?}) major versions differ or are \
             unknown: run `apt-get {}` to get a matching pair",
            INSTALL.join(" ")
        )),
    }
}

/// The version number in outputs like `trunk 0.21.14` or `ChromeDriver 156.0.1 (...)`.
fn second_word(text: &str) -> Option<&str> {
    text.split_whitespace().nth(1)
}

/// Reads a text file, naming it in the error.
fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

/// The modification time of a file, if it exists.
fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|meta| meta.modified()).ok()
}

/// The version of `package` in the text of a `Cargo.lock`.
fn locked_version<'a>(lock: &'a str, package: &str) -> Option<&'a str> {
    lock.split("[[package]]")
        .skip(1)
        .find(|block| toml_string(block, "name") == Some(package))
        .and_then(|block| toml_string(block, "version"))
}

/// The value of the first `key = "value"` line in simple TOML text.
fn toml_string<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let value = line
            .trim()
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix('=')?;
        value.trim().strip_prefix('"')?.strip_suffix('"')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.99"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn finds_the_locked_version_of_a_package() {
        assert_eq!(locked_version(LOCK, "wasm-bindgen"), Some("0.2.130"));
        assert_eq!(locked_version(LOCK, "wasm-bindgen-macro"), Some("0.2.99"));
        assert_eq!(locked_version(LOCK, "trunk"), None);
    }

    #[test]
    fn reads_simple_toml_strings() {
        let trunk = "[tools]\nwasm_bindgen = \"0.2.130\"\nwasm_opt = \"version_132\"\n";
        assert_eq!(toml_string(trunk, "wasm_bindgen"), Some("0.2.130"));
        assert_eq!(toml_string(trunk, "wasm_opt"), Some("version_132"));
        assert_eq!(toml_string(trunk, "wasm"), None);
    }

    #[test]
    fn takes_the_version_from_version_output() {
        assert_eq!(second_word("trunk 0.21.14"), Some("0.21.14"));
        assert_eq!(
            second_word("Chromium 156.0.8078.79 built on Debian"),
            Some("156.0.8078.79")
        );
    }
}
