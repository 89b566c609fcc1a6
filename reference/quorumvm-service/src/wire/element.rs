//! A field element on the wire: a decimal string (FIELD-002, FIELD-003).

use std::fmt;

use field::Fp;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field element encoded as a decimal string. `Debug` never prints the value (it may be a
/// share).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Element(pub Fp);

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Element(..)")
    }
}

impl From<Fp> for Element {
    fn from(value: Fp) -> Self {
        Self(value)
    }
}

impl From<Element> for Fp {
    fn from(value: Element) -> Self {
        value.0
    }
}

impl Serialize for Element {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ElementVisitor)
    }
}

struct ElementVisitor;

impl Visitor<'_> for ElementVisitor {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field element as a decimal string")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Element, E> {
        Fp::parse(s).map(Element).map_err(E::custom)
    }
}
