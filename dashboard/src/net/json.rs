//! JSON through the browser: `JSON.parse` and `JSON.stringify` do the text, and the model's
//! readers and writers ([`wire`], [`answers`]) see the values through these two impls, so
//! serde_json's parser stays out of the first screen's wasm.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::model::answers::JsonOut;
use crate::model::wire::Json;

/// Reads JSON parsed by the browser (`JSON.parse`).
impl Json for JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        Reflect::get(self, &key.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }
    fn items(&self) -> Option<Vec<Self>> {
        Array::is_array(self).then(|| Array::from(self).iter().collect())
    }
    fn string(&self) -> Option<String> {
        self.as_string()
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
}

impl JsonOut for Object {
    fn text(&mut self, key: &str, value: &str) {
        let _ = Reflect::set(self, &key.into(), &value.into());
    }
    fn boolean(&mut self, key: &str, value: bool) {
        let _ = Reflect::set(self, &key.into(), &value.into());
    }
}

/// The JSON text of an object written by `write`.
pub fn write(write: impl FnOnce(&mut Object)) -> String {
    let mut object = Object::new();
    write(&mut object);
    js_sys::JSON::stringify(&object)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}
