#[cfg(test)]
mod probe {
    #[test]
    fn json_positions() {
        let text = "{\n\t\"securityRules\": [\n\t\t{\n\t\t\t\"name\": \"A\",\n\t\t\t\"properties\": {\"destinationAddressPrefix\": \"*.pypi.org\", \"x\": \"a\\/b\\u00e9\"}\n\t\t}\n\t]\n}\n";
        let m = crate::blueprint::source_map::SourceMap::build(text);
        eprintln!(
            "{:?}",
            m.value("securityRules[0].properties.destinationAddressPrefix")
        );
        eprintln!("{:?}", m.value("securityRules[0].name"));
        let text2 = "{\"a\": [1, {\"b\": \"c\"}]}";
        let m = crate::blueprint::source_map::SourceMap::build(text2);
        eprintln!("{:?}", m.value("a[1].b"));
    }
}
