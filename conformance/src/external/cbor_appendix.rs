//! RFC 8949 Appendix A (`cbor-test-vectors/appendix_a.json`).
//!
//! `roundtrip: true` entries become a `canon.cbor.decode` case expecting the typed value (built
//! from `decoded`, or from `diagnostic` notation) and a `canon.cbor.encode` case expecting the
//! same bytes back; `roundtrip: false` entries (indefinite lengths, floats wider than needed)
//! become decode cases expecting `CANON_CBOR_NONCANONICAL`. Every expected value is checked to
//! encode back to the upstream bytes before it is used.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::{
    External, NewCase, OutOfScope, cbor_diag, cbor_typed, hex_lower, invalid, read, suite,
};
use crate::case::Expect;
use crate::error::Result;

const FILE: &str = "cbor-test-vectors/appendix_a.json";
const SUITE: &str = "external/cbor/appendix-a";
const OUT_OF_SCOPE_FLAG: &str = "OutOfScope";
/// `simple(24)` as `f818`: well-formed in RFC 7049, not well-formed in RFC 8949 §3.3.
const SIMPLE_24: &str = "f818";

#[derive(Deserialize)]
struct Entry {
    hex: String,
    roundtrip: bool,
    /// `Some` whenever present, even for `null` (which a plain `Option` would drop).
    #[serde(default, deserialize_with = "present")]
    decoded: Option<Box<RawValue>>,
    #[serde(default)]
    diagnostic: Option<String>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Box<RawValue>>, D::Error> {
    Box::<RawValue>::deserialize(d).map(Some)
}

/// Loads Appendix A.
pub(super) fn load(dir: &Path, out: &mut External) -> Result<()> {
    let (path, bytes) = read(dir, FILE)?;
    let entries: Vec<Entry> =
        serde_json::from_slice(&bytes).map_err(|e| invalid(&path, None, e.to_string()))?;
    let mut notes = BTreeMap::new();
    notes.insert(
        OUT_OF_SCOPE_FLAG.to_owned(),
        "the upstream expectation is not Quorate's: see the case description and the run notes"
            .to_owned(),
    );
    let mut cases = Vec::new();
    for entry in &entries {
        let hex = hex_lower(&path, &entry.hex, &entry.hex)?;
        let item = Some(format!("hex {hex}"));
        let typed = match (&entry.decoded, &entry.diagnostic) {
            (Some(raw), None) => from_json(raw),
            (None, Some(diag)) => cbor_diag::parse(diag),
            _ => Err("needs exactly one of decoded/diagnostic".to_owned()),
        }
        .map_err(|e| invalid(&path, item.clone(), e))?;
        let shown = entry
            .diagnostic
            .clone()
            .or_else(|| entry.decoded.as_ref().map(|r| r.get().to_owned()))
            .unwrap_or_default();
        let decode = |expect: Expect, reqs: &'static [&'static str], what: &str| {
            NewCase {
                suite: SUITE,
                id: format!("decode-{hex}"),
                reqs,
                description: format!("RFC 8949 Appendix A: {hex} is {shown}; {what}"),
                op: "canon.cbor.decode",
                input: json!({"hex": hex}),
                expect,
            }
            .build()
        };
        if hex == SIMPLE_24 {
            let mut dec = decode(
                Expect::Error("CANON_CBOR_MALFORMED".into()),
                &["CANON-024"],
                "not well-formed since RFC 8949 §3.3 (two-byte simple value below 32)",
            );
            let mut enc = NewCase {
                suite: SUITE,
                id: format!("encode-{hex}"),
                reqs: &["CANON-028"],
                description: "RFC 8949 Appendix A: simple(24) has no typed form ({\"simple\": 24} is invalid)".into(),
                op: "canon.cbor.encode",
                input: json!({"value": typed}),
                expect: Expect::Error("CANON_CBOR_VALUE_INVALID".into()),
            }
            .build();
            dec.flags.push(OUT_OF_SCOPE_FLAG.into());
            enc.flags.push(OUT_OF_SCOPE_FLAG.into());
            out.out_of_scope.push(OutOfScope {
                case: dec.full_id(),
                reason: "Appendix A lists f818 = simple(24) as round-tripping (RFC 7049), but RFC 8949 §3.3 made \
                         two-byte simple values below 32 not well-formed; expected CANON_CBOR_MALFORMED (CANON-024)"
                    .into(),
            });
            out.out_of_scope.push(OutOfScope {
                case: enc.full_id(),
                reason: "simple(24) cannot be encoded (RFC 8949 §3.3); expected CANON_CBOR_VALUE_INVALID (CANON-028)"
                    .into(),
            });
            cases.extend([dec, enc]);
        } else if entry.roundtrip {
            let encoded =
                cbor_typed::encode(&typed).map_err(|e| invalid(&path, item.clone(), e))?;
            if hex::encode(&encoded) != hex {
                return Err(invalid(
                    &path,
                    item,
                    format!(
                        "expected value {typed} encodes to {}, not to the upstream bytes",
                        hex::encode(encoded)
                    ),
                ));
            }
            cases.push(decode(
                Expect::Ok(json!({ "value": typed })),
                &["CANON-023", "CANON-020", "CANON-021", "CANON-027"],
                "it decodes to this typed value",
            ));
            cases.push(
                NewCase {
                    suite: SUITE,
                    id: format!("encode-{hex}"),
                    reqs: &["CANON-020", "CANON-021", "CANON-027"],
                    description: format!("RFC 8949 Appendix A: {shown} encodes to {hex}"),
                    op: "canon.cbor.encode",
                    input: json!({ "value": typed }),
                    expect: Expect::Ok(json!({ "hex": hex })),
                }
                .build(),
            );
        } else {
            cases.push(decode(
                Expect::Error("CANON_CBOR_NONCANONICAL".into()),
                &["CANON-023"],
                "a well-formed but non-deterministic encoding",
            ));
        }
    }
    out.add_source(FILE, entries.len(), cases.len());
    out.suites.push(suite(SUITE, path, notes, cases));
    Ok(())
}

/// The typed value of an Appendix A `decoded` JSON value. The number text is read raw, so that
/// `1.0` is a float, `1` an integer, and integers beyond ±2^64 become bignum tags.
fn from_json(raw: &RawValue) -> Result<Value, String> {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'[') => {
            let items: Vec<Box<RawValue>> =
                serde_json::from_str(text).map_err(|e| e.to_string())?;
            let items = items
                .iter()
                .map(|i| from_json(i))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(json!({ "array": items }))
        }
        Some(b'{') => {
            let members: BTreeMap<String, Box<RawValue>> =
                serde_json::from_str(text).map_err(|e| e.to_string())?;
            let entries = members
                .iter()
                .map(|(k, v)| Ok((cbor_typed::text(k), from_json(v)?)))
                .collect::<Result<Vec<_>, String>>()?;
            cbor_typed::map(entries)
        }
        Some(b'"') => {
            let s: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
            Ok(cbor_typed::text(&s))
        }
        _ => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "null" => Ok(Value::Null),
            number => cbor_diag::number_value(number),
        },
    }
}
