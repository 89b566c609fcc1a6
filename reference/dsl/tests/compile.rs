//! Compiling sources (spec/dsl.md §1..5): every broken-program kind with its exact code and
//! position, the programs that compile, and the IR of the plan's example.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::json;

/// Compiles `source`: `Ok(())` expects success; `Err((code, line, col))` expects that first
/// diagnostic. Also checks that diagnostics are sorted and that `compile` agrees with
/// `compile_bytes` on UTF-8 input.
fn check(source: impl AsRef<[u8]>, expect: Result<(), (&str, usize, usize)>) {
    let source = source.as_ref();
    let shown = String::from_utf8_lossy(&source[..source.len().min(80)]).into_owned();
    let got = dsl::compile_bytes(source);
    if let Ok(text) = std::str::from_utf8(source) {
        assert_eq!(
            dsl::compile(text),
            got,
            "compile and compile_bytes differ on {shown:?}"
        );
    }
    match (got, expect) {
        (Ok(_), Ok(())) => {}
        (Err(diagnostics), Err(want)) => {
            let positions: Vec<_> = diagnostics.iter().map(|d| (d.line, d.col)).collect();
            assert!(positions.is_sorted(), "{shown:?}: unsorted {diagnostics:?}");
            let first = &diagnostics[0];
            assert_eq!(
                (first.code, first.line, first.col),
                want,
                "{shown:?}: {first} (all: {diagnostics:?})"
            );
        }
        (got, want) => panic!("{shown:?}: got {got:?}, want {want:?}"),
    }
}

fn err(code: &str, line: usize, col: usize) -> Result<(), (&str, usize, usize)> {
    Err((code, line, col))
}

const OK: Result<(), (&str, usize, usize)> = Ok(());

