//! Value ranges (catalog/constraints.yaml): the same table that writes the JSON Schema's
//! `minimum`/`maximum` and main.bicep's `@minValue`/`@maxValue`, so a value the deployment would
//! refuse is refused here first.

use crate::catalog::Catalog;
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use serde_json::Value;

/// `doc` is the blueprint as a value tree (see [`super::check`]).
pub fn check(doc: &Value, out: &mut Vec<Diagnostic>) {
    let table = &Catalog::get().constraints;
    for r in &table.ranges {
        let Some(v) = number_at(doc, &r.path) else {
            continue;
        };
        let below = r.min.is_some_and(|min| v < min);
        let above = r.max.is_some_and(|max| v > max);
        if below || above {
            let range = match (r.min, r.max) {
                (Some(a), Some(b)) => format!("{a} to {b}"),
                (Some(a), None) => format!("{a} or more"),
                (None, Some(b)) => format!("{b} or less"),
                (None, None) => continue,
            };
            out.push(
                Diagnostic::error(Code::OutOfRange, format!("value out of range ({range})"))
                    .at_path(&r.path)
                    .with_value(v.to_string())
                    .with_help(format!(
                        "Azure accepts {range} here; the deployment would fail on this value"
                    )),
            );
        }
    }
    for o in &table.ordered {
        if let (Some(low), Some(high)) = (number_at(doc, &o.low), number_at(doc, &o.high)) {
            if low > high {
                out.push(
                    Diagnostic::error(Code::MinAboveMax, format!("{} is above {}", o.low, o.high))
                        .at_path(&o.low)
                        .with_value(low.to_string())
                        .with_help(format!(
                            "make {} at most {} ({high}), or raise {}",
                            o.low, o.high, o.high
                        )),
                );
            }
        }
    }
}

/// The integer at a dotted path of the blueprint, if the blueprint has that setting.
fn number_at(doc: &Value, path: &str) -> Option<i64> {
    path.split('.')
        .try_fold(doc, |v, key| v.get(key))
        .and_then(Value::as_i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(sets: &[&str]) -> Vec<Code> {
        let mut out = Vec::new();
        let bp = crate::blueprint::builtin_with("hub-spoke", sets);
        check(&serde_json::to_value(&bp).unwrap(), &mut out);
        out.into_iter().map(|d| d.code).collect()
    }

    #[test]
    fn values_outside_azure_ranges_are_refused() {
        assert!(codes(&[]).is_empty());
        assert_eq!(
            codes(&["dependencies.key_vault.soft_delete_retention_days=3"]),
            [Code::OutOfRange]
        );
        assert_eq!(
            codes(&["dependencies.monitoring.retention_days=5000"]),
            [Code::OutOfRange]
        );
        assert_eq!(
            codes(&["compute.cluster.min_nodes=9", "compute.cluster.max_nodes=2"]),
            [Code::MinAboveMax]
        );
        assert_eq!(
            codes(&["compute.cluster.min_nodes=9", "compute.cluster.max_nodes=0"]),
            [Code::OutOfRange, Code::MinAboveMax]
        );
    }
}
