//! `amlgen flows` output as a readable table: one line per flow, its hops below it.

use super::{Expected, Report, Status, Verdict};
use std::fmt::Write;

fn status(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Fail => "FAIL",
        Status::Residual => "residual",
        Status::Unknown => "unknown",
    }
}

pub fn expected(e: Expected) -> &'static str {
    match e {
        Expected::Required => "required",
        Expected::Forbidden => "forbidden",
    }
}

pub fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Allowed => "allowed",
        Verdict::Denied => "denied",
        Verdict::Unknown => "unknown",
    }
}

/// The one-line summary: counts and whether the network does what the blueprint means.
pub fn summary_line(r: &Report) -> String {
    let s = &r.summary;
    format!(
        "{}: {} flows; required: {} allowed, {} denied; forbidden: {} denied, {} allowed{}; {}",
        r.blueprint,
        s.flows,
        s.required_allowed,
        s.required_denied,
        s.forbidden_denied,
        s.forbidden_allowed,
        if s.residual > 0 {
            format!(", {} residual", s.residual)
        } else {
            String::new()
        },
        if s.ok { "OK" } else { "FAILED" }
    )
}

pub fn render(r: &Report) -> String {
    let rows: Vec<[String; 7]> = r
        .flows
        .iter()
        .map(|f| {
            [
                status(f.status).to_string(),
                expected(f.expected).to_string(),
                verdict(f.verdict).to_string(),
                f.source.clone(),
                f.destination.clone(),
                format!("{}/{}", f.protocol, f.port),
                f.decided_by.clone(),
            ]
        })
        .collect();
    let head = [
        "STATUS",
        "EXPECTED",
        "VERDICT",
        "SOURCE",
        "DESTINATION",
        "PORT",
        "DECIDED BY",
    ];
    let mut width = head.map(str::len);
    for row in &rows {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(width).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let _ = write!(s, "{c:<w$}  ");
            }
        }
        s.trim_end().to_string()
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", line(&head.map(String::from)));
    for (row, f) in rows.iter().zip(&r.flows) {
        let _ = writeln!(out, "{}", line(row));
        let hops: Vec<String> = f
            .hops
            .iter()
            .map(|h| format!("{} {}", h.hop, h.rule))
            .collect();
        let _ = writeln!(out, "    {} | {}", f.name, hops.join(" > "));
        if let Some(why) = &f.residual {
            let _ = writeln!(out, "    residual: {why}");
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(r));
    out
}
