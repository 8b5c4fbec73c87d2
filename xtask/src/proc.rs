//! Running external programs from the repository root with the project's tool `PATH`.

use crate::Result;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root: the parent of this crate's directory.
pub fn root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// All files below `dir`, recursively.
pub fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result {
    let entries =
        fs::read_dir(dir).map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// `PATH` with `node_modules/.bin` (binaryen's `wasm-opt`) and cargo's `bin` directory
/// (where `cargo install` puts trunk and wasm-bindgen) in front of the inherited one.
fn tool_path() -> OsString {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let dirs = [
        Some(root().join("node_modules/.bin")),
        cargo_home.map(|home| home.join("bin")),
    ]
    .into_iter()
    .flatten()
    .chain(std::env::split_paths(&inherited));
    std::env::join_paths(dirs).unwrap_or(inherited)
}

/// A command for `program` with `args`, run from the repository root with the tool `PATH`.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(root())
        .env("PATH", tool_path());
    command
}

/// A command from a line of space-separated words (no quoting), like [`cmd`].
pub fn cmd_line(line: &str) -> Command {
    let mut words = line.split_whitespace();
    let program = words.next().unwrap_or_default();
    cmd(program, &words.collect::<Vec<_>>())
}

/// Prints `command`, runs it with inherited output and fails unless it exits successfully.
pub fn run(command: &mut Command) -> Result {
    let line = describe(command);
    println!("$ {line}");
    let status = command
        .status()
        .map_err(|err| format!("could not start `{line}`: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Runs `command` quietly and returns its trimmed standard output, or `None` when the
/// program is missing or fails. Used to probe installed versions.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    out.status.success().then_some(stdout)
}

/// Shell-like rendering of a command, with its environment overrides except `PATH`.
fn describe(command: &Command) -> String {
    let envs = command
        .get_envs()
        .filter(|(key, _)| *key != "PATH")
        .filter_map(|(key, value)| Some(format!("{}={}", key.display(), value?.display())));
    let words = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|word| word.display().to_string());
    envs.chain(words).collect::<Vec<_>>().join(" ")
}
