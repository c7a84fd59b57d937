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

/// The modeline of the built-ins: the schema path relative to `blueprints/` in this repository.
const REPO_MODELINE: &str = "# yaml-language-server: $schema=../schemas/blueprint.schema.json";

impl Builtin {
    /// The text `amlgen show` prints, to be saved anywhere: the modeline names a schema file next
    /// to the copy (and says how to write it) instead of a path that exists only in this
    /// repository.
    pub fn for_copying(&self) -> String {
        self.text.replacen(
            REPO_MODELINE,
            "# yaml-language-server: $schema=blueprint.schema.json\n\
             # (editor completion; write that file with: amlgen schema > blueprint.schema.json)",
            1,
        )
    }
}
