//! Atomic output: `lovportal build` is killed (SIGKILL) at random moments on a larger
//! site, many times; the output folder must always be exactly the previous complete
//! site or exactly the new one, and the next successful build removes what the killed
//! runs left behind.

#[path = "support/site.rs"]
mod site;

use site::{TestSite, tree};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MUNICIPALITIES: usize = 20;
const ROUTINES_PER_MUNICIPALITY: usize = 10;

/// The minimal fixture plus many municipalities, each with its routines.
fn larger_site() -> TestSite {
    let s = TestSite::copy("minimal");
    let muni = s.read("data/kommuner/testby.yaml");
    let routine = s.read("content/testby/behorighet.md");
    let body = "\n\n## Avsnitt\n\nText om behörigheter, inloggning och support. ".repeat(20);
    for k in 0..MUNICIPALITIES {
        let slug = format!("kommun-{k}");
        s.write(
            &format!("data/kommuner/{slug}.yaml"),
            muni.replacen("name: Testby", &format!("name: Kommun {k}"), 1),
        );
        s.write(&format!("content/{slug}/behorighet.md"), &routine);
        for r in 0..ROUTINES_PER_MUNICIPALITY {
            let text = routine.replacen(
                "title: Beställa behörighet",
                &format!("title: Rutin {r} i kommun {k}"),
                1,
            ) + &body;
            s.write(&format!("content/{slug}/rutin-{r}.md"), text);
        }
    }
    s
}

fn build_args(s: &TestSite, out: &Path) -> Vec<String> {
    [
        "build",
        "-q",
        "--now",
        "2026-11-23T10:00",
        "--root",
        &s.root().display().to_string(),
        "--output",
        &out.display().to_string(),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect()
}

/// Names next to the output folder that a killed run may leave.
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".lovportal-staging-") || n.contains(".lovportal-retired-"))
        .collect()
}

#[test]
fn killed_builds_leave_the_old_or_the_new_site_never_a_mix() {
    let s = larger_site();
    let site_yaml = s.read("data/site.yaml");
    let old_yaml = site_yaml.clone();
    let new_yaml = site_yaml.replacen("name: LOV-portalen", "name: Nya LOV-portalen", 1);
    assert_ne!(old_yaml, new_yaml);

    // Both complete trees, built into folders of their own.
    let (old_dir, new_dir) = (s.path("expected-old"), s.path("expected-new"));
    let r = s.build(&old_dir, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    s.write("data/site.yaml", &new_yaml);
    let started = Instant::now();
    assert_eq!(s.build(&new_dir, &[]).code, 0);
    let build_time = started.elapsed();
    let old: BTreeMap<String, Vec<u8>> = tree(&old_dir);
    let new = tree(&new_dir);
    assert!(old.len() > 200, "only {} files", old.len());
    assert_ne!(old, new);

    let parent = s.path("out");
    std::fs::create_dir_all(&parent).unwrap();
    let out = parent.join("public");
    s.write("data/site.yaml", &old_yaml);
    assert_eq!(s.build(&out, &[]).code, 0);
    assert!(tree(&out) == old);

    // A fixed seed: the same kill points on every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // The kill window starts from one measured build and adapts: on a busy machine a
    // build may take several times as long, and the kills must still land both before
    // and after the swap.
    let mut window = build_time.as_millis() as u64 * 5 / 4 + 20;
    let deadline = Instant::now() + Duration::from_secs(90);
    let (mut unchanged, mut replaced, mut left_behind, mut rounds) = (0, 0, 0, 0);
    while (rounds < 40 || unchanged == 0 || replaced == 0 || left_behind == 0)
        && rounds < 120
        && Instant::now() < deadline
    {
        rounds += 1;
        if rounds % 8 == 0 {
            if replaced == 0 {
                window = window * 3 / 2;
            } else if unchanged == 0 || left_behind == 0 {
                window = (window * 2 / 3).max(10);
            }
        }
        // Build towards whichever site the output is not now.
        let now_old = tree(&out) == old;
        s.write(
            "data/site.yaml",
            if now_old { &new_yaml } else { &old_yaml },
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_lovportal"))
            .args(build_args(&s, &out))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(next() % window));
        // SIGKILL on Unix; an error only means the build had already finished.
        let _ = child.kill();
        child.wait().unwrap();
        if !leftovers(&parent).is_empty() {
            left_behind += 1;
        }
        let got = tree(&out);
        let is_old = got == old;
        let is_new = got == new;
        assert!(
            is_old || is_new,
            "round {rounds}: the output is neither the old nor the new site ({} files; old {}, new {})",
            got.len(),
            old.len(),
            new.len()
        );
        if is_old == now_old {
            unchanged += 1;
        } else {
            replaced += 1;
        }
    }
    eprintln!(
        "{rounds} kills in a {window} ms window: {unchanged} left the previous site, \
         {replaced} completed, {left_behind} left temporary folders"
    );
    assert!(
        unchanged > 0 && replaced > 0,
        "the kills must hit both before and after the swap"
    );
    assert!(
        left_behind > 0,
        "no kill ever landed while a staging folder existed"
    );

    // The next successful build cleans up and is complete.
    s.write("data/site.yaml", &new_yaml);
    let r = lovportal_run(&build_args(&s, &out));
    assert_eq!(r, 0);
    assert!(tree(&out) == new);
    assert_eq!(leftovers(&parent), Vec::<String>::new());
    let names: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["public".to_string()]);
}

