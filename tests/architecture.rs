//! The house rules a reader can check by grep, checked here on every run:
//! imports point down (the ground floor imports nothing above it) and no two
//! top-level modules import each other, directly or round a loop.
//!
//! Each `crate::…` path (in `use` trees, braces included, and inline) and each
//! `super::…` path is an edge from the file's module to the module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules everything else stands on; they import none of those above.
const GROUND: &[&str] = &["platform", "mail", "error", "domain", "access", "audit"];
/// What the ground floor must never import.
const ABOVE_GROUND: &[&str] = &[
    "accounts",
    "tokens",
    "workspaces",
    "roles",
    "groups",
    "members",
    "invitations",
    "sso",
    "boards",
    "pages",
    "components",
    "rest",
    "app",
    "server",
    "state",
    "admin",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/roles/service.rs` → ["roles", "service"]; `src/roles/mod.rs` → ["roles"].
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib" || p == "main") {
        parts.pop();
    }
    parts
}

/// Source without comments and string literals, so that prose never counts.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            ('"', _) => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The first segment of every path a `crate::` or `super::` reference names,
/// resolved to a module path from the crate's root.
fn references(module: &[String], is_mod_file: bool, code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let word = |s: &str| {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<String>()
    };
    for (start, prefix) in code
        .match_indices("crate::")
        .map(|(i, _)| (i, "crate"))
        .chain(code.match_indices("super::").map(|(i, _)| (i, "super")))
    {
        // `foo_super::` or `mycrate::` are other names.
        if start > 0 {
            let before = code[..start].chars().last().unwrap();
            if before.is_alphanumeric() || before == '_' || (before == ':' && prefix == "super") {
                continue;
            }
        }
        let mut base: Vec<String> = if prefix == "crate" {
            Vec::new()
        } else {
            // `super` from `a/b.rs` is `a`; from `a/mod.rs` it is a's parent.
            let mut m = module.to_vec();
            if !is_mod_file || !m.is_empty() {
                m.pop();
            }
            m
        };
        let mut rest = &code[start + prefix.len() + 2..];
        while let Some(after) = rest.strip_prefix("super::") {
            base.pop();
            rest = after;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let w = word(item.trim());
                if !w.is_empty() && w != "self" {
                    let mut path = base.clone();
                    path.push(w);
                    found.push(path);
                }
            }
        } else {
            let mut path = base.clone();
            let first = word(rest);
            if !first.is_empty() {
                path.push(first.clone());
                // One more level, where there is one: `roles::service::…`.
                if let Some(next) = rest[first.len()..].strip_prefix("::") {
                    let second = word(next);
                    if !second.is_empty() && second.chars().next().unwrap().is_lowercase() {
                        path.push(second);
                    }
                }
            }
            found.push(path);
        }
    }
    found
}

struct Graph {
    /// Top-level module → the top-level modules it names.
    edges: BTreeMap<String, BTreeSet<String>>,
    /// (file, referenced path) for every reference that leaves its top-level module.
    sites: Vec<(String, String, String)>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut sites = Vec::new();
    for file in files {
        let module = module_of(&src, &file);
        let Some(top) = module.first().cloned() else { continue };
        let is_mod_file = file.file_name().is_some_and(|n| n == "mod.rs");
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        for path in references(&module, is_mod_file, &code) {
            let Some(target) = path.first() else { continue };
            edges.entry(top.clone()).or_default();
            if *target != top {
                edges.get_mut(&top).unwrap().insert(target.clone());
                sites.push((
                    file.strip_prefix(&src).unwrap().display().to_string(),
                    top.clone(),
                    path.join("::"),
                ));
            }
        }
    }
    Graph { edges, sites }
}

#[test]
fn the_ground_floor_imports_nothing_above_it() {
    let g = graph();
    let upward: Vec<String> = g
        .sites
        .iter()
        .filter(|(_, from, to)| {
            GROUND.contains(&from.as_str()) && ABOVE_GROUND.contains(&to.split("::").next().unwrap())
        })
        .map(|(file, _, to)| format!("{file} imports {to}"))
        .collect();
    assert!(
        upward.is_empty(),
        "imports from the ground floor up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_two_modules_import_each_other_even_round_a_loop() {
    let g = graph();
    // Depth-first search for a cycle among top-level modules.
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        loops: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|n| *n == node) {
            let mut cycle: Vec<&str> = stack[at..].to_vec();
            cycle.push(node);
            loops.push(cycle.join(" → "));
            return;
        }
        if !done.insert(node) {
            return;
        }
        stack.push(node);
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, stack, done, loops);
        }
        stack.pop();
    }
    let mut loops = Vec::new();
    let mut done = BTreeSet::new();
    for node in g.edges.keys() {
        visit(node, &g.edges, &mut Vec::new(), &mut done, &mut loops);
    }
    let explain = |a: &str, b: &str| {
        g.sites
            .iter()
            .filter(|(_, from, to)| from == a && to.split("::").next() == Some(b))
            .map(|(file, _, to)| format!("    {file}: {to}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let detail: Vec<String> = loops
        .iter()
        .map(|l| {
            let hops: Vec<&str> = l.split(" → ").collect();
            let lines: Vec<String> = hops
                .windows(2)
                .map(|w| format!("  {} → {}\n{}", w[0], w[1], explain(w[0], w[1])))
                .collect();
            format!("{l}\n{}", lines.join("\n"))
        })
        .collect();
    assert!(loops.is_empty(), "import loops:\n{}", detail.join("\n"));
}

/// Which module owns (alone writes) each table.
const OWNERS: &[(&str, &str)] = &[
    ("users", "accounts"),
    ("sessions", "accounts"),
    ("api_tokens", "tokens"),
    ("workspaces", "workspaces"),
    ("memberships", "members"),
    ("roles", "roles"),
    ("member_roles", "roles"),
    ("group_roles", "roles"),
    ("invitation_roles", "roles"),
    ("groups", "groups"),
    ("group_members", "groups"),
    ("invitations", "invitations"),
    ("invitation_groups", "invitations"),
    ("invitation_imports", "invitations"),
    ("emails", "mail"),
    ("boards", "boards"),
    ("audit_events", "audit"),
    ("identities", "accounts"),
    ("oidc_logins", "sso"),
];

#[test]
fn each_table_is_written_by_its_owner_alone() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let write = |verb: &str, text: &str| -> Vec<String> {
        text.match_indices(verb)
            .map(|(i, _)| {
                text[i + verb.len()..]
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect()
            })
            .collect()
    };
    let mut trespass = Vec::new();
    let mut written = BTreeSet::new();
    for file in files {
        let module = module_of(&src, &file);
        let Some(top) = module.first() else { continue };
        let text = std::fs::read_to_string(&file).unwrap();
        for table in ["INSERT INTO ", "UPDATE ", "DELETE FROM "]
            .iter()
            .flat_map(|verb| write(verb, &text))
        {
            let Some((_, owner)) = OWNERS.iter().find(|(t, _)| *t == table) else {
                continue;
            };
            written.insert(table.clone());
            if owner != top {
                trespass.push(format!("{} writes {table}, which {owner} owns", file.display()));
            }
        }
    }
    assert!(trespass.is_empty(), "{}", trespass.join("\n"));
    // The check is reading SQL at all: every table is written somewhere.
    assert_eq!(written.len(), OWNERS.len(), "tables written: {written:?}");
}

/// The pages' behaviour is Rust (islands): no `<script>` in the source holds
/// code of its own. The only scripts a page loads are the ones Leptos emits
/// for the islands (and the API reference page loads Swagger UI's files).
#[test]
fn no_script_in_the_source_has_a_body() {
    let mut files = Vec::new();
    rust_files(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file reads");
        for (at, _) in text.match_indices("<script") {
            let rest = &text[at..];
            let body = rest
                .find('>')
                .map(|open| &rest[open + 1..])
                .map(|after| &after[..after.find("</script>").unwrap_or(after.len())])
                .unwrap_or_default();
            let opening = &rest[..rest.find('>').unwrap_or(rest.len())];
            if !body.trim().is_empty() || opening.contains("inner_html") {
                found.push(format!("{}: {}", file.display(), opening));
            }
        }
    }
    assert!(found.is_empty(), "scripts with a body: {found:#?}");
}
