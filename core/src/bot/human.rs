//! Detects a visitor asking for a human.

/// Whether `text` asks to talk to a person.
pub fn wants_human(text: &str) -> bool {
    let lower = text.to_lowercase();
    const PHRASES: &[&str] = &[
        "human",
        "person",
        "representative",
        "real agent",
        "an agent",
        "employee",
        "someone real",
        "live chat",
        "mensch",
        "mitarbeiter",
        "humain",
        "une personne",
        "persona",
        "humano",
    ];
    PHRASES.iter().any(|p| lower.contains(p))
}
