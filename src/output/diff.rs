//! Unified diffs for `render --check`, so a stale out/ shows what changed, not just that it did.

use similar::TextDiff;

pub fn unified(path: &str, old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{path} (on disk)"), &format!("{path} (rendered)"))
        .to_string()
}
