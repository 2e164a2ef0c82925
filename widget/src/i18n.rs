//! The widget's own words in English, German, French and Spanish. Messages from the bot and
//! agents arrive already written; everything structural (waiting, missed, forms) is worded here,
//! in the site's language or the visitor's browser language.

/// A language the widget speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
}

impl Lang {
    /// `de`, `de-CH`, `FR_fr` … → the language; anything else → `None`.
    pub fn parse(tag: &str) -> Option<Self> {
        // Bytes, not str slices: no allocation and no char-boundary panics linked in.
        let b = tag.trim().as_bytes();
        if b.len() > 2 && !matches!(b[2], b'-' | b'_') {
            return None;
        }
        let code = [
            b.first()?.to_ascii_lowercase(),
            b.get(1)?.to_ascii_lowercase(),
        ];
        [Self::En, Self::De, Self::Fr, Self::Es]
            .into_iter()
            .find(|lang| lang.code().as_bytes() == code)
    }

    /// The first supported language: an explicit choice, then the site's setting, then the
    /// browser's list; English when none fits.
    pub fn choose<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        candidates
            .into_iter()
            .find_map(Self::parse)
            .unwrap_or(Self::En)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
        }
    }

    pub fn t(self, key: T) -> &'static str {
        let table = match self {
            Self::En => &EN,
            Self::De => &DE,
            Self::Fr => &FR,
            Self::Es => &ES,
        };
        table[key as usize]
    }

    /// A string with its `{}` filled in (a name, a count). Split by hand: a `&str` pattern
    /// would link the two-way string searcher into the wasm for this one call; and with `get`,
    /// not indexing, so that the panic on a bad char boundary (its message formats chars with
    /// Unicode tables) is not linked either.
    pub fn fill(self, key: T, value: &str) -> String {
        let text = self.t(key);
        let parts = text
            .find('{')
            .and_then(|at| Some((text.get(..at)?, text.get(at..)?.strip_prefix("{}")?)));
        match parts {
            Some((before, after)) => format!("{before}{value}{after}"),
            None => text.to_string(),
        }
    }
}

/// "Connecting you to a person. You are number 2 in line. Usually answered within 3 min.": the
/// estimate rounded up to whole minutes, and only when the edge gave one.
pub fn queue_text(lang: Lang, position: u32, estimate_ms: Option<i64>) -> String {
    let mut text = lang.t(T::StatusWaiting).to_string();
    text.push_str(". ");
    text.push_str(&lang.fill(T::QueuePlace, &position.to_string()));
    if let Some(ms) = estimate_ms {
        let minutes = ((ms + 59_999) / 60_000).max(1);
        text.push(' ');
        text.push_str(&lang.fill(T::QueueWait, &minutes.to_string()));
    }
    text
}

/// Keys of the string tables, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum T {
    OpenChat,
    CloseChat,
    Unread,
    StatusBot,
    StatusWaiting,
    StatusLive,
    MessageLabel,
    Placeholder,
    Send,
    TalkToPerson,
    ContactIntro,
    Name,
    Email,
    NameError,
    EmailError,
    StartChat,
    Waiting,
    WaitNotice,
    LeaveOffered,
    LeaveButton,
    LeaveIntro,
    YourMessage,
    MessageError,
    SendMessage,
    Cancel,
    TicketCreated,
    NoAgents,
    Missed,
    AgentJoined,
    AgentLeft,
    Forwarded,
    Typing,
    Seen,
    Sending,
    Reconnecting,
    You,
    Assistant,
    RateLimited,
    TooLong,
    Unavailable,
    Failed,
    Messages,
    QueuePlace,
    QueueWait,
    RateTitle,
    EmailTranscript,
    TranscriptSent,
    Rated,
    EraseButton,
    EraseAsk,
    EraseConfirm,
    Erased,
    AttachFile,
    FileFailed,
}

const COUNT: usize = T::FileFailed as usize + 1;

const EN: [&str; COUNT] = [
    "Open chat",
    "Close chat",
    "{} unread",
    "Our assistant answers right away",
    "Connecting you to a person",
    "You are chatting with {}",
    "Message",
    "Write a message…",
    "Send",
    "Talk to a person",
    "Before we connect you, please tell us your name and email.",
    "Name",
    "Email",
    "Please enter your name.",
    "Please enter a valid email address, like name@example.com.",
    "Start chat",
    "Please wait while we connect you to an agent.",
    "Thanks for your patience. Everyone is busy right now, please keep waiting.",
    "You can also leave us a message and we will reply by email.",
    "Leave a message",
    "Leave us a message and we will reply by email.",
    "Your message",
    "Please write a message.",
    "Send message",
    "Cancel",
    "Thank you! Your message was sent and we will reply by email.",
    "Sorry, nobody is available right now.",
    "Sorry, nobody could answer in time. The assistant is here to help again.",
    "{} joined the chat",
    "{} left the chat. The assistant answers again.",
    "You are being transferred to another team.",
    "{} is typing…",
    "Seen",
    "Sending…",
    "Connection lost. Reconnecting…",
    "You",
    "Assistant",
    "You are sending messages too quickly. Please wait a moment.",
    "This message is too long.",
    "The chat is not available right now.",
    "Something went wrong. Please try again.",
    "Messages",
    "You are number {} in line.",
    "Usually answered within {} min.",
    "How was your chat? Type a comment if you like, then pick a score.",
    "Email me this conversation",
    "We sent this conversation to your email.",
    "Thank you for your feedback!",
    "Delete this conversation",
    "Delete this conversation for good? This cannot be undone.",
    "Delete",
    "This conversation was deleted.",
    "Send a file",
    "This file could not be sent. Images, PDF and text files are accepted.",
];

