//! The floor plan stays the pipeline (issue #18). A room is each folder directly under
//! `src/` and each file directly in it (but `main.rs` and `lib.rs`); an edge is a
//! `crate::` path in one room's code (comments and unit-test modules aside) into another
//! room. The rooms' import graph has no cycle, no library room imports `cmd` or `cli`,
//! and `src/` holds at most 12 files directly. Read from the sources, so a new import
//! that closes a circle fails here, naming the files that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The room of a source file, from its path relative to `src/`.
fn room_of(rel: &Path) -> String {
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.strip_suffix(".rs").map(str::to_owned).unwrap_or(first)
}

/// Every `.rs` file below `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]` module (unit
/// tests sit at the end of a file here).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The rooms a piece of code names with `crate::room` or inside `crate::{room, …}`.
fn named_rooms(code: &str) -> BTreeSet<String> {
    let mut rooms = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += i32::from(c == '{') - i32::from(c == '}');
                    depth < 0
                })
                .map_or(group.len(), |(k, _)| k);
            rooms.extend(
                split_top(&group[..end])
                    .iter()
                    .map(|item| ident(item.trim()))
                    .filter(|r| !r.is_empty()),
            );
        } else {
            rooms.insert(ident(rest));
        }
    }
    rooms
}

/// The items of a `{…}` group, split at top-level commas.
fn split_top(group: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (k, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

/// room → rooms it imports, each edge with the files that make it.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    sources(src, &mut files);
    let rooms: BTreeSet<String> =
        files.iter().map(|f| room_of(f.strip_prefix(src).unwrap())).collect();
    let mut g = Graph::new();
    for file in &files {
        let rel = file.strip_prefix(src).unwrap();
        if rel == Path::new("main.rs") || rel == Path::new("lib.rs") {
            continue;
        }
        let from = room_of(rel);
        let text = std::fs::read_to_string(file).unwrap();
        for to in named_rooms(&code(&text)) {
            if to != from && rooms.contains(&to) {
                let by = g.entry(from.clone()).or_default().entry(to).or_default();
                by.insert(rel.display().to_string());
            }
        }
    }
    g
}

/// A cycle through `start`, if there is one, as the rooms along it.
fn cycle_from(g: &Graph, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((room, path)) = stack.pop() {
        for next in g.get(&room).into_iter().flat_map(|e| e.keys()) {
            if next == start {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [path.clone(), vec![next.clone()]].concat()));
            }
        }
    }
    None
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_rooms_import_graph_has_no_cycle() {
    let g = graph(&src());
    for room in g.keys() {
        if let Some(cycle) = cycle_from(&g, room) {
            let edges: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} -> {} ({:?})", w[0], w[1], g[&w[0]][&w[1]]))
                .collect();
            panic!("rooms in a circle:\n{}", edges.join("\n"));
        }
    }
}

#[test]
fn no_library_room_imports_the_command_layer() {
    let g = graph(&src());
    for (from, edges) in &g {
        for layer in ["cmd", "cli"] {
            if from != "cmd" && from != "cli" && edges.contains_key(layer) {
                panic!("library room {from} imports {layer}: {:?}", edges[layer]);
            }
        }
    }
}

#[test]
fn src_holds_at_most_twelve_files() {
    let files: Vec<String> = std::fs::read_dir(src())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.len() <= 12, "{} files directly in src/: {files:?}", files.len());
}

#[test]
fn the_checker_sees_grouped_and_plain_imports() {
    let code = "use crate::{a::b, c};\nfn f() { crate::d::e(); }\n// crate::z\n";
    let rooms = named_rooms(&self::code(code));
    assert_eq!(rooms.into_iter().collect::<Vec<_>>(), ["a", "c", "d"]);
}
