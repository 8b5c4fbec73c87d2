//! The architecture check of `cargo xtask test`: no import cycle between the
//! modules of a crate, and, in the core, no import that goes up a layer.
//!
//! It reads the `crate::…` paths of each source file (test modules at the
//! end of a file are left out: a test may use what it likes), resolves each
//! to the module that holds it, and looks for loops in that graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The core's layers, lowest first. Each may use those before it, never one after.
pub const LAYERS: [&str; 5] = ["model", "store", "work", "views", "exchange"];

/// One source file: its module path (`["work", "directory"]`) and its text
/// without the test module at its end.
pub struct Source {
    pub module: Vec<String>,
    pub text: String,
}

/// Reads every `.rs` file under `src` as a module of the crate.
pub fn read_crate(src: &Path) -> Result<Vec<Source>, String> {
    let mut files = Vec::new();
    walk(src, &mut files)?;
    let mut out = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(src)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let mut module: Vec<String> = relative
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module
            .last()
            .is_some_and(|m| m == "mod" || m == "lib" || m == "main")
        {
            module.pop();
        }
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        out.push(Source {
            module,
            text: without_tests(&text),
        });
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The code before a file's test module (`#[cfg(test)]` then `mod`), with
/// comments left out (a doc link names a module without using it).
fn without_tests(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| match l.find("//") {
            Some(at) if !l[..at].contains('"') => &l[..at],
            _ => l,
        })
        .collect();
    let end = lines
        .windows(2)
        .position(|w| {
            w[0].trim() == "#[cfg(test)]"
                && w[1].trim_start().starts_with("mod ")
                && !w[1].trim_end().ends_with(';')
        })
        .unwrap_or(lines.len());
    lines[..end].join("\n")
}

