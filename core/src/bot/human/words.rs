//! The word lists of human-request detection, in en/de/fr/es/it/pt/nl, stored folded (no
//! accents) as the tokeniser produces them. Each list is one role a word plays in a request.

/// People a visitor may want to talk to.
pub(super) const PEOPLE: &str = "\
    human humans person someone somebody anyone anybody agent agents representative \
    representatives rep employee employees staff operator operators manager supervisor advisor \
    adviser consultant owner colleague colleagues boss \
    mensch menschen mitarbeiter mitarbeiterin mitarbeitern jemand jemandem jemanden berater \
    beraterin ansprechpartner kollege kollegen kollegin chef vorgesetzten vorgesetzter \
    humain humains personne quelqu quelquun conseiller conseillere employe operateur \
    operatrice responsable collegue \
    humano humanos persona alguien agente empleado empleada asesor asesora operador operadora \
    representante encargado gerente \
    umano umani qualcuno operatore consulente dipendente addetto collega responsabile \
    pessoa alguem atendente funcionario funcionaria consultor gerente responsavel \
    mens mensen persoon iemand medewerker medewerkers werknemer adviseur leidinggevende";

/// Plural people words: a person to talk to only with a talk verb or "online", never in
/// "price per person" or "for 4 people".
pub(super) const PEOPLE_PLURAL: &str = "\
    people persons personen personnes personas persone pessoas";

/// Desks, teams and departments: someone to talk to when asked for, but also things visitors
/// ask about ("is the reception open?"), so only in a request pattern or on their own.
pub(super) const DESKS: &str = "\
    support service services team desk department dept sales billing accounts accounting \
    reception frontdesk helpdesk complaints office care \
    kundendienst kundenservice vertrieb buchhaltung abteilung rezeption support \
    accueil comptabilite equipe commercial \
    soporte ventas departamento recepcion equipo atencion facturacion \
    assistenza ufficio reparto vendite servizio \
    suporte atendimento setor vendas departamento \
    klantenservice afdeling verkoopafdeling receptie helpdesk klantendienst";

/// Words that may stand between a verb or preposition and the person: "to one of your real
/// agents", "con un essere umano".
pub(super) const DETERMINERS: &str = "\
    a an the some any one of your real live actual human physical living proper customer \
    technical tech member members in from front help \
    ein eine einem einen einer dem der den die das ihrem ihren echten echte echter richtigen \
    lebenden menschlichen zum zur vom gern gerne bitte \
    un une le la l des du au aux vrai vraie veritable votre vos de d \
    el los las una unos unas alguna algun algum alguma su sus al \
    il lo gli i uno essere etre ser di del della dello all alla dell vero vera \
    o os um uma seu sua ao do da \
    een het echte echt jullie van";

/// Verbs of talking, followed by "to/with" (exact words: with typo tolerance "walking with a
/// person" would read as "talking with a person").
pub(super) const TALK: &str = "\
    talk talking tlak speak speaking speek chat chatting converse touch word message \
    parler parle discuter discute echanger joindre \
    hablar hablo hable charlar chatear conversar comunicar comunicarme comunicame \
    parlare parlo chattare \
    falar converso conversar \
    sprechen spreche sprich reden rede chatten schreiben unterhalten \
    praten spreken chatten";

/// German and Dutch put the verb last: "mit einem Mitarbeiter sprechen", "iemand spreken".
pub(super) const TALK_LAST: &str = "\
    sprechen spreche reden chatten schreiben unterhalten telefonieren \
    praten spreken chatten bellen";

/// Modal verbs that may follow a last-position talk verb: "mit dem ich chatten kann".
pub(super) const MODALS: &str = "kann konnen kan kunnen mag darf";

pub(super) const TALK_PREPOSITIONS: &str = "to with a au aux al alla ao avec con mit met com";

/// Verbs of wanting; followed directly by a person they mean a request.
pub(super) const WANT: &str = "\
    want need like prefer wish request demand \
    mochte mochten brauche brauchen hatte suche wunsche will \
    veux voudrais souhaite souhaiterais aimerais demande \
    quiero quisiera necesito busco prefiero deseo \
    voglio vorrei bisogno cerco \
    quero queria preciso gostaria \
    wil wens zoek";