const DE: [&str; COUNT] = [
    "Chat öffnen",
    "Chat schließen",
    "{} ungelesen",
    "Unser Assistent antwortet sofort",
    "Wir verbinden Sie mit einer Person",
    "Sie chatten mit {}",
    "Nachricht",
    "Nachricht schreiben…",
    "Senden",
    "Mit einer Person sprechen",
    "Bevor wir Sie verbinden, nennen Sie uns bitte Ihren Namen und Ihre E-Mail-Adresse.",
    "Name",
    "E-Mail",
    "Bitte geben Sie Ihren Namen ein.",
    "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.com.",
    "Chat starten",
    "Bitte warten Sie, wir verbinden Sie mit einem Mitarbeiter.",
    "Danke für Ihre Geduld. Gerade sind alle beschäftigt, bitte warten Sie noch etwas.",
    "Sie können uns auch eine Nachricht hinterlassen, wir antworten per E-Mail.",
    "Nachricht hinterlassen",
    "Hinterlassen Sie uns eine Nachricht, wir antworten per E-Mail.",
    "Ihre Nachricht",
    "Bitte schreiben Sie eine Nachricht.",
    "Nachricht senden",
    "Abbrechen",
    "Danke! Ihre Nachricht wurde gesendet, wir antworten per E-Mail.",
    "Leider ist gerade niemand erreichbar.",
    "Leider konnte niemand rechtzeitig antworten. Der Assistent hilft Ihnen wieder.",
    "{} ist dem Chat beigetreten",
    "{} hat den Chat verlassen. Der Assistent antwortet wieder.",
    "Sie werden an ein anderes Team weitergeleitet.",
    "{} schreibt…",
    "Gelesen",
    "Wird gesendet…",
    "Verbindung unterbrochen. Neuer Versuch…",
    "Sie",
    "Assistent",
    "Sie senden zu schnell. Bitte warten Sie einen Moment.",
    "Diese Nachricht ist zu lang.",
    "Der Chat ist gerade nicht verfügbar.",
    "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
    "Nachrichten",
    "Sie sind Nummer {} in der Warteschlange.",
    "Antwort meist innerhalb von {} Min.",
    "Wie war Ihr Chat? Gern mit Kommentar, dann eine Bewertung wählen.",
    "Diesen Chat per E-Mail senden",
    "Wir haben Ihnen diesen Chat per E-Mail gesendet.",
    "Danke für Ihr Feedback!",
    "Diesen Chat löschen",
    "Diesen Chat endgültig löschen? Das lässt sich nicht rückgängig machen.",
    "Löschen",
    "Dieser Chat wurde gelöscht.",
    "Datei senden",
    "Diese Datei konnte nicht gesendet werden. Bilder, PDF- und Textdateien sind möglich.",
];

const FR: [&str; COUNT] = [
    "Ouvrir le chat",
    "Fermer le chat",
    "{} non lu(s)",
    "Notre assistant répond tout de suite",
    "Mise en relation avec une personne",
    "Vous discutez avec {}",
    "Message",
    "Écrivez un message…",
    "Envoyer",
    "Parler à une personne",
    "Avant de vous mettre en relation, indiquez-nous votre nom et votre e-mail.",
    "Nom",
    "E-mail",
    "Veuillez saisir votre nom.",
    "Veuillez saisir une adresse e-mail valide, par exemple nom@example.com.",
    "Démarrer le chat",
    "Veuillez patienter, nous vous mettons en relation avec un conseiller.",
    "Merci de votre patience. Tout le monde est occupé, veuillez patienter encore un peu.",
    "Vous pouvez aussi nous laisser un message, nous répondrons par e-mail.",
    "Laisser un message",
    "Laissez-nous un message, nous répondrons par e-mail.",
    "Votre message",
    "Veuillez écrire un message.",
    "Envoyer le message",
    "Annuler",
    "Merci ! Votre message a été envoyé, nous répondrons par e-mail.",
    "Désolé, personne n’est disponible pour le moment.",
    "Désolé, personne n’a pu répondre à temps. L’assistant est de nouveau là pour vous aider.",
    "{} a rejoint le chat",
    "{} a quitté le chat. L’assistant répond de nouveau.",
    "Vous êtes transféré vers une autre équipe.",
    "{} écrit…",
    "Lu",
    "Envoi…",
    "Connexion perdue. Reconnexion…",
    "Vous",
    "Assistant",
    "Vous envoyez des messages trop vite. Patientez un instant.",
    "Ce message est trop long.",
    "Le chat n’est pas disponible pour le moment.",
    "Une erreur s’est produite. Veuillez réessayer.",
    "Messages",
    "Vous êtes numéro {} dans la file d’attente.",
    "Réponse habituelle en moins de {} min.",
    "Comment était votre discussion ? Un commentaire si vous voulez, puis une note.",
    "M’envoyer cette conversation",
    "Nous vous avons envoyé cette conversation par e-mail.",
    "Merci pour votre avis !",
    "Supprimer cette conversation",
    "Supprimer définitivement cette conversation ? C’est irréversible.",
    "Supprimer",
    "Cette conversation a été supprimée.",
    "Envoyer un fichier",
    "Ce fichier n’a pas pu être envoyé. Images, PDF et fichiers texte sont acceptés.",
];