#[test]
fn broken_programs() {
    // Source limits (DSL-001, DSL-002) are in their own tests below.

    // DSL-005: characters outside comments.
    check("input x\u{1}\noutput x", err("DSL_INVALID_CHARACTER", 1, 8));
    check("input x\0\noutput x", err("DSL_INVALID_CHARACTER", 1, 8));
    check(
        "input x\u{7f}\noutput x",
        err("DSL_INVALID_CHARACTER", 1, 8),
    );
    check("input \u{e9}\noutput x", err("DSL_INVALID_CHARACTER", 1, 7));
    check(
        "\u{feff}input x\noutput x",
        err("DSL_INVALID_CHARACTER", 1, 1),
    );
    check("input x\routput x", err("DSL_INVALID_CHARACTER", 1, 8));
    check("input x\u{b}\noutput x", err("DSL_INVALID_CHARACTER", 1, 8));
    check("input x\noutput\u{a0}x", err("DSL_INVALID_CHARACTER", 2, 7));
    // The first invalid character wins over every other fault of its line.
    check("frobnicate \u{1} x", err("DSL_INVALID_CHARACTER", 1, 12));
    check("input x\r", err("DSL_INVALID_CHARACTER", 1, 8)); // a CR not before an LF

    // DSL-010: the keyword.
    check(
        "input x\nprint x\noutput x",
        err("DSL_UNKNOWN_STATEMENT", 2, 1),
    );
    check("  Input x\noutput x", err("DSL_UNKNOWN_STATEMENT", 1, 3));
    check("x = 5\noutput x", err("DSL_UNKNOWN_STATEMENT", 1, 1));
    check("\t= x", err("DSL_UNKNOWN_STATEMENT", 1, 2));
    check("7", err("DSL_UNKNOWN_STATEMENT", 1, 1));
    check("input_x\n", err("DSL_UNKNOWN_STATEMENT", 1, 1));

    // DSL-011, DSL-012: the name slot.
    check("input\noutput x", err("DSL_MISSING_NAME", 1, 6));
    check("input   # the wire\n", err("DSL_MISSING_NAME", 1, 6));
    check("secret", err("DSL_MISSING_NAME", 1, 7));
    check("const = 7", err("DSL_MISSING_NAME", 1, 7));
    check("add = x y", err("DSL_MISSING_NAME", 1, 5));

    // DSL-013: name syntax.
    check("input x-y", err("DSL_IDENTIFIER_INVALID", 1, 8));
    check("input 2x", err("DSL_IDENTIFIER_INVALID", 1, 7));
    check("input x$", err("DSL_IDENTIFIER_INVALID", 1, 8));
    check("const c=7", err("DSL_IDENTIFIER_INVALID", 1, 8));
    check("const 5 = 7", err("DSL_IDENTIFIER_INVALID", 1, 7));
    check(
        "input x\nadd t = x y.z",
        err("DSL_IDENTIFIER_INVALID", 2, 12),
    );
    check(
        "input x\nadd t = x -x",
        err("DSL_IDENTIFIER_INVALID", 2, 11),
    );
    check(
        "input x\nadd t = x =x",
        err("DSL_IDENTIFIER_INVALID", 2, 11),
    );
    let long_bad = format!("input {}-", "a".repeat(70));
    check(long_bad, err("DSL_IDENTIFIER_INVALID", 1, 77)); // syntax before length

    // DSL-014: name length.
    check(
        format!("input {}", "a".repeat(65)),
        err("DSL_IDENTIFIER_TOO_LONG", 1, 7),
    );
    check(
        format!("input x\nadd t = x {}\noutput t", "b".repeat(100)),
        err("DSL_IDENTIFIER_TOO_LONG", 2, 11),
    );
    check(format!("input {0}\noutput {0}", "a".repeat(64)), OK);

    // DSL-015: keywords are reserved.
    check("input mul", err("DSL_RESERVED_WORD", 1, 7));
    check("const output = 1", err("DSL_RESERVED_WORD", 1, 7));
    check("input x\nadd t = x output", err("DSL_RESERVED_WORD", 2, 11));
    check("output input", err("DSL_RESERVED_WORD", 1, 8));
    check("input Mul\noutput Mul", OK);

    // DSL-016: the `=`.
    check("const c 7", err("DSL_EXPECTED_EQUALS", 1, 9));
    check("input x\nadd t x x", err("DSL_EXPECTED_EQUALS", 2, 7));
    check("input x\nadd t", err("DSL_EXPECTED_EQUALS", 2, 6));
    check("const c == 7", err("DSL_EXPECTED_EQUALS", 1, 9));

    // DSL-017: the integer.
    check("const c =", err("DSL_MISSING_VALUE", 1, 10));
    check("const c = # seven", err("DSL_MISSING_VALUE", 1, 10));
    check("const c = =", err("DSL_MISSING_VALUE", 1, 11));
    check("const c = 1.5", err("DSL_INTEGER_INVALID", 1, 11));
    check("const c = +7", err("DSL_INTEGER_INVALID", 1, 11));
    check("const c = 0x10", err("DSL_INTEGER_INVALID", 1, 11));
    check("const c = -", err("DSL_INTEGER_INVALID", 1, 11));
    check("const c = seven", err("DSL_INTEGER_INVALID", 1, 11));
    check("const c = 7a", err("DSL_INTEGER_INVALID", 1, 11));
    check(
        format!("const c = {}", "1".repeat(201)),
        err("DSL_INTEGER_TOO_LONG", 1, 11),
    );
    check(
        format!("const c = -{}", "0".repeat(201)),
        err("DSL_INTEGER_TOO_LONG", 1, 11),
    );
    check(format!("const c = -{}\noutput c", "9".repeat(200)), OK);

    // DSL-019: operands.
    check("input x\nadd t = x", err("DSL_MISSING_OPERAND", 2, 10));
    check("input x\nadd t =", err("DSL_MISSING_OPERAND", 2, 8));
    check("input x\nadd t = = x", err("DSL_MISSING_OPERAND", 2, 9));
    check("output", err("DSL_MISSING_OPERAND", 1, 7));
    check("input x\nadd t = x 1", err("DSL_LITERAL_OPERAND", 2, 11));
    check("input x\nmul t = -3 x", err("DSL_LITERAL_OPERAND", 2, 9));
    check("output 5", err("DSL_LITERAL_OPERAND", 1, 8));
    check(
        format!("input x\nsub t = x {}", "9".repeat(300)),
        err("DSL_LITERAL_OPERAND", 2, 11),
    );

    // DSL-020: nothing after the statement.
    check("input x y", err("DSL_UNEXPECTED_TOKEN", 1, 9));
    check("input x = 1", err("DSL_UNEXPECTED_TOKEN", 1, 9));
    check("input x\noutput x x", err("DSL_UNEXPECTED_TOKEN", 2, 10));
    check("const c = 1 2", err("DSL_UNEXPECTED_TOKEN", 1, 13));
    check("input x\nadd t = x x x", err("DSL_UNEXPECTED_TOKEN", 2, 13));

    // DSL-026: definitions before uses.
    check(
        "input x\nadd t = x z\noutput t",
        err("DSL_UNDEFINED_WIRE", 2, 11),
    );
    check("input x\noutput y", err("DSL_UNDEFINED_WIRE", 2, 8));
    check(
        "input x\nadd t = x c\nconst c = 7\noutput t",
        err("DSL_USE_BEFORE_DEFINITION", 2, 11),
    );
    check("output y\ninput y", err("DSL_USE_BEFORE_DEFINITION", 1, 8));
    check(
        "input x\nadd t = t x\noutput t",
        err("DSL_USE_BEFORE_DEFINITION", 2, 9),
    );
    check("input X\noutput x", err("DSL_UNDEFINED_WIRE", 2, 8)); // names are case-sensitive
    // A faulty definition defines nothing: an earlier use is undefined.
    check("output y\nconst y = z", err("DSL_UNDEFINED_WIRE", 1, 8));

    // DSL-027: no redefinition.
    check(
        "input x\nconst x = 1\noutput x",
        err("DSL_REDEFINED_WIRE", 2, 7),
    );
    check(
        "input x\ninput x\noutput x",
        err("DSL_REDEFINED_WIRE", 2, 7),
    );
    check(
        "input x\nadd x = x x\noutput x",
        err("DSL_REDEFINED_WIRE", 2, 5),
    );

    // DSL-028: one secret.
    check(
        "secret s\nsecret r\noutput s",
        err("DSL_MULTIPLE_SECRETS", 2, 1),
    );
    check(
        "secret s\n  secret s\noutput s",
        err("DSL_MULTIPLE_SECRETS", 2, 3),
    );

    // DSL-029, DSL-030: exactly one output.
    check(
        "input x\noutput x\noutput x",
        err("DSL_MULTIPLE_OUTPUTS", 3, 1),
    );
    check("input x\n", err("DSL_NO_OUTPUT", 2, 1));
    check("input x", err("DSL_NO_OUTPUT", 1, 8));
    check("input x\n# done", err("DSL_NO_OUTPUT", 2, 7));
    check("", err("DSL_NO_OUTPUT", 1, 1));
    check("\n\n  \n", err("DSL_NO_OUTPUT", 4, 1));
    check("\n\n  ", err("DSL_NO_OUTPUT", 3, 3));
    // A faulty output line is reported, not the missing output.
    check("input x\noutput 1", err("DSL_LITERAL_OPERAND", 2, 8));
}