/// Every path a source names from the crate root: `crate::a::b::C`, and the
/// items of `use crate::{a::b, c::{d, e}}` groups (first level only).
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = text[at..].find("crate::") {
        let start = at + found + "crate::".len();
        at = start;
        if found > 0 && bytes[start - "crate::".len() - 1].is_ascii_alphanumeric() {
            continue; // `linkwork_core::crate::` never happens; `$crate::` in macros does.
        }
        if text[start..].starts_with('{') {
            let Some(close) = matching(&text[start..]) else {
                continue;
            };
            let inner = &text[start + 1..start + close];
            for item in split_top(inner) {
                out.push(segments(item));
            }
        } else {
            out.push(segments(&text[start..]));
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// The index of the brace that closes the one at the start of `s`.
fn matching(s: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `a::b, c::{d, e}` at its top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[from..].trim());
    out.retain(|p| !p.is_empty());
    out
}

/// The lower-case path segments at the start of `s` (`a::b::C` gives a, b, C).
fn segments(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split("::") {
        let word: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if word.is_empty() {
            break;
        }
        let last = word.len() != part.trim_end().len();
        out.push(word);
        if last {
            break;
        }
    }
    out
}

/// The module a path names or lies in: the longest known module it starts with.
fn resolve(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// Module → the modules it uses (itself, its parents and its children left out).
pub fn graph(sources: &[Source]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut out: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for s in sources {
        let uses = out.entry(s.module.clone()).or_default();
        for path in crate_paths(&s.text) {
            let Some(target) = resolve(&path, &modules) else {
                continue;
            };
            let nested = target.starts_with(&s.module) || s.module.starts_with(&target);
            if !nested {
                uses.insert(target);
            }
        }
    }
    out
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

/// Every loop between modules, each once, as `a -> b -> a`.
pub fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    // Strongly connected components (Tarjan), then one loop through each.
    struct Walk<'a> {
        graph: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        found: Vec<Vec<&'a Vec<String>>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a Vec<String>) {
        let i = w.index.len();
        w.index.insert(v, i);
        w.low.insert(v, i);
        w.stack.push(v);
        w.on_stack.insert(v);
        for next in w.graph.get(v).into_iter().flatten() {
            let Some((next, _)) = w.graph.get_key_value(next) else {
                continue;
            };
            if !w.index.contains_key(next) {
                visit(w, next);
                let low = w.low[v].min(w.low[next]);
                w.low.insert(v, low);
            } else if w.on_stack.contains(next) {
                let low = w.low[v].min(w.index[next]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = Vec::new();
            while let Some(top) = w.stack.pop() {
                w.on_stack.remove(top);
                component.push(top);
                if top == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                w.found.push(component);
            }
        }
    }
    let mut w = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !w.index.contains_key(v) {
            visit(&mut w, v);
        }
    }
    w.found
        .iter()
        .map(|c| {
            let members: Vec<String> = c.iter().map(|m| name(m)).collect();
            format!(
                "these modules import each other in a loop: {}",
                members.join(", ")
            )
        })
        .collect()
}

/// Imports from a lower layer to a higher one (the layer is a module's first segment).
pub fn upward(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    let layer = |m: &[String]| m.first().and_then(|l| LAYERS.iter().position(|x| x == l));
    let mut out = Vec::new();
    for (from, uses) in graph {
        let Some(low) = layer(from) else { continue };
        for to in uses {
            if let Some(high) = layer(to).filter(|h| *h > low) {
                out.push(format!(
                    "{} (layer {}) uses {} (layer {}, above it)",
                    name(from),
                    LAYERS[low],
                    name(to),
                    LAYERS[high]
                ));
            }
        }
    }
    out
}

/// The check of the workspace at `root`: the core's layers and cycles, and
/// the cycles of the app and of these developer commands.
pub fn check(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    let core = graph(&read_crate(&root.join("crates/core/src"))?);
    for p in cycles(&core).into_iter().chain(upward(&core)) {
        problems.push(format!("crates/core: {p}"));
    }
    let app = graph(&read_crate(&root.join("src"))?);
    for p in cycles(&app) {
        problems.push(format!("src: {p}"));
    }
    let tools = graph(&read_crate(&root.join("xtask/src"))?);
    for p in cycles(&tools) {
        problems.push(format!("xtask: {p}"));
    }
    if problems.is_empty() {
        println!(
            "layers: no cycle, no import up a layer ({} core modules, {} app modules)",
            core.len(),
            app.len()
        );
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(module: &str, text: &str) -> Source {
        Source {
            module: module
                .split("::")
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect(),
            text: without_tests(text),
        }
    }

    fn house(extra: &str) -> Vec<Source> {
        vec![
            source("", "pub mod model; pub mod work; pub mod views;"),
            source("model", "pub struct Workspace;"),
            source("model::lists", "use crate::model::Workspace;"),
            source("work", "pub mod journey;"),
            source(
                "work::journey",
                "use crate::model::{lists::Lists, Workspace};",
            ),
            source("views", "pub mod dashboard;"),
            source(
                "views::dashboard",
                &format!("use crate::{{model::Workspace, work::journey}};\n{extra}"),
            ),
        ]
    }

    #[test]
    fn a_tidy_house_passes() {
        let g = graph(&house(""));
        assert_eq!(cycles(&g), Vec::<String>::new());
        assert_eq!(upward(&g), Vec::<String>::new());
        assert!(g[&vec!["views".to_owned(), "dashboard".to_owned()]]
            .contains(&vec!["work".to_owned(), "journey".to_owned()]));
    }

    #[test]
    fn an_import_up_a_layer_is_named() {
        let mut h = house("");
        h.push(source(
            "model::calendar",
            "fn f() { crate::views::dashboard::figures(); }",
        ));
        let found = upward(&graph(&h));
        assert_eq!(
            found,
            ["model::calendar (layer model) uses views::dashboard (layer views, above it)"]
        );
    }

    #[test]
    fn a_loop_is_named_with_every_module_in_it() {
        let mut h = house("");
        h.push(source(
            "work::directory",
            "use crate::work::journey::Transition;",
        ));
        h[4] = source(
            "work::journey",
            "use crate::{model::Workspace, work::directory::Resource};",
        );
        assert_eq!(
            cycles(&graph(&h)),
            ["these modules import each other in a loop: work::directory, work::journey"]
        );
    }

    #[test]
    fn a_doc_link_is_no_import() {
        let mut h = house("");
        h[1] = source(
            "model",
            "//! Stored through [`crate::views::dashboard`].\npub struct Workspace;",
        );
        assert_eq!(upward(&graph(&h)), Vec::<String>::new());
    }

    #[test]
    fn tests_at_the_end_of_a_file_may_use_anything() {
        let h = house("#[cfg(test)]\nmod tests {\n    use crate::exchange::oruk;\n    use crate::views::summary;\n}\n");
        let mut h = h;
        h[1] = source("model", "pub struct Workspace;\n#[cfg(test)]\nmod tests {\n    use crate::views::dashboard;\n}\n");
        let g = graph(&h);
        assert_eq!(upward(&g), Vec::<String>::new());
        assert_eq!(cycles(&g), Vec::<String>::new());
    }
}
