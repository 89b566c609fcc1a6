//! One HTTP step of a scenario and its expectation.

use serde_json::{Map, Value, json};

/// One step, built up with its expectation.
pub(super) struct Step {
    value: Map<String, Value>,
    expect: Map<String, Value>,
}

impl Step {
    pub(super) fn new(
        id: impl Into<String>,
        reqs: &[&str],
        description: impl Into<String>,
    ) -> Self {
        let mut value = Map::new();
        value.insert("id".into(), Value::String(id.into()));
        value.insert("reqs".into(), json!(reqs));
        value.insert("description".into(), Value::String(description.into()));
        Self {
            value,
            expect: Map::new(),
        }
    }

    pub(super) fn call(mut self, target: &str, method: &str, path: impl Into<String>) -> Self {
        self.value.insert("target".into(), json!(target));
        self.value.insert("method".into(), json!(method));
        self.value.insert("path".into(), Value::String(path.into()));
        self
    }

    pub(super) fn get(self, target: &str, path: impl Into<String>) -> Self {
        self.call(target, "GET", path)
    }

    pub(super) fn post(self, target: &str, path: impl Into<String>, body: Value) -> Self {
        let mut step = self.call(target, "POST", path);
        step.value.insert("body".into(), body);
        step
    }

    pub(super) fn post_raw(self, target: &str, path: impl Into<String>, raw: &str) -> Self {
        let mut step = self.call(target, "POST", path);
        step.value.insert("raw_body".into(), json!(raw));
        step
    }

    pub(super) fn status(mut self, status: Value) -> Self {
        self.expect.insert("status".into(), status);
        self
    }

    pub(super) fn ok(self, status: u16) -> Self {
        self.status(json!(status))
    }

    pub(super) fn error(mut self, status: u16, code: &str) -> Self {
        self.expect.insert("status".into(), json!(status));
        self.expect.insert("error".into(), json!(code));
        self
    }

    fn member(&mut self, name: &str, pointer: &str, value: Value) {
        if let Some(map) = self
            .expect
            .entry(name)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
        {
            map.insert(pointer.to_owned(), value);
        }
    }

    pub(super) fn body(mut self, pointer: &str, value: Value) -> Self {
        self.member("body", pointer, value);
        self
    }

    pub(super) fn length(mut self, pointer: &str, n: usize) -> Self {
        self.member("length", pointer, json!(n));
        self
    }

    pub(super) fn header(mut self, name: &str) -> Self {
        if let Some(list) = self
            .expect
            .entry("headers")
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
        {
            list.push(json!(name));
        }
        self
    }

    pub(super) fn capture(mut self, name: &str, pointer: &str) -> Self {
        if let Some(map) = self
            .value
            .entry("capture")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
        {
            map.insert(name.to_owned(), json!(pointer));
        }
        self
    }

    pub(super) fn build(mut self) -> Value {
        self.value
            .insert("expect".into(), Value::Object(self.expect));
        Value::Object(self.value)
    }
}
