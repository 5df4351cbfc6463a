//! Errno-matrix support: decoding `# matrix:` console lines, writing the TSV, and
//! comparing TSVs across variants (`matrix-diff`).

use crate::Result;
use std::collections::BTreeMap;

/// Rows of pidfd_clone_matrix_test's table: one clone3() call per combination of its 15
/// flags (`# flags=` in the TSV) x exit_signal {0, SIGCHLD} (`bit15`) x {privileged,
/// unprivileged} (`bit16`): 2^15 * 2 * 2 = 131072, indices 0..131071 (NR_COMBOS there);
/// then the bad-stack rows from `stack_rows=131072`: 2^7 combinations of 7 flags
/// (`stack_flags=`) for each of 5 invalid stacks (`stack_kinds=`), 640 rows.
/// The test prints no row count of its own, so a table of any other size is incomplete.
pub const MATRIX_ROWS: u64 = (1 << (15 + 1 + 1)) + 5 * (1 << 7);

/// Decoded matrix: `key=value` metadata and `(index, result)` rows in console order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Matrix {
    pub meta: Vec<(String, String)>,
    pub rows: Vec<(u64, String)>,
}

/// Name of an x86-64 Linux errno; 0 is `ok`, unknown numbers become `E<n>`.
pub fn errno_name(n: u32) -> String {
    let name = match n {
        0 => "ok",
        1 => "EPERM",
        2 => "ENOENT",
        3 => "ESRCH",
        4 => "EINTR",
        7 => "E2BIG",
        9 => "EBADF",
        10 => "ECHILD",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        16 => "EBUSY",
        17 => "EEXIST",
        22 => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        28 => "ENOSPC",
        34 => "ERANGE",
        38 => "ENOSYS",
        87 => "EUSERS",
        95 => "EOPNOTSUPP",
        _ => return format!("E{n}"),
    };
    name.to_string()
}

/// Decode the payload after `# matrix:` (`<start> <chars>`). Each char is one combination,
/// `c - '0'` being its errno. Valid UTF-8 is taken as characters, otherwise as raw bytes
/// (a guest printing `'0' + 87` with `%c` emits a single byte).
pub fn decode_rows(payload: &[u8]) -> Result<Vec<(u64, String)>> {
    let payload = payload.trim_ascii();
    let split = payload
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(payload.len());
    let (start, chars) = payload.split_at(split);
    let start: u64 = std::str::from_utf8(start)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            format!(
                "matrix: bad start index {:?}",
                String::from_utf8_lossy(start)
            )
        })?;
    let chars = chars.trim_ascii();
    let codes: Vec<u32> = match std::str::from_utf8(chars) {
        Ok(s) => s.chars().map(|c| c as u32).collect(),
        Err(_) => chars.iter().map(|&b| u32::from(b)).collect(),
    };
    if codes.is_empty() {
        return Err("matrix: no combination characters".to_string());
    }
    let mut rows = Vec::with_capacity(codes.len());
    for (i, c) in codes.into_iter().enumerate() {
        let errno = c
            .checked_sub(u32::from(b'0'))
            .ok_or_else(|| format!("matrix: character U+{c:04X} is below '0'"))?;
        rows.push((start + i as u64, errno_name(errno)));
    }
    Ok(rows)
}

/// Parse `# matrix-meta: k=v k2=v2` payload.
pub fn decode_meta(payload: &str) -> Vec<(String, String)> {
    payload
        .split_whitespace()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (kv.to_string(), String::new()),
        })
        .collect()
}

/// TSV text: `# key=value` lines, the header, then `index<TAB>result` rows.
pub fn to_tsv(m: &Matrix) -> String {
    let mut out = String::new();
    for (k, v) in &m.meta {
        out.push_str(&format!("# {k}={v}\n"));
    }
    out.push_str("index\tresult\n");
    for (i, r) in &m.rows {
        out.push_str(&format!("{i}\t{r}\n"));
    }
    out
}

/// Read TSV rows (ignoring `#` lines and the header) into index -> result.
pub fn parse_tsv(text: &str, origin: &str) -> Result<BTreeMap<u64, String>> {
    let mut rows = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.starts_with('#') || line.trim().is_empty() || line == "index\tresult" {
            continue;
        }
        let parsed = line
            .split_once('\t')
            .and_then(|(i, r)| Some((i.trim().parse::<u64>().ok()?, r.trim())));
        let (i, r) = parsed.ok_or_else(|| {
            format!(
                "{origin}:{}: not an `index<TAB>result` row: {line:?}",
                n + 1
            )
        })?;
        if rows.insert(i, r.to_string()).is_some() {
            return Err(format!("{origin}:{}: index {i} given twice", n + 1));
        }
    }
    Ok(rows)
}