#[test]
fn programs_that_compile() {
    check(
        "input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n",
        OK,
    );
    // Blanks, tabs, comments (any character), blank lines, CRLF.
    check(
        "\n  # header é \u{1}\n\tinput\tx  # the input\r\n\r\nconst c = 7#c\noutput   x",
        OK,
    );
    check("input x\r\noutput x\r\n", OK);
    // Output need not be last; dead code and unused inputs are fine.
    check("input x\ninput unused\noutput x\nmul d = x x\n", OK);
    check("secret s\noutput s", OK);
    check("const _ = -0\noutput _", OK);
    check("const c = 007\noutput c", OK);
}

#[test]
fn oversized_source_is_rejected() {
    let limit = dsl::MAX_SOURCE_BYTES;
    // At the limit: a valid program padded with a comment.
    let program = "input x\noutput x\n#";
    let at_limit = format!("{program}{}", "a".repeat(limit - program.len()));
    assert_eq!(at_limit.len(), limit);
    check(&at_limit, OK);
    // One byte more: rejected before anything else, even invalid UTF-8 after the limit.
    let mut over = at_limit.clone().into_bytes();
    over.push(0xff);
    check(&over, err("DSL_SOURCE_INVALID", 1, 1));
    let over = format!("{at_limit}a");
    let diagnostics = dsl::compile(&over).unwrap_err();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].to_string(),
        "1:1: DSL_SOURCE_INVALID: source of 1048577 bytes exceeds the limit of 1048576 bytes"
    );
}