fn lovportal_run(args: &[String]) -> i32 {
    site::lovportal(args).code
}

/// A rebuild after a one-paragraph edit writes the files whose bytes changed and keeps
/// every other file as it was (same inode, same modification time), so `rsync` and
/// HTTP caches see only the change, and the swap frees only the changed files.
#[cfg(unix)]
#[test]
fn a_rebuild_writes_only_the_files_that_changed() {
    use std::os::unix::fs::MetadataExt;
    let s = larger_site();
    let out = s.root().join("public");
    let stamp = |out: &Path| -> BTreeMap<String, (u64, i64)> {
        tree(out)
            .keys()
            .map(|rel| {
                let m = std::fs::metadata(out.join(rel)).unwrap();
                (
                    rel.clone(),
                    (m.ino(), m.mtime_nsec() + m.mtime() * 1_000_000_000),
                )
            })
            .collect()
    };
    assert_eq!(lovportal_run(&build_args(&s, &out)), 0);
    let (before, bytes_before) = (stamp(&out), tree(&out));
    std::thread::sleep(Duration::from_millis(20));
    let edited = "content/kommun-3/rutin-4.md";
    s.write(
        edited,
        s.read(edited) + "\n\nEtt nytt stycke om rapportering.\n",
    );
    assert_eq!(lovportal_run(&build_args(&s, &out)), 0);
    let (after, bytes_after) = (stamp(&out), tree(&out));
    // Search files are named by their content: an edit renames a few of them.
    let mut changed: Vec<&str> = after
        .keys()
        .filter(|rel| !before.contains_key(*rel))
        .map(|rel| rel.as_str())
        .collect();
    assert!(
        changed.iter().all(|rel| rel.starts_with("sok/")),
        "{changed:?}"
    );
    for (rel, old) in before.iter().filter(|(rel, _)| after.contains_key(*rel)) {
        if bytes_before[rel] == bytes_after[rel] {
            assert_eq!(&after[rel], old, "{rel}: unchanged bytes, yet rewritten");
        } else {
            assert_ne!(after[rel].0, old.0, "{rel}: changed bytes in the old inode");
            changed.push(rel.as_str());
        }
    }
    assert!(
        changed.contains(&"kommun-3/rutin-4/index.html"),
        "{changed:?}"
    );
    assert!(
        changed.len() * 10 < before.len(),
        "{} of {} files changed: {changed:?}",
        changed.len(),
        before.len()
    );
    assert!(
        String::from_utf8_lossy(&bytes_after["kommun-3/rutin-4/index.html"])
            .contains("Ett nytt stycke om rapportering.")
    );
}