/// A table must have exactly the rows `0..expected`: not empty, not truncated, no gaps.
pub fn check_rows(t: &BTreeMap<u64, String>, expected: u64) -> std::result::Result<(), String> {
    if t.is_empty() {
        return Err("empty table (no rows)".into());
    }
    let n = t.len() as u64;
    if n != expected {
        return Err(format!("{n} rows, expected {expected}"));
    }
    match t.keys().next_back() {
        Some(&last) if last + 1 != expected => Err(format!(
            "rows are not 0..{}: the last index is {last}",
            expected - 1
        )),
        _ => Ok(()),
    }
}

/// Compare named tables; `Ok(rows)` if identical, else `Err(differing lines)` (all of them).
pub fn diff(tables: &[(String, BTreeMap<u64, String>)]) -> std::result::Result<usize, Vec<String>> {
    let mut indices: Vec<u64> = tables.iter().flat_map(|(_, t)| t.keys().copied()).collect();
    indices.sort_unstable();
    indices.dedup();
    let mut lines = Vec::new();
    for i in &indices {
        let vals: Vec<&str> = tables
            .iter()
            .map(|(_, t)| t.get(i).map_or("-", |s| s.as_str()))
            .collect();
        if vals.iter().any(|v| *v != vals[0]) {
            let mut line = i.to_string();
            for ((name, _), v) in tables.iter().zip(&vals) {
                line.push_str(&format!("  {name}={v}"));
            }
            lines.push(line);
        }
    }
    if lines.is_empty() {
        Ok(indices.len())
    } else {
        Err(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_chars_and_bytes() {
        let rows = decode_rows(b"10 0\x36F").unwrap();
        assert_eq!(
            rows,
            vec![(10, "ok".into()), (11, "E6".into()), (12, "EINVAL".into())]
        );
        // '0' + 87 as a raw byte, and as a UTF-8 character.
        assert_eq!(decode_rows(&[b'0', b' ', 135]).unwrap()[0].1, "EUSERS");
        assert_eq!(decode_rows("0 \u{87}".as_bytes()).unwrap()[0].1, "EUSERS");
        assert_eq!(decode_rows(b"0 \x8f").unwrap()[0].1, "EOPNOTSUPP");
        assert!(decode_rows(b"x 00").is_err());
        assert!(decode_rows(b"5").is_err());
        assert!(decode_rows(b"5 0!").is_err());
    }

    #[test]
    fn tsv_roundtrip_and_diff() {
        let m = Matrix {
            meta: decode_meta("a=1 b=two"),
            rows: vec![(0, "ok".into()), (1, "EPERM".into())],
        };
        let tsv = to_tsv(&m);
        assert!(tsv.starts_with("# a=1\n# b=two\nindex\tresult\n"));
        let t = parse_tsv(&tsv, "x").unwrap();
        let mut u = t.clone();
        assert_eq!(
            diff(&[("a".into(), t.clone()), ("b".into(), u.clone())]),
            Ok(2)
        );
        u.insert(1, "ok".into());
        assert_eq!(
            diff(&[("a".into(), t), ("b".into(), u)]),
            Err(vec!["1  a=EPERM  b=ok".to_string()])
        );
        assert!(parse_tsv("zz\n", "f").is_err());
        assert!(parse_tsv("0\tok\n0\tok\n", "f").is_err());
    }

    #[test]
    fn row_counts() {
        let t = |n: u64, first: u64| -> BTreeMap<u64, String> {
            (first..first + n).map(|i| (i, "ok".to_string())).collect()
        };
        assert_eq!(MATRIX_ROWS, 131712);
        assert!(check_rows(&t(3, 0), 3).is_ok());
        assert_eq!(check_rows(&t(0, 0), 3), Err("empty table (no rows)".into()));
        assert_eq!(check_rows(&t(2, 0), 3), Err("2 rows, expected 3".into()));
        assert_eq!(
            check_rows(&t(3, 1), 3),
            Err("rows are not 0..2: the last index is 3".into())
        );
    }
}
