//! Cache keys: what a rebuild compares to know whether an input changed.
//! Each template's key over the templates it uses is computed with the
//! templates ([`crate::templates::TemplateKeys`]).

/// A key over inputs: equal keys, equal inputs.
pub type Key = [u8; 32];

/// Builds a [`Key`] from parts (each length-prefixed, so parts never run
/// into each other).
#[derive(Default)]
pub struct KeyBuilder(blake3::Hasher);

impl KeyBuilder {
    pub fn new(domain: &str) -> Self {
        let mut k = KeyBuilder(blake3::Hasher::new());
        k.str(domain);
        k
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// `value` as JSON (maps in key order: the same value, the same bytes).
    pub fn json(&mut self, value: &impl serde::Serialize) -> &mut Self {
        // Writing into a hasher cannot fail, nor can serialising a value
        // that is already JSON.
        let _ = serde_json::to_writer(&mut self.0, value);
        self.0.update(b"\0");
        self
    }

    pub fn key(&mut self, key: &Key) -> &mut Self {
        self.0.update(key);
        self
    }

    pub fn finish(&self) -> Key {
        *self.0.finalize().as_bytes()
    }
}
