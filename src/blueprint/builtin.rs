//! The built-in blueprints, embedded so `amlgen` works from any directory.

pub struct Builtin {
    pub name: &'static str,
    pub text: &'static str,
}

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "allow-internet",
        text: include_str!("../../blueprints/allow-internet.yaml"),
    },
    Builtin {
        name: "approved-only",
        text: include_str!("../../blueprints/approved-only.yaml"),
    },
    Builtin {
        name: "hub-spoke",
        text: include_str!("../../blueprints/hub-spoke.yaml"),
    },
    Builtin {
        name: "exfiltration-prevention",
        text: include_str!("../../blueprints/exfiltration-prevention.yaml"),
    },
    Builtin {
        name: "no-firewall",
        text: include_str!("../../blueprints/no-firewall.yaml"),
    },
];

pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|b| b.name)
}
