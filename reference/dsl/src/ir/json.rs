//! The IR as JSON (DSL-040) and reading it back with every check of DSL-050.

use std::collections::HashMap;

use field::Fp;
use serde_json::{Map, Value, json};

use super::{BinOp, Ir, Node, NodeKind};
use crate::error::shown;
use crate::{Error, FORMAT, MAX_NODES};

const TOP: [&str; 4] = ["format", "metadata", "nodes", "output_node_id"];
const NODE: [&str; 5] = ["id", "inputs", "op", "type", "value"];
const METADATA: [&str; 5] = ["inputs", "mul_count", "mul_depth", "node_count", "secret"];

impl Ir {
    /// The IR as JSON, exactly the shape of DSL-040: nodes in source order, a `const` value as
    /// the FIELD-002 decimal string of its reduced element.
    ///
    /// Enforces DSL-040, DSL-041, DSL-045.
    pub fn to_json(&self) -> Value {
        let nodes: Vec<Value> = self.nodes.iter().map(|n| self.node_json(n)).collect();
        let m = &self.metadata;
        json!({
            "format": FORMAT,
            "nodes": nodes,
            "output_node_id": self.output_id(),
            "metadata": {
                "node_count": m.node_count,
                "mul_count": m.mul_count,
                "mul_depth": m.mul_depth,
                "inputs": m.inputs,
                "secret": m.secret,
            },
        })
    }

    fn node_json(&self, node: &Node) -> Value {
        let id = |i: usize| self.nodes.get(i).map_or("", |n| n.id.as_str());
        let (ty, op, inputs, value) = match node.kind {
            NodeKind::Input => ("input", Value::Null, vec![], Value::Null),
            NodeKind::Secret => ("secret", Value::Null, vec![], Value::Null),
            NodeKind::Const(v) => ("const", Value::Null, vec![], json!(v.to_string())),
            NodeKind::Op { op, lhs, rhs } => (
                "op",
                json!(op.as_str()),
                vec![id(lhs), id(rhs)],
                Value::Null,
            ),
        };
        json!({"id": node.id, "type": ty, "op": op, "inputs": inputs, "value": value})
    }

    /// Reads an IR from JSON, checking everything DSL-050 lists (shape and members, ids,
    /// references to earlier nodes, one secret at most, the output, and metadata equal to the
    /// recomputed values). Every failure is `DSL_IR_INVALID`, whose detail names the check.
    ///
    /// Enforces DSL-050, DSL-051.
    pub fn from_json(value: &Value) -> Result<Ir, Error> {
        let top = object(value, &TOP, "the IR")?;
        if top.get("format") != Some(&json!(FORMAT)) {
            return Err(Error::ir(format!("`format` is not {FORMAT:?}")));
        }
        let Some(Value::Array(items)) = top.get("nodes") else {
            return Err(Error::ir("`nodes` is not an array"));
        };
        if items.is_empty() || items.len() > MAX_NODES {
            return Err(Error::ir(format!(
                "`nodes` has {} elements, not 1 to {MAX_NODES}",
                items.len()
            )));
        }
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut nodes = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let node = read_node(i, item, &index)?;
            if index.contains_key(node.id.as_str()) {
                return Err(Error::ir(format!(
                    "node {i}: id {:?} is not unique",
                    node.id
                )));
            }
            nodes.push(node);
            if let Some(Value::String(id)) = item.get("id") {
                index.insert(id.as_str(), i);
            }
        }
        let output = match top.get("output_node_id") {
            Some(Value::String(id)) => index.get(id.as_str()).copied().ok_or_else(|| {
                Error::ir(format!("`output_node_id` {:?} is not a node", shown(id)))
            })?,
            _ => return Err(Error::ir("`output_node_id` is not a string")),
        };
        let ir = Ir::new(nodes, output)?;
        check_metadata(top.get("metadata").unwrap_or(&Value::Null), &ir)?;
        Ok(ir)
    }
}

/// `value` as an object whose member names are exactly `members`.
fn object<'v>(
    value: &'v Value,
    members: &[&str],
    what: &str,
) -> Result<&'v Map<String, Value>, Error> {
    let Value::Object(map) = value else {
        return Err(Error::ir(format!("{what} is not an object")));
    };
    if let Some(missing) = members.iter().find(|m| !map.contains_key(**m)) {
        return Err(Error::ir(format!("{what} has no member `{missing}`")));
    }
    if let Some(extra) = map.keys().find(|k| !members.contains(&k.as_str())) {
        return Err(Error::ir(format!(
            "{what} has an unknown member {:?}",
            shown(extra)
        )));
    }
    Ok(map)
}

