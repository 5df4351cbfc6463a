//! Kconfig fragment / .config parsing and the `verify-config` check.

use crate::Result;
use std::collections::BTreeMap;

/// An option's value; `None` means "not set" (`# CONFIG_X is not set`, `=n`, or absent).
pub type Value = Option<String>;

fn valid_name(name: &str) -> bool {
    name.len() > "CONFIG_".len()
        && name.starts_with("CONFIG_")
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Parse one Kconfig line: `Ok(None)` for blanks and comments, an error for anything else
/// that is not an assignment.
pub fn parse_line(line: &str) -> Result<Option<(String, Value)>> {
    let t = line.trim();
    if let Some(rest) = t.strip_prefix('#') {
        if let Some(name) = rest.trim().strip_suffix(" is not set") {
            if valid_name(name) {
                return Ok(Some((name.to_string(), None)));
            }
        }
        return Ok(None);
    }
    if t.is_empty() {
        return Ok(None);
    }
    match t.split_once('=') {
        Some((name, val)) if valid_name(name) && !val.is_empty() => {
            let val = if val == "n" {
                None
            } else {
                Some(val.to_string())
            };
            Ok(Some((name.to_string(), val)))
        }
        _ => Err(format!("not a Kconfig assignment: {t:?}")),
    }
}

/// Parse a whole file's text into name -> value; later lines win.
pub fn parse_text(text: &str, origin: &str) -> Result<BTreeMap<String, Value>> {
    let mut map = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if let Some((k, v)) = parse_line(line).map_err(|e| format!("{origin}:{}: {e}", i + 1))? {
            map.insert(k, v);
        }
    }
    Ok(map)
}

fn show(v: &Value) -> String {
    match v {
        Some(v) => format!("={v}"),
        None => "<not set>".to_string(),
    }
}

/// Compare merged fragment requests (`(fragment name, text)` in merge order) against a
/// .config; returns the number of requested options and one message per mismatch.
pub fn verify(dotconfig: &str, fragments: &[(String, String)]) -> Result<(usize, Vec<String>)> {
    let have = parse_text(dotconfig, ".config")?;
    let mut want: BTreeMap<String, (Value, String)> = BTreeMap::new();
    for (origin, text) in fragments {
        for (k, v) in parse_text(text, origin)? {
            want.insert(k, (v, origin.clone()));
        }
    }
    let mut bad = Vec::new();
    for (name, (value, origin)) in &want {
        let actual = have.get(name).cloned().flatten();
        if &actual != value {
            bad.push(format!(
                "verify-config: {name} requested {} by {origin}, but .config has: {}",
                show(value),
                show(&actual)
            ));
        }
    }
    Ok((want.len(), bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(
            parse_line("CONFIG_A=y").unwrap(),
            Some(("CONFIG_A".into(), Some("y".into())))
        );
        assert_eq!(
            parse_line("# CONFIG_B is not set").unwrap(),
            Some(("CONFIG_B".into(), None))
        );
        assert_eq!(
            parse_line("CONFIG_C=n").unwrap(),
            Some(("CONFIG_C".into(), None))
        );
        assert_eq!(parse_line("# a comment").unwrap(), None);
        assert_eq!(parse_line("   ").unwrap(), None);
        assert!(parse_line("garbage").is_err());
        assert!(parse_line("CONFIG_=y").is_err());
    }

    #[test]
    fn last_fragment_wins_and_strings_compare_exactly() {
        let cfg = "CONFIG_A=m\nCONFIG_S=\"x\"\n# CONFIG_B is not set\n";
        let frags = vec![
            (
                "one".to_string(),
                "CONFIG_A=y\nCONFIG_S=\"x\"\n".to_string(),
            ),
            (
                "two".to_string(),
                "CONFIG_A=m\nCONFIG_B=n\nCONFIG_C=y\n".to_string(),
            ),
        ];
        let (n, bad) = verify(cfg, &frags).unwrap();
        assert_eq!(n, 4);
        assert_eq!(
            bad,
            vec!["verify-config: CONFIG_C requested =y by two, but .config has: <not set>"]
        );
    }
}
