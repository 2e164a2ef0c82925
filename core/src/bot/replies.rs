//! What the bot says when it is not quoting the knowledge base, in the visitor's language.
//! Each situation has a few phrasings; the caller picks one with a stable hash of the message,
//! so the bot varies without a random number generator and a test can predict it.

use super::lang::Lang;
use super::smalltalk::Kind;

/// Picks one of `options` by `hash`.
fn pick(options: &[&'static str], hash: u64) -> &'static str {
    let len = options.len().max(1) as u64;
    options
        .get((hash % len) as usize)
        .copied()
        .unwrap_or_default()
}

/// Not understood: invite a rephrase and say that a person is available.
pub(crate) fn fallback(lang: Lang, hash: u64) -> &'static str {
    let options: &[&str] = match lang {
        Lang::En => &[
            "Sorry, I didn't catch that. Could you say it in other words? If you'd rather talk to a person, just ask.",
            "I'm not sure I understood. Could you rephrase it, maybe with a bit more detail? A person from our team can also help.",
            "I don't have an answer for that yet. Try asking another way, or ask for a person and I'll bring someone in.",
            "Hmm, that one is beyond me. Could you put it differently? You can also ask to talk to a person at any time.",
        ],
        Lang::De => &[
            "Entschuldigung, das habe ich nicht verstanden. Können Sie es anders formulieren? Sie können auch jederzeit mit einer Person sprechen.",
            "Da bin ich mir nicht sicher. Versuchen Sie es bitte mit anderen Worten, oder fragen Sie nach einem Mitarbeiter.",
            "Darauf habe ich keine Antwort. Formulieren Sie die Frage gern um, oder ich hole eine Person aus dem Team dazu.",
        ],
        Lang::Fr => &[
            "Désolé, je n'ai pas compris. Pouvez-vous reformuler ? Vous pouvez aussi demander à parler à une personne.",
            "Je ne suis pas sûr d'avoir compris. Essayez avec d'autres mots, ou demandez un conseiller.",
            "Je n'ai pas de réponse à cela. Reformulez votre question, ou demandez à parler à quelqu'un de l'équipe.",
        ],
        Lang::Es => &[
            "Lo siento, no lo he entendido. ¿Puede decirlo de otra manera? También puede pedir hablar con una persona.",
            "No estoy seguro de haberle entendido. Pruebe con otras palabras, o pida hablar con alguien del equipo.",
            "No tengo respuesta para eso. Reformule la pregunta, o pida una persona y le atenderá alguien.",
        ],
        Lang::It => &[
            "Mi scusi, non ho capito. Può dirlo con altre parole? Se preferisce, può chiedere di parlare con una persona.",
            "Non sono sicuro di aver capito. Provi a riformulare, oppure chieda di parlare con qualcuno del team.",
        ],
        Lang::Pt => &[
            "Desculpe, não entendi. Pode dizer de outra forma? Também pode pedir para falar com uma pessoa.",
            "Não tenho certeza de ter entendido. Tente com outras palavras, ou peça para falar com alguém da equipe.",
        ],
        Lang::Nl => &[
            "Sorry, dat begreep ik niet. Kunt u het anders zeggen? U kunt ook vragen om een medewerker.",
            "Ik weet niet zeker of ik het begrijp. Probeer het met andere woorden, of vraag naar iemand van het team.",
        ],
    };
    pick(options, hash)
}

/// Plausible but unclear: the entries offered as buttons follow this line.
pub(crate) fn did_you_mean(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "I'm not sure I understood. Did you mean one of these?",
        Lang::De => {
            "Ich bin nicht sicher, ob ich Sie richtig verstehe. Meinten Sie eine dieser Fragen?"
        }
        Lang::Fr => {
            "Je ne suis pas sûr d'avoir compris. Vouliez-vous dire l'une de ces questions ?"
        }
        Lang::Es => "No estoy seguro de haberle entendido. ¿Quería decir una de estas?",
        Lang::It => "Non sono sicuro di aver capito. Intendeva una di queste?",
        Lang::Pt => "Não tenho certeza de ter entendido. Você quis dizer uma destas?",
        Lang::Nl => "Ik weet niet zeker of ik het begrijp. Bedoelde u een van deze?",
    }
}

/// The visitor asked for a person; the conversation starts the handoff.
pub(crate) fn handoff(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Of course, let me find a person for you.",
        Lang::De => "Gern, ich suche eine Person für Sie.",
        Lang::Fr => "Bien sûr, je vous mets en relation avec une personne.",
        Lang::Es => "Por supuesto, busco a una persona para usted.",
        Lang::It => "Certo, cerco una persona per lei.",
        Lang::Pt => "Claro, vou chamar uma pessoa para você.",
        Lang::Nl => "Natuurlijk, ik zoek een medewerker voor u.",
    }
}