#[test]
fn non_utf8_source_is_rejected() {
    check(b"input \xff\noutput x", err("DSL_SOURCE_INVALID", 1, 1));
    check(
        b"input x\noutput x\n# \xc3",
        err("DSL_SOURCE_INVALID", 1, 1),
    ); // even in a comment
    check(b"\xed\xa0\x80", err("DSL_SOURCE_INVALID", 1, 1)); // an encoded surrogate
    let diagnostics = dsl::compile_bytes(b"input x\n\xc0\xaf\nfoo").unwrap_err();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0].message.contains("byte 8"),
        "{}",
        diagnostics[0]
    );
}

#[test]
fn too_many_statements() {
    let names: Vec<String> = (0..dsl::MAX_STATEMENTS)
        .map(|i| format!("input w{i}\n"))
        .collect();
    // 9,999 inputs and the output: exactly the limit, with comments and blank lines between.
    let mut at_limit = names[..dsl::MAX_STATEMENTS - 1].join("# note\n\n");
    at_limit.push_str("output w0\n");
    let ir = dsl::compile(&at_limit).unwrap();
    assert_eq!(ir.metadata().node_count, dsl::MAX_NODES);
    // 10,001 statements: the 10,001st is reported; the faults after it are not checked.
    let mut over = names.concat();
    over.push_str("  output w0\nfoo\n");
    check(&over, err("DSL_TOO_MANY_STATEMENTS", 10_001, 3));
    let diagnostics = dsl::compile(&over).unwrap_err();
    assert_eq!(diagnostics.len(), 1, "{:?}", &diagnostics[..2]);
    // Faulty lines count as statements too; faults before the limit come first.
    let mut faulty = "bogus\n".repeat(dsl::MAX_STATEMENTS);
    faulty.push_str("\u{1}\n");
    check(&faulty, err("DSL_UNKNOWN_STATEMENT", 1, 1));
    let diagnostics = dsl::compile(&faulty).unwrap_err();
    assert_eq!(diagnostics.len(), dsl::MAX_STATEMENTS + 1);
    let last = diagnostics.last().unwrap();
    assert_eq!(
        (last.code, last.line, last.col),
        ("DSL_TOO_MANY_STATEMENTS", 10_001, 1)
    );
}

#[test]
fn several_diagnostics_one_per_line() {
    let source = "\
input x y
const c = 1.5
add t = x c
mul u = t 2
output t
output u
secret s
secret r
sub s = x v
";
    let got: Vec<_> = dsl::compile(source)
        .unwrap_err()
        .into_iter()
        .map(|d| (d.code, d.line, d.col))
        .collect();
    assert_eq!(
        got,
        [
            ("DSL_UNEXPECTED_TOKEN", 1, 9),
            ("DSL_INTEGER_INVALID", 2, 11),
            // x is undefined (line 1 was faulty) but line 1 named it: not reported again.
            // c was named by faulty line 2: not reported either.
            ("DSL_LITERAL_OPERAND", 4, 11),
            ("DSL_MULTIPLE_OUTPUTS", 6, 1),
            // u was named by faulty line 4: quiet too.
            ("DSL_MULTIPLE_SECRETS", 8, 1),
            ("DSL_REDEFINED_WIRE", 9, 5),
            ("DSL_UNDEFINED_WIRE", 9, 11),
        ]
    );
}

#[test]
fn positions_count_characters() {
    // Columns count characters, not bytes: a comment full of multi-byte characters before
    // the end of the source.
    check(
        "input x # \u{e9}\u{e9}\u{1f600}",
        err("DSL_NO_OUTPUT", 1, 14),
    );
    check(
        "# \u{1f600}\u{1f600}\ninput \u{1f600}",
        err("DSL_INVALID_CHARACTER", 2, 7),
    );
    check("input x\u{1f600}y", err("DSL_INVALID_CHARACTER", 1, 8));
    // Tabs are one column.
    check("\t\tinput\t2x", err("DSL_IDENTIFIER_INVALID", 1, 9));
    // CRLF: the CR is not part of the line; a CR elsewhere is a character.
    check("input x\r\ninput\r\n", err("DSL_MISSING_NAME", 2, 6));
    check("input x\r\r\n", err("DSL_INVALID_CHARACTER", 1, 8));
    // Each diagnostic prints as line:col: CODE: message.
    let d = &dsl::compile("input x\nadd t = x q\noutput t").unwrap_err()[0];
    assert_eq!(
        d.to_string(),
        "2:11: DSL_UNDEFINED_WIRE: wire `q` is not defined"
    );
}