const ES: [&str; COUNT] = [
    "Abrir el chat",
    "Cerrar el chat",
    "{} sin leer",
    "Nuestro asistente responde al instante",
    "Te estamos conectando con una persona",
    "Estás hablando con {}",
    "Mensaje",
    "Escribe un mensaje…",
    "Enviar",
    "Hablar con una persona",
    "Antes de conectarte, dinos tu nombre y tu correo electrónico.",
    "Nombre",
    "Correo electrónico",
    "Escribe tu nombre.",
    "Escribe un correo electrónico válido, por ejemplo nombre@example.com.",
    "Iniciar chat",
    "Espera mientras te conectamos con un agente.",
    "Gracias por tu paciencia. Ahora mismo todos están ocupados, sigue esperando, por favor.",
    "También puedes dejarnos un mensaje y te responderemos por correo.",
    "Dejar un mensaje",
    "Déjanos un mensaje y te responderemos por correo.",
    "Tu mensaje",
    "Escribe un mensaje.",
    "Enviar mensaje",
    "Cancelar",
    "¡Gracias! Tu mensaje se ha enviado y te responderemos por correo.",
    "Lo sentimos, ahora mismo no hay nadie disponible.",
    "Lo sentimos, nadie pudo responder a tiempo. El asistente vuelve a ayudarte.",
    "{} se ha unido al chat",
    "{} ha salido del chat. El asistente responde de nuevo.",
    "Te estamos transfiriendo a otro equipo.",
    "{} está escribiendo…",
    "Visto",
    "Enviando…",
    "Se perdió la conexión. Reconectando…",
    "Tú",
    "Asistente",
    "Estás enviando mensajes demasiado rápido. Espera un momento.",
    "Este mensaje es demasiado largo.",
    "El chat no está disponible en este momento.",
    "Algo salió mal. Inténtalo de nuevo.",
    "Mensajes",
    "Eres el número {} en la cola.",
    "Respuesta habitual en menos de {} min.",
    "¿Qué tal fue tu chat? Escribe un comentario si quieres y elige una nota.",
    "Enviarme esta conversación",
    "Te enviamos esta conversación por correo.",
    "¡Gracias por tu opinión!",
    "Eliminar esta conversación",
    "¿Eliminar esta conversación para siempre? No se puede deshacer.",
    "Eliminar",
    "Se eliminó esta conversación.",
    "Enviar un archivo",
    "No se pudo enviar este archivo. Se aceptan imágenes, PDF y archivos de texto.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_languages() {
        assert_eq!(Lang::parse("de-CH"), Some(Lang::De));
        assert_eq!(Lang::parse("FR_fr"), Some(Lang::Fr));
        assert_eq!(Lang::parse("es"), Some(Lang::Es));
        assert_eq!(Lang::parse("nl-NL"), None);
        assert_eq!(Lang::parse("e"), None);
        assert_eq!(Lang::parse("english"), None);
        assert_eq!(Lang::choose(["", "nl", "fr-CA", "de"]), Lang::Fr);
        assert_eq!(Lang::choose(["nl"]), Lang::En);
    }

    #[test]
    fn queue_place_says_the_wait_in_whole_minutes_when_known() {
        assert_eq!(
            queue_text(Lang::En, 2, None),
            "Connecting you to a person. You are number 2 in line."
        );
        assert_eq!(
            queue_text(Lang::En, 2, Some(120_001)),
            "Connecting you to a person. You are number 2 in line. Usually answered within 3 min."
        );
        assert_eq!(
            queue_text(Lang::De, 1, Some(5_000)),
            "Wir verbinden Sie mit einer Person. Sie sind Nummer 1 in der Warteschlange. \
             Antwort meist innerhalb von 1 Min."
        );
    }

    #[test]
    fn every_table_fills_its_placeholders() {
        for lang in [Lang::En, Lang::De, Lang::Fr, Lang::Es] {
            for key in [
                T::Unread,
                T::StatusLive,
                T::AgentJoined,
                T::AgentLeft,
                T::Typing,
            ] {
                let filled = lang.fill(key, "Ann");
                assert!(
                    filled.contains("Ann") && !filled.contains("{}"),
                    "{lang:?} {key:?}"
                );
            }
            assert!(!lang.t(T::Messages).is_empty());
        }
    }
}