/// Verbs that hand the visitor over: "connect me to", "passez-moi", "verbinden Sie mich".
pub(super) const HAND_OVER: &str = "\
    connect transfer put pass forward redirect switch hand send get give find bring avoir avere \
    verbinden verbinde weiterleiten leiten durchstellen stellen geben gib \
    passez passe passer transferer transferez transfere mettez mettre mets \
    pasa pasar pon poner transferir transfiera transfiere comunique \
    passi passa passare mettete mettere metti trasferire trasferisca \
    passar transfere coloca colocar \
    verbind doorverbinden geef krijgen";

/// A hand-over verb with the visitor already attached: "pásame", "mettetemi", "trasferirmi".
pub(super) const HAND_OVER_ME: &str = "\
    pasame paseme ponme ponerme comunicame transfierame \
    mettetemi mettimi passami passatemi trasferirmi \
    passezmoi";

/// Passive hand-overs: "be connected to an operator", "messo in contatto con".
pub(super) const HANDED: &str = "\
    connected transferred forwarded redirected verbunden weitergeleitet durchgestellt \
    mis transfere transferido transferida puesto messo messa trasferito colocado colocada \
    atendido atendida doorverbonden verbonden";

pub(super) const ME: &str = "me us moi nous mich mir uns mij ons mi m";

/// Calling back: "call me back", "rappelez-moi", "bel me terug".
pub(super) const CALL_BACK: &str = "\
    call ring phone callback rufen anrufen zuruckrufen rappeler rappelez appeler appelez \
    llamar llamen llame llamenme llamame richiamare richiamatemi chiamare chiamatemi ligar \
    liguem ligue retornar terugbellen bel bellen";

/// Ways a person can reach or help the visitor: "can someone email me?", "a human help me".
pub(super) const CONTACT: &str = "\
    call contact phone ring email text reach help helfen anrufen zuruckrufen kontaktieren \
    aider appeler rappeler contacter ayudar llamar aiutare chiamare ajudar ligar helpen bellen";

/// Escalating or complaining to someone.
pub(super) const ESCALATE: &str = "\
    escalate escalation eskalieren escalader escalar escalare";
pub(super) const COMPLAINT: &str = "\
    complaint complain beschwerde beschweren reclamation plainte queja reclamo reclamacao \
    lamentela reclamo klacht";

/// Being there for the visitor: "is anyone available", "ist jemand da?", "hay alguien ahí?".
pub(super) const PRESENT: &str = "\
    available online there around here free working awake \
    erreichbar verfugbar da online \
    disponible ligne disponibles \
    disponible conectado conectada conectados conectadas ahi \
    disponibile disponibili \
    disponivel disponiveis ai \
    beschikbaar";

/// Existence frames before a person: "is there", "y a-t-il", "c'è", "tem", "is er".
pub(super) const THERE: &str =
    "there hay gibt da hier il e ci tem ha er existe esta anybody anyone";

/// Asking what the bot is: "are you a human?", "is this a real person?".
pub(super) const IDENTITY: &str = "you this du das tu toi eres usted sei voce je";

/// The bot itself, in terse contrasts: "human not bot", "kein Bot, ein Mensch".
pub(super) const BOT: &str = "\
    bot bots robot robots machine chatbot ai automated computer maschine robo";

pub(super) const NEGATIONS: &str = "\
    not no never dont without nicht kein keine keinen nie ne pas jamais nunca sin ni \
    non nessuno nao nem niet geen nooit";

/// Information questions: "how do I contact…", "when is support available?".
pub(super) const HOW_WHEN: &str = "\
    how when what wann wie quand comment cuando como quando come hoe wanneer";

/// Allowed around a bare person: "a real human please", "un humain s'il vous plaît".
pub(super) const FILLER: &str = "\
    please pls plz now asap a an the real live actual i want need talk speak to with me give \
    get just only being customer service hello hi hey yo urgent urgently quickly \
    bitte sofort jetzt ein eine einen einem echten echter echte mit ich \
    un une vrai vraie etre s il vous plait svp maintenant je veux \
    por favor una de verdad ahora quiero al cliente clientes client clients clienti \
    per favore vero vera reale subito \
    ao cliente agora \
    graag alstublieft alsjeblieft echt echte een nu aan lijn";

/// Between a person and "available": "somebody from your team online", "anyone at all there".
pub(super) const PRESENT_FILLER: &str = "\
    from of your the team staff at all right now currently today still actually real \
    here there on this chat gerade jetzt hier en maintenant ahora adesso agora nu momento moment";
