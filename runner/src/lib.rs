//! Library half of `runner`: the pure logic (config checks, console parsing, the results.json
//! schema, its kunit.py JSON export, summaries, flake hunts, benchmark tables and charts) plus
//! the QEMU boot driver, kept out of main.rs so it can be unit-tested.

pub mod bench;
pub mod bench_svg;
pub mod boot;
pub mod config;
pub mod console;
pub mod expect;
pub mod flaky;
pub mod kunit_json;
pub mod matrix;
pub mod results;
pub mod summary;

/// Errors are human-readable messages that already carry their context (file, line, value).
pub type Result<T> = std::result::Result<T, String>;

/// Read a whole file, naming it in the error.
pub fn read_file(path: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// Write a whole file, naming it in the error.
pub fn write_file(path: &str, data: &str) -> Result<()> {
    std::fs::write(path, data).map_err(|e| format!("cannot write {path}: {e}"))
}