#[test]
fn example_compiles_to_the_spec_ir() {
    let ir = dsl::compile("input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n").unwrap();
    assert_eq!(
        ir.to_json(),
        json!({
            "format": "quorumvm.ir/1",
            "nodes": [
                {"id": "x", "type": "input", "op": null, "inputs": [], "value": null},
                {"id": "c", "type": "const", "op": null, "inputs": [], "value": "7"},
                {"id": "t", "type": "op", "op": "add", "inputs": ["x", "c"], "value": null},
                {"id": "y", "type": "op", "op": "mul", "inputs": ["t", "t"], "value": null},
            ],
            "output_node_id": "y",
            "metadata": {"node_count": 4, "mul_count": 1, "mul_depth": 1, "inputs": ["x"], "secret": null},
        })
    );
    assert_eq!(
        ir.nodes().iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        ["x", "c", "t", "y"]
    );
    assert_eq!(ir.output(), 3);
    assert_eq!(
        (0..4)
            .map(|i| (ir.is_public(i), ir.depth(i), ir.is_secure_mul(i)))
            .collect::<Vec<_>>(),
        [
            (false, 0, false),
            (true, 0, false),
            (false, 0, false),
            (false, 1, true)
        ]
    );
    assert_eq!(
        ir.nodes()[2].kind,
        dsl::NodeKind::Op {
            op: dsl::BinOp::Add,
            lhs: 0,
            rhs: 1
        }
    );
}

#[test]
fn constants_are_reduced() {
    let value = |source: &str| {
        let ir = dsl::compile(source).unwrap();
        ir.to_json()["nodes"][0]["value"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let p = "170141183460469231731687303715884105727";
    assert_eq!(
        value("const c = -1\noutput c"),
        "170141183460469231731687303715884105726"
    );
    assert_eq!(value(&format!("const c = {p}\noutput c")), "0");
    assert_eq!(value(&format!("const c = -{p}\noutput c")), "0");
    assert_eq!(value("const c = -0\noutput c"), "0");
    assert_eq!(value("const c = 000123\noutput c"), "123");
    // 2^127 = p + 1.
    assert_eq!(
        value("const c = 170141183460469231731687303715884105728\noutput c"),
        "1"
    );
}

#[test]
fn public_nodes_and_depth() {
    // (source, mul_count, mul_depth, public nodes)
    let check = |source: &str, count: usize, depth: usize, public: &[&str]| {
        let ir = dsl::compile(source).unwrap();
        let m = ir.metadata();
        assert_eq!((m.mul_count, m.mul_depth), (count, depth), "{source}");
        let got: Vec<_> = ir
            .nodes()
            .iter()
            .enumerate()
            .filter(|&(i, _)| ir.is_public(i))
            .map(|(_, n)| n.id.as_str())
            .collect();
        assert_eq!(got, public, "{source}");
    };
    check("input x\nconst c = 3\nmul y = x c\noutput y", 0, 0, &["c"]);
    check(
        "const a = 2\nconst b = 3\nmul y = a b\nadd z = y a\noutput z",
        0,
        0,
        &["a", "b", "y", "z"],
    );
    check("secret s\ninput x\nmul y = s x\noutput y", 1, 1, &[]);
    check(
        "input x\nmul t = x x\nmul u = t t\nmul v = u x\noutput v",
        3,
        3,
        &[],
    );
    // A secure mul, then local operations: the depth does not grow.
    check(
        "input x\nconst c = 5\nmul t = x x\nadd u = t c\nmul v = c u\nsub w = v x\noutput w",
        1,
        1,
        &["c"],
    );
    // Dead code still counts (every secure mul is evaluated).
    check(
        "input x\nmul d = x x\nmul e = d d\nadd y = x x\noutput y",
        2,
        2,
        &[],
    );
    let ir = dsl::compile("secret s\ninput b\ninput a\noutput a").unwrap();
    assert_eq!(ir.metadata().inputs, ["b", "a"]);
    assert_eq!(ir.metadata().secret.as_deref(), Some("s"));
    assert_eq!(ir.secret(), Some(0));
    assert_eq!(ir.inputs().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(ir.index_of("a"), Some(2));
    assert_eq!(ir.output_id(), "a");
}
