//! What amlgen promises about its output folder (README, "Guarantees"), end to end: it never
//! writes, deletes, reads or reveals anything outside the folder (manifest entries, planted
//! links); a render is all or nothing, across `kill -9` too; two renders into one folder do not
//! mix; operating-system failures keep the previous render and exit 6.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const BASE: &str = include_str!("../blueprints/approved-only.yaml");
const STAGING: &str = ".amlgen-staging";
const JOURNAL: &str = ".amlgen-journal.json";
const MANIFEST: &str = ".amlgen-manifest.json";

fn amlgen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("amlgen").unwrap();
    c.current_dir(dir);
    c
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = amlgen(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

type Tree = BTreeMap<String, Option<Vec<u8>>>;

/// Every file (with its bytes) and folder below `dir`, links included as such.
fn tree(dir: &Path) -> Tree {
    let mut t = Tree::new();
    if !dir.exists() {
        return t;
    }
    for e in walkdir::WalkDir::new(dir).min_depth(1) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let meta = e.path().symlink_metadata().unwrap();
        let content = if meta.file_type().is_symlink() {
            Some(
                std::fs::read_link(e.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
                    .into_bytes(),
            )
        } else if meta.is_file() {
            Some(std::fs::read(e.path()).unwrap())
        } else {
            None
        };
        t.insert(rel, content);
    }
    t
}

/// A folder with `o/` rendered from approved-only.
fn rendered() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let (code, err) = run(d.path(), &["render", "approved-only", "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    d
}

fn add_manifest_entry(out: &Path, key: &str, hash: &str) {
    let p = out.join(MANIFEST);
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    m["files"][key] = serde_json::Value::String(hash.to_string());
    std::fs::write(&p, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

/// Today's main deleted the victim as "removed" (and its emptied parent folders).
fn manifest_entry_is_refused(key_for: impl Fn(&Path) -> String) {
    let d = rendered();
    let out = d.path().join("o");
    let victim = d.path().join("v/a/f.txt");
    std::fs::create_dir_all(victim.parent().unwrap()).unwrap();
    std::fs::write(&victim, "not amlgen's\n").unwrap();
    let key = key_for(d.path());
    add_manifest_entry(&out, &key, &amlgen::output::sha256(b"not amlgen's\n"));
    let before = tree(d.path());
    let (code, err) = run(
        d.path(),
        &[
            "render",
            "approved-only",
            "--out",
            "o",
            "--set",
            "location=westeurope",
        ],
    );
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("error[AMLG091]") && err.contains("not a plain relative path"),
        "{err}"
    );
    assert_eq!(tree(d.path()), before, "something was touched");
}

#[test]
fn manifest_entry_with_dotdot_is_refused() {
    manifest_entry_is_refused(|_| "../v/a/f.txt".to_string());
}

#[test]
fn manifest_entry_with_an_absolute_path_is_refused() {
    manifest_entry_is_refused(|d| d.join("v/a/f.txt").to_string_lossy().into_owned());
}

#[test]
fn check_does_not_reveal_whether_a_path_outside_exists() {
    let mut seen = Vec::new();
    for key in ["/etc/shadow", "/nonexistent-amlgen/shadow"] {
        let d = rendered();
        let out = d.path().join("o");
        add_manifest_entry(&out, key, &"0".repeat(64));
        let (code, err) = run(
            d.path(),
            &["render", "approved-only", "--out", "o", "--check"],
        );
        assert_eq!(code, 4, "{err}");
        assert!(!err.contains("stale"), "{err}");
        seen.push(
            err.replace(key, "KEY")
                .replace(&*d.path().to_string_lossy(), "D"),
        );
    }
    assert_eq!(seen[0], seen[1], "the answer depends on the path outside");
}

#[cfg(unix)]
#[test]
fn planted_directory_link_is_refused() {
    let d = rendered();
    let out = d.path().join("o");
    let victim = d.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::remove_dir_all(out.join("dns")).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("dns")).unwrap();
    let before = tree(d.path());
    for extra in [
        &["--set", "location=westeurope"][..],
        &["--check"],
        &["--force"],
    ] {
        let mut args = vec!["render", "approved-only", "--out", "o"];
        args.extend_from_slice(extra);
        let (code, err) = run(d.path(), &args);
        assert_eq!(code, 4, "{extra:?}: {err}");
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(tree(d.path()), before, "{extra:?}: something was touched");
    }
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn linked_manifest_is_refused() {
    let d = rendered();
    let out = d.path().join("o");
    let elsewhere = d.path().join("elsewhere.json");
    std::fs::rename(out.join(MANIFEST), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join(MANIFEST)).unwrap();
    let before = tree(d.path());
    let (code, err) = run(
        d.path(),
        &[
            "render",
            "approved-only",
            "--out",
            "o",
            "--set",
            "location=westeurope",
        ],
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(tree(d.path()), before);
}

/// Undoes `chattr +i` even when an assertion fails, so the temporary folder can be removed.
struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A `dns/` amlgen may not change (its files name the region, so the re-render must replace
/// them). Root ignores permission bits, so as root the folder is made immutable (`chattr +i`: no
/// entry in it can be created, renamed or removed, not even by root); as any other user
/// `chmod 555` does the same.
#[cfg(unix)]
#[test]
fn read_only_folder_keeps_the_previous_render() {
    use std::os::unix::fs::PermissionsExt;
    let d = rendered();
    let out = d.path().join("o");
    let locked = out.join("dns");
    let guard = if is_root() {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(&locked)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "chattr +i failed: this test needs chattr and a filesystem that supports it when run as root"
        );
        Some(Immutable(locked.clone()))
    } else {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        None
    };
    let before = tree(d.path());
    let (code, err) = run(
        d.path(),
        &[
            "render",
            "approved-only",
            "--out",
            "o",
            "--set",
            "location=westeurope",
        ],
    );
    let after = tree(d.path());
    drop(guard);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("error[AMLG092]") && err.contains("previous render was kept"),
        "{err}"
    );
    assert_eq!(after, before, "the previous render was not kept whole");
}

/// Unmounts the tmpfs even when an assertion fails.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Disk full, for real: a small tmpfs, filled up after the first render. Needs the right to
/// mount (root in a container with CAP_SYS_ADMIN, as here); elsewhere it says so and stops, and
/// the unit test in src/output/tests.rs injects the same failure at every step instead.
#[cfg(target_os = "linux")]
#[test]
fn disk_full_keeps_the_previous_render() {
    let d = tempfile::tempdir().unwrap();
    let mnt = d.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a tmpfs here; disk full is covered by the injected failures in src/output/tests.rs");
        return;
    }
    let _guard = Mounted(mnt.clone());
    let (code, err) = run(&mnt, &["render", "approved-only", "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    // Fill the disk, leaving less room than the changed files need.
    let filler = mnt.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![b'x'; 4096];
        while f.write_all(&block).and_then(|_| f.sync_all()).is_ok() {}
    }
    let before = tree(&mnt.join("o"));
    let (code, err) = run(
        &mnt,
        &[
            "render",
            "approved-only",
            "--out",
            "o",
            "--set",
            "location=westeurope",
        ],
    );
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(tree(&mnt.join("o")), before, "previous render not kept");
    // With room again, the same render goes through.
    std::fs::remove_file(&filler).unwrap();
    let (code, err) = run(
        &mnt,
        &[
            "render",
            "approved-only",
            "--out",
            "o",
            "--set",
            "location=westeurope",
        ],
    );
    assert_eq!(code, 0, "{err}");
}

/// Two renders the kill loop and the concurrency test switch between: the approved-only
/// blueprint, and the same without client access (so dns/ goes away) in another region.
struct Variants {
    dir: tempfile::TempDir,
    old: Tree,
    new: Tree,
}

const OLD_ARGS: &[&str] = &["render", "old.yaml", "--out", "o"];
const NEW_ARGS: &[&str] = &[
    "render",
    "new.yaml",
    "--out",
    "o",
    "--set",
    "location=westeurope",
];

fn variants() -> Variants {
    let dir = tempfile::tempdir().unwrap();
    let write_bps = |d: &Path| {
        std::fs::write(d.join("old.yaml"), BASE).unwrap();
        let without_dns = BASE.split("client_access:").next().unwrap();
        std::fs::write(d.join("new.yaml"), without_dns).unwrap();
    };
    let mut refs = Vec::new();
    for (name, args) in [("ref-old", OLD_ARGS), ("ref-new", NEW_ARGS)] {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        write_bps(&d);
        let (code, err) = run(&d, args);
        assert_eq!(code, 0, "{err}");
        refs.push(tree(&d.join("o")));
    }
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    write_bps(&work);
    let new = refs.pop().unwrap();
    let old = refs.pop().unwrap();
    assert!(old.contains_key("dns") && !new.contains_key("dns"));
    Variants { dir, old, new }
}

/// A small xorshift: the delays need to vary, not to be unpredictable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn spawn(dir: &Path, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_amlgen"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// `kill -9` at a random instant of a render, 40 times; then one more amlgen run (`render
/// --check`, which finishes or discards what the killed one left). After it the folder is exactly
/// the complete old or the complete new render, with no staging or journal left.
#[test]
fn kill_loop_leaves_old_or_new() {
    let v = variants();
    let work = v.dir.path().join("work");
    let out = work.join("o");
    let (code, err) = run(&work, OLD_ARGS);
    assert_eq!(code, 0, "{err}");
    // How long a render takes here (a warm one, unkilled), to spread the kills over it.
    let t0 = Instant::now();
    let (code, err) = run(&work, NEW_ARGS);
    assert_eq!(code, 0, "{err}");
    let full = t0.elapsed().as_micros() as u64;
    let (code, err) = run(&work, OLD_ARGS);
    assert_eq!(code, 0, "{err}");

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let mut left: BTreeMap<&str, u32> = BTreeMap::new();
    let mut after: BTreeMap<&str, u32> = BTreeMap::new();
    let started = Instant::now();
    let mut state_is_old = true;
    for i in 0..40 {
        let args = if state_is_old { NEW_ARGS } else { OLD_ARGS };
        // Half the kills anywhere in the run, half in its last third, where the writing is.
        let delay = if i % 2 == 0 {
            rng.below(full * 12 / 10)
        } else {
            full * 2 / 3 + rng.below(full * 5 / 10)
        };
        let mut child = spawn(&work, args);
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = tree(&out);
        let what = if now.contains_key(JOURNAL) {
            "journal (commit interrupted)"
        } else if now.keys().any(|k| k.starts_with(STAGING)) {
            "staging only (interrupted before the commit point)"
        } else if now == v.old {
            "complete old"
        } else if now == v.new {
            "complete new"
        } else {
            panic!(
                "kill {i} (seed {seed}, delay {delay}us, {status}): a mix without a journal: {:?}",
                now.keys().collect::<Vec<_>>()
            )
        };
        *left.entry(what).or_default() += 1;

        let mut check_args = args.to_vec();
        check_args.push("--check");
        let (code, err) = run(&work, &check_args);
        assert!(code == 0 || code == 3, "kill {i}: {code} {err}");
        let now = tree(&out);
        if now == v.old {
            state_is_old = true;
            *after.entry("old").or_default() += 1;
        } else if now == v.new {
            state_is_old = false;
            *after.entry("new").or_default() += 1;
        } else {
            panic!(
                "kill {i} (seed {seed}, delay {delay}us): neither old nor new after the next run: {:?}",
                now.keys().collect::<Vec<_>>()
            );
        }
        // The check answers for the render it was asked about.
        assert_eq!(
            code == 0,
            now == if args == NEW_ARGS {
                v.new.clone()
            } else {
                v.old.clone()
            },
            "kill {i}: {err}"
        );
    }
    eprintln!(
        "kill loop: 40 kills (seed {seed}, full render {full}us) in {:?}; right after the kill: {left:?}; after the next run: {after:?}",
        started.elapsed()
    );
}

/// Two renders into one folder at the same time, 10 times: both succeed (the second waits for
/// the first), and the folder is the complete output of one of them.
#[test]
fn concurrent_renders_do_not_mix() {
    let v = variants();
    let work = v.dir.path().join("work");
    let out = work.join("o");
    let mut last = BTreeMap::new();
    for i in 0..10 {
        let (a, b) = if i % 2 == 0 {
            (OLD_ARGS, NEW_ARGS)
        } else {
            (NEW_ARGS, OLD_ARGS)
        };
        let mut first = spawn(&work, a);
        let mut second = spawn(&work, b);
        let s1 = first.wait().unwrap();
        let s2 = second.wait().unwrap();
        assert!(s1.success() && s2.success(), "pair {i}: {s1} {s2}");
        let now = tree(&out);
        let which = if now == v.old {
            "old"
        } else if now == v.new {
            "new"
        } else {
            panic!(
                "pair {i}: mixed output: {:?}",
                now.keys().collect::<Vec<_>>()
            )
        };
        *last.entry(which).or_insert(0) += 1;
    }
    eprintln!("concurrent pairs: 10, last writer: {last:?}");
}

// --- A review's reproductions (journal, staging, `--out link/`) ----------------------------

/// A journal amlgen did not write, with `.amlgen-staging/new` and `old` linked outside: neither
/// `render` nor `render --check` moves anything across the folder boundary.
#[cfg(unix)]
#[test]
fn planted_journal_with_linked_staging_moves_nothing() {
    for check in [false, true] {
        let d = rendered();
        let out = d.path().join("o");
        let (old, new) = (d.path().join("victim-old"), d.path().join("victim-new"));
        std::fs::create_dir(&old).unwrap();
        std::fs::create_dir(&new).unwrap();
        std::fs::write(new.join("id_rsa"), "SECRET\n").unwrap();
        std::fs::write(out.join("notes.txt"), "hand notes\n").unwrap();
        std::fs::create_dir(out.join(STAGING)).unwrap();
        std::os::unix::fs::symlink(&old, out.join(STAGING).join("old")).unwrap();
        std::os::unix::fs::symlink(&new, out.join(STAGING).join("new")).unwrap();
        std::fs::write(
            out.join(JOURNAL),
            r#"{"replace":["id_rsa","main.bicep"],"remove":["notes.txt"],"staged":{},"current":{}}"#,
        )
        .unwrap();
        let before = tree(d.path());
        let mut args = vec!["render", "approved-only", "--out", "o"];
        if check {
            args.push("--check");
        }
        let (code, err) = run(d.path(), &args);
        assert_eq!(code, 4, "check={check}: {err}");
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(tree(d.path()), before, "check={check}: something moved");
    }
}

/// A journal without links that names hand-edited and foreign files: nothing is removed.
#[test]
fn planted_journal_removes_no_hand_edited_file() {
    let d = rendered();
    let out = d.path().join("o");
    std::fs::write(out.join("notes.txt"), "hand notes\n").unwrap();
    let bicep = std::fs::read_to_string(out.join("main.bicep")).unwrap();
    std::fs::write(out.join("main.bicep"), format!("{bicep}// mine\n")).unwrap();
    std::fs::create_dir_all(out.join(STAGING).join("old")).unwrap();
    for journal in [
        r#"{"replace":[],"remove":["notes.txt","main.bicep"],"staged":{},"current":{}}"#,
        // Hashes of amlgen's own file, not of what is in the folder now.
        &format!(
            r#"{{"replace":[],"remove":["main.bicep"],"staged":{{}},"current":{{"main.bicep":"{}"}}}}"#,
            amlgen::output::sha256(bicep.as_bytes())
        ),
    ] {
        std::fs::write(out.join(JOURNAL), journal).unwrap();
        let before = tree(d.path());
        let (code, err) = run(
            d.path(),
            &["render", "approved-only", "--out", "o", "--check"],
        );
        assert_eq!(code, 4, "{err}");
        assert!(
            err.contains("not the file the interrupted render recorded"),
            "{err}"
        );
        assert_eq!(tree(d.path()), before, "something was removed");
    }
}

/// `--out link/` and `--out link/.` name the link: refused like `--out link`.
#[cfg(unix)]
#[test]
fn output_folder_link_with_trailing_slash_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let real = d.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, d.path().join("link")).unwrap();
    for out in ["link", "link/", "link/.", "./link//"] {
        let (code, err) = run(d.path(), &["render", "approved-only", "--out", out]);
        assert_eq!(code, 4, "{out}: {err}");
        assert!(err.contains("symbolic link"), "{out}: {err}");
        assert_eq!(std::fs::read_dir(&real).unwrap().count(), 0, "{out}");
    }
}

/// A fifo named `.amlgen-staging` is something to move away (exit 4), not an I/O error.
#[cfg(unix)]
#[test]
fn fifo_in_place_of_the_staging_folder_is_refused() {
    let d = rendered();
    let fifo = d.path().join("o").join(STAGING);
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo failed");
    for extra in [&[][..], &["--check"], &["--force"]] {
        let mut args = vec!["render", "approved-only", "--out", "o"];
        args.extend_from_slice(extra);
        let (code, err) = run(d.path(), &args);
        assert_eq!(code, 4, "{extra:?}: {err}");
        assert!(err.contains("move it away"), "{err}");
    }
}

/// Paths amlgen prints (the folder, files in it, diff lines of files in it) never carry raw
/// control characters to the terminal.
#[test]
fn printed_paths_and_diffs_are_escaped() {
    let d = tempfile::tempdir().unwrap();
    let out = "o\u{1b}[31mRED";
    let (code, err) = run(d.path(), &["render", "approved-only", "--out", out]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains('\u{1b}') && err.contains("\\u{1b}"), "{err}");
    let bicep = d.path().join(out).join("main.bicep");
    let mut text = std::fs::read_to_string(&bicep).unwrap();
    text.push_str("\u{1b}]0;HIJACK\u{7}\u{1b}[2J\n");
    std::fs::write(&bicep, text).unwrap();
    for args in [&["--check"][..], &[]] {
        let mut all = vec!["render", "approved-only", "--out", out];
        all.extend_from_slice(args);
        let (code, err) = run(d.path(), &all);
        assert!(code == 3 || code == 4, "{args:?}: {code} {err}");
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{7}'),
            "{args:?}: {err}"
        );
    }
}