fn read_node(i: usize, item: &Value, index: &HashMap<&str, usize>) -> Result<Node, Error> {
    let what = format!("node {i}");
    let map = object(item, &NODE, &what)?;
    let fail = |detail: &str| Error::ir(format!("{what}: {detail}"));
    let get = |name: &str| map.get(name).unwrap_or(&Value::Null);
    let Value::String(id) = get("id") else {
        return Err(fail("`id` is not a string"));
    };
    if !crate::name::is_name(id) {
        return Err(fail(&format!(
            "id {:?} is not a valid wire name",
            shown(id)
        )));
    }
    let Value::Array(inputs) = get("inputs") else {
        return Err(fail("`inputs` is not an array"));
    };
    let Value::String(ty) = get("type") else {
        return Err(fail("`type` is not a string"));
    };
    let (op, value) = (get("op"), get("value"));
    let leaf = |kind: NodeKind| {
        if !op.is_null() || !inputs.is_empty() {
            return Err(fail(&format!("a {ty} node has `op` null and `inputs` []")));
        }
        Ok(kind)
    };
    let kind = match ty.as_str() {
        "input" | "secret" if !value.is_null() => return Err(fail("`value` is not null")),
        "input" => leaf(NodeKind::Input)?,
        "secret" => leaf(NodeKind::Secret)?,
        "const" => leaf(NodeKind::Const(element(value).ok_or_else(|| {
            fail("`value` is not the decimal string of an element (digits, below p, no leading zero)")
        })?))?,
        "op" => {
            let op = match op.as_str() {
                Some("add") => BinOp::Add,
                Some("sub") => BinOp::Sub,
                Some("mul") => BinOp::Mul,
                _ => return Err(fail("`op` is not \"add\", \"sub\" or \"mul\"")),
            };
            if !value.is_null() {
                return Err(fail("`value` is not null"));
            }
            let operand = |v: &Value| match v {
                Value::String(s) => index
                    .get(s.as_str())
                    .copied()
                    .ok_or_else(|| fail(&format!("input {:?} is not an earlier node", shown(s)))),
                _ => Err(fail("an element of `inputs` is not a string")),
            };
            match inputs.as_slice() {
                [a, b] => NodeKind::Op {
                    op,
                    lhs: operand(a)?,
                    rhs: operand(b)?,
                },
                _ => return Err(fail("`inputs` of an op node has exactly two elements")),
            }
        }
        _ => return Err(fail("`type` is not \"input\", \"const\", \"secret\" or \"op\"")),
    };
    Ok(Node {
        id: id.clone(),
        kind,
    })
}

/// The element whose FIELD-002 form is `value`, if `value` is exactly that form.
fn element(value: &Value) -> Option<Fp> {
    let text = value.as_str()?;
    let fp = Fp::parse(text).ok()?;
    (fp.to_string() == text).then_some(fp)
}

/// Whether the JSON number `value` equals `n` (compared as numbers, as RFC 8785 compares them).
fn count_is(value: Option<&Value>, n: usize) -> bool {
    #[allow(clippy::cast_precision_loss)] // n <= 9,999
    let n = n as f64;
    value.and_then(Value::as_f64).is_some_and(|f| f == n)
}

fn check_metadata(value: &Value, ir: &Ir) -> Result<(), Error> {
    let map = object(value, &METADATA, "`metadata`")?;
    let m = ir.metadata();
    for (name, n) in [
        ("node_count", m.node_count),
        ("mul_count", m.mul_count),
        ("mul_depth", m.mul_depth),
    ] {
        if !count_is(map.get(name), n) {
            return Err(Error::ir(format!(
                "`metadata.{name}` is not {n}, the recomputed value"
            )));
        }
    }
    if map.get("inputs") != Some(&json!(m.inputs)) {
        return Err(Error::ir(format!(
            "`metadata.inputs` is not {:?}, the input node ids in node order",
            m.inputs
        )));
    }
    if map.get("secret") != Some(&json!(m.secret)) {
        return Err(Error::ir(format!(
            "`metadata.secret` is not {}",
            m.secret
                .as_deref()
                .map_or_else(|| "null".to_owned(), |s| format!("{s:?}"))
        )));
    }
    Ok(())
}
