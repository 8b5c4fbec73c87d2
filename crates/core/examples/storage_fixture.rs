//! Writes a generated caseload as the `(key, value)` pairs Linkwork keeps in
//! local storage, as one JSON object, for the browser benchmarks.
//!
//! ```text
//! cargo run --release -p linkwork-core --example storage_fixture -- <referrals|demo> <out.json> [--sealed PASSPHRASE] [--pad]
//! ```
//!
//! `--sealed` writes an encrypted workspace named "Bench" (real Argon2id
//! settings), as the app stores it. `--pad` gives every referral at least
//! five contacts and two measure sets (real records, as the app keeps them).

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::NaiveDate;
use linkwork_core::store::vault_store::WorkspaceMeta;
use linkwork_core::work::demo::{generate, top_up_contacts, top_up_measures, DemoSpec, Seeded};
fn run(args: &[String]) -> Result<String, String> {
    let (Some(size), Some(out)) = (args.first(), args.get(1)) else {
        return Err(
            "usage: storage_fixture <referrals|demo> <out.json> [--sealed PASSPHRASE] [--pad]"
                .into(),
        );
    };
    let spec = match size.as_str() {
        "demo" => DemoSpec::standard(),
        n => DemoSpec::sized(
            n.parse()
                .map_err(|_| format!("not a number of referrals: {n}"))?,
        ),
    };
    let sealed = args
        .iter()
        .position(|a| a == "--sealed")
        .map(|i| {
            args.get(i + 1)
                .cloned()
                .ok_or("--sealed needs a passphrase")
        })
        .transpose()?;
    let pad = args.iter().any(|a| a == "--pad");
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).ok_or("bad date")?;
    let mut ws = generate(&spec, today);
    if pad {
        top_up_contacts(&mut ws, 5, today);
        top_up_measures(&mut ws, today);
    }
    let mut seeded = Seeded::new(100);
    let meta = sealed
        .as_deref()
        .map(|pass| {
            WorkspaceMeta::create(
                "Bench",
                pass,
                pass,
                &[],
                today.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc(),
                &mut seeded,
            )
            .map_err(|e| format!("{e:?}"))
        })
        .transpose()?;
    let namespace = meta
        .as_ref()
        .map_or_else(|| "demo".to_owned(), |(m, _)| m.namespace());
    let mut entries = BTreeMap::new();
    let mut plain_bytes = 0usize;
    for key in ws.all_keys() {
        let text = ws.encode(key);
        plain_bytes += text.len();
        let name = key.name(&namespace);
        let value = match &meta {
            Some((_, vault)) => vault.seal(&name, &text, &mut seeded),
            None => text,
        };
        entries.insert(name, value);
    }
    if let Some((m, _)) = &meta {
        entries.insert(m.key(), m.encode());
        // The data key, for the benchmark's floor (plain JavaScript and WebCrypto doing
        // only the unavoidable work on the same stored bytes). Made-up data only.
        let key = meta
            .as_ref()
            .map(|(_, vault)| hex::encode(vault.expose()))
            .unwrap_or_default();
        let key_file = format!("{out}.key");
        std::fs::write(&key_file, key).map_err(|e| format!("could not write {key_file}: {e}"))?;
    }
    let units: usize = entries
        .iter()
        .map(|(k, v)| k.encode_utf16().count() + v.encode_utf16().count())
        .sum();
    let json = serde_json::to_string(&entries).map_err(|e| e.to_string())?;
    std::fs::write(out, json).map_err(|e| format!("could not write {out}: {e}"))?;
    Ok(format!(
        "{out}: {} referrals, {} people, {} keys, {plain_bytes} bytes of documents, {units} UTF-16 units stored{}{}",
        ws.referrals.len(),
        ws.people.len(),
        entries.len(),
        if pad { ", padded" } else { "" },
        if meta.is_some() { ", encrypted" } else { "" },
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
