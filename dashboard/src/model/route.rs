//! Screens as URL fragments (`#/northwind/active/<id>`), so a browser notification, the back
//! button and a reload all land on the same screen. Fragments need no server-side routing.

/// The lists in the navigation, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Active,
    Monitor,
    Missed,
    Archived,
    Tickets,
    Stats,
    Settings,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Active,
        Tab::Monitor,
        Tab::Missed,
        Tab::Archived,
        Tab::Tickets,
        Tab::Stats,
        Tab::Settings,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Monitor => "monitor",
            Self::Missed => "missed",
            Self::Archived => "archived",
            Self::Tickets => "tickets",
            Self::Stats => "stats",
            Self::Settings => "settings",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Monitor => "Monitor",
            Self::Missed => "Missed",
            Self::Archived => "Archived",
            Self::Tickets => "Tickets",
            Self::Stats => "Statistics",
            Self::Settings => "Settings",
        }
    }

    fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.slug() == slug)
    }

    /// Tabs whose rows open a conversation.
    pub fn lists_conversations(self) -> bool {
        matches!(
            self,
            Self::Active | Self::Monitor | Self::Missed | Self::Archived | Self::Tickets
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// `None`: the agent's first site.
    pub site: Option<String>,
    pub tab: Tab,
    pub conversation: Option<String>,
}

impl Default for Route {
    fn default() -> Self {
        Self {
            site: None,
            tab: Tab::Active,
            conversation: None,
        }
    }
}

fn safe(part: &str) -> bool {
    !part.is_empty()
        && part.len() <= 64
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Route {
    /// Reads `location.hash`; anything unexpected falls back to the defaults.
    pub fn parse(hash: &str) -> Self {
        let mut parts = hash
            .trim_start_matches('#')
            .trim_matches('/')
            .split('/')
            .filter(|p| !p.is_empty());
        let site = parts.next().filter(|s| safe(s)).map(str::to_string);
        let tab = parts.next().and_then(Tab::from_slug).unwrap_or(Tab::Active);
        let conversation = parts
            .next()
            .filter(|c| safe(c) && tab.lists_conversations())
            .map(str::to_string);
        Self {
            site,
            tab,
            conversation,
        }
    }

    pub fn to_hash(&self) -> String {
        let Some(site) = &self.site else {
            return "#/".into();
        };
        match &self.conversation {
            Some(id) => format!("#/{site}/{}/{id}", self.tab.slug()),
            None => format!("#/{site}/{}", self.tab.slug()),
        }
    }

    pub fn chat(site: &str, tab: Tab, id: &str) -> Self {
        Self {
            site: Some(site.to_string()),
            tab,
            conversation: Some(id.to_string()),
        }
    }
}

/// The tab title: waiting chats first, so they show in a crowded tab bar.
pub fn document_title(waiting: usize, tab: Tab, site_name: &str) -> String {
    let base = format!("{} · {site_name} · Baton", tab.title());
    if waiting > 0 {
        format!("({waiting}) {base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let route = Route::chat("northwind", Tab::Missed, "abc123");
        assert_eq!(route.to_hash(), "#/northwind/missed/abc123");
        assert_eq!(Route::parse(&route.to_hash()), route);
        let settings = Route::parse("#/northwind/settings");
        assert_eq!(settings.tab, Tab::Settings);
        assert_eq!(settings.conversation, None);
    }

    #[test]
    fn junk_falls_back() {
        assert_eq!(Route::parse(""), Route::default());
        assert_eq!(Route::parse("#/"), Route::default());
        let odd = Route::parse("#/no%20pe/whatever/<script>");
        assert_eq!(
            (odd.site, odd.tab, odd.conversation),
            (None, Tab::Active, None)
        );
        // Settings has no conversation part.
        assert_eq!(Route::parse("#/s/settings/x").conversation, None);
    }

    #[test]
    fn title_counts_waiting_chats() {
        assert_eq!(
            document_title(2, Tab::Active, "Northwind"),
            "(2) Active · Northwind · Baton"
        );
        assert_eq!(document_title(0, Tab::Stats, "N"), "Statistics · N · Baton");
    }
}