/// Greetings, thanks, goodbyes and other small talk.
pub(crate) fn small_talk(kind: Kind, lang: Lang, hash: u64) -> &'static str {
    use Kind::*;
    let options: &[&str] = match (kind, lang) {
        (Greeting, Lang::En) => &[
            "Hello! What would you like to know?",
            "Hi there! Ask me anything, or ask for a person whenever you like.",
        ],
        (Greeting, Lang::De) => &["Hallo! Was möchten Sie wissen?"],
        (Greeting, Lang::Fr) => &["Bonjour ! Que souhaitez-vous savoir ?"],
        (Greeting, Lang::Es) => &["¡Hola! ¿Qué le gustaría saber?"],
        (Thanks, Lang::En) => &[
            "You're welcome! Anything else I can help with?",
            "Glad I could help. Anything else?",
        ],
        (Thanks, Lang::De) => &["Gern geschehen! Kann ich sonst noch helfen?"],
        (Thanks, Lang::Fr) => &["Avec plaisir ! Puis-je vous aider pour autre chose ?"],
        (Thanks, Lang::Es) => &["¡De nada! ¿Puedo ayudarle en algo más?"],
        (Goodbye, Lang::En) => &["Goodbye, and thanks for stopping by!", "Bye! Have a great day."],
        (Goodbye, Lang::De) => &["Auf Wiedersehen und danke für Ihren Besuch!"],
        (Goodbye, Lang::Fr) => &["Au revoir, et merci de votre visite !"],
        (Goodbye, Lang::Es) => &["¡Adiós, y gracias por su visita!"],
        (HowAreYou, Lang::En) => &["I'm doing well, thanks for asking! What can I help you with?"],
        (HowAreYou, Lang::De) => &["Danke, gut! Wie kann ich helfen?"],
        (HowAreYou, Lang::Fr) => &["Très bien, merci ! Comment puis-je vous aider ?"],
        (HowAreYou, Lang::Es) => &["¡Muy bien, gracias! ¿En qué puedo ayudarle?"],
        (Identity, Lang::En) => &[
            "I'm an automated assistant. I can answer common questions, and I can bring in a person from the team whenever you like.",
        ],
        (Identity, Lang::De) => &[
            "Ich bin ein automatischer Assistent. Ich beantworte häufige Fragen und hole gern eine Person aus dem Team dazu.",
        ],
        (Identity, Lang::Fr) => &[
            "Je suis un assistant automatique. Je réponds aux questions courantes et je peux faire venir une personne de l'équipe.",
        ],
        (Identity, Lang::Es) => &[
            "Soy un asistente automático. Respondo a las preguntas frecuentes y puedo llamar a una persona del equipo.",
        ],
        (Ack, Lang::En) => &["Great. Anything else I can help with?"],
        (Ack, Lang::De) => &["Gut. Kann ich sonst noch helfen?"],
        (Ack, Lang::Fr) => &["Très bien. Autre chose ?"],
        (Ack, Lang::Es) => &["Muy bien. ¿Algo más?"],
        (Greeting, Lang::It) => &["Salve! Cosa vorrebbe sapere?"],
        (Greeting, Lang::Pt) => &["Olá! O que gostaria de saber?"],
        (Greeting, Lang::Nl) => &["Hallo! Wat wilt u weten?"],
        (Thanks, Lang::It) => &["Prego! Posso aiutarla in altro?"],
        (Thanks, Lang::Pt) => &["De nada! Posso ajudar em mais alguma coisa?"],
        (Thanks, Lang::Nl) => &["Graag gedaan! Kan ik nog ergens mee helpen?"],
        (Goodbye, Lang::It) => &["Arrivederci, e grazie della visita!"],
        (Goodbye, Lang::Pt) => &["Até logo, e obrigado pela visita!"],
        (Goodbye, Lang::Nl) => &["Tot ziens, en bedankt voor uw bezoek!"],
        (HowAreYou, Lang::It) => &["Bene, grazie! Come posso aiutarla?"],
        (HowAreYou, Lang::Pt) => &["Muito bem, obrigado! Como posso ajudar?"],
        (HowAreYou, Lang::Nl) => &["Goed, dank u! Waarmee kan ik helpen?"],
        (Identity, Lang::It) => &["Sono un assistente automatico. Rispondo alle domande frequenti e posso chiamare una persona del team."],
        (Identity, Lang::Pt) => &["Sou um assistente automático. Respondo às perguntas frequentes e posso chamar uma pessoa da equipe."],
        (Identity, Lang::Nl) => &["Ik ben een automatische assistent. Ik beantwoord veelgestelde vragen en kan een medewerker erbij halen."],
        (Ack, Lang::It) => &["Bene. Altro?"],
        (Ack, Lang::Pt) => &["Certo. Mais alguma coisa?"],
        (Ack, Lang::Nl) => &["Prima. Nog iets?"],
    };
    pick(options, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_vary_and_always_offer_a_person() {
        let texts: Vec<&str> = (0..4).map(|h| fallback(Lang::En, h)).collect();
        assert!(texts.windows(2).all(|w| w[0] != w[1]));
        assert!(texts.iter().all(|t| t.contains("person")));
        for lang in Lang::ALL {
            assert!(!fallback(lang, 7).is_empty());
        }
    }
}
