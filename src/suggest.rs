//! "Did you mean" for near-miss names (keys, blueprint names, commands).

/// The closest candidate by Jaro-Winkler similarity, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_close_names_only() {
        let c = ["isolation_mode", "firewall_sku", "outbound_rules"];
        assert_eq!(
            super::did_you_mean("isolaton_mode", c),
            Some("isolation_mode")
        );
        assert_eq!(super::did_you_mean("zzz", c), None);
    }
}
