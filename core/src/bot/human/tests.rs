use super::*;

#[test]
fn recognises_requests() {
    for text in [
        "can I chat with a person?",
        "is there an employee I can talk to?",
        "representative please",
        "real human",
        "humna",
        "talk to someone",
        "I'd like to speak to one of your agents",
        "put me through to a real person",
        "Can someone call me back?",
        "I don't want a bot, I want a human",
        "get in touch with a human",
        "Kann ich mit einem Mitarbeiter sprechen?",
        "Ich möchte einen Menschen",
        "Ich hätte gern einen Mitarbeiter",
        "je veux parler à un humain",
        "Passez-moi un conseiller",
        "quiero hablar con una persona",
        "pásame con un agente",
        "can a human help me",
        "¿Hay alguien con quien pueda hablar?",
        // Availability, desks, escalation, hand-over constructions, terse contrasts.
        "is anyone available right now?",
        "ist jemand da?",
        "can I speak with the billing department",
        "customer service please",
        "please escalate this",
        "get me someone who can actually help",
        "I would like to be connected to an operator",
        "human not bot",
        "el bot no entiende, necesito un humano",
        "vorrei parlare con un operatore",
        "quero falar com um atendente",
        "ik wil met een medewerker praten",
    ] {
        assert!(wants_human(text), "{text}");
    }
}

#[test]
fn ignores_ordinary_questions() {
    for text in [
        "how many persons per kayak?",
        "do you give travel agents a discount?",
        "I don't need a human, just the price",
        "price per person?",
        "are you a human?",
        "is this a real person?",
        "do I need a person to go with my child?",
        "Do your staff speak German?",
        "is there someone who speaks Spanish on the tour?",
        "Can I talk to the guide during the tour?",
        "Who should I talk to about lost property?",
        "We are 4 persons, can we talk about a discount?",
        "how do I reach you by email?",
        "how do I contact customer service by email?",
        "is the reception open on Sunday?",
        "I'm a travel agent",
        "Wie viel kostet die Tour pro Person?",
        "Ich möchte nicht mit einem Menschen sprechen",
        "Will someone meet us at the harbour?",
        "Can I go walking with a person in a wheelchair?",
        "do you need someone to help carry the kayak?",
        "je ne veux pas parler à un humain",
        "¿Cuántas personas caben en un kayak?",
        "can someone pick us up at the station?",
        "I spoke to someone yesterday about my booking, is it confirmed?",
        "talk me through the cancellation policy",
        "can staff help us carry the kayaks?",
        "can i get a human size kayak lol",
        "can I get someone else to pick up my order?",
        "how do I escalate a dispute with PayPal?",
        "non ho bisogno di una persona, solo il prezzo",
        "is er een leeftijdsgrens voor personen",
        "",
    ] {
        assert!(!wants_human(text), "{text}");
    }
}

/// Families of wording the detector learned after issue 11's first measurement, written apart
/// from the evaluation's messages: the visitor before the verb ("kann mir ein Mensch helfen"),
/// German verb-last hand-overs, "avoir"/"have" as asking for someone, "y a quelqu'un".
#[test]
fn recognises_clitic_and_verb_last_requests() {
    for text in [
        "Können Sie mich mit einem Berater verbinden?",
        "Rufen Sie mich bitte zurück",
        "Kann mir ein Mitarbeiter helfen?",
        "Hallo, ist da jemand?",
        "Ist hier ein Mensch?",
        "Je peux avoir un humain ?",
        "Je veux parler au service client",
        "Un être humain s'il vous plaît",
        "Quelqu'un de votre équipe peut m'aider ?",
        "Y a quelqu'un ?",
        "Transférez-moi à un agent",
        "Alguien me puede ayudar?",
        "Qualcuno mi può aiutare?",
        "Kan iemand mij helpen?",
        "is there a real person on this chat",
        "can i have a human",
        "anyone from support around?",
    ] {
        assert!(wants_human(text), "{text}");
    }
    for text in [
        "Kann mir jemand sagen, wie viel es kostet?",
        "Est-ce que je peux avoir une réduction pour deux personnes ?",
        "Kan ik korting krijgen voor twee personen?",
        "can someone help me carry my luggage to the car",
        "can i have a discount for 3 people",
        "who can i call about my order",
        "cuánto cuesta para dos adultos y una persona",
    ] {
        assert!(!wants_human(text), "{text}");
    }
}
