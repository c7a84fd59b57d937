//! The all-or-nothing guarantee at every single filesystem step: a write that fails (as disk
//! full or a permission error would) or stops dead (as `kill -9` would) at step k, for every k,
//! leaves the previous render or the new one, possibly after the next run's recovery.

use super::*;
use std::collections::BTreeMap;

fn art(path: &str, text: &str) -> Artifact {
    Artifact {
        path: path.to_string(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn old_render() -> Vec<Artifact> {
    vec![
        art("README.md", "old readme\n"),
        art("main.bicep", "same\n"),
        art("modules/a.bicep", "old a\n"),
        art("modules/b.bicep", "only old\n"),
        art("dns/hosts.txt", "old hosts\n"),
        art("deploy.sh", "echo old\n"),
    ]
}

fn new_render() -> Vec<Artifact> {
    vec![
        art("README.md", "new readme\n"),
        art("main.bicep", "same\n"),
        art("modules/a.bicep", "new a\n"),
        art("modules/c.bicep", "only new\n"),
        art("extra/deep/x.txt", "new nested\n"),
        art("deploy.sh", "echo new\n"),
    ]
}

fn manifest(a: &[Artifact]) -> Manifest {
    Manifest::of(a, "amlgen test", "amlgen render test")
}

/// Path -> bytes and executable bit (`None` for a folder).
type Tree = BTreeMap<String, Option<(Vec<u8>, bool)>>;

/// Every file (bytes and executable bit) and folder below `dir`, amlgen's own included.
fn tree(dir: &Path) -> Tree {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let meta = e.path().symlink_metadata().unwrap();
            let content = meta.is_file().then(|| {
                #[cfg(unix)]
                let exec = {
                    use std::os::unix::fs::PermissionsExt;
                    meta.permissions().mode() & 0o111 != 0
                };
                #[cfg(not(unix))]
                let exec = false;
                (fs::read(e.path()).unwrap(), exec)
            });
            (rel, content)
        })
        .collect()
}

fn rendered(a: &[Artifact]) -> (tempfile::TempDir, Tree) {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    write(&out, a, &manifest(a), false).unwrap();
    let t = tree(&out);
    (d, t)
}

#[test]
fn a_failure_or_a_crash_at_any_step_leaves_old_or_new() {
    let (old, new) = (old_render(), new_render());
    let (_a, old_tree) = rendered(&old);
    let (_b, new_tree) = rendered(&new);
    assert_ne!(old_tree, new_tree);

    // How many filesystem steps a clean write of `new` over `old` takes.
    let (d, _) = rendered(&old);
    let out = d.path().join("o");
    let mut steps = 0;
    write_with(&out, &new, &manifest(&new), false, &mut || {
        steps += 1;
        None
    })
    .unwrap();
    assert_eq!(tree(&out), new_tree);
    assert!(steps > 30, "only {steps} steps");

    for mode in [Injected::Fail, Injected::Crash] {
        let mut outcomes = Vec::new();
        for k in 0..steps {
            let (d, _) = rendered(&old);
            let out = d.path().join("o");
            let mut n = 0;
            let r = write_with(&out, &new, &manifest(&new), false, &mut || {
                n += 1;
                (n == k + 1).then_some(mode)
            });
            assert!(
                matches!(r, Err(OutputError::Io(_))),
                "step {k} {mode:?}: {r:?}"
            );
            let before = tree(&out);
            if mode == Injected::Fail {
                // A failure in this process is undone at once (or, once the new files are all in
                // place, only the journal or the staging folder is left, for the next run).
                let mut complete = before.clone();
                complete.retain(|p, _| !p.starts_with(commit::STAGING) && p != commit::JOURNAL);
                assert!(
                    before == old_tree || complete == new_tree,
                    "step {k}: neither old nor new after a failure: {before:#?}"
                );
            }
            let recovered = recover(&out).unwrap();
            let after = tree(&out);
            let outcome = if after == old_tree {
                "old"
            } else if after == new_tree {
                "new"
            } else {
                panic!("step {k} {mode:?}: neither old nor new after recovery ({recovered:?}): {after:#?}")
            };
            outcomes.push(outcome);
            // And the folder is usable: a render over it is not refused as hand-edited.
            write(&out, &new, &manifest(&new), false).unwrap();
            assert_eq!(tree(&out), new_tree, "step {k} {mode:?}: re-render");
        }
        // One commit point: everything before it keeps the old render, everything after it
        // gives the new one.
        let first_new = outcomes.iter().position(|o| *o == "new").unwrap();
        assert!(
            outcomes[first_new..].iter().all(|o| *o == "new"),
            "{mode:?}: {outcomes:?}"
        );
        assert!(first_new > 0, "{mode:?}: {outcomes:?}");
    }
}

#[test]
fn recovery_discards_staging_without_a_journal() {
    let old = old_render();
    let (d, old_tree) = rendered(&old);
    let out = d.path().join("o");
    fs::create_dir_all(out.join(".amlgen-staging/new/modules")).unwrap();
    fs::write(out.join(".amlgen-staging/new/modules/a.bicep"), "half").unwrap();
    assert_eq!(recover(&out).unwrap(), Some(Recovery::Discarded));
    assert_eq!(tree(&out), old_tree);
}

#[test]
fn a_journal_naming_a_path_outside_is_refused() {
    let old = old_render();
    let (d, old_tree) = rendered(&old);
    let out = d.path().join("o");
    let victim = d.path().join("victim.txt");
    fs::write(&victim, "keep me").unwrap();
    fs::write(
        out.join(commit::JOURNAL),
        r#"{"replace": [], "remove": ["../victim.txt"]}"#,
    )
    .unwrap();
    assert!(matches!(recover(&out), Err(OutputError::Unsafe(_))));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
    let mut t = tree(&out);
    t.remove(commit::JOURNAL);
    assert_eq!(t, old_tree);
}
