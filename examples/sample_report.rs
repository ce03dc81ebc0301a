//! Write the Korean and English sample shops (default [`SampleOptions`]: 300 customers, 52 weeks
//! ending 2026-11-22) into a folder: `cargo run --example sample_report -- /tmp/samples`.
//! Then `dangol report /tmp/samples/sample-ko.xlsx --as-of 2026-11-23` renders the report whose
//! first page is `docs/report-ko.png` (and the same for `en`).

use std::path::PathBuf;

use dangol::model::Lang;
use dangol::sample::{SampleOptions, write_sample};

fn main() -> anyhow::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "samples".into()));
    std::fs::create_dir_all(&dir)?;
    for (lang, tag) in [(Lang::Ko, "ko"), (Lang::En, "en")] {
        let out = dir.join(format!("sample-{tag}.xlsx"));
        let opts = SampleOptions {
            lang,
            ..SampleOptions::default()
        };
        let s = write_sample(&opts, &out)?;
        eprintln!(
            "wrote {} ({} sales rows, {} customers, {} quotes)",
            out.display(),
            s.sales_rows,
            s.customers,
            s.quotes
        );
    }
    Ok(())
}
