//! `dsl/compile` (spec/dsl.md): programs to IR, and every kind of broken program to its code.

use serde_json::json;

use crate::{Case, Suite};

const OP: &str = "dsl.compile";

pub(crate) fn compile() -> Suite {
    let example_ir = json!({
        "format": "quorumvm.ir/1",
        "nodes": [
            { "id": "x", "type": "input", "op": null, "inputs": [], "value": null },
            { "id": "c", "type": "const", "op": null, "inputs": [], "value": "7" },
            { "id": "t", "type": "op", "op": "add", "inputs": ["x", "c"], "value": null },
            { "id": "y", "type": "op", "op": "mul", "inputs": ["t", "t"], "value": null },
        ],
        "output_node_id": "y",
        "metadata": { "node_count": 4, "mul_count": 1, "mul_depth": 1, "inputs": ["x"], "secret": null },
    });
    let mut cases = vec![Case::known(
        "example",
        &[
            "DSL-040", "DSL-041", "DSL-042", "DSL-043", "DSL-044", "DSL-045",
        ],
        "the example program: one multiplication, depth 1",
        OP,
        json!({ "source": crate::suites::quorumvm::EXAMPLE }),
        example_ir,
    )];
    let valid: &[(&str, &[&'static str], &str, &str)] = &[
        (
            "comments-and-blanks",
            &["DSL-006", "DSL-007", "DSL-003", "DSL-004"],
            "comments, blank lines and tabs",
            "# a program\n\ninput\tx   # the input\nconst c = 7\n  add t = x c\nmul y = t t\noutput y # done\n",
        ),
        (
            "no-final-newline",
            &["DSL-007", "DSL-003"],
            "a source without a final newline",
            "input x\noutput x",
        ),
        (
            "crlf",
            &["DSL-003"],
            "CRLF line endings",
            "input x\r\nconst c = 1\r\nadd y = x c\r\noutput y\r\n",
        ),
        (
            "secret",
            &["DSL-007", "DSL-028", "DSL-040"],
            "a program with the secret parameter",
            "input x\nsecret s\nmul y = x s\noutput y\n",
        ),
        (
            "local-mul",
            &["DSL-043", "DSL-041", "DSL-042"],
            "multiplication by a public constant needs no triple",
            "input x\nconst c = 3\nmul y = x c\noutput y\n",
        ),
        (
            "public-only",
            &["DSL-043", "DSL-041", "DSL-042"],
            "a program of constants only: every wire public, no triple",
            "const a = 2\nconst b = 3\nmul c = a b\nadd d = c a\noutput d\n",
        ),
        (
            "depth-3",
            &["DSL-044", "DSL-042"],
            "a chain of three secure multiplications",
            "input x\nmul a = x x\nmul b = a x\nmul c = b a\noutput c\n",
        ),
        (
            "parallel-muls",
            &["DSL-045", "DSL-042"],
            "three multiplications at depth 1 and one at depth 2",
            "input x\ninput z\nmul a = x z\nmul b = x x\nmul c = z z\nadd d = a b\nmul e = d c\noutput e\n",
        ),
        (
            "sub-and-negative-const",
            &["DSL-018", "DSL-017", "DSL-040"],
            "subtraction and a negative constant reduced mod p",
            "input x\nconst m = -1\nsub y = m x\noutput y\n",
        ),
        (
            "large-const",
            &["DSL-018", "DSL-017"],
            "a constant above p is reduced",
            "input x\nconst c = 170141183460469231731687303715884105728\nadd y = x c\noutput y\n",
        ),
        (
            "output-input",
            &["DSL-029"],
            "the output may be an input wire",
            "input x\noutput x\n",
        ),
        (
            "output-early",
            &["DSL-029"],
            "output may come before other statements",
            "input x\noutput x\nconst c = 1\n",
        ),
        (
            "underscore-names",
            &["DSL-013"],
            "names with underscores and digits",
            "input _x1\nconst C_2 = 2\nmul out_3 = _x1 C_2\noutput out_3\n",
        ),
        (
            "name-64",
            &["DSL-014"],
            "a 64-character name",
            &format!("input {}\noutput {}\n", "a".repeat(64), "a".repeat(64)),
        ),
    ];
    for (id, reqs, description, source) in valid {
        cases.push(Case::computed(
            *id,
            reqs,
            *description,
            OP,
            json!({ "source": source }),
        ));
    }
    let long_name = "b".repeat(65);
    let many_digits = "9".repeat(201);
    // `input x`, 10,001 additions, `output x`: the 10,001st statement is refused.
    let too_many = "input x\n".to_owned()
        + &(0..10_001)
            .map(|i| format!("add w{i} = x x\n"))
            .collect::<String>()
        + "output x\n";
    let broken: &[(&str, &[&'static str], &str, String, &'static str)] = &[
        (
            "unknown-statement",
            &["DSL-010"],
            "an unknown keyword",
            "input x\ndiv y = x x\noutput y\n".into(),
            "DSL_UNKNOWN_STATEMENT",
        ),
        (
            "keyword-case",
            &["DSL-010"],
            "keywords are lowercase",
            "Input x\noutput x\n".into(),
            "DSL_UNKNOWN_STATEMENT",
        ),
        (
            "missing-name",
            &["DSL-012"],
            "input without a name",
            "input\noutput x\n".into(),
            "DSL_MISSING_NAME",
        ),
        (
            "bad-identifier",
            &["DSL-013"],
            "a name with a hyphen",
            "input my-x\noutput x\n".into(),
            "DSL_IDENTIFIER_INVALID",
        ),
        (
            "digit-first",
            &["DSL-013"],
            "a name starting with a digit",
            "input 1x\noutput x\n".into(),
            "DSL_IDENTIFIER_INVALID",
        ),
        (
            "name-too-long",
            &["DSL-014"],
            "a 65-character name",
            format!("input {long_name}\noutput {long_name}\n"),
            "DSL_IDENTIFIER_TOO_LONG",
        ),
        (
            "reserved-word",
            &["DSL-015"],
            "a keyword as a name",
            "input mul\noutput mul\n".into(),
            "DSL_RESERVED_WORD",
        ),
        (
            "missing-equals",
            &["DSL-011", "DSL-016"],
            "an operation without =",
            "input x\nadd y x x\noutput y\n".into(),
            "DSL_EXPECTED_EQUALS",
        ),
        (
            "const-missing-equals",
            &["DSL-016"],
            "const without =",
            "const c 7\noutput c\n".into(),
            "DSL_EXPECTED_EQUALS",
        ),
        (
            "const-missing-value",
            &["DSL-017"],
            "const without a value",
            "const c =\noutput c\n".into(),
            "DSL_MISSING_VALUE",
        ),
        (
            "const-not-integer",
            &["DSL-017"],
            "a decimal fraction as constant",
            "const c = 1.5\noutput c\n".into(),
            "DSL_INTEGER_INVALID",
        ),
        (
            "const-hex",
            &["DSL-017"],
            "a hexadecimal constant",
            "const c = 0x10\noutput c\n".into(),
            "DSL_INTEGER_INVALID",
        ),
        (
            "const-too-long",
            &["DSL-017"],
            "a 201-digit constant",
            format!("const c = {many_digits}\noutput c\n"),
            "DSL_INTEGER_TOO_LONG",
        ),
        (
            "missing-operand",
            &["DSL-011", "DSL-019"],
            "an operation with one operand",
            "input x\nadd y = x\noutput y\n".into(),
            "DSL_MISSING_OPERAND",
        ),
        (
            "literal-operand",
            &["DSL-019"],
            "an integer literal as operand",
            "input x\nadd y = x 7\noutput y\n".into(),
            "DSL_LITERAL_OPERAND",
        ),
        (
            "output-missing-operand",
            &["DSL-019"],
            "output without a wire",
            "input x\noutput\n".into(),
            "DSL_MISSING_OPERAND",
        ),
        (
            "extra-token",
            &["DSL-011", "DSL-020"],
            "a third operand",
            "input x\nadd y = x x x\noutput y\n".into(),
            "DSL_UNEXPECTED_TOKEN",
        ),
        (
            "input-extra-token",
            &["DSL-020"],
            "input with two names",
            "input x z\noutput x\n".into(),
            "DSL_UNEXPECTED_TOKEN",
        ),
        (
            "invalid-character",
            &["DSL-005"],
            "a non-ASCII character outside a comment",
            "input x\nconst c = 7\nadd t = x c ✓\noutput t\n".into(),
            "DSL_INVALID_CHARACTER",
        ),
        (
            "control-character",
            &["DSL-005"],
            "a control character",
            "input x\u{7}\noutput x\n".into(),
            "DSL_INVALID_CHARACTER",
        ),
        (
            "undefined-wire",
            &["DSL-026"],
            "an operand never defined",
            "input x\nadd y = x z\noutput y\n".into(),
            "DSL_UNDEFINED_WIRE",
        ),
        (
            "use-before-definition",
            &["DSL-026"],
            "an operand defined on a later line",
            "input x\nadd y = x z\ninput z\noutput y\n".into(),
            "DSL_USE_BEFORE_DEFINITION",
        ),
        (
            "self-reference",
            &["DSL-026"],
            "an operation using its own result",
            "input x\nadd y = x y\noutput y\n".into(),
            "DSL_USE_BEFORE_DEFINITION",
        ),
        (
            "redefined-wire",
            &["DSL-027"],
            "a wire defined twice",
            "input x\ninput x\noutput x\n".into(),
            "DSL_REDEFINED_WIRE",
        ),
        (
            "redefined-by-op",
            &["DSL-027"],
            "an operation redefining an input",
            "input x\nadd x = x x\noutput x\n".into(),
            "DSL_REDEFINED_WIRE",
        ),
        (
            "two-secrets",
            &["DSL-028"],
            "a second secret",
            "secret s\nsecret r\nadd y = s r\noutput y\n".into(),
            "DSL_MULTIPLE_SECRETS",
        ),
        (
            "no-output",
            &["DSL-030"],
            "no output statement",
            "input x\nmul y = x x\n".into(),
            "DSL_NO_OUTPUT",
        ),
        (
            "empty-source",
            &["DSL-030"],
            "an empty program",
            String::new(),
            "DSL_NO_OUTPUT",
        ),
        (
            "two-outputs",
            &["DSL-029"],
            "two output statements",
            "input x\noutput x\noutput x\n".into(),
            "DSL_MULTIPLE_OUTPUTS",
        ),
        (
            "output-undefined",
            &["DSL-026", "DSL-029"],
            "output of a wire never defined",
            "input x\noutput z\n".into(),
            "DSL_UNDEFINED_WIRE",
        ),
        (
            "too-many-statements",
            &["DSL-025"],
            "10,003 statements",
            too_many,
            "DSL_TOO_MANY_STATEMENTS",
        ),
    ];
    cases.push(Case::error(
        "broken-first-diagnostic-wins",
        &["DSL-031"],
        "an undefined wire on line 2 and an unknown statement on line 3: line 2 is reported",
        OP,
        json!({ "source": "input x\nadd y = x zz\nfoo\noutput y\n" }),
        "DSL_UNDEFINED_WIRE",
    ));
    for (id, description, source, code) in [
        (
            "stray-cr",
            "a carriage return that does not end a line",
            "input x\routput x\n",
            "DSL_INVALID_CHARACTER",
        ),
        (
            "del",
            "the DEL character",
            "input x\u{7f}\noutput x\n",
            "DSL_INVALID_CHARACTER",
        ),
        (
            "bom",
            "a byte-order mark",
            "\u{feff}input x\noutput x\n",
            "DSL_INVALID_CHARACTER",
        ),
        (
            "equals-as-name",
            "= where the name should be",
            "const = 7\noutput x\n",
            "DSL_MISSING_NAME",
        ),
    ] {
        cases.push(Case::error(
            format!("broken-{id}"),
            &["DSL-005", "DSL-011"],
            description,
            OP,
            json!({ "source": source }),
            code,
        ));
    }
    for (id, reqs, description, source, code) in broken {
        cases.push(Case::error(
            format!("broken-{id}"),
            reqs,
            *description,
            OP,
            json!({ "source": source }),
            code,
        ));
    }
    Suite {
        name: "dsl/compile",
        source: "spec/dsl.md",
        notes: vec![],
        cases,
    }
}
